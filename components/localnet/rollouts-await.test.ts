/** `pulumi up` hands the provider's await to the program: every workload and Service carries the waitFor annotation. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { k, runProgram } from "../../test/support/mock-program";
import { handOverAwait } from "./rollouts";

test("every Deployment, StatefulSet and Service hands its await to the program (waitFor met at once; deletes still awaited)", async () => {
  const run = await runProgram();
  for (const type of [k.deployment, k.statefulSet, k.service]) {
    for (const r of run.ofType(type))
      assert.deepEqual(r.inputs.metadata.annotations?.["pulumi.com/waitFor"], handOverAwait["pulumi.com/waitFor"], `${type} ${r.inputs.metadata.name}`);
  }
  for (const r of run.ofType(k.job))
    assert.equal(r.inputs.metadata.annotations?.["pulumi.com/waitFor"], undefined, "the cluster Job keeps the provider's await (it fails when the Job fails)");
});
