/**
 * A whole relay path on loopback with the real binaries, configured exactly as the stack renders
 * it: pocketd from the stack's genesis, Redis (standalone or a 6-node cluster), our demo backend,
 * N miners and M relayers from the rendered config.yaml files. Every process is a child of the
 * test's Scratch (its own process group), so SIGKILL of a miner is a real crash.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { keyringOf } from "../../genesis/keyring";
import { printable } from "../../scripts/verify/send";
import type { ForwardSpec } from "../../components/topology/forwards";
import { localize } from "./relayminer-configs";
import { pinnedCommit } from "../../components/relay-miner/versions/versions";
import { renderRelayMinerConfigs, type RenderedRelayMiner } from "../support/rendered-relayminer";
import { startChain, waitForHeight, type RunningChain } from "./chain";
import { relayMinerRedisKeys } from "../../components/topology/names";
import { startRedisCluster, startStandaloneRedis, type RunningRedis } from "./redis-nodes";
import { startBackendProcess } from "../support/backend-process";
import { freePorts, httpGet, run, tool, waitFor, type Proc, type Scratch } from "./support";

export interface RelayNetworkOptions {
  blockTimeSeconds?: number;
  miners?: number;
  relayers?: number;
  redisMode?: "standalone" | "cluster";
  /** More stack config (keys without the project prefix) for the genesis and the rendered configs. */
  stackConfig?: Record<string, string>;
  /** Changes a rendered config.yaml before the process reads it (to show what a setting is for). */
  patchConfig?: (role: "miner" | "relayer", doc: Record<string, any>) => void;
}

function patched(yaml: string, role: "miner" | "relayer", patch: RelayNetworkOptions["patchConfig"]): string {
  if (!patch) return yaml;
  const doc = parse(yaml) as Record<string, any>;
  patch(role, doc);
  return stringify(doc, { lineWidth: 0 });
}

export interface MinerProcess {
  index: number;
  metricsPort: number;
  configFile: string;
  proc?: Proc;
}

export interface RelayerProcess {
  index: number;
  relayPort: number;
  metricsPort: number;
  healthPort: number;
  proc: Proc;
}

export interface RelayResult {
  status: number | null;
  output: string;
  /** Relays the client counted as successful (valid supplier signature, no error). */
  succeeded: number;
}

export class RelayNetwork {
  readonly miners: MinerProcess[] = [];
  readonly relayers: RelayerProcess[] = [];
  backendHttpPort = 0;
  backendMetricsPort = 0;
  backendAdminPort = 0;

  constructor(
    readonly scratch: Scratch,
    readonly dir: string,
    readonly prm: string,
    readonly chain: RunningChain,
    readonly redis: RunningRedis,
    readonly rendered: RenderedRelayMiner,
    readonly blockTimeSeconds: number,
  ) {}

  /** The relay-miner's key prefix as rendered (redis.namespace.base_prefix, default "ha"). */
  get keyPrefix(): string {
    return (parse(this.rendered.minerYaml) as { redis?: { namespace?: { base_prefix?: string } } }).redis?.namespace?.base_prefix ?? "ha";
  }

  get leaderKey(): string {
    return `${this.keyPrefix}:miner:global_leader`;
  }

  get chainId(): string {
    return this.chain.genesis.input.chainId;
  }

  /** Hex private key of a genesis account (public dev keys). */
  privateKeyHex(account: string): string {
    return Buffer.from(keyringOf(this.chain.genesis.input).get(account)!.key!.privateKey).toString("hex");
  }

  addressOf(account: string): string {
    return keyringOf(this.chain.genesis.input).get(account)!.address;
  }

  startMiner(i: number): Proc {
    const m = this.miners[i];
    m.proc = this.scratch.start(`miner-${i}`, this.prm, ["miner", "--config", m.configFile], { logFile: join(this.dir, `miner-${i}.log`) });
    return m.proc;
  }

  /** The miner index whose process holds the leader lock (instance id `<hostname>-<pid>`), or undefined. */
  async leaderIndex(): Promise<number | undefined> {
    const id = await this.redis.client.get(this.leaderKey);
    if (!id) return undefined;
    const pid = Number(/-(\d+)$/.exec(id)?.[1]);
    return this.miners.find((m) => m.proc?.running && m.proc.child.pid === pid)?.index;
  }

