/**
 * The generated Prometheus config: valid for promtool (Debian's prometheus package) in several
 * topologies, with exactly the targets each topology has.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { scrapeJobs } from "../../dashboards";
import { prometheusConfig, prometheusConfigYaml, type ScrapeTopology } from "./prometheus";
import { promtoolCheckConfig } from "../../test/support/prometheus";

/** Redis node host names as the Redis component names them: the Service, or one per pod. */
const redisNodes = (count: number, ns = "relayminer-localnet") =>
  count === 1 ? [`redis.${ns}.svc.cluster.local`] : Array.from({ length: count }, (_, i) => `redis-${i}.redis.${ns}.svc.cluster.local`);

/** The seed topology, with `change` applied. */
const cfg = (change: Partial<ScrapeTopology> = {}): ScrapeTopology => ({
  namespace: "relayminer-localnet",
  scrapeIntervalSeconds: 5,
  relayers: 2,
  miners: 2,
  redisNodes: redisNodes(1),
  backendReplicas: 1,
  chainExporter: true,
  ...change,
});

const topologies: Record<string, Partial<ScrapeTopology>> = {
  default: {},
  "5 relayers": { relayers: 5 },
  "redis cluster 3x1": { redisNodes: redisNodes(6) },
  "3 backend replicas (DNS discovery)": { backendReplicas: 3 },
  "backend off, 1 s scrape": { backendReplicas: 0, scrapeIntervalSeconds: 1 },
  "no relay-miners, 60 s scrape": { relayers: 0, miners: 0, scrapeIntervalSeconds: 60 },
  "no chain exporter": { chainExporter: false },
};

type StaticJob = { job_name: string; static_configs?: Array<{ targets: string[]; labels: Record<string, string> }> };
const job = (input: Partial<ScrapeTopology>, name: string) => (prometheusConfig(cfg(input)).scrape_configs as StaticJob[]).find((j) => j.job_name === name);
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
    const relayers = job({ relayers: 5, miners: 3 }, scrapeJobs.relayers);
    assert.deepEqual(
      targetsOf(relayers),
      [0, 1, 2, 3, 4].map((i) => `relayer-${i}.relayer-pods.relayminer-localnet.svc.cluster.local:9090`),
    );
    assert.deepEqual(relayers?.static_configs?.[4].labels, { instance: "relayer-4", pod: "relayer-4", replica: "4" });
    assert.deepEqual(
      targetsOf(job({ miners: 3 }, scrapeJobs.miners)),
      [0, 1, 2].map((i) => `miner-${i}.miner.relayminer-localnet.svc.cluster.local:9092`),
    );
  });

  it("scrapes one backend through its Service, several through DNS discovery of their pods", () => {
    const one = job({}, scrapeJobs.backend);
    assert.deepEqual(targetsOf(one), ["backend.relayminer-localnet.svc.cluster.local:9095"]);
    assert.deepEqual(one?.static_configs?.[0].labels, { instance: "backend" });
    const many = prometheusConfig(cfg({ backendReplicas: 3 })).scrape_configs.find((j) => j.job_name === scrapeJobs.backend);
    assert.deepEqual(many?.dns_sd_configs, [{ names: ["backend-metrics.relayminer-localnet.svc.cluster.local"], type: "A", port: 9095 }]);
  });

  it("scrapes the chain exporter through its Service", () => {
    const chain = job({}, scrapeJobs.chain);
    assert.deepEqual(targetsOf(chain), ["chain-exporter.relayminer-localnet.svc.cluster.local:9097"]);
    assert.deepEqual(chain?.static_configs?.[0].labels, { instance: "chain-exporter" });
  });

  it("scrapes every Redis node through the exporter, labelled by pod and ordinal", () => {
    assert.deepEqual(targetsOf(job({}, scrapeJobs.redis)), ["redis.relayminer-localnet.svc.cluster.local:6379"]);
    const cluster = job({ redisNodes: redisNodes(12) }, scrapeJobs.redis);
    assert.equal(targetsOf(cluster).length, 12);
    assert.equal(targetsOf(cluster)[11], "redis-11.redis.relayminer-localnet.svc.cluster.local:6379");
    assert.deepEqual(cluster?.static_configs?.[11].labels, { pod: "redis-11", replica: "11" });
  });

  it("has no job for workloads the topology does not deploy", () => {
    const names = (input: Partial<ScrapeTopology>) => prometheusConfig(cfg(input)).scrape_configs.map((j) => j.job_name);
    assert.deepEqual(names({}), ["prometheus", "validator", "chain", "redis", "relayers", "miners", "backend"]);
    assert.deepEqual(names({ backendReplicas: 0, relayers: 0, miners: 0 }), ["prometheus", "validator", "chain", "redis"]);
    assert.deepEqual(names({ redisNodes: [], relayers: 0, miners: 0, chainExporter: false }), ["prometheus", "validator", "backend"]);
  });

  it("follows the namespace and the scrape interval, keeping the timeout within the interval", () => {
    const c = prometheusConfig(cfg({ namespace: "dev-x", scrapeIntervalSeconds: 30 }));
    assert.deepEqual(c.global, { scrape_interval: "30s", scrape_timeout: "10s", evaluation_interval: "30s" });
    assert.match(JSON.stringify(c), /validator\.dev-x\.svc\.cluster\.local:26660/);
    assert.equal(prometheusConfig(cfg({ scrapeIntervalSeconds: 2 })).global.scrape_timeout, "2s");
  });

  it("is deterministic YAML that parses back to the config object", () => {
    const c = cfg({ redisNodes: redisNodes(6) });
    assert.equal(prometheusConfigYaml(c), prometheusConfigYaml(cfg({ redisNodes: redisNodes(6) })));
    assert.deepEqual(parse(prometheusConfigYaml(c)), prometheusConfig(c));
  });
});
