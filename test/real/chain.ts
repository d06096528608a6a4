/**
 * A single-node pocketd chain from OUR generated genesis, set up exactly as the validator pod does
 * it: `pocketd init`, then components/validator-scripts.ts's configure script (the same sh + sed),
 * then `pocketd start` with every listener on a free 127.0.0.1 port.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GenesisArtifacts, GenesisInput } from "../../genesis";
import { parseStackConfig } from "../../components/config/load";
import { localnetGenesis } from "../../components/localnet/genesis";
import { configureEnv, configureScriptPath } from "../../components/validator/scripts";
import { sessionEndOf, type SessionWindows } from "../../scripts/verify/chain";
import { freePorts, getJson, repoRoot, run, waitFor, type Proc, type Scratch } from "./support";

export interface GeneratedGenesis {
  input: GenesisInput;
  artifacts: GenesisArtifacts;
  /** genesis.json, priv_validator_state.json, keys.json (the ConfigMap's files). */
  genesisDir: string;
  /** priv_validator_key.json, node_key.json, supplier-keys.yaml (the Secret's files). */
  keysDir: string;
}

/**
 * Generates the genesis `pulumi up` deploys for a stack config (keys without the project prefix,
 * e.g. { "validator.blockTimeSeconds": "2" }) into `dir`: the same code path, so the same windows.
 */
export function writeGenesis(dir: string, stackConfig: Record<string, string> = {}): GeneratedGenesis {
  const raw = Object.fromEntries(Object.entries(stackConfig).map(([k, v]) => [`relayminer-localnet:${k}`, v]));
  const { input, artifacts } = localnetGenesis(parseStackConfig(raw, { projectDir: repoRoot }), repoRoot);
  const genesisDir = join(dir, "genesis");
  const keysDir = join(dir, "keys");
  mkdirSync(genesisDir, { recursive: true });
  mkdirSync(keysDir, { recursive: true });
  for (const [f, text] of Object.entries(artifacts.publicFiles)) writeFileSync(join(genesisDir, f), text);
  for (const [f, text] of Object.entries(artifacts.secretFiles)) writeFileSync(join(keysDir, f), text, { mode: 0o600 });
  return { input, artifacts, genesisDir, keysDir };
}

export interface ChainPorts {
  p2p: number;
  rpc: number;
  grpc: number;
  rest: number;
  metrics: number;
  pprof: number;
  proxyApp: number;
}

export interface RunningChain {
  proc: Proc;
  home: string;
  ports: ChainPorts;
  rpcUrl: string;
  restUrl: string;
  grpcAddress: string;
  genesis: GeneratedGenesis;
  /** What the last configure step printed. */
  configureOutput: string;
  height(): Promise<number>;
  /** Stops pocketd, runs the configure step again over the same home (a pod restart), starts it. */
  restart(): Promise<void>;
}

/** Block height from CometBFT RPC /status. */
export async function chainHeight(rpcUrl: string): Promise<number> {
  const s = await getJson<{ result: { sync_info: { latest_block_height: string } } }>(`${rpcUrl}/status`);
  return Number(s.result.sync_info.latest_block_height);
}

export async function startChain(scratch: Scratch, pocketd: string, opts: { blockTimeSeconds?: number; stackConfig?: Record<string, string> } = {}): Promise<RunningChain> {
  const dir = scratch.dir("chain");
  const blockTimeSeconds = opts.blockTimeSeconds ?? 1;
  const genesis = writeGenesis(dir, { ...opts.stackConfig, "validator.blockTimeSeconds": String(blockTimeSeconds) });
  const home = join(dir, "home");
  const [p2p, rpc, grpc, rest, metrics, pprof, proxyApp] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  const ports: ChainPorts = { p2p, rpc, grpc, rest, metrics, pprof, proxyApp };

  run(pocketd, ["init", genesis.input.validator.moniker, "--chain-id", genesis.input.chainId, "--default-denom", "upokt", "--home", home]);
  const configureOutput = configure(home, genesis, ports, blockTimeSeconds);
  const rpcUrl = `http://127.0.0.1:${rpc}`;
  const chain: RunningChain = {
    proc: launch(scratch, pocketd, home, ports, join(dir, "pocketd.log")),
    home,
    ports,
    rpcUrl,
    restUrl: `http://127.0.0.1:${rest}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    genesis,
    configureOutput,
    height: () => chainHeight(rpcUrl),
    async restart() {
      await chain.proc.stop();
      chain.configureOutput = configure(home, genesis, ports, blockTimeSeconds);
      chain.proc = launch(scratch, pocketd, home, ports, join(dir, "pocketd.log"));
    },
  };
  return chain;
}

/** The validator pod's configure step (components/validator/configure.sh), with the test's ports. */
function configure(home: string, genesis: GeneratedGenesis, ports: ChainPorts, blockTimeSeconds: number): string {
  const { p2p, rpc, grpc, rest, metrics } = ports;
  const env = configureEnv({
    home,
    genesisDir: genesis.genesisDir,
    keysDir: genesis.keysDir,
    blockTimeSeconds,
    listenHost: "127.0.0.1",
    ports: { p2p, rpc, grpc, rest, metrics },
  });
  return run("sh", [configureScriptPath], { env: { ...process.env, ...env } }).stdout;
}

/**
 * `pocketd start`. The configure script binds what the pod exposes; pprof and the (unused
 * in-process) ABCI socket keep pocketd's localhost defaults, which would clash between parallel
 * test files: move them too.
 */
function launch(scratch: Scratch, pocketd: string, home: string, ports: ChainPorts, logFile: string): Proc {
  return scratch.start(
    "pocketd",
    pocketd,
    ["start", "--home", home, "--rpc.pprof_laddr", `127.0.0.1:${ports.pprof}`, "--proxy_app", `tcp://127.0.0.1:${ports.proxyApp}`, "--log_format", "plain", "--log_no_color"],
    { logFile },
  );
}

/** Waits until the chain has produced at least `min` blocks. */
export async function waitForHeight(chain: RunningChain, min: number, timeoutMs = 90_000): Promise<number> {
  return waitFor(
    `block height >= ${min}`,
    async () => {
      const h = await chain.height();
      return h >= min ? h : undefined;
    },
    timeoutMs,
    300,
    chain.proc,
  );
}

/**
 * Waits until the chain is in the first two blocks of a session (past the first session's grace
 * period), so relays sent now all land in that session and settle together.
 */
export async function waitForSessionStart(chain: RunningChain, windows: SessionWindows, blockTimeSeconds: number): Promise<number> {
  return waitFor(
    "the start of a session",
    async () => {
      const h = await chain.height();
      const start = sessionEndOf(windows, h) - windows.numBlocksPerSession + 1;
      return h - start <= 1 && h > windows.gracePeriodEndOffset ? h : undefined;
    },
    (windows.numBlocksPerSession + 2) * blockTimeSeconds * 1000,
    200,
  );
}
