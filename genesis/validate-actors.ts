/**
 * Checks of services, applications, gateways and suppliers: references resolve, stakes meet the
 * module minimums, and each entry passes the rules its module's ValidateGenesis applies.
 */
import { bondDenom, endpointSchemes, maxComputeUnitsPerRelay, serviceIdMaxLength, serviceIdPattern, serviceNameMaxLength, serviceNamePattern } from "./chain";
import { type Coin, formatCoin } from "./coins";
import type { Problem } from "./errors";
import type { GenesisInput, SupplierServiceInput } from "./types";

type Add = (path: string, message: string) => void;

export function checkActors(input: GenesisInput): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (path, message) => problems.push({ path, message });
  const accountNames = new Set(input.accounts.map((a) => a.name));
  const mnemonicNames = new Set(input.accounts.filter((a) => a.mnemonic !== undefined).map((a) => a.name));
  const serviceIds = new Set(input.services.map((s) => s.id));
  const serviceList = [...serviceIds].join(", ") || "(none)";

  const needsAccount = (path: string, name: string, role: string) => {
    if (!accountNames.has(name)) add(path, `"${name}" is not an account name from accounts`);
    else if (!mnemonicNames.has(name)) {
      add(path, `account "${name}" has no mnemonic; a ${role} needs one (its public key goes into genesis)`);
    }
  };
  const needsName = (path: string, name: string) => {
    if (!accountNames.has(name)) add(path, `"${name}" is not an account name from accounts`);
  };
  const stakeRule = (path: string, stake: Coin, min: Coin, module: string) => {
    if (stake.denom !== bondDenom) add(path, `denom is "${stake.denom}"; stakes are in ${bondDenom}`);
    else if (stake.amount < min.amount) {
      add(path, `${formatCoin(stake)} is below the ${module} module minimum params.${module}.min_stake = ${formatCoin(min)}`);
    }
  };
  const once = <T>(items: T[], key: (t: T) => string, path: (t: T) => string, what: string) => {
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(key(item))) add(path(item), `${what} "${key(item)}" appears more than once`);
      seen.add(key(item));
    }
  };

  // Services
  const seenIds = new Set<string>();
  const seenNames = new Map<string, string>();
  for (const s of input.services) {
    if (!serviceIdPattern.test(s.id) || s.id.length > serviceIdMaxLength) {
      add(`${s.at}.id`, `"${s.id}" is not a service id; expected 1-${serviceIdMaxLength} of letters, digits, _ and -`);
    }
    if (seenIds.has(s.id)) add(`${s.at}.id`, `service id "${s.id}" appears more than once`);
    seenIds.add(s.id);
    if (!serviceNamePattern.test(s.name) || s.name.length > serviceNameMaxLength) {
      add(`${s.at}.name`, `"${s.name}" is not a service name; expected 1-${serviceNameMaxLength} of letters, digits, spaces, _ and -`);
    }
    const sameName = seenNames.get(s.name);
    if (sameName !== undefined) add(`${s.at}.name`, `service name "${s.name}" is already used by service "${sameName}"; names must be unique`);
    else seenNames.set(s.name, s.id);
    if (s.computeUnitsPerRelay > maxComputeUnitsPerRelay) {
      add(`${s.at}.computeUnitsPerRelay`, `${s.computeUnitsPerRelay} is above the chain's maximum ${maxComputeUnitsPerRelay}`);
    }
    needsName(`${s.at}.owner`, s.owner);
  }

  // Gateways
  const p = input.params;
  once(
    input.gateways,
    (g) => g.account,
    (g) => `${g.at}.account`,
    "gateway account",
  );
  for (const g of input.gateways) {
    needsAccount(`${g.at}.account`, g.account, "gateway");
    stakeRule(`${g.at}.stake`, g.stake, p.gateway.min_stake, "gateway");
  }
  const gatewayNames = new Set(input.gateways.map((g) => g.account));

  // Applications
  once(
    input.applications,
    (a) => a.account,
    (a) => `${a.at}.account`,
    "application account",
  );
  for (const a of input.applications) {
    needsAccount(`${a.at}.account`, a.account, "application");
    stakeRule(`${a.at}.stake`, a.stake, p.application.min_stake, "application");
    if (a.services.length !== 1) {
      add(`${a.at}.services`, `application "${a.account}" lists ${a.services.length} services (${a.services.join(", ") || "none"}); an application stakes for exactly one service`);
    }
    for (const id of a.services) {
      if (!serviceIds.has(id)) add(`${a.at}.services`, `application "${a.account}" references unknown service "${id}"; known services: ${serviceList}`);
    }
    for (const gw of a.delegateeGateways) {
      if (!gatewayNames.has(gw)) add(`${a.at}.delegateeGateways`, `"${gw}" is not a staked gateway (gateways: ${[...gatewayNames].join(", ") || "none"})`);
    }
    once(
      a.delegateeGateways,
      (g) => g,
      () => `${a.at}.delegateeGateways`,
      "gateway",
    );
    if (a.delegateeGateways.length > p.application.max_delegated_gateways) {
      add(`${a.at}.delegateeGateways`, `${a.delegateeGateways.length} gateways exceed params.application.max_delegated_gateways = ${p.application.max_delegated_gateways}`);
    }
  }

  // Suppliers
  once(
    input.suppliers,
    (s) => s.operator,
    (s) => `${s.at}.operator`,
    "supplier operator",
  );
  for (const s of input.suppliers) {
    needsAccount(`${s.at}.operator`, s.operator, "supplier operator");
    needsName(`${s.at}.owner`, s.owner);
    stakeRule(`${s.at}.stake`, s.stake, p.supplier.min_stake, "supplier");
    once(
      s.services,
      (c) => c.id,
      (c) => `${c.at}.id`,
      `supplier "${s.operator}" service`,
    );
    for (const c of s.services) checkSupplierService(c, s.operator, serviceIds, serviceList, accountNames, add);
  }

  for (const [i, name] of input.supplierKeys.extraAccounts.entries()) {
    const path = `supplierKeys.extraAccounts[${i}]`;
    if (!accountNames.has(name)) add(path, `"${name}" is not an account name from accounts`);
    else if (!mnemonicNames.has(name)) add(path, `account "${name}" has no mnemonic, so it has no private key for supplier-keys.yaml`);
  }
  return problems;
}

