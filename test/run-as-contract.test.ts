/**
 * The users the pods state (components/k8s/run-as.ts) are the users of the images they run, as
 * the image contract has them (tools/images/contract.ts, which the test images are built from and
 * checked against on a real node): a pod must not run an image as a user its files do not expect.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { imageUsers } from "../components/k8s/run-as";
import { IMAGE_CONTRACTS, type ImageKey } from "../tools/images/contract";

test("every image user the pods state agrees with that image's contract (uid, and the group its USER names)", () => {
  const checked: string[] = [];
  for (const [key, user] of Object.entries(imageUsers)) {
    const c = IMAGE_CONTRACTS[key as ImageKey];
    if (!c) continue; // grafana: no test image (no registry here serves it)
    const namedGroup = /^\d+:(\d+)$/.exec(c.user)?.[1];
    assert.deepEqual(
      user,
      { uid: c.runsAs.uid, gid: namedGroup ? Number(namedGroup) : c.runsAs.gid },
      `${key}: pods run it as ${JSON.stringify(user)}, contract: user "${c.user}", runs as ${JSON.stringify(c.runsAs)}`,
    );
    checked.push(key);
  }
  assert.deepEqual(checked.sort(), ["backend", "chainExporter", "loki", "pocketd", "prometheus", "redis", "redisCommander", "redisExporter", "relayMiner"]);
});
