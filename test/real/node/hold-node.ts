/**
 * Starts a real node, runs one Ready pod on it, prints `HOLDING <run dir> <cgroup root>` and
 * waits to be killed: teardown.pods.test.ts kills it with SIGTERM or SIGKILL and checks that the
 * node's exit handlers, or the next start, put the machine back.
 */
import { buildImages } from "../../../tools/images/build";
import { Scratch, waitFor } from "../support";
import { startNode } from "./node";

async function main(): Promise<void> {
  const [pause, busybox] = await buildImages(["pause", "busybox"]);
  const node = await startNode(new Scratch(), { images: [pause.archive, busybox.archive], sandboxImage: pause.ref });
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "held", namespace: "default" },
    spec: { containers: [{ name: "main", image: busybox.ref, imagePullPolicy: "Never", command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"] }] },
  };
  node.kubectl(["apply", "-f", "-"], { input: JSON.stringify(pod) });
  await waitFor(
    "pod held Running",
    async () => (node.kubectl(["get", "pod", "held", "-o", "jsonpath={.status.phase}"], { allowFail: true }).startsWith("Running") ? true : undefined),
    120_000,
    250,
  );
  const cgroupRoot = `rml-node-${node.runDir.slice(-6)}`;
  process.stdout.write(`HOLDING ${node.runDir} ${cgroupRoot}\n`);
  setInterval(() => {}, 1 << 30);
}

main().catch((e) => {
  process.stdout.write(`FAILED ${(e as Error).message}\n`);
  process.exit(1);
});
