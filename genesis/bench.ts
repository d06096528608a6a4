/**
 * `npm run bench:genesis`: time to parse, validate and generate localnets with 10, 100 and 1,000
 * suppliers (median of several runs). Each supplier has its own mnemonic, so each costs one BIP-39
 * seed (2,048 PBKDF2 rounds) plus a BIP-32 derivation; that is the cost this measures.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Bip39 } from "@cosmjs/crypto";
import YAML from "yaml";
import { generateGenesis, parseGenesisInput } from "./index";
import { defaultGenesisConfigPath } from "./paths";

/** Deterministic test mnemonics: entropy = sha256("bench-supplier-<i>"). */
function benchMnemonic(i: number): string {
  return Bip39.encode(createHash("sha256").update(`bench-supplier-${i}`).digest()).toString();
}

/** The default localnet with its suppliers replaced by `count` generated ones. */
export function localnetWithSuppliers(count: number): string {
  const doc = YAML.parse(readFileSync(defaultGenesisConfigPath, "utf8")) as {
    accounts: { name: string; mnemonic?: string }[];
    suppliers: { operator: string }[];
  };
  doc.accounts = doc.accounts.filter((a) => !a.name.startsWith("supplier"));
  doc.suppliers = [];
  for (let i = 0; i < count; i++) {
    doc.accounts.push({ name: `bench_supplier${i}`, mnemonic: benchMnemonic(i) });
    doc.suppliers.push({ operator: `bench_supplier${i}` });
  }
  return YAML.stringify(doc);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const relayerEndpoint = "http://relayer.bench.svc.cluster.local:8080";
  const runs = 3;
  console.log(`genesis generation, median of ${runs} runs (parse + validate + derive keys + build)`);
  for (const count of [10, 100, 1000]) {
    const text = localnetWithSuppliers(count);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let size = 0;
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      // A fresh parse each run: derived keys are cached per parsed input, not across inputs.
      const artifacts = generateGenesis(parseGenesisInput(text, `bench-${count}`), { relayerEndpoint, validatorP2pAddress: "validator:26656" });
      times.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      size = artifacts.publicFiles["genesis.json"].length;
    }
    const ms = median(times);
    // CPU time is printed too: on a busy machine wall time grows, CPU time much less.
    console.log(
      `${String(count).padStart(5)} suppliers: ${ms.toFixed(0).padStart(6)} ms wall, ${median(cpuTimes).toFixed(0).padStart(6)} ms CPU` +
        `  (${(ms / count).toFixed(2)} ms/supplier, genesis ${(size / 1024).toFixed(0)} KiB)`,
    );
  }
}

if (require.main === module) main();
