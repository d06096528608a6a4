/**
 * `npm run forward`: the plan (which kubectl commands) from the stack output, the restart loop and
 * the clean shutdown, with fake kubectl/pulumi scripts; no cluster needed.
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localnetOutputs } from "../components/topology/outputs";
import { forwardsOf } from "../components/config/forwards";
import { localnetSchema } from "../components/config/schema";
import { settleRelayMiner } from "../components/config/relay-miner-version";
import { parseForwards, planForwards, restartDelayMs } from "./forward/plan";
import { supervise } from "./forward/supervise";

const root = join(__dirname, "..");
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "rml-forward-"));
  dirs.push(d);
  return d;
}
function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

// Exactly what the stack exports as `forwards`.
const specs = localnetOutputs("relayminer-localnet", forwardsOf(settleRelayMiner(localnetSchema.parse({})).config)).forwards;
const specsJson = JSON.stringify(specs);

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/forward.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("forward plan", () => {
  test("one loopback-bound kubectl port-forward per entry of the stack output", () => {
    const plan = planForwards(parseForwards(specsJson, "test"));
    assert.equal(plan.length, specs.length);
    const line = (name: string) => {
      const p = plan.find((x) => x.spec.name === name);
      return p && [p.command, ...p.args].join(" ");
    };
    assert.equal(line("redis"), "kubectl port-forward --address 127.0.0.1 -n relayminer-localnet svc/redis 6379:6379");
    assert.equal(line("relayerRelay[1]"), "kubectl port-forward --address 127.0.0.1 -n relayminer-localnet pod/relayer-1 8181:8080");
    assert.equal(line("grafana"), "kubectl port-forward --address 127.0.0.1 -n relayminer-localnet svc/grafana 3000:3000");
  });

  test("--context and --only", () => {
    const plan = planForwards(specs, { context: "kind-relayminer", only: ["redis", "relayerRelay"] });
    assert.deepEqual(
      plan.map((p) => p.spec.name),
      ["redis", "relayerRelay[0]", "relayerRelay[1]"],
    );
    assert.deepEqual(plan[0].args.slice(0, 3), ["--context", "kind-relayminer", "port-forward"]);
    assert.throws(() => planForwards(specs, { only: ["grafna"] }), /--only "grafna": no such forward; allowed: redis, .*grafana/);
  });

  test("bad input names the source, the entry and what is expected", () => {
    assert.throws(() => parseForwards("{oops", "--file f.json"), /--file f\.json: not JSON/);
    assert.throws(() => parseForwards(JSON.stringify([{ ...specs[0], resource: "deploy/x" }]), "s"), /s: \[0\]\.resource: .*svc\/<name> or pod\/<name>/);
    assert.throws(() => parseForwards(JSON.stringify([{ ...specs[0], hostPort: 0 }]), "s"), /\[0\]\.hostPort/);
    assert.throws(() => parseForwards(JSON.stringify([specs[0], { ...specs[1], hostPort: specs[0].hostPort }]), "s"), /host port 6379 is used by both redis and/);
  });

  test("restart delay doubles from 0.5 s and stops growing at 15 s", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelayMs), [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});

describe("forward supervisor", () => {
  test("restarts a forward that dies, and stops everything on abort", async () => {
    const dir = tempDir();
    const dying = script(dir, "kubectl-dying", 'echo "Forwarding from 127.0.0.1:$3"; exit 1');
    const steady = script(dir, "kubectl-steady", `echo $$ >> ${join(dir, "pids")}; exec sleep 30`);
    const [a, b] = planForwards(specs.slice(0, 2));
    const lines: string[] = [];
    const stop = new AbortController();
    const running = supervise(
      [
        { ...a, command: dying },
        { ...b, command: steady },
      ],
      { signal: stop.signal, log: (l) => lines.push(l), delayMs: () => 20 },
    );
    // Until the dying forward was restarted 3 times and the steady one runs (a fixed wait is too
    // short on a loaded machine).
    const restarts = () => lines.filter((l) => /^\[redis\] .* stopped \(exit 1\); restarting/.test(l)).length;
    const deadline = Date.now() + 20_000;
    while ((restarts() < 3 || !existsSync(join(dir, "pids"))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    stop.abort();
    const stats = await running;
    assert.ok(stats[0].starts >= 3, `the dying forward was started ${stats[0].starts} times`);
    assert.equal(stats[1].starts, 1, "a healthy forward is left alone");
    assert.ok(
      lines.some((l) => /^\[redis\] svc\/redis 6379:6379 stopped \(exit 1\); restarting in 0\.0s$/.test(l)),
      lines.join("\n"),
    );
    const pid = Number(readFileSync(join(dir, "pids"), "utf8").trim());
    assert.throws(() => process.kill(pid, 0), "the steady forward's process is gone after abort");
  });
});

describe("forward CLI", () => {
  test("--dry-run prints the kubectl commands without needing kubectl", () => {
    const file = join(tempDir(), "forwards.json");
    writeFileSync(file, specsJson);
    const r = cli(["--file", file, "--dry-run", "--only", "redis,grafana"], { KUBECTL: "/nonexistent/kubectl" });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), [
      "/nonexistent/kubectl port-forward --address 127.0.0.1 -n relayminer-localnet svc/redis 6379:6379",
      "/nonexistent/kubectl port-forward --address 127.0.0.1 -n relayminer-localnet svc/grafana 3000:3000",
    ]);
  });

  test("missing kubectl, missing pulumi and a missing stack are one clear line each", () => {
    const dir = tempDir();
    const file = join(dir, "forwards.json");
    writeFileSync(file, specsJson);
    const noKubectl = cli(["--file", file], { KUBECTL: "/nonexistent/kubectl" });
    assert.equal(noKubectl.code, 1);
    assert.match(noKubectl.stderr, /^forward: \/nonexistent\/kubectl is not on PATH \(ENOENT\); install kubectl/);

    const noPulumi = cli(["--stack", "local"], { PATH: dir });
    assert.equal(noPulumi.code, 1);
    assert.match(noPulumi.stderr, /^forward: pulumi is not on PATH; install the Pulumi CLI, or pass the forwards with --file/);

    script(dir, "pulumi", "echo \"error: no stack named 'nope' found\" >&2; exit 255");
    const noStack = cli(["--stack", "nope"], { PATH: dir });
    assert.equal(noStack.code, 1);
    assert.equal(noStack.stderr.trim(), "forward: --stack nope: `pulumi stack output forwards` failed: no stack named 'nope' found");
  });

  test("reads the stack output through pulumi and stops cleanly on SIGINT", async () => {
    const dir = tempDir();
    script(dir, "pulumi", `echo '${JSON.stringify(specs.slice(0, 1))}'`);
    // `get` (the pod watch) fails: the forward then goes where kubectl picks, as it did before following pods.
    const kubectl = script(
      dir,
      "kubectl",
      `[ "$1" = version ] && exit 0; [ "$1" = get ] && exit 1; echo $$ >> ${join(dir, "pids")}; echo "Forwarding from 127.0.0.1:6379 -> 6379"; exec sleep 30`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/forward.ts"], {
      cwd: root,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, KUBECTL: kubectl },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!out.includes("[redis] Forwarding from") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /forward: redis +redis:\/\/127\.0\.0\.1:6379 +-> +relayminer-localnet\/svc\/redis:6379/);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 0, out);
    const pid = Number(readFileSync(join(dir, "pids"), "utf8").trim());
    assert.throws(() => process.kill(pid, 0), "kubectl is stopped with the command");
  });
});
