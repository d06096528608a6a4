/**
 * The whole default localnet on a real node, through the real Pulumi engine and provider: every
 * pod Running and Ready without a restart, the init gates' scripts run (their logs), names resolve
 * between pods, Prometheus scrapes real pods (every target up, the chain exporter's too), `npm run forward` reaches the
 * services on 127.0.0.1 and moves to a replaced pod, the stack's `urls` answer, a second `up`
 * changes nothing, `destroy` leaves no pod or namespace. Prints the boot phase table.
 *
 * With a relay-miner binary (RELAYMINER_TOOLS_BIN) miners and relayers are deployed and one relay
 * per protocol goes through a forwarded relayer port to the backend; without one that part is
 * skipped, NOT VERIFIED.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { generateGenesis, loadGenesisInput } from "../../../genesis";
import { keyringOf } from "../../../genesis/keyring";
import { relayerEndpointUrl, validatorP2pAddress } from "../../../components/topology/names";
import { containerPorts } from "../../../components/topology/ports";
import { scrapeJobs } from "../../../dashboards";
import { relayMinerBinary } from "../../../tools/images/sources";
import { getJson, httpGet, repoRoot, run, Scratch, tool, waitFor, type Proc } from "../support";
import { NAMESPACE, podsNow, startLocalnetNode, upTimed, workloadOf, type LocalnetNode, type UpRecord } from "./localnet";

const NOT_VERIFIED_RELAY = "NOT VERIFIED: no relay-miner binary (set RELAYMINER_TOOLS_BIN to a directory holding pocket-relay-miner): no miner, relayer or relay on the real node";

/** Does the thing behind a forwarded URL answer in its own protocol? (HTTP: any status below 500, or 200 only when `health` says it is a health or metrics path.) */
async function answers(url: string, health = false, seen?: (what: string) => void): Promise<string | undefined> {
  const u = new URL(url);
  if (u.protocol === "http:") {
    const r = await httpGet(url, 5000);
    seen?.(r ? `HTTP ${r.status} ${r.body.slice(0, 200)}` : "no connection");
    return r && (health ? r.status === 200 : r.status < 500) ? `HTTP ${r.status}` : undefined;
  }
  const port = Number(u.port);
  // redis: PING → +PONG; grpc: the HTTP/2 preface → the server's SETTINGS frame (type 4).
  const hello = u.protocol === "redis:" ? Buffer.from("PING\r\n") : Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);
  const ok = (b: Buffer) => (u.protocol === "redis:" ? b.toString().startsWith("+PONG") : b.length >= 9 && b[3] === 4);
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    const done = (v: string | undefined) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(5000, () => done(undefined));
    s.once("error", () => done(undefined));
    s.once("connect", () => s.write(hello));
    s.once("data", (b) => done(ok(b) ? `${u.protocol.slice(0, -1)} answered` : undefined));
  });
}

const secs = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

