/**
 * `npm run genesis -- -c genesis/localnet.yaml -o <dir> [--namespace ns] [--timing fast|mainnet] [--block-time s]`
 *
 * Writes every artifact into <dir> (secret files with mode 0600). Files are written to a temporary
 * sibling directory that is renamed into place at the end, so a failure never leaves a half-written
 * output directory behind.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { containerPorts } from "../components/topology/ports";
import { defaultNamespace, relayerEndpointUrl, validatorP2pAddress } from "../components/topology/names";
import { sessionTiming, timingPresets, type TimingPreset } from "../components/timing/sessions";
import { defaultGenesisConfigPath, GenesisInputError, generateGenesis, loadGenesisInput } from "../genesis";
import { UsageError } from "./usage-error";

const usage = `Usage: npm run genesis -- [-c <genesis.yaml>] -o <dir> [--namespace <ns>] [--timing <preset>] [--block-time <s>]

Generates the localnet genesis and key files from a genesis description.

  -c, --config <file>    genesis description (default: genesis/localnet.yaml)
  -o, --out <dir>        output directory; replaced as a whole if it exists
      --namespace <ns>   Kubernetes namespace the stack deploys to; supplier endpoints without
                         a url point at its relayer Service (default: ${defaultNamespace})
      --timing <preset>  session windows as the stack's validator.timing: ${timingPresets.join(", ")} (default: fast)
      --block-time <s>   the stack's validator.blockTimeSeconds, 1..60 (default: 2): the claim and
                         proof windows stretch at short block times to absorb a miner crash
  -h, --help             show this help

Writes genesis.json, priv_validator_state.json, keys.json (public) and priv_validator_key.json,
node_key.json, supplier-keys.yaml (secret, mode 0600).`;

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: "string", short: "c" },
        out: { type: "string", short: "o" },
        namespace: { type: "string" },
        timing: { type: "string" },
        "block-time": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!args.out) throw new UsageError("missing -o <dir>");
  const namespace = args.namespace ?? defaultNamespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace "${namespace}" is not a Kubernetes namespace name (lowercase letters, digits, -)`);
  }

  const timing = (args.timing ?? "fast") as TimingPreset;
  if (!timingPresets.includes(timing)) throw new UsageError(`--timing "${timing}": allowed: ${timingPresets.join(", ")}`);
  const blockTime = Number(args["block-time"] ?? 2);
  if (!Number.isInteger(blockTime) || blockTime < 1 || blockTime > 60) throw new UsageError(`--block-time "${args["block-time"]}": a whole number of seconds from 1 to 60`);

  const input = loadGenesisInput(args.config ?? defaultGenesisConfigPath, { sharedParams: sessionTiming(timing, blockTime) });
  const artifacts = generateGenesis(input, {
    relayerEndpoint: relayerEndpointUrl(namespace, containerPorts.relayer.relay),
    validatorP2pAddress: validatorP2pAddress(containerPorts.validator.p2p),
  });
  const out = resolve(args.out);
  writeAtomically(out, artifacts.publicFiles, artifacts.secretFiles);

  const s = artifacts.summary;
  process.stdout.write(
    [
      `wrote ${out}`,
      `  chain id        ${s.chainId}`,
      `  validator       ${s.validatorAddress} (node ${s.nodeId})`,
      `  services        ${s.services.length}: ${s.services.join(", ")}`,
      `  applications    ${s.applications.length}`,
      `  gateways        ${s.gateways.length}`,
      `  suppliers       ${s.suppliers.length}`,
      `  genesis sha256  ${s.genesisSha256}`,
      "",
    ].join("\n"),
  );
  return 0;
}

function writeAtomically(out: string, publicFiles: Record<string, string>, secretFiles: Record<string, string>): void {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`));
  try {
    for (const [name, text] of Object.entries(publicFiles)) writeFileSync(join(tmp, name), text, { mode: 0o644 });
    for (const [name, text] of Object.entries(secretFiles)) writeFileSync(join(tmp, name), text, { mode: 0o600 });
    if (existsSync(out)) {
      const old = `${tmp}.old`;
      renameSync(out, old);
      renameSync(tmp, out);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, out);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

// `npm run genesis -- --help | head` closes the pipe early; that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof GenesisInputError) {
    process.stderr.write(`error: ${err.message}\n`);
  } else if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n\n${usage}\n`);
  } else {
    // Unexpected (e.g. the output directory is not writable): still one line, no stack trace.
    process.stderr.write(`error: ${(err as Error).message}\n`);
  }
  process.exitCode = 1;
}
