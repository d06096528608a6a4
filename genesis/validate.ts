/**
 * Semantic checks of a resolved GenesisInput: keys, references between entries, stakes against the
 * module minimums and the validator's own rules. Supplier/app/gateway checks live in validate-actors.ts.
 */
import { addressProblem } from "./keys";
import { bondDenom, chainIdMaxLength, minSelfDelegation, moduleAccountAddresses, monikerMaxLength } from "./chain";
import { type Coin, MAX_AMOUNT, formatCoin, maxAmountHelp } from "./coins";
import { decToScaled, ONE_DEC } from "./decimal";
import type { Problem } from "./errors";
import { accountMnemonicProblem, type Keyring } from "./keyring";
import { checkParams } from "./params";
import type { GenesisInput } from "./types";
import { checkActors } from "./validate-actors";

const timePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?Z$/;

/** All problems of the input. Expects `keyring` to hold the keys of every valid account. */
export function checkInput(input: GenesisInput, keyring: Keyring): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  if (input.chainId.length === 0 || input.chainId.length > chainIdMaxLength || /\s/.test(input.chainId)) {
    add("chainId", `"${input.chainId}" is not a chain id; expected 1-${chainIdMaxLength} characters without spaces (the localnet uses "pocket")`);
  }
  const time = timePattern.exec(input.genesisTime);
  if (!time || Number.isNaN(Date.parse(input.genesisTime)) || new Date(Date.parse(input.genesisTime)).getUTCDate() !== Number(time[3])) {
    add("genesisTime", `"${input.genesisTime}" is not an RFC 3339 UTC time; expected e.g. "2025-01-01T00:00:00Z" (a past time, so blocks start at once)`);
  }
  if (!input.denoms.includes(bondDenom)) add("denoms", `must include "${bondDenom}", the chain's staking and fee denom`);
  const dupDenoms = input.denoms.filter((d, i) => input.denoms.indexOf(d) !== i);
  if (dupDenoms.length > 0) add("denoms", `lists ${dupDenoms.map((d) => `"${d}"`).join(", ")} more than once`);

  checkAccounts(input, keyring, add);
  checkSupply(input, add);
  checkValidator(input, keyring, add);
  problems.push(...checkActors(input));

  problems.push(...checkParams(input.params));
  const dao = input.params.tokenomics.dao_reward_address;
  if (!keyring.has(dao) && !input.accounts.some((a) => a.name === dao) && addressProblem(dao) !== undefined) {
    add("params.tokenomics.dao_reward_address", `"${dao}" is neither an account name from accounts nor a pokt1 address`);
  }
  if (input.authz && !input.accounts.some((a) => a.name === input.authz?.grantee)) {
    add("authz.grantee", `"${input.authz.grantee}" is not an account name from accounts`);
  }
  return problems;
}

type Add = (path: string, message: string) => void;

function checkAccounts(input: GenesisInput, keyring: Keyring, add: Add): void {
  const modules = moduleAccountAddresses();
  const byName = new Map<string, string>();
  const byAddress = new Map<string, string>();
  for (const account of input.accounts) {
    const first = byName.get(account.name);
    if (first !== undefined) add(`${account.at}.name`, `duplicate account name "${account.name}" (first used at ${first})`);
    else byName.set(account.name, account.at);

    if ((account.mnemonic === undefined) === (account.address === undefined)) {
      add(account.at, `account "${account.name}" needs exactly one of mnemonic or address`);
    } else if (account.mnemonic !== undefined) {
      const problem = accountMnemonicProblem(account);
      if (problem) add(`${account.at}.mnemonic`, `account "${account.name}": invalid mnemonic: ${problem}`);
    } else if (account.address !== undefined) {
      const problem = addressProblem(account.address);
      if (problem) add(`${account.at}.address`, `account "${account.name}": "${account.address}" ${problem}`);
    }

    const entry = first === undefined ? keyring.get(account.name) : undefined;
    if (entry) {
      const other = byAddress.get(entry.address);
      if (other !== undefined) {
        add(account.at, `account "${account.name}" has address ${entry.address}, which account "${other}" already has (same mnemonic or address twice)`);
      } else byAddress.set(entry.address, account.name);
      const moduleName = modules.get(entry.address);
      if (moduleName) {
        add(`${account.at}.address`, `${entry.address} is the ${moduleName} module account; an ordinary account there would break the module`);
      }
    }

    const seenDenoms = new Set<string>();
    for (const coin of account.balance) {
      if (!input.denoms.includes(coin.denom)) {
        add(`${account.at}.balance`, `account "${account.name}": denom "${coin.denom}" is not listed in denoms (${input.denoms.join(", ")})`);
      }
      if (seenDenoms.has(coin.denom)) add(`${account.at}.balance`, `account "${account.name}": denom "${coin.denom}" appears more than once`);
      seenDenoms.add(coin.denom);
    }
  }
}

