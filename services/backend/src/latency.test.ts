import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleLatency } from "./latency";
import { createRng } from "./rng";

const N = 20_000;
const draw = (spec: Parameters<typeof sampleLatency>[0], seed = 1) => {
  const rng = createRng(seed);
  return Array.from({ length: N }, () => sampleLatency(spec, rng));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test("rng: same seed, same sequence; different seed, different sequence; uniform in [0,1)", () => {
  const a = createRng(7),
    b = createRng(7),
    c = createRng(8);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 1000 }, () => c.next()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  // Mean of U(0,1) is 0.5 with sd 1/sqrt(12 n); 5 sd bound.
  assert.ok(Math.abs(mean(xs) - 0.5) < 5 / Math.sqrt(12 * 1000));
});

test("fixed latency is exact", () => {
  assert.ok(draw({ type: "fixed", ms: 42 }).every((x) => x === 42));
});

test("uniform latency: bounds, mean and spread match U(min,max)", () => {
  const xs = draw({ type: "uniform", min_ms: 10, max_ms: 30 });
  assert.ok(xs.every((x) => x >= 10 && x < 30));
  const expectedSd = 20 / Math.sqrt(12);
  assert.ok(Math.abs(mean(xs) - 20) < (5 * expectedSd) / Math.sqrt(N), `mean ${mean(xs)}`);
  assert.ok(Math.abs(sd(xs) - expectedSd) < 0.05 * expectedSd, `sd ${sd(xs)}`);
});

test("log-normal latency: median = median_ms, ln-spread = sigma, cap respected", () => {
  const xs = draw({ type: "lognormal", median_ms: 50, sigma: 0.5 }, 3);
  assert.ok(Math.abs(median(xs) / 50 - 1) < 0.03, `median ${median(xs)}`);
  const logs = xs.map(Math.log);
  assert.ok(Math.abs(sd(logs) - 0.5) < 0.02, `sigma ${sd(logs)}`);
  // Mean of a log-normal is median * e^(sigma^2/2).
  assert.ok(Math.abs(mean(xs) / (50 * Math.exp(0.125)) - 1) < 0.03, `mean ${mean(xs)}`);
  const capped = draw({ type: "lognormal", median_ms: 50, sigma: 1, cap_ms: 80 }, 4);
  assert.ok(capped.every((x) => x <= 80));
  // P(X > 80) = P(Z > ln(1.6)) ~ 0.319 for sigma 1: that share sits exactly at the cap.
  const atCap = capped.filter((x) => x === 80).length / N;
  assert.ok(Math.abs(atCap - 0.319) < 0.02, `share at cap ${atCap}`);
});