  async leaderId(): Promise<string | null> {
    return this.redis.client.get(this.leaderKey);
  }

  /** Each supplier's lease holder (a miner's consumer name), or null while no miner holds it. */
  async leaseOwners(): Promise<(string | null)[]> {
    const lease = relayMinerRedisKeys(this.keyPrefix).supplierLease;
    return Promise.all(this.chain.genesis.artifacts.summary.suppliers.map((s) => this.redis.client.get(lease(s))));
  }

  /** The miners' rebalance interval as rendered (supplier_claiming.rebalance_interval_seconds). */
  get rebalanceSeconds(): number {
    return Number((parse(this.rendered.minerYaml) as { supplier_claiming?: { rebalance_interval_seconds?: number } }).supplier_claiming?.rebalance_interval_seconds ?? 5);
  }

  /**
   * `pocket-relay-miner relay jsonrpc` from the application staked for `service`, ring-signed for
   * its gateway, to one supplier through relayer `relayer`. `count` > 1 uses the client's load test.
   */
  sendRelays(o: { service: string; count: number; supplier?: string; relayer?: number; concurrency?: number; simulateKeyId?: string }): RelayResult {
    const input = this.chain.genesis.input;
    const app = input.applications.find((a) => a.services.includes(o.service));
    if (!app) throw new Error(`no application is staked for ${o.service}`);
    const relayer = this.relayers[o.relayer ?? 0];
    const supplier = o.supplier ?? this.chain.genesis.artifacts.summary.suppliers[0];
    const args = [
      "relay",
      "jsonrpc",
      "--service",
      o.service,
      "--chain-id",
      this.chainId,
      "--app-priv-key",
      this.privateKeyHex(app.account),
      "--gateway-priv-key",
      this.privateKeyHex(app.delegateeGateways[0]),
      "--node",
      this.chain.grpcAddress,
      "--node-rpc",
      this.chain.rpcUrl,
      "--relayer-url",
      `http://127.0.0.1:${relayer.relayPort}`,
      "--supplier",
      supplier,
      "--timeout",
      "30",
      ...(o.count > 1 ? ["--load-test", "-n", String(o.count), "--concurrency", String(o.concurrency ?? 10)] : []),
      ...(o.simulateKeyId ? ["--simulate", "--sim-key-id", o.simulateKeyId] : []),
    ];
    const r = run(this.prm, args, { allowFail: true, timeoutMs: 180_000 });
    const output = printable(`${r.stdout}\n${r.stderr}`);
    const load = /Successful(?: Requests)?:\s*(\d+)/i.exec(output)?.[1];
    const single = /Status:[^A-Z]*SUCCESS/.test(output) && /Signature:[^A-Z]*VALID/.test(output) ? 1 : 0;
    return { status: r.status, output, succeeded: o.count > 1 ? Number(load ?? 0) : single };
  }

  /** The forward plan `npm run verify` / `npm run chaos` read, pointing at these processes. */
  forwards(): ForwardSpec[] {
    const spec = (name: string, port: number, scheme = "http"): ForwardSpec => ({
      namespace: "relayminer-localnet",
      resource: "svc/local",
      hostPort: port,
      targetPort: port,
      url: `${scheme}://127.0.0.1:${port}`,
      name,
    });
    return [
      spec("validatorRpc", this.chain.ports.rpc),
      spec("validatorRest", this.chain.ports.rest),
      spec("validatorGrpc", this.chain.ports.grpc, "grpc"),
      ...(this.redis.mode === "standalone" ? [spec("redis", this.redis.nodes[0].port, "redis")] : []),
      ...this.relayers.flatMap((r) => [spec(`relayerRelay[${r.index}]`, r.relayPort), spec(`relayerMetrics[${r.index}]`, r.metricsPort)]),
      ...this.miners.map((m) => spec(`minerMetrics[${m.index}]`, m.metricsPort)),
    ];
  }

  writeForwardsFile(): string {
    const file = join(this.dir, "forwards.json");
    writeFileSync(file, JSON.stringify(this.forwards(), null, 2));
    return file;
  }
}

