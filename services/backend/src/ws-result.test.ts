import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { resultHead, resultTail } from "./ws-result";

/** The frame as the object it stands for would be stringified. */
const byObject = (backendId: string, id: unknown, method: string, params: unknown, sequence: number, total: number) =>
  JSON.stringify({ id, jsonrpc: "2.0", result: { backend_id: backendId, method, params, sequence, status: "ok", total } });

test("head + sequence + tail is JSON.stringify of the result object, for any parsed id, method and params", () => {
  // Values as JSON.parse makes them (ids and params come from clients), lone surrogates included.
  const parsed = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
  const text = fc.string({ unit: "binary" });
  fc.assert(
    fc.property(text, parsed, text, parsed, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (backendId, id, method, params, sequence, total) => {
      const built = resultHead(JSON.stringify(backendId), id, method, params) + sequence + resultTail(total);
      assert.equal(built, byObject(backendId, id, method, params, sequence, total));
    }),
    { seed: 14, numRuns: 2000 },
  );
});

test("keys a client could send that mean something to JS objects are written as they came", () => {
  for (const raw of ['{"__proto__":{"a":1}}', '{"toJSON":"x"}', '[{"constructor":null}]', "null", '"\\ud800"', "1e400"]) {
    const v = JSON.parse(raw) as unknown;
    assert.equal(resultHead('"b"', v, "m", v) + 1 + resultTail(1), byObject("b", v, "m", v, 1, 1), raw);
  }
});
