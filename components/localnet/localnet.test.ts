/**
 * The resource graph of RelayMinerLocalnet under Pulumi's mocks, for the default config and the
 * variants users reach for. Real behaviour (the engine, the chain, the relay-miner) is checked by
 * the `*.real.test.ts` tier; this file checks what the program asks for.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram, k, isSecret, projectDir, unsecret, type ProgramRun, type Registered } from "../../test/support/mock-program";
import { parseStackConfig } from "../config/load";
import { localnetGenesis } from "./genesis";
import { validatorScripts } from "../validator/scripts";
import { gateScripts } from "../relay-miner/gates";

const podSpec = (r: { inputs: Record<string, any> }) => r.inputs.spec.template.spec;
const container = (r: { inputs: Record<string, any> }, name: string) => {
  const c = podSpec(r).containers.find((x: { name: string }) => x.name === name);
  assert.ok(c, `container ${name} missing`);
  return c;
};
const envOf = (c: { env?: { name: string; value: string }[] }): Record<string, string> => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
const configYaml = (run: ProgramRun, name: string) => parse(run.named(k.configMap, name).inputs.data["config.yaml"]);

describe("default stack: the seed topology", async () => {
  const run = await runProgram();

  test("kinds and counts", () => {
    assert.deepEqual(
      run
        .ofType(k.statefulSet)
        .map((r) => [r.inputs.metadata.name, r.inputs.spec.replicas])
        .sort(),
      [
        ["miner", 2],
        ["redis", 1],
        ["relayer", 2],
      ],
    );
    assert.deepEqual(
      run
        .ofType(k.deployment)
        .map((r) => r.inputs.metadata.name)
        .sort(),
      ["backend", "chain-exporter", "grafana", "loki", "prometheus", "redis-commander", "redis-exporter", "validator"],
    );
    assert.equal(run.ofType(k.job).length, 0, "no cluster-create Job in standalone mode");
    assert.equal(run.ofType(k.pvc).length, 0, "fresh chain by default: no volume");
    assert.equal(run.ofType(k.namespace)[0].inputs.metadata.name, "relayminer-localnet");
  });

  test("every Kubernetes object is in the namespace and uses the one provider", () => {
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== k.namespace && !r.type.startsWith("pulumi:"));
    assert.ok(objects.length > 20);
    for (const r of objects) {
      assert.equal(r.inputs.metadata?.namespace, "relayminer-localnet", `${r.type} ${r.name}`);
      assert.match(r.provider ?? "", /pulumi:providers:kubernetes::k8s::/, `${r.type} ${r.name} provider`);
    }
  });

  test("images come from config", () => {
    assert.equal(container(run.named(k.statefulSet, "relayer"), "relayer").image, "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2");
    assert.equal(container(run.named(k.statefulSet, "miner"), "miner").image, "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2");
    assert.equal(container(run.named(k.deployment, "validator"), "pocketd").image, "ghcr.io/pokt-network/pocketd:0.1.35");
    assert.equal(container(run.named(k.statefulSet, "redis"), "redis").image, "redis:8.10.2-alpine");
    assert.equal(container(run.named(k.deployment, "backend"), "backend").image, "relayminer-localnet/backend:dev");
  });

  test("probes and ports", () => {
    const relayer = container(run.named(k.statefulSet, "relayer"), "relayer");
    assert.deepEqual(relayer.readinessProbe.httpGet, { path: "/ready", port: 8081 });
    assert.deepEqual(
      relayer.ports.map((p: { containerPort: number }) => p.containerPort),
      [8080, 8081, 9090, 6060],
    );
    const miner = container(run.named(k.statefulSet, "miner"), "miner");
    assert.deepEqual(miner.readinessProbe.httpGet, { path: "/ready", port: 9092 });
    const gate = container(run.named(k.deployment, "validator"), "height-gate");
    assert.deepEqual(gate.readinessProbe.exec.command, ["sh", "/scripts/height-gate.sh"]);
    assert.match(run.named(k.configMap, "validator-scripts").inputs.data["height-gate.sh"], /latest_block_height.*\[1-9\]/);
    assert.deepEqual(container(run.named(k.statefulSet, "redis"), "redis").readinessProbe.exec.command, ["sh", "-c", "redis-cli ping | grep -q PONG"]);
    assert.deepEqual(
      run.named(k.service, "relayer").inputs.spec.ports.map((p: { port: number }) => p.port),
      [8080, 8081, 9090, 6060],
    );
    const backend = run.named(k.deployment, "backend");
    assert.deepEqual(container(backend, "backend").readinessProbe.httpGet, { path: "/ready", port: 8545 });
    assert.equal(podSpec(backend).securityContext.runAsNonRoot, true);
    assert.equal(parse(run.named(k.configMap, "backend-config").inputs.data["config.yaml"]).workers, 1, "one process: fits the memory request");
  });

  test("start-up gates: miners wait for Redis and block 1, relayers (the release) for the miners' service-factor manifest", () => {
    const minerInits = podSpec(run.named(k.statefulSet, "miner")).initContainers.map((c: { name: string }) => c.name);
    assert.deepEqual(minerInits, ["validate-config", "wait-for-redis", "wait-for-chain"]);
    const [validate, miners] = podSpec(run.named(k.statefulSet, "relayer")).initContainers;
    assert.deepEqual(validate.command, ["sh", "/scripts/validate-config.sh"]);
    assert.deepEqual(
      validate.env.map((e: { name: string; value: string }) => `${e.name}=${e.value}`),
      ["ROLE=relayer", "CONFIG_FILE=/etc/relayminer/config/config.yaml", "KEYS_FILE=/etc/relayminer/keys/supplier-keys.yaml"],
    );
    assert.equal(miners.name, "wait-for-miners");
    assert.deepEqual(miners.command, ["sh", "/scripts/wait-for-miners.sh"]);
    assert.equal(envOf(miners).MINERS_KEY, "ha:service_factor:manifest");
    assert.match(run.named(k.configMap, "relayer-scripts").inputs.data["wait-for-miners.sh"], /exists "\$MINERS_KEY"/);
    // ... then for every supplier's lease, settled for the miners' own rebalance interval.
    const leases = envOf(miners).SUPPLIER_LEASE_KEYS.split(" ");
    assert.ok(leases.length > 0);
    assert.equal(new Set(leases).size, leases.length);
    for (const key of leases) assert.match(key, /^ha:miner:claim:pokt1[0-9a-z]{38}$/);
    const minerConfig = parse(run.named(k.configMap, "miner-config").inputs.data["config.yaml"]);
    assert.equal(envOf(miners).LEASES_SETTLE_SECONDS, String(minerConfig.supplier_claiming.rebalance_interval_seconds));
  });

  test("the release's invariants hold: Redis with maxmemory and noeviction, relay-miner containers with memory and CPU limits", () => {
    const conf = run.named(k.configMap, "redis-config").inputs.data["redis.conf"] as string;
    assert.match(conf, /^maxmemory-policy noeviction$/m);
    assert.ok(Number(/^maxmemory (\d+)mb$/m.exec(conf)?.[1]) > 0, "maxmemory is set");
    for (const role of ["relayer", "miner"]) {
      const c = container(run.named(k.statefulSet, role), role);
      const env = envOf(c);
      const limited = Boolean(c.resources?.limits?.memory && c.resources?.limits?.cpu);
      assert.ok(limited || (env.GOMEMLIMIT && env.GOMAXPROCS), `${role}: GOMEMLIMIT and GOMAXPROCS, or container limits`);
    }
  });

  test("dependency order: relayers → miners → Redis + validator", () => {
    const deps = (type: string) => run.captured.find((c) => c.type === type)?.dependsOn ?? [];
    assert.deepEqual(new Set(deps("relayminer-localnet:localnet:RelayerSet")), new Set(["namespace", "miners", "backend"]));
    // Redis is ready when its servers are: the exporter and Redis Commander beside them are not waited for.
    assert.deepEqual(new Set(deps("relayminer-localnet:localnet:MinerSet")), new Set(["namespace", "redis-statefulset", "validator"]));
    const parts = run.captured.filter((c) => c.type.startsWith("relayminer-localnet:localnet:"));
    assert.ok(parts.length >= 6 && parts.every((c) => c.parent === "localnet"), "every part is a child of RelayMinerLocalnet");
    const relayerChildren = run.captured.filter((c) => c.parent === "relayers").map((c) => c.type);
    assert.ok(relayerChildren.includes(k.statefulSet), "relayer StatefulSet is a child of the RelayerSet");
  });

  test("rendered relay-miner configs point at the topology", () => {
    const relayer = configYaml(run, "relayer-config");
    assert.equal(relayer.redis.url, "redis://redis.relayminer-localnet.svc.cluster.local:6379");
    assert.equal(relayer.pocket_node.query_node_rpc_url, "http://validator.relayminer-localnet.svc.cluster.local:26657");
    assert.equal(relayer.default_validation_mode, "optimistic");
    assert.deepEqual(Object.keys(relayer.services).sort(), ["develop-cometbft", "develop-grpc", "develop-http", "develop-stream", "develop-websocket"]);
    assert.equal(relayer.services["develop-http"].backends.jsonrpc.url, "http://backend.relayminer-localnet.svc.cluster.local:8545");
    const miner = configYaml(run, "miner-config");
    assert.equal(miner.known_applications.length, 5);
    assert.equal(miner.block_time_seconds, 2);
    assert.equal(miner.pocket_node.chain_id, "pocket");
    assert.equal(miner.redis.namespace.base_prefix, "ha");
    assert.equal(relayer.redis.namespace.base_prefix, "ha");
  });

  test("Prometheus targets resolve: each pod name sits under its StatefulSet's headless Service", () => {
    const prom = parse(run.named(k.configMap, "prometheus-config").inputs.data["prometheus.yml"]);
    for (const [job, sts] of [
      ["relayers", "relayer"],
      ["miners", "miner"],
    ] as const) {
      const statefulSet = run.named(k.statefulSet, sts);
      const governing = statefulSet.inputs.spec.serviceName;
      assert.equal(run.named(k.service, governing).inputs.spec.clusterIP, "None", `${governing} is headless`);
      const targets = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === job).static_configs.map((c: { targets: string[] }) => c.targets[0]);
      assert.deepEqual(
        targets,
        Array.from({ length: statefulSet.inputs.spec.replicas }, (_, i) => `${sts}-${i}.${governing}.relayminer-localnet.svc.cluster.local:${sts === "relayer" ? 9090 : 9092}`),
      );
    }
  });

  test("no workload waits on a load-balanced Service (its await needs that workload's pods: a deadlock)", () => {
    const byName = new Map(run.resources.map((r) => [r.name, r]));
    for (const c of run.captured) {
      for (const dep of c.dependsOn) {
        const r = byName.get(dep);
        if (r?.type === k.service) assert.equal(r.inputs.spec.clusterIP, "None", `${c.type} ${c.name} waits on Service ${dep}`);
      }
    }
  });

  test("a config change rolls the pods: the pod template carries the config hash", () => {
    const annotations = run.named(k.statefulSet, "relayer").inputs.spec.template.metadata.annotations;
    assert.match(annotations["relayminer-localnet/config-hash"], /^[0-9a-f]{16}$/);
  });

  test("every script a pod runs is the .sh file beside its part, mounted from the pod's scripts ConfigMap", () => {
    const partDirs = readdirSync(join(__dirname, "..")).map((d) => join(__dirname, "..", d));
    const fileOnDisk = (name: string) => {
      const found = partDirs.map((d) => join(d, name)).filter(existsSync);
      assert.equal(found.length, 1, `${name} is in exactly one part folder`);
      return readFileSync(found[0], "utf8");
    };
    let checked = 0;
    for (const w of [...run.ofType(k.statefulSet), ...run.ofType(k.deployment), ...run.ofType(k.job)]) {
      const spec = podSpec(w);
      const commands = [...(spec.initContainers ?? []), ...spec.containers].flatMap((c: Record<string, any>) => [c.command, c.readinessProbe?.exec?.command]);
      for (const command of commands.filter((c: unknown) => Array.isArray(c) && c[0] === "sh" && String(c[1]).startsWith("/scripts/"))) {
        const file = String(command[1]).slice("/scripts/".length);
        const volume = spec.volumes.find((v: { name: string }) => v.name === "scripts");
        assert.ok(volume?.configMap, `${w.inputs.metadata.name} mounts a scripts ConfigMap`);
        assert.equal(run.named(k.configMap, volume.configMap.name).inputs.data[file], fileOnDisk(file), `${file} in ${volume.configMap.name}`);
        checked++;
      }
    }
    assert.equal(checked, 9, "init, configure, idle, height gate; validate-config (miner, relayer), wait-for-redis, -chain, -leader");
  });

  test("editing a script rolls exactly the pods that run it (its text is in their config hash)", async () => {
    const hashes = async () => {
      const r = await runProgram();
      const hash = (x: Registered) => x.inputs.spec.template.metadata.annotations["relayminer-localnet/config-hash"] as string;
      return { validator: hash(r.named(k.deployment, "validator")), miner: hash(r.named(k.statefulSet, "miner")), relayer: hash(r.named(k.statefulSet, "relayer")) };
    };
    const edit = async <F extends string>(scripts: Record<F, string>, file: F) => {
      const original = scripts[file];
      scripts[file] = `${original}# edited\n`;
      try {
        return await hashes();
      } finally {
        scripts[file] = original;
      }
    };
    const base = await hashes();
    const gate = await edit(validatorScripts, "height-gate.sh");
    assert.notEqual(gate.validator, base.validator);
    assert.deepEqual({ miner: gate.miner, relayer: gate.relayer }, { miner: base.miner, relayer: base.relayer });
    const leader = await edit(gateScripts, "wait-for-miners.sh");
    assert.notEqual(leader.relayer, base.relayer);
    assert.deepEqual({ validator: leader.validator, miner: leader.miner }, { validator: base.validator, miner: base.miner });
  });

  test("ConfigMaps are updated in place, never replaced (a replaced one would take its StatefulSet with it)", () => {
    const providers = run.ofType("pulumi:providers:kubernetes");
    assert.equal(providers.length, 1);
    assert.equal(String(providers[0].inputs.enableConfigMapMutable), "true");
  });

  test("secrets never land in ConfigMaps", () => {
    const secrets = run.ofType(k.secret);
    for (const s of secrets) {
      const marked = isSecret(s.inputs.stringData) || Object.values(s.inputs.stringData ?? {}).some(isSecret);
      assert.ok(marked, `Secret ${s.inputs.metadata.name} holds its data as a Pulumi secret`);
    }
    const plain = (s: { inputs: Record<string, any> }) => unsecret<Record<string, unknown>>(s.inputs.stringData ?? {});
    const secretTexts = secrets.flatMap((s) => Object.values(plain(s)).map((v) => unsecret<string>(v)));
    assert.ok(secretTexts.length >= 4, "validator keys, supplier keys and the Grafana password are Secrets");
    const privateHex = secretTexts.join("\n").match(/[0-9a-f]{64}/g) ?? [];
    assert.ok(privateHex.length >= 15, "supplier keys are in a Secret");
    const configMapText = run
      .ofType(k.configMap)
      .map((c) => JSON.stringify(c.inputs.data))
      .join("\n");
    for (const key of privateHex) assert.ok(!configMapText.includes(key), "a supplier private key is in a ConfigMap");
    const validatorKey = JSON.parse(plain(run.named(k.secret, "validator-keys"))["priv_validator_key.json"] as string);
    assert.ok(!configMapText.includes(validatorKey.priv_key.value), "the consensus private key is in a ConfigMap");
  });

  test("outputs: one relayer URL per replica and every service URL", () => {
    const urls = run.outputs.urls;
    assert.deepEqual(urls.relayers, ["http://127.0.0.1:8180", "http://127.0.0.1:8181"]);
    for (const key of [
      "validatorRpc",
      "validatorGrpc",
      "validatorRest",
      "backendHttp",
      "backendGrpc",
      "backendMetrics",
      "prometheus",
      "grafana",
      "chainExporter",
      "loki",
      "redis",
      "redisCommander",
    ]) {
      assert.ok(urls[key], `urls.${key}`);
    }
    assert.equal(urls.redis, "redis://127.0.0.1:6379");
    assert.equal(run.outputs.chain.chainId, "pocket");
    assert.ok(Object.values<string>(run.outputs.dashboards).every((u) => u.startsWith("http://127.0.0.1:3000/d/")));
    assert.ok(run.outputs.forwards.every((f: { url: string }) => f.url.includes("127.0.0.1")));
  });
});

const genesisOf = (run: ProgramRun) => JSON.parse(run.named(k.configMap, "validator-genesis").inputs.data["genesis.json"]);

describe("timing, economics and simulation in the rendered files", () => {
  test("default: miners' failover timings follow the 2 s blocks, and the chain's windows absorb a crash", async () => {
    const run = await runProgram();
    const miner = configYaml(run, "miner-config");
    assert.deepEqual(miner.leader_election, { leader_ttl_seconds: 5, heartbeat_rate_seconds: 1 });
    assert.deepEqual(miner.supplier_claiming, { claim_ttl_seconds: 15, renew_rate_seconds: 3, rebalance_interval_seconds: 5 });
    const shared = genesisOf(run).app_state.shared.params;
    assert.equal(shared.num_blocks_per_session, "10");
    assert.equal(shared.claim_window_close_offset_blocks, "19");
    assert.equal(shared.proof_window_close_offset_blocks, "19");
    assert.equal(shared.application_unbonding_period_sessions, "4");
  });

  test("validator.timing=mainnet: 20-block sessions, 10-block grace; block time 6 s stretches the miners' leases with it", async () => {
    const run = await runProgram({ "validator.timing": "mainnet", "validator.blockTimeSeconds": "6" });
    const shared = genesisOf(run).app_state.shared.params;
    assert.deepEqual([shared.num_blocks_per_session, shared.grace_period_end_offset_blocks, shared.claim_window_open_offset_blocks], ["20", "10", "11"]);
    const miner = configYaml(run, "miner-config");
    assert.equal(miner.block_time_seconds, 6);
    assert.equal(miner.leader_election.leader_ttl_seconds, 12);
  });

  test("the relayer answers simulated relays for one dev identity per service, keyed by the genesis's public keys", async () => {
    const run = await runProgram();
    const sim = configYaml(run, "relayer-config").simulation;
    assert.equal(sim.enabled, true);
    assert.deepEqual(
      sim.identities.map((i: { key_id: string }) => i.key_id),
      ["sim-cometbft", "sim-grpc", "sim-http", "sim-stream", "sim-websocket"],
    );
    // The staked application of develop-http and its gateway, by the public keys genesis registers.
    const state = genesisOf(run).app_state;
    const pubKeyOf = (address: string) => Buffer.from(state.auth.accounts.find((a: { address: string }) => a.address === address).pub_key.key, "base64").toString("hex");
    const app = state.application.applicationList.find((a: { service_configs: { service_id: string }[] }) => a.service_configs[0].service_id === "develop-http");
    const http = sim.identities.find((i: { key_id: string }) => i.key_id === "sim-http");
    assert.deepEqual(http.allowed_services, ["develop-http"]);
    assert.equal(http.app_pubkey_hex, pubKeyOf(app.address));
    assert.deepEqual(http.gateway_pubkeys_hex, app.delegatee_gateway_addresses.map(pubKeyOf));
  });

  test("relayer.config decides over simulation: off, or its own identities", async () => {
    const off = await runProgram({ "relayer.config": JSON.stringify({ simulation: { enabled: false } }) });
    assert.equal(configYaml(off, "relayer-config").simulation.enabled, false);
    const own = await runProgram({ "relayer.config": JSON.stringify({ simulation: { identities: [] } }) });
    assert.deepEqual(configYaml(own, "relayer-config").simulation.identities, []);
  });
});

describe("variants", () => {
  test("relayer.count=5, flat and --path forms alike", async () => {
    const forms: Record<string, string>[] = [{ "relayer.count": "5" }, { relayer: JSON.stringify({ count: 5 }) }];
    for (const config of forms) {
      const run = await runProgram(config);
      assert.equal(run.named(k.statefulSet, "relayer").inputs.spec.replicas, 5);
      assert.equal(run.outputs.urls.relayers.length, 5);
      assert.equal(run.outputs.urls.relayers[4], "http://127.0.0.1:8184");
    }
  });

  test("miner.count=3", async () => {
    const run = await runProgram({ "miner.count": "3" });
    assert.equal(run.named(k.statefulSet, "miner").inputs.spec.replicas, 3);
    assert.equal(run.outputs.urls.minerMetrics.length, 3);
  });

  test("redis.mode=cluster with the pinned commit: every relay-miner key carries the {ha} hash tag", async () => {
    // One slot for every key: the commit's MULTI transactions span several keys (CROSSSLOT otherwise).
    const run = await runProgram({ "redis.mode": "cluster", "relayMiner.version": "ad37bcb" });
    assert.equal(envOf(podSpec(run.named(k.statefulSet, "relayer")).initContainers[1]).MINERS_KEY, "{ha}:miner:global_leader");
    assert.equal(configYaml(run, "relayer-config").redis.namespace.base_prefix, "{ha}");
    assert.equal(configYaml(run, "relayer-config").relay_meter.redis_key_prefix, "{ha}");
    assert.equal(configYaml(run, "miner-config").redis.namespace.base_prefix, "{ha}");
  });

  test("redis.mode=cluster: 6 nodes, a Job that forms the cluster, cluster URLs everywhere", async () => {
    const run = await runProgram({ "redis.mode": "cluster" });
    const redis = run.named(k.statefulSet, "redis");
    assert.equal(redis.inputs.spec.replicas, 6);
    assert.equal(run.named(k.service, "redis").inputs.spec.clusterIP, "None");
    const job = run.named(k.job, "redis-cluster-create");
    const create = job.inputs.spec.template.spec.containers[0];
    assert.deepEqual(create.command, ["sh", "/scripts/cluster-create.sh"]);
    assert.equal(envOf(create).REPLICAS_PER_SHARD, "1");
    assert.equal(envOf(create).REDIS_HOSTS.split(" ").length, 6);
    const minerDeps = run.captured.find((c) => c.type === "relayminer-localnet:localnet:MinerSet")!.dependsOn;
    assert.ok(minerDeps.includes("redis-cluster-create"), `miners wait for the formed cluster (${minerDeps.join(", ")})`);
    assert.match(configYaml(run, "relayer-config").redis.url, /^redis-cluster:\/\/redis-0\.redis\..*,redis-5\.redis\./);
    assert.match(configYaml(run, "miner-config").redis.url, /^redis-cluster:\/\//);
    assert.equal(envOf(podSpec(run.named(k.statefulSet, "relayer")).initContainers[1]).REDIS_CLUSTER, "true");
    // The release takes only a flat base prefix: its keys keep "ha" in a cluster too.
    assert.equal(envOf(podSpec(run.named(k.statefulSet, "relayer")).initContainers[1]).MINERS_KEY, "ha:service_factor:manifest");
    assert.equal(configYaml(run, "relayer-config").redis.namespace.base_prefix, "ha");
    assert.equal(configYaml(run, "relayer-config").relay_meter, undefined);
    assert.equal(configYaml(run, "miner-config").redis.namespace.base_prefix, "ha");
    const exporterEnv = container(run.named(k.deployment, "redis-exporter"), "exporter").env;
    assert.ok(exporterEnv.some((e: { name: string; value: string }) => e.name === "REDIS_EXPORTER_IS_CLUSTER" && e.value === "true"));
  });

  test("redis.mode=cluster: the cluster Job changes exactly when the Redis pods are recreated", async () => {
    const job = async (extra: Record<string, string>) => JSON.stringify((await runProgram({ "redis.mode": "cluster", ...extra })).named(k.job, "redis-cluster-create").inputs.spec);
    const base = await job({});
    assert.equal(await job({ "relayer.count": "5" }), base, "the Job must not re-run when Redis is untouched");
    const changes: Record<string, string>[] = [
      { "redis.maxMemoryMb": "512" },
      { "images.redis": "redis:8.10.1-alpine" },
      { "kube.imagePullPolicy": "Always" },
      { "redis.cluster.shards": "4" },
    ];
    for (const change of changes) {
      assert.notEqual(await job(change), base, `the Job must re-run after ${JSON.stringify(change)}`);
    }
  });

  test("no Service changes with the topology: a config change never updates a Service", async () => {
    // The provider (4.25) can end a Service update with the object it saw before the patch, and
    // the next preview then proposes the change again; so Services are kept config-independent.
    const services = async (config: Record<string, string>) =>
      new Map((await runProgram(config)).ofType(k.service).map((r) => [r.inputs.metadata.name as string, JSON.stringify(r.inputs)]));
    const base = await services({});
    const variants: Record<string, string>[] = [
      { "redis.mode": "cluster" },
      { "relayer.count": "5", "miner.count": "3" },
      { "redis.maxMemoryMb": "512" },
      { "redis.persistence": "true" },
      { "validator.keepState": "true" },
    ];
    for (const v of variants) {
      for (const [name, spec] of await services(v)) {
        if (base.has(name)) assert.equal(spec, base.get(name), `Service ${name} differs under ${JSON.stringify(v)}`);
      }
    }
  });

  test("observability off removes Prometheus, Grafana, the Redis exporter only they read, and their URLs", async () => {
    const run = await runProgram({ "observability.enabled": "false" });
    const names = [...run.ofType(k.deployment), ...run.ofType(k.service)].map((r) => r.inputs.metadata.name);
    for (const gone of ["prometheus", "grafana", "redis-exporter"]) assert.ok(!names.includes(gone), `no ${gone} (${names.join(", ")})`);
    assert.equal(run.outputs.urls.prometheus, undefined);
    assert.equal(run.outputs.urls.grafana, undefined);
    assert.deepEqual(run.outputs.dashboards, {});
    const on = await runProgram({});
    assert.ok(
      on.ofType(k.deployment).some((r) => r.inputs.metadata.name === "redis-exporter"),
      "with observability on, the exporter is there",
    );
  });

  test("observability.grafana off keeps Prometheus (and its Redis exporter) and leaves Grafana, its URL, forward and links out", async () => {
    const run = await runProgram({ "observability.grafana": "false" });
    const names = [...run.ofType(k.deployment), ...run.ofType(k.service), ...run.ofType(k.configMap), ...run.ofType(k.secret)].map((r) => r.inputs.metadata.name);
    for (const kept of ["prometheus", "redis-exporter"]) assert.ok(names.includes(kept), `${kept} stays`);
    assert.deepEqual(
      names.filter((n: string) => n.startsWith("grafana")),
      [],
    );
    assert.equal(run.outputs.urls.grafana, undefined);
    assert.ok(run.outputs.urls.prometheus);
    assert.ok(!run.outputs.forwards.some((f: { name: string }) => f.name === "grafana"));
    assert.deepEqual(run.outputs.dashboards, {});
  });

  test("backend off with an external backend: no backend objects, relayers forward there", async () => {
    const run = await runProgram({ "backend.enabled": "false", "backend.externalHost": "my-node.other.svc" });
    assert.ok(!run.ofType(k.deployment).some((r) => r.inputs.metadata.name === "backend"));
    assert.equal(configYaml(run, "relayer-config").services["develop-http"].backends.jsonrpc.url, "http://my-node.other.svc:8545");
    assert.equal(run.outputs.urls.backendHttp, undefined);
    const deps = run.captured.find((c) => c.type === "relayminer-localnet:localnet:RelayerSet")!.dependsOn;
    assert.deepEqual(new Set(deps), new Set(["namespace", "miners"]));
  });

  test("keep-state on: the validator home is a volume claim", async () => {
    const run = await runProgram({ "validator.keepState": "true", "validator.storageSize": "5Gi" });
    const pvc = run.named(k.pvc, "validator-data");
    assert.equal(pvc.inputs.spec.resources.requests.storage, "5Gi");
    const home = podSpec(run.named(k.deployment, "validator")).volumes.find((v: { name: string }) => v.name === "home");
    assert.ok(home.persistentVolumeClaim, "home volume is the claim");
  });

  test("relay-miner overrides are deep-merged into the rendered configs", async () => {
    const run = await runProgram({ "miner.config": JSON.stringify({ supplier_claiming: { renew_rate_seconds: 5 } }) });
    assert.equal(configYaml(run, "miner-config").supplier_claiming.renew_rate_seconds, 5);
    assert.equal(configYaml(run, "miner-config").supplier_claiming.claim_ttl_seconds, 15, "the rest of the block stays derived");
    assert.equal(configYaml(run, "miner-config").metrics.addr, "0.0.0.0:9092", "owned keys keep their values");
  });

  test("relayMiner.version = ad37bcb: the pinned commit's image, and relayers wait for the leader lock", async () => {
    const run = await runProgram({ "relayMiner.version": "ad37bcb" });
    assert.equal(container(run.named(k.statefulSet, "miner"), "miner").image, "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb");
    const miners = podSpec(run.named(k.statefulSet, "relayer")).initContainers.find((c: { name: string }) => c.name === "wait-for-miners");
    assert.equal(envOf(miners).MINERS_KEY, "ha:miner:global_leader");
  });

  test("an override the chosen version refuses is a config error naming the key and the version", async () => {
    const retired = { "relayer.config": JSON.stringify({ relay_meter: { fail_behavior: "closed" } }) };
    await assert.rejects(
      runProgram(retired),
      /relayer\.config\.relay_meter\.fail_behavior = "closed": was removed from this version.*\(relay-miner v0\.1\.2, relayMiner\.version\)/,
    );
    // The pinned commit still reads it: the same override reaches its rendered config.
    const pinned = await runProgram({ ...retired, "relayMiner.version": "ad37bcb" });
    assert.equal(configYaml(pinned, "relayer-config").relay_meter.fail_behavior, "closed");
  });

  test("miner failover timings the session windows cannot absorb stop the program, naming what to change", () => {
    const config = parseStackConfig({ "relayminer-localnet:miner.config": JSON.stringify({ supplier_claiming: { claim_ttl_seconds: 90 } }) }, { projectDir });
    assert.throws(
      () => localnetGenesis(config, projectDir),
      (e: Error) => {
        assert.ok(pulumi.RunError.isInstance(e));
        assert.match(e.message, /^a miner crash could lose a session \(validator\.timing = "fast", validator\.blockTimeSeconds = 2,/);
        assert.match(e.message, /params\.shared\.claim_window_close_offset_blocks = 19 is too short: a miner crash takes up to 101 s .* allowed: 57 or more/);
        return true;
      },
    );
  });

  test("a broken genesis description stops the program with a readable error, not a stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "rml-genesis-")), "bad.yaml");
    writeFileSync(file, "chainId: pocket\naccounts: []\n");
    await assert.rejects(runProgram({ "validator.genesisFile": file }), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e), "a RunError: Pulumi prints it without a stack trace");
      assert.match(e.message, /^validator\.genesisFile = ".*bad\.yaml": invalid genesis input/);
      return true;
    });
  });
});
