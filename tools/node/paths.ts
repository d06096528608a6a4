// Where tools/node/build.sh puts the node's binaries (kubelet, kube-proxy, kubectl, coredns,
// crictl, pause): keyed like that script keys them, by tools/cluster/versions.env +
// tools/node/versions.env + pause.c. $RELAYMINER_NODE_DIR moves the root.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { cachedBinDir } from "../paths";

export const NODE_BINARIES = ["kubelet", "kube-proxy", "kubectl", "coredns", "crictl", "pause"] as const;
export type NodeBinary = (typeof NODE_BINARIES)[number];

const inputs = [join(__dirname, "..", "cluster", "versions.env"), join(__dirname, "versions.env"), join(__dirname, "pause.c")];

export function nodeBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return cachedBinDir(inputs, "node", "RELAYMINER_NODE_DIR", env);
}

/** Path of a node binary; throws with the fix when it has not been built. */
export function nodeBinary(name: NodeBinary): string {
  const p = join(nodeBinDir(), name);
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(`${name} is not built (looked for ${p}): run npm run tools:build-node`);
  }
  return p;
}
