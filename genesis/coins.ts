/**
 * Coin amounts. Amounts are bigint because balances such as the faucet's 999999999999999999upokt do
 * not fit a JS number; YAML carries them as strings like "1000000upokt" for the same reason.
 */

export interface Coin {
  denom: string;
  amount: bigint;
}

/** Cosmos SDK denom rule: a letter, then 2..127 of [a-zA-Z0-9/:._-]. */
export const denomPattern = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const coinPattern = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/;

export const coinFormatHelp = 'an integer amount followed by a denom, e.g. "1000000upokt"';

/** Cosmos SDK integers (sdk.Int) hold at most 256 bits; a bigger amount cannot be on chain. */
export const MAX_AMOUNT = 2n ** 256n - 1n;
export const maxAmountHelp = "2^256 - 1, the largest Cosmos SDK integer";

export function parseCoin(text: string): Coin | undefined {
  const match = coinPattern.exec(text.trim());
  if (!match) return undefined;
  return { amount: BigInt(match[1]), denom: match[2] };
}

/** "1upokt,2mact" -> coins, or undefined if any part is malformed. An empty string is no coins. */
export function parseCoins(text: string): Coin[] | undefined {
  if (text.trim() === "") return [];
  const coins: Coin[] = [];
  for (const part of text.split(",")) {
    const coin = parseCoin(part);
    if (!coin) return undefined;
    coins.push(coin);
  }
  return coins;
}

export function formatCoin(coin: Coin): string {
  return `${coin.amount}${coin.denom}`;
}

/** Sums per denom, drops zero amounts and sorts by denom: the only form sdk.Coins accepts. */
export function normalizeCoins(coins: readonly Coin[]): Coin[] {
  const sums = new Map<string, bigint>();
  for (const c of coins) sums.set(c.denom, (sums.get(c.denom) ?? 0n) + c.amount);
  return [...sums.entries()]
    .filter(([, amount]) => amount !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount }));
}

/** Proto3 JSON of a Coin: the amount is a string (sdk.Int). */
export function coinJson(coin: Coin): { denom: string; amount: string } {
  return { denom: coin.denom, amount: coin.amount.toString() };
}
