/**
 * Reading a genesis YAML: YAML syntax, then the schema (types, unknown keys), then defaults, then the
 * semantic and chain-rule checks of validate.ts. Every stage reports all of its problems at once.
 */
import { readFileSync, statSync } from "node:fs";
import YAML from "yaml";
import type { z } from "zod";
import type { Coin } from "./coins";
import { GenesisInputError, type Problem, formatPath, showValue } from "./errors";
import { keyringOf } from "./keyring";
import { type ModuleParams, mergeParams } from "./params";
import { type GenesisDocument, type SupplierServiceDoc, genesisDocumentSchema } from "./schema";
import type { GenesisInput, SupplierServiceInput } from "./types";
import { MAX_YAML_ALIASES, bytesProblem, sizeProblem, textProblem } from "./text-input";
import { checkInput } from "./validate";

export interface GenesisLoadOptions {
  /** Shared params the caller derives (session windows); the file's `params.shared` still wins. */
  sharedParams?: Partial<ModuleParams["shared"]>;
}

export function loadGenesisInput(path: string, options: GenesisLoadOptions = {}): GenesisInput {
  let bytes: Buffer;
  try {
    const tooBig = sizeProblem(statSync(path).size);
    if (tooBig) throw new GenesisInputError(path, [tooBig]);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof GenesisInputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new GenesisInputError(path, [{ path: "", message: `cannot read the file: ${reason}` }]);
  }
  const problem = bytesProblem(bytes);
  if (problem) throw new GenesisInputError(path, [problem]);
  return parseGenesisInput(bytes.toString("utf8"), path, options);
}

export function parseGenesisInput(yamlText: string, sourceName = "<genesis yaml>", options: GenesisLoadOptions = {}): GenesisInput {
  const problem = textProblem(yamlText);
  if (problem) throw new GenesisInputError(sourceName, [problem]);
  const raw = parseYaml(yamlText, sourceName);
  const parsed = genesisDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new GenesisInputError(sourceName, schemaProblems(parsed.error, raw));
  const { input, problems } = resolve(parsed.data, sourceName, options);
  problems.push(...checkInput(input, keyringOf(input)));
  if (problems.length > 0) throw new GenesisInputError(sourceName, dedupe(problems));
  return input;
}

