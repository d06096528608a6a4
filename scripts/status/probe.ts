/**
 * What is listening on a port that did not speak Redis to ioredis: one inline `PING`, then the
 * first bytes of the answer. An HTTP server answers `HTTP/1.1 400`, Redis `+PONG` or an error
 * (`-NOAUTH …`); anything else, silence, or a hang-up is named too.
 */
import { connect } from "node:net";

const probeTimeoutMs = 2000;

/** A sentence saying why the endpoint is not Redis, or undefined when it answered like Redis. */
export function identifyEndpoint(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    const done = (answer: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(
      () => done(got.length === 0 ? `the port accepted a connection but did not answer PING within ${probeTimeoutMs / 1000} s: not a Redis server, or a stuck one` : judge(got)),
      probeTimeoutMs,
    );
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 5 || got.includes(0x0a)) done(judge(got));
    });
    socket.on("error", () => done(got.length > 0 ? judge(got) : undefined));
    socket.on("close", () => done(got.length > 0 ? judge(got) : "the port closed the connection without answering PING: not a Redis server"));
  });
}

function judge(reply: Buffer): string | undefined {
  const first = reply.toString("latin1", 0, Math.min(reply.length, 8));
  if (first.startsWith("+") || first.startsWith("-")) return undefined;
  if (first.startsWith("HTTP/")) return "something answered, but in HTTP, not the Redis protocol: this is an HTTP server, not Redis (wrong port?)";
  return `something answered, but not in the Redis protocol (its reply starts with ${JSON.stringify(first)}): not a Redis server (wrong port?)`;
}
