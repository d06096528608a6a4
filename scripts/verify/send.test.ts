/** How `verify --send` reads the relay client's reports: each shape it prints, and failures. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { printable, succeededIn } from "./send";

const unary = (status: string, signature: string) => `=== Relay ===\nStatus: ${status}\nSignature: ${signature}\nPayload: {"result":"0x1"}\n`;
const stream = (batches: number, signatures: string) =>
  `\n=== Stream Results ===\nBatches Received: ${batches}\nSignatures: ${signatures}\nBatch 1: 120 bytes\n\n=== Combined Payload ===\nPayload (raw): \u0000\u0001data: {"n":1}\n`;

test("one unary relay counts when its status is SUCCESS and its signature VALID", () => {
  assert.equal(succeededIn(unary("✅ SUCCESS", "✅ VALID"), 1), 1);
  assert.equal(succeededIn(unary("❌ FAILED", "✅ VALID"), 1), 0);
  assert.equal(succeededIn(unary("✅ SUCCESS", "❌ INVALID"), 1), 0);
});

test("one streaming relay counts when it received batches and every signature is valid", () => {
  assert.equal(succeededIn(stream(3, "✅ ALL VALID"), 1), 1);
  assert.equal(succeededIn(stream(0, "✅ ALL VALID"), 1), 0, "no batch is no relay");
  assert.equal(succeededIn(stream(2, "❌ INVALID"), 1), 0);
});

test("a load test counts its summary's successful requests", () => {
  assert.equal(succeededIn("=== Load Test Results ===\nTotal Requests: 200\nSuccessful: 198\nFailed: 2\n", 200), 198);
  assert.equal(succeededIn("Successful Requests: 200\n", 200), 200);
  assert.equal(succeededIn("error: connection refused\n", 200), 0);
});

test("an error alone counts nothing", () => {
  assert.equal(succeededIn("Error: failed to send streaming relay: HTTP 503\n", 1), 0);
});

test("printable keeps text and drops control bytes", () => {
  assert.equal(printable("a\u0000b\tc\n\u007fd\ufffde"), "ab\tc\nde");
});
