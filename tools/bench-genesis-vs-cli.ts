/**
 * `npm run bench:genesis-vs-cli`: our generator against the chain's own CLI route for a genesis
 * with 100 extra funded accounts, median wall time of several runs each.
 *
 *   ours:  parse localnet.yaml + 100 accounts, validate, derive keys, sign the gentx, write the files
 *   CLI:   pocketd init; keys add validator1 --recover; genesis add-genesis-account (validator +
 *          100 accounts, one process each); genesis gentx; genesis collect-gentxs
 *
 * The CLI genesis is the smaller one: it has no services, applications, gateways or suppliers (the
 * CLI cannot stake those at genesis) and default params. Ours builds the whole localnet on top.
 * A third line times `genesis bulk-add-genesis-account` (one process for the 100) for reference.
 *
 * Usage: npm run bench:genesis-vs-cli [-- --runs N --accounts N]   (needs `npm run tools:build`)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBech32 } from "@cosmjs/encoding";
import YAML from "yaml";
import { generateGenesis, parseGenesisInput } from "../genesis";
import { defaultGenesisConfigPath } from "../genesis/paths";
import { requireTool } from "./paths";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg("runs", 3);
const count = arg("accounts", 100);
const balance = "1000000000000upokt";

/** Deterministic addresses (not derived from keys: the CLI route takes addresses too). */
const addresses = Array.from({ length: count }, (_, i) => toBech32("pokt", createHash("sha256").update(`bench-account-${i}`).digest().subarray(0, 20)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeOurs(dir: string): number {
  const doc = YAML.parse(readFileSync(defaultGenesisConfigPath, "utf8")) as { accounts: Record<string, string>[] };
  addresses.forEach((address, i) => doc.accounts.push({ name: `bench${i}`, address, balance }));
  const text = YAML.stringify(doc);
  const start = performance.now();
  const out = generateGenesis(parseGenesisInput(text, "bench"), { relayerEndpoint: "http://relayer.bench.svc.cluster.local:8080", validatorP2pAddress: "validator:26656" });
  for (const [f, body] of Object.entries({ ...out.publicFiles, ...out.secretFiles })) writeFileSync(join(dir, f), body);
  return performance.now() - start;
}

function timeCli(pocketd: string, home: string, bulk: boolean): number {
  const doc = YAML.parse(readFileSync(defaultGenesisConfigPath, "utf8")) as {
    accounts: { name: string; mnemonic?: string; balance?: string }[];
    validator: { account: string; selfDelegation: string };
  };
  const v = doc.accounts.find((a) => a.name === doc.validator.account)!;
  const pd = (args: string[], input?: string) => execFileSync(pocketd, [...args, "--home", home], { input, stdio: ["pipe", "ignore", "pipe"] });
  const start = performance.now();
  pd(["init", "validator1", "--chain-id", "pocket", "--default-denom", "upokt"]);
  pd(["keys", "add", v.name, "--recover", "--keyring-backend", "test"], `${v.mnemonic}\n`);
  pd(["genesis", "add-genesis-account", v.name, v.balance!, "--keyring-backend", "test"]);
  if (bulk) {
    const file = join(home, "accounts.json");
    writeFileSync(file, JSON.stringify(addresses.map((address) => ({ address, coins: [{ denom: "upokt", amount: balance.replace("upokt", "") }] }))));
    pd(["genesis", "bulk-add-genesis-account", file]);
  } else {
    for (const a of addresses) pd(["genesis", "add-genesis-account", a, balance]);
  }
  pd(["genesis", "gentx", v.name, doc.validator.selfDelegation, "--chain-id", "pocket", "--keyring-backend", "test"]);
  pd(["genesis", "collect-gentxs"]);
  return performance.now() - start;
}

function main(): void {
  let pocketd: string;
  try {
    pocketd = requireTool("pocketd");
  } catch (e) {
    console.error(`${(e as Error).message}\nrun npm run tools:build`);
    process.exit(1);
  }
  const root = mkdtempSync(join(tmpdir(), "bench-genesis-cli-"));
  try {
    const ours: number[] = [];
    const cli: number[] = [];
    const bulk: number[] = [];
    for (let r = 0; r < runs; r++) {
      const d = join(root, `ours-${r}`);
      mkdirSync(d);
      ours.push(timeOurs(d));
      cli.push(timeCli(pocketd, join(root, `cli-${r}`), false));
      bulk.push(timeCli(pocketd, join(root, `bulk-${r}`), true));
    }
    const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;
    console.log(`genesis with ${count} extra accounts, median of ${runs} runs (wall time)`);
    console.log(`  ours (generateGenesis, whole localnet + ${count} accounts):      ${fmt(median(ours))}`);
    console.log(`  pocketd CLI (init, keys add, ${count + 1}x add-genesis-account, gentx, collect-gentxs): ${fmt(median(cli))}`);
    console.log(`  pocketd CLI with one bulk-add-genesis-account instead:            ${fmt(median(bulk))}`);
    console.log(`  ratio CLI / ours: ${(median(cli) / median(ours)).toFixed(1)}x   (bulk CLI / ours: ${(median(bulk) / median(ours)).toFixed(1)}x)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main();