export async function startRelayNetwork(scratch: Scratch, opts: RelayNetworkOptions = {}): Promise<RelayNetwork> {
  const prm = tool("pocket-relay-miner");
  const bt = opts.blockTimeSeconds ?? 2;
  const minerCount = opts.miners ?? 2;
  const relayerCount = opts.relayers ?? 1;
  const stackConfig = {
    // The binaries these tests run are built from the pinned commit.
    "relayMiner.version": pinnedCommit,
    ...opts.stackConfig,
    "validator.blockTimeSeconds": String(bt),
    "miner.count": String(minerCount),
    "relayer.count": String(relayerCount),
    "redis.mode": opts.redisMode ?? "standalone",
  };
  const dir = scratch.dir("relay-network");
  const fromProgram = await renderRelayMinerConfigs(stackConfig);
  const rendered = {
    ...fromProgram,
    minerYaml: patched(fromProgram.minerYaml, "miner", opts.patchConfig),
    relayerYaml: patched(fromProgram.relayerYaml, "relayer", opts.patchConfig),
  };
  const keysFile = join(dir, "supplier-keys.yaml");
  writeFileSync(keysFile, rendered.supplierKeysYaml, { mode: 0o600 });

  const chain = await startChain(scratch, tool("pocketd"), { blockTimeSeconds: bt, stackConfig });
  const redis = opts.redisMode === "cluster" ? await startRedisCluster(scratch) : await startStandaloneRedis(scratch);
  const net = new RelayNetwork(scratch, dir, prm, chain, redis, rendered, bt);

  // Our demo backend is the services' backend, as in the cluster (one worker is enough here).
  const backend = await startBackendProcess({ backend_id: "relay-path" });
  scratch.onCleanup(() => backend.stop());
  const { http: bHttp, grpc: bGrpc } = backend.ports;
  net.backendHttpPort = bHttp;
  net.backendMetricsPort = backend.ports.metrics;
  net.backendAdminPort = backend.ports.admin;
  await waitForHeight(chain, 2);

  const common = { keysFile, redisUrl: redis.url, rpcUrl: chain.rpcUrl, grpcAddress: chain.grpcAddress, backend: { http: bHttp, grpc: bGrpc } };
  for (let i = 0; i < minerCount; i++) {
    const [metrics, pprof] = (await freePorts(2)) as [number, number];
    const configFile = join(dir, `miner-${i}.yaml`);
    writeFileSync(configFile, localize(rendered.minerYaml, { ...common, listen: { relay: 0, metrics, pprof, health: 0 } }));
    net.miners.push({ index: i, metricsPort: metrics, configFile });
    net.startMiner(i);
  }
  await waitFor("a miner holds the leader lock", async () => (await net.leaderIndex()) ?? undefined, 90_000, 250, net.miners[0].proc);

  for (let i = 0; i < relayerCount; i++) {
    const [relay, metrics, pprof, health] = (await freePorts(4)) as [number, number, number, number];
    const configFile = join(dir, `relayer-${i}.yaml`);
    writeFileSync(configFile, localize(rendered.relayerYaml, { ...common, listen: { relay, metrics, pprof, health } }));
    const proc = scratch.start(`relayer-${i}`, prm, ["relayer", "--config", configFile], { logFile: join(dir, `relayer-${i}.log`) });
    net.relayers.push({ index: i, relayPort: relay, metricsPort: metrics, healthPort: health, proc });
  }
  for (const r of net.relayers) {
    await waitFor(`relayer-${r.index} /ready`, async () => (await httpGet(`http://127.0.0.1:${r.healthPort}/ready`))?.status === 200 || undefined, 90_000, 500, r.proc);
  }
  // A relayer is ready before the miners have split the suppliers between them; relays served
  // while a supplier's lease is still unheld or moving were lost in loaded runs (1 to 13 of 200).
  // Start only once every lease is held and has not moved for a rebalance interval.
  let last = "";
  let since = Date.now();
  await waitFor(
    "every supplier leased by a miner, unmoved for a rebalance interval",
    async () => {
      const owners = await net.leaseOwners();
      const now = JSON.stringify(owners);
      if (now !== last) [last, since] = [now, Date.now()];
      return (owners.every((o) => o !== null) && Date.now() - since >= (net.rebalanceSeconds + 1) * 1000) || undefined;
    },
    120_000,
    500,
    net.miners[0].proc,
  );
  return net;
}
