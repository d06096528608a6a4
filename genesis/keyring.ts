/**
 * Derived keys of a GenesisInput, computed once. Deriving is the expensive step (PBKDF2 per
 * mnemonic), and both validation (duplicate addresses) and generation need the results, so they are
 * kept in a WeakMap keyed by the input object rather than inside it: the input stays plain data,
 * and private keys are not carried around in it (nor printed if someone logs it).
 */
import { type AccountKey, addressProblem, deriveAccountKey, mnemonicProblem } from "./keys";
import type { AccountInput, GenesisInput } from "./types";

export interface KeyringEntry {
  name: string;
  address: string;
  /** Present for mnemonic accounts only. */
  key?: AccountKey;
}

export type Keyring = Map<string, KeyringEntry>;

const cache = new WeakMap<GenesisInput, Keyring>();
const mnemonicChecks = new WeakMap<AccountInput, { problem: string | undefined }>();

/** mnemonicProblem of an account's mnemonic, computed once per account object (it is not free). */
export function accountMnemonicProblem(account: AccountInput): string | undefined {
  if (account.mnemonic === undefined) return undefined;
  let check = mnemonicChecks.get(account);
  if (!check) {
    check = { problem: mnemonicProblem(account.mnemonic) };
    mnemonicChecks.set(account, check);
  }
  return check.problem;
}

/**
 * Keys of every account whose mnemonic or address is valid (invalid ones are left out; validation
 * reports them). Keyed by account name; the first account of a duplicated name wins.
 */
export function keyringOf(input: GenesisInput): Keyring {
  const cached = cache.get(input);
  if (cached) return cached;
  const keyring: Keyring = new Map();
  for (const account of input.accounts) {
    if (keyring.has(account.name)) continue;
    if (account.mnemonic !== undefined) {
      if (accountMnemonicProblem(account) !== undefined) continue;
      const key = deriveAccountKey(account.mnemonic);
      keyring.set(account.name, { name: account.name, address: key.address, key });
    } else if (account.address !== undefined && addressProblem(account.address) === undefined) {
      keyring.set(account.name, { name: account.name, address: account.address });
    }
  }
  cache.set(input, keyring);
  return keyring;
}
