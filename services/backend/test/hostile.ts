/**
 * Generators of hostile input for the property tests: what a careless or malicious client sends
 * (deep nesting, huge strings and arrays, odd ids, wrong types, truncated or binary garbage).
 */
import fc from "fast-check";

const utf8 = (s: string) => Buffer.from(s, "utf8");

/** Arrays, objects or a mix, nested `depth` deep, optionally inside a JSON-RPC field. */
export const deepNesting = fc.record({ depth: fc.integer({ min: 50, max: 20_000 }), kind: fc.constantFrom("array", "object", "mixed") }).map(({ depth, kind }) => {
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    const obj = kind === "object" || (kind === "mixed" && i % 2 === 1);
    open += obj ? '{"k":' : "[";
    close = (obj ? "}" : "]") + close;
  }
  return `${open}1${close}`;
});

/** Long strings, some past the 1 MiB body limit. */
export const hugeString = fc.integer({ min: 10_000, max: 1_500_000 }).map((n) => "x".repeat(n));

/** Long flat arrays (up to 400k elements inside the body limit). */
export const hugeArray = fc.integer({ min: 1000, max: 400_000 }).map((n) => `[${"1,".repeat(n - 1)}1]`);

/** JSON-RPC ids a spec-abiding client would never send. */
export const oddId = fc.oneof(
  fc.constantFrom(null, true, false, -0, 1e308, -1e308, 0.1, "", "\u0000", "\ud83d\ude00"),
  fc.string({ maxLength: 50 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A method: ordinary, odd, or huge. */
export const oddMethod = fc.oneof(
  fc.constantFrom("eth_call", "eth_blockNumber", "eth_getBlockByNumber", "eth_subscribe", "eth_unsubscribe", "", "*", "__proto__", "constructor"),
  fc.string({ maxLength: 300 }),
  fc.integer({ min: 200, max: 200_000 }).map((n) => "m".repeat(n)),
);

/** One call with hostile members (as a value, for batches). */
export const hostileCall = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant("2.0"), fc.jsonValue({ maxDepth: 1 })),
    id: oddId,
    method: fc.oneof(oddMethod, fc.jsonValue({ maxDepth: 2 })),
    params: fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.array(fc.constantFrom("latest", "0x1", "0xffffffffffffffffffffffffffffffff", -1, 1e300), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

/** Bytes that are not JSON: truncated JSON, random text, random binary, control bytes. */
export const garbage = fc.oneof(
  fc.jsonValue().map((v) => {
    const t = JSON.stringify(v) ?? "null";
    return t.slice(0, Math.max(0, t.length - 1));
  }),
  fc.string({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 4000 }).map((a) => Buffer.from(a).toString("latin1")),
);

/** A whole hostile JSON-RPC body (text). */
export const hostileBody: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileCall.map((c) => JSON.stringify(c)), weight: 4 },
  { arbitrary: fc.array(hostileCall, { minLength: 0, maxLength: 1500 }).map((b) => JSON.stringify(b)), weight: 2 },
  { arbitrary: deepNesting.map((n) => `{"jsonrpc":"2.0","id":1,"method":"m","params":${n}}`), weight: 2 },
  { arbitrary: deepNesting.map((n) => `{"jsonrpc":"2.0","id":${n},"method":"m"}`), weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: hugeString.map((s) => `{"jsonrpc":"2.0","id":1,"method":"m","params":["${s}"]}`), weight: 1 },
  { arbitrary: hugeArray.map((a) => `{"jsonrpc":"2.0","id":1,"method":"m","params":${a}}`), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v) ?? "null"), weight: 2 },
  { arbitrary: garbage, weight: 2 },
);

/** A WebSocket frame: a hostile body as text or binary, or raw bytes. */
export const hostileFrame = fc.oneof(
  hostileBody.map((text) => ({ data: utf8(text), binary: false })),
  hostileBody.map((text) => ({ data: utf8(text), binary: true })),
  fc
    .record({ count: fc.integer({ min: 1, max: 100_000 }), delay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.constant(1e12)) })
    .map(({ count, delay }) => ({ data: utf8(JSON.stringify({ id: 1, method: "m", params: [{ repeat_count: count, delay_ms: delay }] })), binary: false })),
);

/** A gRPC message payload: protobuf-ish and random bytes. */
export const hostileProtobuf = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  // A varint field 1 with every byte's continuation bit set: an unterminated number.
  fc.integer({ min: 1, max: 64 }).map((n) => Buffer.from([0x08, ...new Array(n).fill(0xff)])),
  // Field 1 as a length-delimited blob that claims more bytes than follow.
  fc.integer({ min: 1, max: 2 ** 28 }).map((n) => {
    const bytes = [0x0a];
    let v = n;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    bytes.push(v);
    return Buffer.from(bytes);
  }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => {
    const bytes = [0x08];
    let v = n;
    while (v > 0x7fn) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    return Buffer.from(bytes);
  }),
);

/** Admin API writes with hostile bodies and content types. */
export const hostileAdminWrite = fc.record({
  route: fc.constantFrom(
    { method: "PUT", path: "/rules" },
    { method: "POST", path: "/rules" },
    { method: "PATCH", path: "/settings" },
    { method: "POST", path: "/seed" },
    { method: "POST", path: "/chain/advance" },
    { method: "PUT", path: "/chain/height" },
    { method: "DELETE", path: "/rules/x" },
    { method: "GET", path: "/journal?limit=-1" },
  ),
  contentType: fc.constantFrom("application/json", "text/plain", "", "application/json; charset=utf-8", "application/x-www-form-urlencoded"),
  body: fc.oneof(
    hostileBody,
    fc.constantFrom('{"blocks":-5}', '{"blocks":1e400}', '{"height":-1}', '{"seed":"1"}', "[]", "{}", "null", '{"__proto__":{"x":1}}'),
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? "null"),
  ),
});
