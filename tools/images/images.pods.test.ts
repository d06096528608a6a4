/**
 * The contract (contract.ts) holds for every image the builder makes: imported into a real
 * node's containerd, each runs its entrypoint as the contracted user, and has the contracted
 * paths, programs on PATH and shell (or no shell). Looked at from the host, through the running
 * container's /proc/<pid>/root, so images without a shell are checked the same way.
 */
import assert from "node:assert/strict";
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { posix } from "node:path";
import { after, before, describe, test } from "node:test";
import { startNode, type RealNode } from "../../test/real/node/node";
import { Scratch, waitFor } from "../../test/real/support";
import { availableImageKeys, buildImages, type BuiltImage } from "./build";
import { IMAGE_CONTRACTS, IMAGE_KEYS, type ImageContract, type ImageKey } from "./contract";

const ns = "contract";

/** Images whose default entrypoint exits at once: they are held open with `sleep`, and their entrypoint is run on its own. */
const runsToCompletion: Partial<Record<ImageKey, { args?: string[]; expect: RegExp }>> = {
  pocketd: { args: ["version"], expect: /0\.1\.35/ },
  relayMiner: { expect: /pocket-relay-miner|Usage/i },
  // Without --rpc and --rest it stops with a usage error; --help shows it is the exporter.
  chainExporter: { args: ["node", "dist/main.js", "--help"], expect: /^chain exporter: Prometheus metrics/ },
  node: { args: ["--version"], expect: /^v20\./ },
  backendBuild: { args: ["npm", "--version"], expect: /^10\./ },
};

/** A path inside a container's root filesystem, with symlinks resolved inside that root. */
function resolveIn(root: string, path: string, depth = 0): string {
  if (depth > 40) throw new Error(`too many links resolving ${path}`);
  const parts = path.split("/").filter(Boolean);
  let cur = "/";
  for (let i = 0; i < parts.length; i++) {
    const next = posix.join(cur, parts[i]);
    let st;
    try {
      st = lstatSync(root + next);
    } catch {
      return root + posix.join(next, ...parts.slice(i + 1));
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(root + next);
      const abs = target.startsWith("/") ? target : posix.join(cur, target);
      return resolveIn(root, posix.join(abs, ...parts.slice(i + 1)), depth + 1);
    }
    cur = next;
  }
  return root + cur;
}

function statIn(root: string, path: string) {
  try {
    return statSync(resolveIn(root, path));
  } catch {
    return undefined;
  }
}

function ids(pid: number): { uid: number; gid: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { uid: field("Uid"), gid: field("Gid") };
}

/** Everything in the contract that can be seen from outside a running container; empty when it holds. */
function contractProblems(c: ImageContract, pid: number, viaEntrypoint: boolean): string[] {
  const root = `/proc/${pid}/root`;
  const out: string[] = [];
  const who = ids(pid);
  if (viaEntrypoint && (who.uid !== c.runsAs.uid || who.gid !== c.runsAs.gid)) {
    out.push(`entrypoint runs as ${who.uid}:${who.gid}, contract says ${c.runsAs.uid}:${c.runsAs.gid}`);
  }
  for (const p of c.paths) {
    const st = statIn(root, p.path);
    if (!st) {
      out.push(`${p.path} is missing`);
      continue;
    }
    if (p.kind === "dir" && !st.isDirectory()) out.push(`${p.path} is not a directory`);
    if (p.kind !== "dir" && !st.isFile()) out.push(`${p.path} is not a file`);
    if (p.kind === "exec" && (st.mode & 0o111) === 0) out.push(`${p.path} is not executable`);
    if (p.uid !== undefined && st.uid !== p.uid) out.push(`${p.path} is owned by ${st.uid}, contract says ${p.uid}`);
  }
  const path = (c.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":");
  for (const prog of c.onPath) {
    const found = path.some((d) => {
      const st = statIn(root, posix.join(d, prog));
      return st?.isFile() && (st.mode & 0o111) !== 0;
    });
    if (!found) out.push(`${prog} is not on PATH (${path.join(":")})`);
  }
  const sh = statIn(root, "/bin/sh");
  if (c.shell && !sh) out.push("no /bin/sh, contract says there is a shell");
  if (!c.shell && sh) out.push("has /bin/sh, contract says there is none (as in the public image)");
  return out;
}

function podFor(key: ImageKey, ref: string): object {
  const held = runsToCompletion[key] !== undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `img-${key.toLowerCase()}`, namespace: ns },
    spec: {
      restartPolicy: "Never",
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: "main",
          image: ref,
          imagePullPolicy: "Never",
          // Held open with sleep (through the image's shell, as the image's user) when the entrypoint exits at once.
          ...(held ? { command: ["sh", "-c", "sleep 3600"] } : {}),
          // busybox's entrypoint is a shell: stdin keeps it running.
          ...(key === "busybox" ? { stdin: true } : {}),
        },
      ],
    },
  };
}

