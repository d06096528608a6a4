/**
 * Latency sampling for fault rules: fixed, uniform, and log-normal with an optional cap. Log-normal
 * is what real backends look like (a tight body and a long tail); the cap keeps a test bounded.
 */
import type { LatencySpec } from "./config";
import { normal, type Rng } from "./rng";

/** Milliseconds to wait, drawn from `spec`. */
export function sampleLatency(spec: LatencySpec | undefined, rng: Rng): number {
  if (!spec) return 0;
  switch (spec.type) {
    case "fixed":
      return spec.ms;
    case "uniform":
      return spec.min_ms + (spec.max_ms - spec.min_ms) * rng.next();
    case "lognormal": {
      // median = e^mu, so mu = ln(median); sigma is the spread of ln(latency).
      const v = spec.median_ms * Math.exp(spec.sigma * normal(rng));
      return spec.cap_ms === undefined ? v : Math.min(v, spec.cap_ms);
    }
  }
}

/** setTimeout as a promise; 0 resolves on the next tick without a timer. */
export function sleep(msDelay: number): Promise<void> {
  if (msDelay <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, msDelay));
}
