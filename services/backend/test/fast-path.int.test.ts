/**
 * The lean HTTP front: it answers probes and plain JSON-RPC exactly as the full node:http path
 * does, keeps HTTP/1.1 framing right (pipelining, split packets, Connection: close), and hands
 * anything else to node:http without losing or reordering bytes.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { parseHead } from "../src/http/fast-path";
import { startTestBackend, type TestBackend } from "./helper";

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ chain: { mode: "manual", start_height: 7 } });
});
after(() => b.close());

const RPC = '{"jsonrpc":"2.0","id":3,"method":"eth_call","params":[{"to":"0x1"},"latest"]}';
const post = (body: string, extra = "") => `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const chunked = (body: string) =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses every complete response in `raw` (Content-Length framing only). */
function replies(raw: string): Reply[] {
  const out: Reply[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end === -1) break;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    const length = Number(headers["content-length"] ?? 0);
    out.push({ status: Number(statusLine.split(" ")[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** Writes `parts` on one connection (a pause between them) and collects what comes back until `count` replies or close. */
async function exchange(parts: string[], count: number, gapMs = 20): Promise<{ replies: Reply[]; closed: boolean; socket: Socket }> {
  const socket = connect(b.ports.http, "127.0.0.1");
  let raw = "";
  let closed = false;
  socket.on("data", (d) => (raw += d.toString("latin1")));
  socket.on("close", () => (closed = true));
  await new Promise((r) => socket.once("connect", r));
  for (const p of parts) {
    socket.write(p);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const deadline = Date.now() + 5000;
  while (replies(raw).length < count && !closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return { replies: replies(raw), closed, socket };
}

describe("lean front", () => {
  test("plain JSON-RPC, /health and /ready answer exactly as the full path does", async () => {
    const { replies: fast, socket } = await exchange([post(RPC), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n"], 3);
    socket.destroy();
    // Chunked framing is the full path's: same request, other path.
    // Once handed over, the connection stays with node:http, so the probes after it are its own.
    const { replies: full, socket: s2 } = await exchange([chunked(RPC), "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\n"], 3);
    s2.destroy();
    const [rpcFull, healthFull, readyFull] = full;
    for (const [f, n] of [
      [fast[0], rpcFull],
      [fast[1], healthFull],
      [fast[2], readyFull],
    ] as const) {
      assert.equal(f.status, n.status);
      assert.equal(f.body, n.body);
      for (const h of ["content-type", "x-backend-id", "connection", "keep-alive", "content-length"]) assert.equal(f.headers[h], n.headers[h], h);
      assert.match(f.headers.date, /GMT$/);
    }
    assert.equal(fast[0].body, '{"id":3,"jsonrpc":"2.0","result":{"backend_id":"test-backend","method":"eth_call","params":[{"to":"0x1"},"latest"],"status":"ok"}}');
    assert.equal(fast[1].body, '{"status":"healthy","service":"demo-backend"}\n');
  });

  test("pipelined requests in one write, and a head split byte by byte, are all answered in order", async () => {
    const three = post('{"id":1,"method":"a"}') + post('{"id":2,"method":"eth_blockNumber"}') + post('{"id":3,"method":"c"}');
    const { replies: r, socket } = await exchange([three], 3);
    socket.destroy();
    assert.deepEqual(
      r.map((x) => JSON.parse(x.body).id),
      [1, 2, 3],
    );
    assert.equal(JSON.parse(r[1].body).result, "0x7");

    const whole = post('{"id":9,"method":"split"}');
    const { replies: s, socket: s2 } = await exchange([...whole], 1, 1);
    s2.destroy();
    assert.equal(JSON.parse(s[0].body).result.method, "split");
  });

  test("a request the front does not take hands the connection over with nothing lost or reordered", async () => {
    const echo = "POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    const { replies: r, socket } = await exchange([post('{"id":1,"method":"before"}') + echo + post('{"id":2,"method":"after"}')], 3);
    socket.destroy();
    assert.equal(JSON.parse(r[0].body).result.method, "before");
    assert.equal(JSON.parse(r[1].body).body, "hello");
    assert.equal(JSON.parse(r[2].body).result.method, "after");
  });

  test("Connection: close is honoured; HTTP/1.0 and malformed requests get node:http's answers", async () => {
    const closing = await exchange([post('{"id":1,"method":"m"}', "Connection: close\r\n")], 1);
    assert.equal(closing.replies[0].headers.connection, "close");
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(closing.closed, "the connection was closed after the answer");

    const old = await exchange(["GET /health HTTP/1.0\r\n\r\n"], 1);
    old.socket.destroy();
    assert.equal(old.replies[0].status, 200);

    const bad = await exchange(["GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"], 1);
    assert.equal(bad.replies[0].status, 400);
  });

  test("faults configured: JSON-RPC goes through the full path (the rule fires)", async () => {
    assert.equal((await b.admin("PUT", "/rules", [{ method: "flaky", action: { type: "http_status", status: 503 } }])).status, 200);
    try {
      const { replies: r, socket } = await exchange([post('{"id":1,"method":"flaky"}')], 1);
      socket.destroy();
      assert.equal(r[0].status, 503);
    } finally {
      await b.admin("DELETE", "/rules");
    }
  });

  test("metrics and the journal count requests answered on the front", async () => {
    await b.admin("DELETE", "/journal");
    const { socket } = await exchange([post('{"id":1,"method":"counted"}', "Pocket-Service: develop-http\r\n")], 1);
    socket.destroy();
    const j = (await b.admin("GET", "/journal?method=counted")).json;
    assert.equal(j.length, 1);
    assert.equal(j[0].headers["pocket-service"], "develop-http");
    assert.equal(j[0].body, '{"id":1,"method":"counted"}');
    const m = await (await fetch(`http://127.0.0.1:${b.ports.metrics}/metrics`)).text();
    assert.match(m, /demo_requests_total\{protocol="http",method="counted",outcome="ok",fault="none"\} 1/);
  });
});

describe("parseHead takes only plain, well-formed heads", () => {
  const head = (lines: string[]) => parseHead(lines.join("\r\n"));
  test("accepts a plain request", () => {
    assert.deepEqual(head(["POST /x?y=1 HTTP/1.1", "Host: a", "Content-Length: 3", "Connection: keep-alive"])?.contentLength, 3);
  });
  for (const [name, lines] of [
    ["HTTP/1.0", ["GET / HTTP/1.0", "Host: a"]],
    ["another method", ["PUT / HTTP/1.1", "Host: a"]],
    ["no Host", ["GET / HTTP/1.1"]],
    ["Transfer-Encoding", ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"]],
    ["two Content-Lengths", ["POST / HTTP/1.1", "Host: a", "Content-Length: 1", "Content-Length: 2"]],
    ["a non-decimal Content-Length", ["POST / HTTP/1.1", "Host: a", "Content-Length: 0x10"]],
    ["obs-fold", ["GET / HTTP/1.1", "Host: a", "X: a", " folded"]],
    ["a control character in a value", ["GET / HTTP/1.1", "Host: a\u0001"]],
    ["Expect", ["POST / HTTP/1.1", "Host: a", "Expect: 100-continue"]],
    ["Upgrade", ["GET /ws HTTP/1.1", "Host: a", "Upgrade: websocket", "Connection: Upgrade"]],
    ["a space before the colon", ["GET / HTTP/1.1", "Host : a"]],
  ] as const) {
    test(`hands off ${name}`, () => assert.equal(head([...lines]), undefined));
  }
});

test("draining closes idle keep-alive connections on the front, and /ready turns 503 first", { timeout: 30_000 }, async () => {
  const own = await startTestBackend();
  const socket = connect(own.ports.http, "127.0.0.1");
  let raw = "";
  socket.on("data", (d) => (raw += d.toString("latin1")));
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  await new Promise((r) => socket.once("connect", r));
  socket.write("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
  while (replies(raw).length < 1) await new Promise((r) => setTimeout(r, 10));
  own.rt.draining = true;
  socket.write("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
  while (replies(raw).length < 2) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    replies(raw).map((r) => r.status),
    [200, 503],
  );
  own.rt.draining = false;
  // A grace far beyond the test's timeout: close() only returns in time if idle connections are closed.
  await own.close(600_000);
  await closed;
});