/** Bank supply is the sum of every balance and stake; it must fit a Cosmos SDK integer too. */
function checkSupply(input: GenesisInput, add: Add): void {
  const totals = new Map<string, bigint>();
  const count = (coins: readonly Coin[]) => coins.forEach((c) => totals.set(c.denom, (totals.get(c.denom) ?? 0n) + c.amount));
  input.accounts.forEach((a) => count(a.balance));
  for (const actor of [...input.applications, ...input.gateways, ...input.suppliers]) count([actor.stake]);
  for (const [denom, total] of totals) {
    if (total > MAX_AMOUNT) add("accounts", `the total supply of ${denom} (balances plus stakes) would be ${total.toString().length} digits long, above ${maxAmountHelp}`);
  }
}

function checkValidator(input: GenesisInput, keyring: Keyring, add: Add): void {
  const v = input.validator;
  const account = input.accounts.find((a) => a.name === v.account);
  if (!account) {
    add("validator.account", `"${v.account}" is not an account name from accounts`);
  } else if (account.mnemonic === undefined) {
    add("validator.account", `account "${v.account}" has no mnemonic; the validator's key must sign the gentx`);
  } else if (keyring.has(v.account)) {
    const liquid = account.balance.find((c) => c.denom === bondDenom)?.amount ?? 0n;
    if (v.selfDelegation.denom === bondDenom && liquid < v.selfDelegation.amount) {
      add(
        "validator.selfDelegation",
        `${formatCoin(v.selfDelegation)} is more than account "${v.account}" holds (${liquid}${bondDenom}); the gentx pays the self-delegation from that balance`,
      );
    }
  }
  if (v.selfDelegation.denom !== bondDenom) {
    add("validator.selfDelegation", `denom is "${v.selfDelegation.denom}"; the staking bond denom is ${bondDenom}`);
  } else if (v.selfDelegation.amount < minSelfDelegation) {
    add(
      "validator.selfDelegation",
      `${formatCoin(v.selfDelegation)} is below ${minSelfDelegation}${bondDenom}, the least that gives voting power 1 (the chain would start with no validator)`,
    );
  }
  if (v.moniker.length === 0 || v.moniker.length > monikerMaxLength) {
    add("validator.moniker", `must be 1-${monikerMaxLength} characters`);
  }
  const rate = decToScaled(v.commission.rate);
  const maxRate = decToScaled(v.commission.maxRate);
  const maxChange = decToScaled(v.commission.maxChangeRate);
  if (maxRate > ONE_DEC) add("validator.commission.maxRate", `is ${v.commission.maxRate}; must be at most 1`);
  if (rate > maxRate) add("validator.commission.rate", `${v.commission.rate} is above maxRate ${v.commission.maxRate}`);
  if (maxChange > maxRate) {
    add("validator.commission.maxChangeRate", `${v.commission.maxChangeRate} is above maxRate ${v.commission.maxRate}`);
  }
}
