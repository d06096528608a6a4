/**
 * Small zod building blocks shared by the input schema and the param override schema, so every error
 * says what is allowed: unknown keys list the allowed keys, coins show the expected format.
 */
import { z } from "zod";
import { type Coin, MAX_AMOUNT, coinFormatHelp, maxAmountHelp, parseCoin, parseCoins } from "./coins";
import { showValue } from "./errors";

/** An object that rejects unknown keys and names the allowed ones in its error. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed keys: ${allowed}`
        : issue.code === "invalid_type"
          ? `expected a mapping with keys ${allowed}`
          : undefined,
  });
}

export const coin = z.string({ error: `expected a string: ${coinFormatHelp}` }).transform((text, ctx): Coin => {
  const parsed = parseCoin(text);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: `${showValue(text)} is not a coin; expected ${coinFormatHelp}` });
    return z.NEVER;
  }
  if (parsed.amount > MAX_AMOUNT) {
    ctx.addIssue({ code: "custom", message: `${showValue(text)} has an amount above ${maxAmountHelp}` });
    return z.NEVER;
  }
  return parsed;
});

export const coins = z.string({ error: `expected a string: ${coinFormatHelp}, several separated by commas` }).transform((text, ctx): Coin[] => {
  const parsed = parseCoins(text);
  if (!parsed) {
    ctx.addIssue({
      code: "custom",
      message: `${showValue(text)} is not a coin list; expected ${coinFormatHelp}, several separated by commas`,
    });
    return z.NEVER;
  }
  if (parsed.some((c) => c.amount > MAX_AMOUNT)) {
    ctx.addIssue({ code: "custom", message: `${showValue(text)} has an amount above ${maxAmountHelp}` });
    return z.NEVER;
  }
  return parsed;
});

export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number({ error: `expected an integer between ${min} and ${max}` })
    .int({ error: `expected an integer between ${min} and ${max}` })
    .min(min, { error: `expected an integer between ${min} and ${max}` })
    .max(max, { error: `expected an integer between ${min} and ${max}` });
}

export const fraction = z.number({ error: "expected a number" }).finite({ error: "expected a finite number" });

/** Names of accounts, used to reference them from validators, apps, suppliers, etc. */
export const accountName = z
  .string({ error: "expected an account name (letters, digits, _ and -)" })
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, { error: "expected an account name: 1-64 of letters, digits, _ and -" });