describe("test images follow the public images' layout (tools/images/contract.ts)", { timeout: 20 * 60_000 }, () => {
  const scratch = new Scratch();
  let node: RealNode | undefined;
  let images: BuiltImage[] = [];
  const keys = availableImageKeys();

  before(async () => {
    const t0 = Date.now();
    images = await buildImages(keys.includes("pause") ? keys : ["pause", ...keys]);
    console.log(`# images ready in ${Date.now() - t0} ms (${images.filter((i) => !i.cached).length} built)`);
    const pause = images.find((i) => i.key === "pause")!;
    node = await startNode(scratch, { images: images.map((i) => i.archive), sandboxImage: pause.ref });
    console.log(`# ${images.length} images imported into containerd in ${node.timings.importMs} ms`);
    node.kubectl(["create", "namespace", ns]);
  });

  after(async () => {
    const left = node?.teardown() ?? [];
    await scratch.cleanup();
    assert.deepEqual(left, [], "the node's teardown left things behind");
  });

  test("every image the pods tier deploys is built (the relay-miner only with a binary)", { skip: false }, () => {
    const missing = IMAGE_KEYS.filter((k) => !keys.includes(k));
    for (const k of missing) console.log(`# NOT VERIFIED: ${k} image not built: no pocket-relay-miner binary (set RELAYMINER_TOOLS_BIN)`);
    assert.deepEqual(
      missing.filter((k) => k !== "relayMiner"),
      [],
    );
  });

  for (const key of IMAGE_KEYS) {
    const c = IMAGE_CONTRACTS[key];
    test(
      `${key} (for ${c.publicRef}): entrypoint, user, paths and shell as contracted`,
      { skip: keys.includes(key) ? false : "NOT VERIFIED: no pocket-relay-miner binary (RELAYMINER_TOOLS_BIN)" },
      async () => {
        const n = node!;
        const img = images.find((i) => i.key === key)!;
        // The image config the runtime sees.
        const spec = JSON.parse(n.crictl(["inspecti", "-o", "json", img.ref])).info.imageSpec.config;
        assert.deepEqual(
          { entrypoint: spec.Entrypoint ?? [], cmd: spec.Cmd ?? [], user: spec.User ?? "", workdir: spec.WorkingDir ?? "" },
          { entrypoint: c.entrypoint, cmd: c.cmd, user: c.user, workdir: c.workdir },
        );
        n.kubectl(["apply", "-f", "-"], { input: JSON.stringify(podFor(key, img.ref)) });
        const pod = `img-${key.toLowerCase()}`;
        await waitFor(
          `${pod} running`,
          async () => {
            const phase = n.kubectl(["get", "pod", "-n", ns, pod, "-o", "jsonpath={.status.phase}"], { allowFail: true });
            if (phase.startsWith("Failed") || phase.startsWith("Succeeded")) {
              throw new Error(`${pod} ended (${phase}): ${n.kubectl(["logs", "-n", ns, pod], { allowFail: true }).slice(-2000)}`);
            }
            return phase.startsWith("Running") ? true : undefined;
          },
          120_000,
          250,
        );
        // redis' entrypoint steps down from root to redis: give it a moment to exec.
        const pid = await waitFor(
          `${pod}'s process as ${c.runsAs.uid}`,
          async () => {
            const p = n.containerPid(ns, pod, "main");
            return ids(p).uid === c.runsAs.uid || runsToCompletion[key] ? p : undefined;
          },
          20_000,
          250,
        ).catch(() => n.containerPid(ns, pod, "main"));
        const viaEntrypoint = runsToCompletion[key] === undefined;
        assert.deepEqual(contractProblems(c, pid, viaEntrypoint), []);
        if (!viaEntrypoint) {
          // Held open by `sleep`: that process has the user the runtime gives the image's processes.
          const who = ids(pid);
          assert.deepEqual(who, c.runsAs, `processes of ${key} run as ${who.uid}:${who.gid}`);
          const run = runsToCompletion[key]!;
          const once = `${pod}-entrypoint`;
          n.kubectl(["apply", "-f", "-"], {
            input: JSON.stringify({
              apiVersion: "v1",
              kind: "Pod",
              metadata: { name: once, namespace: ns },
              spec: { restartPolicy: "Never", containers: [{ name: "main", image: img.ref, imagePullPolicy: "Never", ...(run.args ? { args: run.args } : {}) }] },
            }),
          });
          await waitFor(
            `${once} to succeed`,
            async () => {
              const phase = n.kubectl(["get", "pod", "-n", ns, once, "-o", "jsonpath={.status.phase}"], { allowFail: true });
              if (phase.startsWith("Failed")) throw new Error(`${once} failed: ${n.kubectl(["logs", "-n", ns, once], { allowFail: true })}`);
              return phase.startsWith("Succeeded") ? true : undefined;
            },
            60_000,
            250,
          );
          assert.match(n.kubectl(["logs", "-n", ns, once]), run.expect);
        }
      },
    );
  }
});