describe("the whole localnet on a real node", { timeout: 30 * 60_000 }, () => {
  const scratch = new Scratch();
  let l: LocalnetNode;
  let firstUp: UpRecord;
  let secondUp: UpRecord | undefined;
  let forward: Proc | undefined;
  let readyAt = new Map<string, number>();

  before(async () => {
    l = await startLocalnetNode(scratch);
    ({ up: firstUp, readyAt } = await upTimed(l));
    const phases: [string, number | undefined][] = [
      ["node ready (control plane + kubelet)", l.node.timings.totalMs],
      ["Redis Ready", readyAt.get("redis")],
      ["validator Ready (block 1)", readyAt.get("validator")],
      ["backend Ready", readyAt.get("backend")],
      ["Prometheus Ready", readyAt.get("prometheus")],
      ["chain exporter Ready (first read)", readyAt.get("chain-exporter")],
      ["Loki Ready", readyAt.get("loki")],
      ["log collector Ready", readyAt.get("log-collector")],
      ["miners Ready", readyAt.get("miner")],
      ["relayers Ready", readyAt.get("relayer")],
      ["pulumi up (all rollouts done)", firstUp.ms],
    ];
    console.log(`# boot phases (after pulumi up started, node excluded):\n${phases.map(([k, v]) => `#   ${k.padEnd(38)} ${secs(v)}`).join("\n")}`);
    console.log(`# first up: ${JSON.stringify(firstUp.changes)}`);
  });

  after(async () => {
    await forward?.stop();
    try {
      if (l) {
        const d = await l.destroy();
        console.log(`# destroy: ${secs(d.ms)}`);
      }
    } finally {
      const left = l?.teardown() ?? [];
      if (left.length) console.log(`# teardown left: ${left.join("; ")}`);
      await scratch.cleanup();
    }
  });

  test("every pod is Running and Ready, with no restarts", () => {
    const pods = l.pods();
    const workloads = [...new Set(pods.map(workloadOf))].sort();
    const expected = [
      "backend",
      "chain-exporter",
      "log-collector",
      "loki",
      "prometheus",
      "redis",
      "redis-commander",
      "redis-exporter",
      "validator",
      ...(l.relayMiner ? ["miner", "relayer"] : []),
    ].sort();
    assert.deepEqual(workloads, expected);
    const bad = pods.filter((p) => p.phase !== "Running" || !p.ready || p.restarts > 0).map((p) => `${p.name}: ${p.phase} ready=${p.ready} restarts=${p.restarts}`);
    assert.deepEqual(bad, []);
    if (l.relayMiner) {
      assert.equal(pods.filter((p) => workloadOf(p) === "miner").length, 2);
      assert.equal(pods.filter((p) => workloadOf(p) === "relayer").length, 2);
    } else console.log(`# ${NOT_VERIFIED_RELAY}`);
  });

  test("the init steps and gates ran their scripts and passed (their logs)", () => {
    // Each init container's last line says it passed; the gates also say they waited, when they had to.
    const passed: Record<string, RegExp> = {
      init: /^initialized$/m,
      configure: /^validator home configured: block time \d+s$/m,
      "validate-config": /^supplier keys readable: [1-9]\d* key\(s\) in /m,
      "wait-for-redis": /^redis is up$/m,
      "wait-for-chain": /^chain is producing blocks$/m,
      "wait-for-miners": /^miners are up: .+ = \S+$[\s\S]*^supplier leases held: [1-9]\d*, unmoved for \d+s$/m,
    };
    const seen: string[] = [];
    for (const p of l.pods()) {
      for (const c of (p.raw.spec.initContainers ?? []) as { name: string }[]) {
        const log = l.node.kubectl(["logs", "-n", NAMESPACE, p.name, "-c", c.name]);
        assert.ok(passed[c.name], `an init container this test does not know: ${p.name}/${c.name}:\n${log}`);
        assert.match(log, passed[c.name], `${p.name}/${c.name} did not pass:\n${log}`);
        const waited = (log.match(/^waiting for /gm) ?? []).length;
        seen.push(`${p.name}/${c.name}${waited ? ` (waited ${waited}×)` : ""}`);
      }
    }
    console.log(`# init steps passed: ${seen.join(", ")}`);
    const names = new Set(seen.map((s) => s.split(/[/ ]/)[1]));
    for (const c of ["init", "configure", ...(l.relayMiner ? ["validate-config", "wait-for-redis", "wait-for-chain", "wait-for-miners"] : [])]) assert.ok(names.has(c), `${c} ran`);
    // The validator's height gate (a readiness probe running height-gate.sh) is what made it Ready.
    const validator = l.pods().find((p) => workloadOf(p) === "validator")!;
    const gate = (validator.raw.status.containerStatuses as { name: string; ready: boolean }[]).find((c) => c.name === "height-gate");
    assert.equal(gate?.ready, true);
  });

  test("pods reach each other by name: the validator's height through its Service, Redis by its pod name", () => {
    const validator = l.pods().find((p) => workloadOf(p) === "validator")!;
    // From the validator pod's busybox container: DNS through the node's CoreDNS, then the Service's port.
    const status = l.node.kubectl([
      "exec",
      "-n",
      NAMESPACE,
      validator.name,
      "-c",
      "height-gate",
      "--",
      "wget",
      "-qO-",
      `http://validator.${NAMESPACE}.svc.cluster.local:26657/status`,
    ]);
    const height = Number(/"latest_block_height":\s*"(\d+)"/.exec(status)?.[1]);
    assert.ok(height >= 1, `height through the Service: ${status.slice(0, 300)}`);
    const redis = l.pods().find((p) => p.name === "redis-0")!;
    const lookup = l.node.kubectl(["exec", "-n", NAMESPACE, validator.name, "-c", "height-gate", "--", "nslookup", `redis-0.redis.${NAMESPACE}.svc.cluster.local`]);
    assert.ok(lookup.includes(redis.ip), `redis-0's DNS name resolves to its pod IP ${redis.ip}:\n${lookup}`);
  });

  test("npm run forward reaches the services on 127.0.0.1: the chain's height, the backend, Redis, Prometheus", async () => {
    const dir = scratch.dir("forward");
    forward = scratch.start("forward", process.execPath, ["--import", "tsx", "scripts/forward.ts", "--forwards", await l.forwardsJson()], {
      cwd: repoRoot,
      env: l.forwardEnv(),
      logFile: join(dir, "forward.log"),
    });
    const urls = await l.urls();
    const height = await waitFor(
      "the validator's height through the forward",
      async () => {
        const r = await httpGet(`${urls.validatorRpc as string}/status`);
        const h = Number(/"latest_block_height":\s*"(\d+)"/.exec(r?.body ?? "")?.[1]);
        return h >= 1 ? h : undefined;
      },
      60_000,
      500,
      forward,
    );
    const later = await waitFor(
      "a later block",
      async () => {
        const r = await httpGet(`${urls.validatorRpc as string}/status`);
        const h = Number(/"latest_block_height":\s*"(\d+)"/.exec(r?.body ?? "")?.[1]);
        return h > height ? h : undefined;
      },
      30_000,
      500,
    );
    console.log(`# chain height through the forward: ${height}, then ${later}`);
    assert.equal((await httpGet(`${urls.backendHttp as string}/health`))?.status, 200);
    assert.equal(await answers(urls.redis as string), "redis answered");
  });

  test("the stack's urls all answer through the forwards", async () => {
    const urls = await l.urls();
    const all = Object.entries(urls).flatMap(([k, v]) => (Array.isArray(v) ? v.map((u, i) => [`${k}[${i}]`, u] as const) : [[k, v] as const]));
    assert.ok(all.length >= 10, JSON.stringify(urls));
    // Where a part has an endpoint that says it works, ask that one (the Prometheus UI is not in the test image: its API is).
    const healthPath = (k: string) => (/Metrics/.test(k) ? "/metrics" : /^relayerHealth/.test(k) ? "/ready" : k === "prometheus" ? "/-/ready" : undefined);
    const lastSeen = new Map<string, string>();
    const probe = (k: string, u: string) => {
      const path = healthPath(k);
      return path ? answers(`${u}${path}`, true, (w) => lastSeen.set(k, w)) : answers(u, false, (w) => lastSeen.set(k, w));
    };
    const results = await Promise.all(all.map(async ([k, u]) => [k, u, await waitFor(`${k} ${u}`, () => probe(k, u), 30_000, 500).catch(() => undefined)] as const));
    console.log(`# urls: ${results.map(([k, , r]) => `${k}=${r ?? "NO ANSWER"}`).join(", ")}`);
    const failed = results.filter(([, , r]) => r === undefined).map(([k]) => k);
    const forwardSaid = (k: string) =>
      forward!
        .log()
        .split("\n")
        .filter((x) => x.startsWith(`[${k.replace(/^relayers/, "relayerRelay")}]`))
        .slice(-5)
        .join(" | ");
    assert.deepEqual(
      failed.map((k) => `${k}: last ${lastSeen.get(k) ?? "-"}; forward: ${forwardSaid(k)}`),
      [],
    );
  });

  test("Prometheus scrapes every running part: all targets up", async () => {
    const urls = await l.urls();
    const want = [
      scrapeJobs.backend,
      scrapeJobs.chain,
      scrapeJobs.redis,
      scrapeJobs.validator,
      scrapeJobs.prometheus,
      ...(l.relayMiner ? [scrapeJobs.miners, scrapeJobs.relayers] : []),
    ].sort();
    type Target = { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string };
    let last: Target[] = [];
    await waitFor(
      "every target up",
      async () => {
        last = (await getJson<{ data: { activeTargets: Target[] } }>(`${urls.prometheus as string}/api/v1/targets?state=active`)).data.activeTargets;
        const jobs = [...new Set(last.map((t) => t.labels.job))].sort();
        return jobs.join() === want.join() && last.every((t) => t.health === "up") ? true : undefined;
      },
      90_000,
      2000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\n${last.map((t) => `${t.labels.job} ${t.scrapeUrl} ${t.health} ${t.lastError}`).join("\n")}`);
    });
    console.log(`# prometheus targets up: ${last.map((t) => `${t.labels.job}/${t.labels.instance}`).join(", ")}`);
    if (l.relayMiner) assert.equal(last.filter((t) => t.labels.job === scrapeJobs.relayers).length, 2);
  });

  test("a relay per protocol goes through a forwarded relayer port to our backend", { skip: relayMinerBinary() ? false : NOT_VERIFIED_RELAY }, async () => {
    const urls = await l.urls();
    const input = loadGenesisInput(join(repoRoot, "genesis", "localnet.yaml"));
    const artifacts = generateGenesis(input, {
      relayerEndpoint: relayerEndpointUrl(NAMESPACE, containerPorts.relayer.relay),
      validatorP2pAddress: validatorP2pAddress(containerPorts.validator.p2p),
    });
    const keyring = keyringOf(input);
    const hex = (name: string) => Buffer.from(keyring.get(name)!.key!.privateKey).toString("hex");
    const relayer = new URL((urls.relayers as string[])[0]);
    const grpc = new URL(urls.validatorGrpc);
    const modes: [string, string, string][] = [
      ["develop-http", "jsonrpc", `http://127.0.0.1:${relayer.port}`],
      ["develop-websocket", "websocket", `ws://127.0.0.1:${relayer.port}`],
      ["develop-stream", "stream", `http://127.0.0.1:${relayer.port}`],
      ["develop-grpc", "grpc", `http://127.0.0.1:${relayer.port}`],
      ["develop-cometbft", "cometbft", `http://127.0.0.1:${relayer.port}`],
    ];
    const failed: string[] = [];
    const lines: string[] = [];
    for (const [service, mode, url] of modes) {
      const app = input.applications.find((a) => a.services.includes(service))!;
      const args = [
        "relay",
        mode,
        "--service",
        service,
        "--chain-id",
        input.chainId,
        "--app-priv-key",
        hex(app.account),
        "--gateway-priv-key",
        hex(app.delegateeGateways[0]),
        "--node",
        `127.0.0.1:${grpc.port}`,
        "--node-rpc",
        urls.validatorRpc as string,
        "--relayer-url",
        url,
        "--supplier",
        artifacts.summary.suppliers[0],
        "--timeout",
        "30",
        ...(mode === "stream" ? ["--batches", "2"] : []),
      ];
      const r = run(tool("pocket-relay-miner"), args, { allowFail: true, timeoutMs: 60_000 });
      // eslint-disable-next-line no-control-regex -- the client prints raw protobuf bytes beside its report
      const out = `${r.stdout}\n${r.stderr}`.replace(/[\x00-\x08\x0b-\x1f\x7f\ufffd]/g, "");
      const verdict = /Status:[^A-Z]*([A-Z]+)|Signatures?:[^A-Z]*([A-Z ]+)/.exec(out)?.slice(1).find(Boolean) ?? "no verdict";
      lines.push(`${service} (${mode}): exit ${r.status}, ${verdict.trim()}`);
      if (r.status !== 0 || !/VALID|SUCCESS/.test(out) || /FAILED|INVALID/.test(out)) failed.push(`${service}:\n${out.slice(-1500)}`);
      if (mode === "jsonrpc") assert.match(out, /X-Backend-Id/, "answered by our backend (its X-Backend-Id header)");
    }
    console.log(`# relays through the forwarded relayer port:\n${lines.map((x) => `#   ${x}`).join("\n")}`);
    assert.deepEqual(failed, []);
  });

  test("the forward follows a replaced pod: the backend answers again once its new pod is Ready", async () => {
    const urls = await l.urls();
    const old = l.pods().find((p) => workloadOf(p) === "backend")!;
    l.node.kubectl(["delete", "pod", "-n", NAMESPACE, old.name, "--wait=false"]);
    const fresh = await waitFor(
      "the backend's new pod Ready",
      async () => (await podsNow(l)).find((p) => workloadOf(p) === "backend" && p.uid !== old.uid && p.ready && !p.deleting),
      120_000,
      500,
    );
    await waitFor("the backend through the forward", async () => ((await httpGet(`${urls.backendHttp as string}/health`))?.status === 200 ? true : undefined), 30_000, 250);
    // Moved by the pod watch: straight to the new pod, or (if the old one went first) from nothing to it.
    const log = forward!.log();
    assert.match(log, new RegExp(`\\[backendHttp\\] (pod/${old.name}|nothing) → pod/${fresh.name}: forwarding there now`), log.slice(-3000));
  });

  test("a second up changes nothing", async () => {
    secondUp = await l.up();
    console.log(`# second up: ${secs(secondUp.ms)} ${JSON.stringify(secondUp.changes)}`);
    assert.deepEqual(Object.keys(secondUp.changes), ["same"]);
  });
});
