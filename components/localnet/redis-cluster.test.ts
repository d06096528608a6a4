/** redis.mode=cluster under Pulumi's mocks: the nodes, the Job that forms the cluster, and the URLs and key prefixes every client gets. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runProgram, sharedRun, k } from "../../test/support/mock-program";
import { configYaml, container, envOf, podSpec } from "../../test/support/rendered-objects";

describe("redis.mode=cluster", () => {
  test("redis.mode=cluster with the pinned commit: every relay-miner key carries the {ha} hash tag", async () => {
    // One slot for every key: the commit's MULTI transactions span several keys (CROSSSLOT otherwise).
    const run = await runProgram({ "redis.mode": "cluster", "relayMiner.version": "ad37bcb" });
    assert.equal(envOf(podSpec(run.named(k.statefulSet, "relayer")).initContainers[1]).MINERS_KEY, "{ha}:miner:global_leader");
    assert.equal(configYaml(run, "relayer-config").redis.namespace.base_prefix, "{ha}");
    assert.equal(configYaml(run, "relayer-config").relay_meter.redis_key_prefix, "{ha}");
    assert.equal(configYaml(run, "miner-config").redis.namespace.base_prefix, "{ha}");
  });

  test("redis.mode=cluster: 6 nodes, a Job that forms the cluster, cluster URLs everywhere", async () => {
    const run = await sharedRun({ "redis.mode": "cluster" });
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
    const job = async (extra: Record<string, string>, run = runProgram) =>
      JSON.stringify((await run({ "redis.mode": "cluster", ...extra })).named(k.job, "redis-cluster-create").inputs.spec);
    const base = await job({}, sharedRun);
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
});
