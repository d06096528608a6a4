/**
 * The resource graph of RelayMinerLocalnet under Pulumi's mocks for the default config. Real
 * behaviour (the engine, the chain, the relay-miner) is checked by the `*.real.test.ts` tier; this
 * file checks what the program asks for. The variants users reach for are in variants.test.ts and
 * redis-cluster.test.ts, the rendered timing and simulation in rendered-files.test.ts.
 */
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runProgram, sharedRun, k, isSecret, unsecret, type ProgramRun, type Registered } from "../../test/support/mock-program";
import { container, envOf, podSpec, configYaml } from "../../test/support/rendered-objects";
import { validatorScripts } from "../validator/scripts";
import { gateScripts } from "../relay-miner/gates";

describe("default stack: the seed topology", () => {
  let run: ProgramRun;
  before(async () => {
    run = await sharedRun();
  });

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
    const hash = (x: Registered) => x.inputs.spec.template.metadata.annotations["relayminer-localnet/config-hash"] as string;
    const hashesOf = (r: ProgramRun) => ({
      validator: hash(r.named(k.deployment, "validator")),
      miner: hash(r.named(k.statefulSet, "miner")),
      relayer: hash(r.named(k.statefulSet, "relayer")),
    });
    // A fresh run for each edit: the shared run was rendered from the unedited scripts.
    const hashes = async () => hashesOf(await runProgram());
    const edit = async <F extends string>(scripts: Record<F, string>, file: F) => {
      const original = scripts[file];
      scripts[file] = `${original}# edited\n`;
      try {
        return await hashes();
      } finally {
        scripts[file] = original;
      }
    };
    const base = hashesOf(run);
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
