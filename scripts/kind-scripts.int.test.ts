/**
 * The kind scripts, run by bash against fake docker/kind/kubectl that log their calls: what a
 * first cluster:up does, that a second one changes nothing, the clear errors for missing tools,
 * and cluster:down / kind-load. (Docker and kind are not available where the tests run.)
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localnetSchema } from "../components/config/schema";
import { settleRelayMiner } from "../components/config/relay-miner-version";

/** What a stack with no config deploys (the script falls back to the same). */
const stackDefaults = settleRelayMiner(localnetSchema.parse({})).config;

const root = join(__dirname, "..");
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One fake for all three tools: logs argv (and stdin when a script pipes into it), answers queries from env. */
const fake = `#!/bin/sh
tool=$(basename "$0")
echo "$tool $*" >> "$FAKE_LOG"
case "$tool $*" in
  "docker info") exit 0 ;;
  "docker inspect -f {{.State.Running}} "*) [ -n "$FAKE_REGISTRY" ] || exit 1; echo "$FAKE_REGISTRY" ;;
  "docker inspect -f {{json .NetworkSettings.Networks.kind}} "*) echo "\${FAKE_NETWORK:-null}" ;;
  "docker exec -i "*|"kind create cluster"*|"kubectl "*"apply -f -") sed 's/^/  | /' >> "$FAKE_LOG" ;;
  "docker image inspect "*) [ -n "$FAKE_IMAGES_PRESENT" ] || exit 1 ;;
  "kind version") echo "kind \${FAKE_KIND_VERSION:-v0.26.0} go1.23 linux/amd64" ;;
  "kind get clusters") [ -n "$FAKE_CLUSTERS" ] && echo "$FAKE_CLUSTERS"; exit 0 ;;
  "kind get nodes "*) echo relayminer-control-plane; echo relayminer-worker ;;
esac
exit 0
`;

interface Sandbox {
  bin: string;
  log: string;
  run(script: string, args?: string[], env?: Record<string, string>): { code: number | null; out: string; log: string[] };
}

/** A PATH with only the basic utilities the scripts use, plus the fakes named in `tools`. */
function sandbox(tools: string[]): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "rml-kind-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const util of ["sed", "grep", "basename", "dirname", "cat", "mkdir"]) {
    const which = spawnSync("sh", ["-c", `command -v ${util}`], { encoding: "utf8" }).stdout.trim();
    symlinkSync(which, join(bin, util));
  }
  writeFileSync(join(dir, "fake"), fake);
  chmodSync(join(dir, "fake"), 0o755);
  for (const t of tools) symlinkSync(join(dir, "fake"), join(bin, t));
  const log = join(dir, "calls.log");
  return {
    bin,
    log,
    run(script, args = [], env = {}) {
      writeFileSync(log, "");
      const r = spawnSync("/bin/bash", [join(root, "scripts", script), ...args], {
        cwd: root,
        encoding: "utf8",
        env: { PATH: bin, FAKE_LOG: log, HOME: dir, ...env },
      });
      const lines = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      return { code: r.status, out: r.stdout + r.stderr, log: lines };
    },
  };
}

