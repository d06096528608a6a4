/** JsonStream: documents split across chunks, braces inside strings, several documents in one chunk. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonStream } from "./json-stream";

test("splits indented documents however the chunks fall, and is not fooled by braces or quotes in strings", () => {
  const docs = [
    { type: "ADDED", object: { metadata: { name: "a" }, note: 'brace } and { "quoted" \\ back' } },
    { type: "MODIFIED", object: { metadata: { name: "b" }, list: [1, { x: "]" }] } },
    { type: "DELETED", object: { metadata: { name: "a" } } },
  ];
  const text = docs.map((d) => JSON.stringify(d, null, 4)).join("\n");
  for (const size of [1, 3, 7, 64, text.length]) {
    const s = new JsonStream();
    const out: unknown[] = [];
    for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
    assert.deepEqual(out, docs, `chunks of ${size}`);
  }
});

test("a document that is not JSON throws", () => {
  assert.throws(() => new JsonStream().push("{oops}"), SyntaxError);
});
