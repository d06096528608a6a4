/**
 * Every pod states the user its image runs as, and every Secret it mounts is readable by exactly
 * that user: the supplier keys mounted root-only once crash-looped every miner of the default
 * topology (the relay-miner runs as 1000), with nothing in its log.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { localnetSchema } from "../config/schema";
import { imageUsers, type ImageUserKey } from "../k8s/run-as";
import { currentRelease, relayMinerVersions } from "../relay-miner/versions/versions";
import { runProgram, k, type Registered } from "../../test/support/mock-program";

// images.relayMiner has no schema default: it follows relayMiner.version (the current release here).
const images = { ...localnetSchema.parse({}).images, relayMiner: relayMinerVersions[currentRelease].image };
/** images.<key> default → the key (the same names as imageUsers). */
const keyOfImage = new Map(Object.entries(images).map(([key, ref]) => [ref, key]));

interface PodSpec {
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
}
interface Container {
  name: string;
  image: string;
  securityContext?: { runAsUser?: number; runAsGroup?: number };
  volumeMounts?: { name: string }[];
}

function podsOf(run: Awaited<ReturnType<typeof runProgram>>): { what: string; spec: PodSpec }[] {
  const of = (type: string, kind: string) => run.ofType(type).map((r: Registered) => ({ what: `${kind} ${r.inputs.metadata.name}`, spec: r.inputs.spec.template.spec as PodSpec }));
  return [...of(k.deployment, "Deployment"), ...of(k.statefulSet, "StatefulSet"), ...of(k.job, "Job")];
}

/** What stops `container` of `pod` from reading each Secret it mounts (empty when it can read them all). */
function unreadableSecrets(spec: PodSpec, c: Container): string[] {
  const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
  const gid = c.securityContext?.runAsGroup ?? spec.securityContext?.runAsGroup;
  const out: string[] = [];
  for (const m of c.volumeMounts ?? []) {
    const secret = spec.volumes?.find((v) => v.name === m.name)?.secret;
    if (!secret) continue;
    // The kubelet writes Secret files owned by root, group fsGroup (when set), with defaultMode (0644 when unset).
    const mode = secret.defaultMode ?? 0o644;
    const group = spec.securityContext?.fsGroup ?? 0;
    const readable = uid === 0 ? true : (mode & 0o004) !== 0 || ((mode & 0o040) !== 0 && gid === group);
    if (uid === undefined) out.push(`${c.name}: runs as the image's user (no runAsUser) and mounts Secret ${secret.secretName}`);
    else if (!readable) out.push(`${c.name} (uid ${uid}, gid ${gid}) cannot read Secret ${secret.secretName} (mode ${mode.toString(8)}, group ${group})`);
    if ((mode & 0o004) !== 0) out.push(`Secret ${secret.secretName} is world-readable (mode ${mode.toString(8)})`);
  }
  return out;
}

const topologies: Record<string, Record<string, string>> = {
  default: {},
  "cluster mode, persistence, keepState": { "redis.mode": "cluster", "redis.persistence": "true", "validator.keepState": "true" },
};

describe("pods run as their image's user; mounted Secrets are readable by it", () => {
  for (const [name, config] of Object.entries(topologies)) {
    test(`${name}: each pod's runAsUser/runAsGroup is its image's user, fsGroup its group, Secrets readable by its containers only`, async () => {
      const run = await runProgram(config);
      const problems: string[] = [];
      for (const { what, spec } of podsOf(run)) {
        const main = spec.containers[0];
        const key = keyOfImage.get(main.image) as ImageUserKey | undefined;
        const user = key && key in imageUsers ? imageUsers[key] : undefined;
        if (!user) {
          problems.push(`${what}: image ${main.image} has no entry in imageUsers`);
          continue;
        }
        const sc = spec.securityContext ?? {};
        if (sc.runAsUser !== user.uid || sc.runAsGroup !== user.gid || sc.fsGroup !== user.gid) {
          problems.push(`${what}: securityContext ${JSON.stringify(sc)}, want uid ${user.uid}, gid ${user.gid}, fsGroup ${user.gid} (${key})`);
        }
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) problems.push(...unreadableSecrets(spec, c).map((p) => `${what}: ${p}`));
      }
      assert.deepEqual(problems, []);
      // The Secrets that matter are among those checked.
      const mounted = podsOf(run).flatMap(({ spec }) => (spec.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])));
      for (const s of ["supplier-keys", "validator-keys"]) assert.ok(mounted.includes(s), `${s} is mounted somewhere (${mounted.join(", ")})`);
    });
  }

  test("every relay-miner pod reads its keys file in validate-config, before any gate or the relay-miner starts", async () => {
    const run = await runProgram({});
    for (const name of ["miner", "relayer"]) {
      const spec = run.named(k.statefulSet, name).inputs.spec.template.spec;
      const first = spec.initContainers[0];
      assert.equal(first.name, "validate-config");
      assert.deepEqual(first.command, ["sh", "/scripts/validate-config.sh"]);
      const env = Object.fromEntries(first.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      assert.equal(env.ROLE, name);
      const keysMount = first.volumeMounts.find((m: { name: string }) => m.name === "keys");
      assert.ok(env.KEYS_FILE.startsWith(`${keysMount.mountPath}/`), `KEYS_FILE ${env.KEYS_FILE} is in the keys mount ${keysMount.mountPath}`);
      const scripts = run.named(k.configMap, `${name}-scripts`).inputs.data;
      assert.ok(scripts["validate-config.sh"], "the script is in the pod's scripts ConfigMap");
    }
  });
});