describe("cluster-up.sh", () => {
  test("first run: registry, cluster with certs.d, hosts.toml on every node, kind network, ConfigMap", () => {
    const s = sandbox(["docker", "kind", "kubectl"]);
    const r = s.run("cluster-up.sh");
    assert.equal(r.code, 0, r.out);
    const log = r.log.join("\n");
    assert.match(log, /^docker run -d --restart=always -p 127\.0\.0\.1:5001:5000 --network bridge --name kind-registry registry:2$/m);
    assert.match(log, /^kind create cluster --name relayminer --config=-\n {2}\| kind: Cluster\n[^]*config_path = "\/etc\/containerd\/certs\.d"/m);
    for (const node of ["relayminer-control-plane", "relayminer-worker"]) {
      assert.match(log, new RegExp(`^docker exec ${node} mkdir -p /etc/containerd/certs.d/localhost:5001$`, "m"));
      assert.match(
        log,
        new RegExp(`^docker exec -i ${node} cp /dev/stdin /etc/containerd/certs.d/localhost:5001/hosts.toml\\n {2}\\| \\[host\\."http://kind-registry:5000"\\]$`, "m"),
      );
    }
    assert.match(log, /^docker network connect kind kind-registry$/m);
    assert.match(
      log,
      /^kubectl --context kind-relayminer apply -f -\n(?: {2}\|.*\n)*? {2}\| {3}name: local-registry-hosting\n {2}\| {3}namespace: kube-public\n[^]*host: "localhost:5001"/m,
    );
  });

  test("second run creates nothing; kind v0.27+ gets no containerd patch", () => {
    const s = sandbox(["docker", "kind", "kubectl"]);
    const again = s.run("cluster-up.sh", [], { FAKE_REGISTRY: "true", FAKE_CLUSTERS: "other\nrelayminer", FAKE_NETWORK: "{}" });
    assert.equal(again.code, 0, again.out);
    assert.ok(!again.log.some((l) => /^(docker run|docker start|kind create|docker network connect)/.test(l)), again.log.join("\n"));
    assert.match(again.out, /registry kind-registry already running/);

    const fresh = s.run("cluster-up.sh", [], { FAKE_KIND_VERSION: "v0.29.0", KIND_CLUSTER_NAME: "dev", KIND_REGISTRY_PORT: "5055" });
    assert.equal(fresh.code, 0, fresh.out);
    assert.ok(!fresh.log.join("\n").includes("config_path"), "no patch for new node images");
    assert.ok(fresh.log.some((l) => l === "docker run -d --restart=always -p 127.0.0.1:5055:5000 --network bridge --name kind-registry registry:2"));
  });

  test("a stopped registry is started, not recreated", () => {
    const r = sandbox(["docker", "kind", "kubectl"]).run("cluster-up.sh", [], { FAKE_REGISTRY: "false", FAKE_CLUSTERS: "relayminer" });
    assert.equal(r.code, 0, r.out);
    assert.ok(r.log.includes("docker start kind-registry"));
    assert.ok(!r.log.some((l) => l.startsWith("docker run")));
  });

  test("missing tools and bad settings are one clear line", () => {
    const noDocker = sandbox(["kind", "kubectl"]).run("cluster-up.sh");
    assert.equal(noDocker.code, 1);
    assert.equal(noDocker.out.trim(), "cluster-up.sh: docker is not on PATH; install Docker (https://docs.docker.com/engine/install/) or Docker Desktop");
    const noKind = sandbox(["docker", "kubectl"]).run("cluster-up.sh");
    assert.equal(noKind.code, 1);
    assert.match(noKind.out, /^cluster-up\.sh: kind is not on PATH; install kind/);
    const badPort = sandbox(["docker", "kind", "kubectl"]).run("cluster-up.sh", [], { KIND_REGISTRY_PORT: "80" });
    assert.equal(badPort.code, 1);
    assert.match(badPort.out, /KIND_REGISTRY_PORT='80' must be a port number \(1024-65535\)/);
  });
});

describe("cluster-down.sh and kind-load.sh", () => {
  test("cluster:down deletes the cluster, keeps the registry unless --registry; idempotent", () => {
    const s = sandbox(["docker", "kind"]);
    const down = s.run("cluster-down.sh", [], { FAKE_CLUSTERS: "relayminer" });
    assert.equal(down.code, 0, down.out);
    assert.ok(down.log.includes("kind delete cluster --name relayminer"));
    assert.ok(!down.log.some((l) => l.startsWith("docker rm")));
    const all = s.run("cluster-down.sh", ["--registry"]);
    assert.equal(all.code, 0, all.out);
    assert.match(all.out, /no kind cluster named relayminer; nothing to delete/);
    assert.ok(all.log.includes("docker rm -f kind-registry"));
    assert.match(s.run("cluster-down.sh", ["--force"]).out, /unknown argument '--force'; allowed: --registry, --help/);
  });

  test("kind-load pulls what is missing and loads each image; refuses untagged or :latest", () => {
    const s = sandbox(["docker", "kind"]);
    const r = s.run("kind-load.sh", ["me/backend:1"], { FAKE_CLUSTERS: "relayminer" });
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(
      r.log.filter((l) => /^(docker pull|kind load)/.test(l)),
      ["docker pull me/backend:1", "kind load docker-image me/backend:1 --name relayminer"],
    );
    const defaults = s.run("kind-load.sh", [], { FAKE_CLUSTERS: "relayminer", FAKE_IMAGES_PRESENT: "1" });
    assert.deepEqual(
      defaults.log.filter((l) => l.startsWith("kind load")),
      ["kind load docker-image relayminer-localnet/backend:dev --name relayminer", `kind load docker-image ${stackDefaults.images.relayMiner} --name relayminer`],
    );
    for (const bad of ["me/backend", "me/backend:latest", "localhost:5001/backend"]) {
      const refused = s.run("kind-load.sh", [bad], { FAKE_CLUSTERS: "relayminer" });
      assert.equal(refused.code, 1, bad);
      assert.match(refused.out, /has no tag or the tag latest/);
    }
    assert.match(s.run("kind-load.sh", ["x:1"]).out, /no kind cluster named relayminer \(create it with: npm run cluster:up/);
  });
});
