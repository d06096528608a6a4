/** `pulumi up` waits for the pods: a part's dependents are registered only once it has rolled out (a hand-driven watch). */
// test-runner: own process (its program is never awaited (its rollouts are held back by hand) and would record into the next file's mocks)
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeSource, rolledOut } from "../../test/support/fake-object-source";
import { k } from "../../test/support/mock-program";
import { fakeWaiter, sleep, startProgram } from "../../test/support/rollout-program";

test("miners are registered only once Redis and the validator have rolled out, relayers once the miners have", async () => {
  const src = new FakeSource();
  const waiter = fakeWaiter(src);
  const resources = await startProgram(waiter);
  const has = (type: string, name: string) => resources.some((r) => r.type === type && r.inputs.metadata?.name === name);
  assert.ok(has(k.statefulSet, "redis") && has(k.deployment, "validator") && has(k.deployment, "backend"));
  assert.ok(!has(k.statefulSet, "miner"), "miners wait for Redis and the validator");
  src.set("statefulsets.apps", rolledOut("StatefulSet", "redis", 1));
  await sleep(200);
  assert.ok(!has(k.statefulSet, "miner"), "the validator has not rolled out yet");
  src.set("deployments.apps", rolledOut("Deployment", "validator", 1));
  await sleep(300);
  assert.ok(has(k.statefulSet, "miner"), "miners are registered once both rolled out");
  assert.ok(!has(k.statefulSet, "relayer"), "relayers wait for the miners (and the backend)");
  src.set("statefulsets.apps", rolledOut("StatefulSet", "miner", 2));
  src.set("deployments.apps", rolledOut("Deployment", "backend", 1));
  await sleep(300);
  assert.ok(has(k.statefulSet, "relayer"));
  waiter.close();
});
