/**
 * build.enabled for real: the backend image is built by a real Docker engine through the real
 * docker-build provider (FROM locally assembled bases, given as the Dockerfile's build
 * arguments), pushed to a local registry, and pulled from it by a real node with the pull policy
 * users get (IfNotPresent, content-addressed tags). A second `up` builds and rolls nothing; an
 * edited source builds once and rolls exactly the pods that run it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Scratch, waitFor } from "../../test/real/support";
import { NAMESPACE, startReloadLoop, type ReloadLoop, type UpRecord } from "../../test/real/reload/loop";

const REPLICAS = 2;
const repository = "relayminer-localnet/backend";
const changed = (r: UpRecord) => Object.entries(r.changes).filter(([op, n]) => op !== "same" && n > 0);
const builds = (r: UpRecord) => r.steps.filter((s) => s.type === "docker-build:index:Image");

describe("build.enabled: a real engine builds, a local registry serves, a real node pulls", { timeout: 25 * 60_000 }, () => {
  const scratch = new Scratch();
  let loop: ReloadLoop | undefined;
  let leftAfterTeardown: string[] | undefined;
  let first: UpRecord;

  before(async () => {
    loop = await startReloadLoop(scratch, { backendReplicas: REPLICAS, initialMark: "one" });
  });
  after(async () => {
    if (loop && !leftAfterTeardown) loop.teardown();
    await scratch.cleanup();
  });

  test("the first up builds the backend, pushes it, and every backend pod runs it (pulled, IfNotPresent)", async () => {
    const l = loop!;
    first = await l.up();
    console.log(`# first up: ${(first.ms / 1000).toFixed(1)} s, ${JSON.stringify(first.changes)}`);
    assert.equal(builds(first).length, 1, "one image built");
    const tags = await l.registryTags(repository);
    assert.equal(tags.length, 1, `the registry holds one backend tag: ${tags.join(", ")}`);
    const pods = l.backendPods().filter((p) => !p.deleting);
    assert.equal(pods.length, REPLICAS);
    for (const p of pods) {
      assert.equal(p.image, `${l.docker.registry}/${repository}:${tags[0]}`);
      assert.ok(p.ready, `${p.name} Ready`);
    }
    const spec = JSON.parse(l.node.kubectl(["get", "deployment", "-n", NAMESPACE, "backend", "-o", "json"])).spec.template.spec.containers[0];
    assert.equal(spec.imagePullPolicy, "IfNotPresent");
    // The node got the image from the registry (it was never imported).
    const events = l.node.kubectl(["get", "events", "-n", NAMESPACE, "--field-selector", "reason=Pulled", "-o", 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(events, new RegExp(`Successfully pulled image "${l.docker.registry}/${repository}:${tags[0]}"`), events);
    assert.deepEqual(
      await l.marks(pods),
      pods.map(() => "one"),
      "every pod answers with the built source",
    );
  });

  test("a second up with no change builds nothing and rolls nothing", async () => {
    const l = loop!;
    const uids = l.podUids();
    const again = await l.up();
    console.log(`# second up: ${(again.ms / 1000).toFixed(1)} s, ${JSON.stringify(again.changes)}`);
    assert.deepEqual(changed(again), [], `changes: ${JSON.stringify(again.changes)}`);
    assert.deepEqual(builds(again), []);
    assert.deepEqual(l.podUids(), uids, "the same pods");
    assert.equal((await l.registryTags(repository)).length, 1);
  });

  test("an edited backend source builds once and rolls the backend pods only, which then answer with it", async () => {
    const l = loop!;
    const before = l.podUids();
    l.setMark("two");
    const r = await l.up();
    console.log(
      `# up after the edit: ${(r.ms / 1000).toFixed(1)} s, ${JSON.stringify(r.changes)}; steps: ${r.steps.map((s) => `${s.type.split(":").pop()} ${s.name} ${s.op} ${s.startMs}-${s.endMs} ms`).join(", ")}`,
    );
    assert.equal(builds(r).length, 1, "one build");
    assert.deepEqual(changed(r), [["update", 2]], "the image and the Deployment");
    const tags = await l.registryTags(repository);
    assert.equal(tags.length, 2);
    // Old pods may still be draining; wait until only new ones remain and all answer.
    const current = await waitFor(
      "only the new backend pods",
      async () => {
        const pods = l.backendPods();
        return pods.length === REPLICAS && pods.every((p) => p.ready && !p.deleting) ? pods : undefined;
      },
      120_000,
      250,
    );
    assert.deepEqual(
      await l.marks(current),
      current.map(() => "two"),
    );
    const after = l.podUids();
    for (const [name, uid] of Object.entries(before)) {
      if (name.startsWith("backend-")) assert.equal(after[name], undefined, `${name} was replaced`);
      else assert.equal(after[name], uid, `${name} (not the backend) was left alone`);
    }
    assert.ok(
      Object.keys(after).some((n) => n.startsWith("validator")),
      "the validator still runs",
    );
  });

  test("teardown leaves no process, mount, bridge, iptables rule, netns, cgroup or file behind (Docker's included)", () => {
    leftAfterTeardown = loop!.teardown();
    assert.deepEqual(leftAfterTeardown, []);
  });
});