function checkSupplierService(c: SupplierServiceInput, operator: string, serviceIds: Set<string>, serviceList: string, accountNames: Set<string>, add: Add): void {
  if (!serviceIds.has(c.id)) add(`${c.at}.id`, `supplier "${operator}" references unknown service "${c.id}"; known services: ${serviceList}`);
  if (c.endpoints.length === 0) add(`${c.at}.endpoints`, `service "${c.id}" needs at least one endpoint`);
  for (const [i, e] of c.endpoints.entries()) {
    if (e.url === undefined) continue;
    const problem = endpointUrlProblem(e.url);
    if (problem) add(`${c.at}.endpoints[${i}].url`, `"${e.url}" ${problem}`);
  }
  if (c.revShare.length === 0) return; // 100% to the owner
  const seen = new Set<string>();
  let sum = 0;
  for (const [i, r] of c.revShare.entries()) {
    const path = `${c.at}.revShare[${i}]`;
    if (!accountNames.has(r.account)) add(`${path}.account`, `"${r.account}" is not an account name from accounts`);
    if (seen.has(r.account)) add(`${path}.account`, `"${r.account}" appears more than once in the revenue share`);
    seen.add(r.account);
    if (r.percentage < 1 || r.percentage > 100) add(`${path}.percentage`, `is ${r.percentage}; each share must be 1-100`);
    sum += r.percentage;
  }
  if (sum !== 100) {
    add(`${c.at}.revShare`, `supplier "${operator}" service "${c.id}": revenue shares sum to ${sum}; they must sum to exactly 100`);
  }
}

/** The supplier module's endpoint URL rule: scheme http/https/ws/wss and a host. */
export function endpointUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL; expected e.g. http://host:8080";
  }
  if (!endpointSchemes.includes(parsed.protocol)) {
    return `has scheme "${parsed.protocol.replace(/:$/, "")}"; allowed: http, https, ws, wss`;
  }
  if (parsed.hostname === "") return "has no host";
  return undefined;
}
