/**
 * The generated Prometheus config: valid for promtool (Debian's prometheus package) in several
 * topologies, with exactly the targets each topology has.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { localnetSchema, type LocalnetConfigInput } from "../components/config/schema";
import { prometheusConfig, prometheusConfigYaml, scrapeJobs } from "./prometheus";
import { promtoolCheckConfig } from "./test-support/prometheus";

const topologies: Record<string, LocalnetConfigInput> = {
  default: {},
  "relayer.count=5": { relayer: { count: 5 } },
  "redis cluster 3x1": { redis: { mode: "cluster", cluster: { shards: 3, replicasPerShard: 1 } } },
  "3 backend replicas (DNS discovery)": { backend: { replicas: 3 } },
  "backend off, 1 s scrape": { backend: { enabled: false }, observability: { scrapeIntervalSeconds: 1 } },
  "no relay-miners, 60 s scrape": { relayer: { count: 0 }, miner: { count: 0 }, observability: { scrapeIntervalSeconds: 60 } },
};

const cfg = (input: LocalnetConfigInput) => localnetSchema.parse(input);

type StaticJob = { job_name: string; static_configs?: Array<{ targets: string[]; labels: Record<string, string> }> };
const job = (input: LocalnetConfigInput, name: string) => (prometheusConfig(cfg(input)).scrape_configs as StaticJob[]).find((j) => j.job_name === name);
const targetsOf = (j: StaticJob | undefined) => (j?.static_configs ?? []).flatMap((s) => s.targets);

describe("prometheus config", () => {
  for (const [name, input] of Object.entries(topologies)) {
    it(`passes promtool check config: ${name}`, () => {
      const r = promtoolCheckConfig(prometheusConfigYaml(cfg(input)));
      assert.equal(r.status, 0, r.output);
      assert.match(r.output, /SUCCESS/);
    });
  }

  it("has one relayer and one miner target per replica, labelled by pod and ordinal", () => {
    const relayers = job({ relayer: { count: 5 }, miner: { count: 3 } }, scrapeJobs.relayers);
    assert.deepEqual(targetsOf(relayers), [0, 1, 2, 3, 4].map((i) => `relayer-${i}.relayer-pods.relayminer-localnet.svc.cluster.local:9090`));
    assert.deepEqual(relayers?.static_configs?.[4].labels, { instance: "relayer-4", pod: "relayer-4", replica: "4" });
    assert.deepEqual(targetsOf(job({ miner: { count: 3 } }, scrapeJobs.miners)), [0, 1, 2].map((i) => `miner-${i}.miner.relayminer-localnet.svc.cluster.local:9092`));
  });

  it("scrapes one backend through its Service, several through DNS discovery of their pods", () => {
    const one = job({}, scrapeJobs.backend);
    assert.deepEqual(targetsOf(one), ["backend.relayminer-localnet.svc.cluster.local:9095"]);
    assert.deepEqual(one?.static_configs?.[0].labels, { instance: "backend" });
    const many = prometheusConfig(cfg({ backend: { replicas: 3 } })).scrape_configs.find((j) => j.job_name === scrapeJobs.backend);
    assert.deepEqual(many?.dns_sd_configs, [{ names: ["backend-metrics.relayminer-localnet.svc.cluster.local"], type: "A", port: 9095 }]);
  });

  it("scrapes every Redis node in cluster mode and only the one server in standalone mode", () => {
    assert.deepEqual(targetsOf(job({}, scrapeJobs.redis)), ["redis.relayminer-localnet.svc.cluster.local:6379"]);
    const cluster = targetsOf(job({ redis: { mode: "cluster", cluster: { shards: 4, replicasPerShard: 2 } } }, scrapeJobs.redis));
    assert.equal(cluster.length, 12);
    assert.equal(cluster[11], "redis-11.redis.relayminer-localnet.svc.cluster.local:6379");
  });

  it("has no job for workloads the topology does not deploy", () => {
    const names = (input: LocalnetConfigInput) => prometheusConfig(cfg(input)).scrape_configs.map((j) => j.job_name);
    assert.deepEqual(names({}), ["prometheus", "validator", "redis", "relayers", "miners", "backend"]);
    assert.deepEqual(names({ backend: { enabled: false }, relayer: { count: 0 }, miner: { count: 0 } }), ["prometheus", "validator", "redis"]);
  });

  it("follows the namespace and the scrape interval, keeping the timeout within the interval", () => {
    const c = prometheusConfig(cfg({ namespace: "dev-x", observability: { scrapeIntervalSeconds: 30 } }));
    assert.deepEqual(c.global, { scrape_interval: "30s", scrape_timeout: "10s", evaluation_interval: "30s" });
    assert.match(JSON.stringify(c), /validator\.dev-x\.svc\.cluster\.local:26660/);
    assert.equal(prometheusConfig(cfg({ observability: { scrapeIntervalSeconds: 2 } })).global.scrape_timeout, "2s");
  });

  it("is deterministic YAML that parses back to the config object", () => {
    const c = cfg({ redis: { mode: "cluster" } });
    assert.equal(prometheusConfigYaml(c), prometheusConfigYaml(cfg({ redis: { mode: "cluster" } })));
    assert.deepEqual(parse(prometheusConfigYaml(c)), prometheusConfig(c));
  });
});
