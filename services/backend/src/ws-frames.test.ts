import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import type { EventEmitter } from "node:events";
import WebSocket from "ws";
import { createRng, type Rng } from "./rng";
import { encodeTextFrame, NEED_MORE, NOT_PLAIN, plainFrameEnd, readPlainFrames } from "./ws-frames";

// ws exports its frame reader and writer at run time; its type package does not declare them.
type Receiver = EventEmitter & { write(chunk: Buffer): boolean };
const { Receiver, Sender } = WebSocket as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => Receiver;
  Sender: { frame(data: Buffer, options: object): Buffer[] };
};

/** A frame exactly as ws writes it (its own Sender), masked as a client sends it or not. */
function wsFrame(payload: Buffer, opts: { opcode?: number; fin?: boolean; mask?: boolean; rsv1?: boolean } = {}): Buffer {
  const { opcode = 1, fin = true, mask = true, rsv1 = false } = opts;
  return Buffer.concat(Sender.frame(Buffer.from(payload), { fin, opcode, mask, rsv1, readOnly: false }));
}

test("encodeTextFrame writes the bytes ws's sender writes, at every length encoding", () => {
  for (const n of [0, 1, 125, 126, 127, 1000, 65535, 65536, 70_000]) {
    const text = "x".repeat(n);
    assert.deepEqual(encodeTextFrame(text), wsFrame(Buffer.from(text), { mask: false }), `length ${n}`);
  }
  const unicode = 'é€😀 {"id":1}'.repeat(20);
  assert.deepEqual(encodeTextFrame(unicode), wsFrame(Buffer.from(unicode), { mask: false }));
});

test("plainFrameEnd: the end of a whole plain text frame, NEED_MORE for every prefix, NOT_PLAIN for the rest", () => {
  for (const n of [0, 5, 125, 126, 2000]) {
    const f = wsFrame(Buffer.alloc(n, 0x61));
    assert.equal(plainFrameEnd(f, 0, 4096), f.length, `length ${n}`);
    const twice = Buffer.concat([f, f]);
    assert.equal(plainFrameEnd(twice, f.length, 4096), twice.length);
    for (let cut = 0; cut < f.length; cut++) assert.equal(plainFrameEnd(f.subarray(0, cut), 0, 4096), NEED_MORE, `length ${n} cut at ${cut}`);
  }
  const text = Buffer.from("hi");
  const cases: Array<[string, Buffer]> = [
    ["binary", wsFrame(text, { opcode: 2 })],
    ["ping", wsFrame(text, { opcode: 9 })],
    ["close", wsFrame(Buffer.from([3, 232]), { opcode: 8 })],
    ["first fragment", wsFrame(text, { fin: false })],
    ["continuation", wsFrame(text, { opcode: 0 })],
    ["unmasked", wsFrame(text, { mask: false })],
    ["RSV1 set", wsFrame(text, { rsv1: true })],
    ["64-bit length", wsFrame(Buffer.alloc(65536, 0x61))],
    ["over the payload limit", wsFrame(Buffer.alloc(101, 0x61))],
  ];
  for (const [name, f] of cases) assert.equal(plainFrameEnd(f, 0, 100), NOT_PLAIN, name);
});

/** What ws's receiver makes of bytes: messages, pings, close and errors, in order. */
function wsReader(maxPayload: number): { receiver: Receiver; events: string[] } {
  const receiver = new Receiver({ isServer: true, maxPayload });
  const events: string[] = [];
  receiver.on("message", (d: Buffer, binary: boolean) => events.push(`${binary ? "binary" : "text"} ${d.toString("hex")}`));
  receiver.on("ping", (d: Buffer) => events.push(`ping ${d.toString("hex")}`));
  receiver.on("conclude", (code: number) => events.push(`close ${code}`));
  receiver.on("error", (e: Error & { code?: string }) => events.push(`error ${e.code}`));
  return { receiver, events };
}

function randomFrame(rng: Rng, maxPayload: number): Buffer {
  const pick = rng.next();
  const length = rng.next() < 0.2 ? 120 + Math.floor(rng.next() * 40) : Math.floor(rng.next() * 60);
  const chars = ['{"m":1}', "a", "é", "€", "😀", " ", "\\"];
  let s = "";
  while (Buffer.byteLength(s) < length) s += chars[Math.floor(rng.next() * chars.length)];
  const payload = Buffer.from(s);
  if (pick < 0.8) return wsFrame(payload);
  if (pick < 0.84) return wsFrame(payload, { opcode: 9 });
  if (pick < 0.88) return Buffer.concat([wsFrame(payload, { fin: false }), wsFrame(payload, { opcode: 0 })]);
  if (pick < 0.91) return wsFrame(payload, { opcode: 2 });
  if (pick < 0.94) return wsFrame(Buffer.from([0x61, 0xff, 0xfe]));
  if (pick < 0.97) return wsFrame(Buffer.alloc(maxPayload + 1, 0x61));
  return wsFrame(payload, { mask: false });
}

test("readPlainFrames gives ws's receiver's messages in ws's order, for random frame mixes cut at random", async () => {
  const maxPayload = 150;
  for (let seed = 1; seed <= 300; seed++) {
    const rng = createRng(seed);
    const bytes = Buffer.concat(Array.from({ length: 1 + Math.floor(rng.next() * 12) }, () => randomFrame(rng, maxPayload)));
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      const n = 1 + Math.floor(rng.next() * 40);
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }

    const direct = wsReader(maxPayload);
    for (const c of chunks) direct.receiver.write(Buffer.from(c));

    const lean = wsReader(maxPayload);
    const socket = new PassThrough();
    // Stands in for ws's own data listener, as setSocket attaches it.
    socket.on("data", (chunk: Buffer) => lean.receiver.write(chunk));
    assert.equal(
      readPlainFrames(socket, maxPayload, (p) => lean.events.push(`text ${p.toString("hex")}`)),
      true,
    );
    for (const c of chunks) socket.write(Buffer.from(c));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lean.events, direct.events, `seed ${seed}`);
  }
});

test("readPlainFrames: a frame cut by the socket closing reaches ws's reader before anything after it", async () => {
  const frame = wsFrame(Buffer.from('{"method":"ping"}'));
  const lean = wsReader(1000);
  const socket = new PassThrough();
  const seen: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => seen.push(chunk));
  assert.equal(
    readPlainFrames(socket, 1000, () => assert.fail("the frame is not whole")),
    true,
  );
  socket.write(frame.subarray(0, 5));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, [], "held until the frame is whole");
  socket.destroy();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(Buffer.concat(seen), frame.subarray(0, 5), "handed on when the socket closed");
  assert.deepEqual(lean.events, []);
});

test("readPlainFrames leaves a socket alone unless it has exactly one data listener", () => {
  const socket = new PassThrough();
  assert.equal(
    readPlainFrames(socket, 100, () => undefined),
    false,
  );
  socket.on("data", () => undefined);
  socket.on("data", () => undefined);
  assert.equal(
    readPlainFrames(socket, 100, () => undefined),
    false,
  );
  assert.equal(socket.listenerCount("data"), 2);
});
