/**
 * Cosmos LegacyDec: a fixed-point number with 18 decimals. JSON carries it with the dot
 * ("0.100000000000000000"); protobuf carries the scaled integer without the dot ("100000000000000000"),
 * which is what gets signed in the gentx.
 */
const PRECISION = 18;
const SCALE = 10n ** BigInt(PRECISION);

/** "0.1" -> 100000000000000000n. Expects a non-negative decimal with at most 18 decimals. */
export function decToScaled(text: string): bigint {
  const [whole = "0", frac = ""] = text.split(".");
  return BigInt(whole) * SCALE + BigInt(frac.padEnd(PRECISION, "0") || "0");
}

/** 100000000000000000n -> "0.100000000000000000" (the form Go's LegacyDec marshals to JSON). */
export function scaledToJson(value: bigint): string {
  const whole = value / SCALE;
  const frac = (value % SCALE).toString().padStart(PRECISION, "0");
  return `${whole}.${frac}`;
}

export const ONE_DEC = SCALE;