function parseYaml(text: string, source: string): unknown {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    throw new GenesisInputError(
      source,
      doc.errors.map((e) => ({
        path: "",
        // With prettyErrors (the default) the first line ends in "at line L, column C:".
        message: `not valid YAML: ${e.message.split("\n")[0].replace(/:$/, "")}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml throws a ReferenceError once aliases expand past the limit: the "billion laughs" attack.
    if (err instanceof ReferenceError) {
      throw new GenesisInputError(source, [
        { path: "", message: `YAML aliases expand past ${MAX_YAML_ALIASES} (an alias bomb); a genesis description needs no aliases (*name), write the values out` },
      ]);
    }
    throw err;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new GenesisInputError(source, [{ path: "", message: `expected a YAML mapping (chainId, accounts, validator, ...), got ${showValue(value)}` }]);
  }
  return value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function schemaProblems(error: z.ZodError, raw: unknown): Problem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    // Zod says what was expected; add what was found, except for secrets and for missing keys.
    const showGot = (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "too_small" || issue.code === "too_big") && !path.endsWith("mnemonic");
    const got = showGot ? (value === undefined ? " (missing)" : ` (got ${showValue(value)})`) : "";
    return { path, message: `${issue.message}${got}` };
  });
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const zeroStake: Coin = { denom: "upokt", amount: 0n };

/** Go's RFC3339Nano: fractional seconds without trailing zeros. */
function normalizeTime(time: string): string {
  return time.replace(/\.([0-9]*?)0+Z$/, (_m, digits: string) => (digits === "" ? "Z" : `.${digits}Z`));
}

/** Applies defaults. Missing required-by-default values become problems (and placeholder values). */
function resolve(doc: GenesisDocument, source: string, options: GenesisLoadOptions): { input: GenesisInput; problems: Problem[] } {
  const problems: Problem[] = [];
  const d = doc.defaults ?? {};
  const stakeOr = (own: Coin | undefined, fallback: Coin | undefined, at: string, defaultPath: string): Coin => {
    if (own) return own;
    if (fallback) return fallback;
    problems.push({ path: `${at}.stake`, message: `no stake; set it here or in ${defaultPath}` });
    return zeroStake;
  };
  const supplierServices = (own: SupplierServiceDoc[] | undefined, at: string): SupplierServiceInput[] => {
    const declared = own ? { list: own, at: `${at}.services` } : d.supplier?.services ? { list: d.supplier.services, at: "defaults.supplier.services" } : undefined;
    if (!declared) {
      problems.push({ path: `${at}.services`, message: "no services; set them here or in defaults.supplier.services" });
      return [];
    }
    return declared.list.map((s, i) => ({
      at: `${declared.at}[${i}]`,
      id: s.id,
      endpoints: s.endpoints.map((e) => ({ rpcType: e.rpcType, ...(e.url !== undefined ? { url: e.url } : {}) })),
      revShare: s.revShare ?? [],
    }));
  };

  const input: GenesisInput = {
    source,
    chainId: doc.chainId,
    genesisTime: normalizeTime(doc.genesisTime),
    appVersion: doc.appVersion ?? "",
    denoms: doc.denoms,
    accounts: doc.accounts.map((a, i) => ({
      at: `accounts[${i}]`,
      name: a.name,
      ...(a.mnemonic !== undefined ? { mnemonic: a.mnemonic } : {}),
      ...(a.address !== undefined ? { address: a.address } : {}),
      balance: a.balance ?? d.balance ?? [],
    })),
    validator: {
      account: doc.validator.account,
      moniker: doc.validator.moniker ?? doc.validator.account,
      selfDelegation: doc.validator.selfDelegation,
      commission: doc.validator.commission ?? { rate: "0.1", maxRate: "0.2", maxChangeRate: "0.01" },
      ...(doc.validator.consensusKeySecret !== undefined ? { consensusKeySecret: doc.validator.consensusKeySecret } : {}),
      ...(doc.validator.nodeKeySecret !== undefined ? { nodeKeySecret: doc.validator.nodeKeySecret } : {}),
    },
    services: doc.services.map((s, i) => ({
      at: `services[${i}]`,
      id: s.id,
      name: s.name ?? s.id,
      computeUnitsPerRelay: s.computeUnitsPerRelay,
      owner: s.owner,
    })),
    applications: (doc.applications ?? []).map((a, i) => ({
      at: `applications[${i}]`,
      account: a.account,
      stake: stakeOr(a.stake, d.application?.stake, `applications[${i}]`, "defaults.application.stake"),
      services: a.services,
      delegateeGateways: a.delegateeGateways ?? d.application?.delegateeGateways ?? [],
    })),
    gateways: (doc.gateways ?? []).map((g, i) => ({
      at: `gateways[${i}]`,
      account: g.account,
      stake: stakeOr(g.stake, d.gateway?.stake, `gateways[${i}]`, "defaults.gateway.stake"),
    })),
    suppliers: (doc.suppliers ?? []).map((s, i) => ({
      at: `suppliers[${i}]`,
      operator: s.operator,
      owner: s.owner ?? s.operator,
      stake: stakeOr(s.stake, d.supplier?.stake, `suppliers[${i}]`, "defaults.supplier.stake"),
      services: supplierServices(s.services, `suppliers[${i}]`),
    })),
    supplierKeys: { extraAccounts: doc.supplierKeys?.extraAccounts ?? [] },
    ...(doc.authz ? { authz: { grantee: doc.authz.grantee } } : {}),
    params: mergeParams(doc.params, options.sharedParams),
  };
  return { input, problems };
}
