/**
 * What `pulumi up` runs: the stack config, checked; a reachable cluster; then the localnet
 * (components/localnet) and its outputs as the stack outputs.
 */
import { loadConfig, RelayMinerLocalnet, requireCluster } from "./components/localnet";

async function main() {
  const config = loadConfig(__dirname);
  await requireCluster(config.kube);
  return new RelayMinerLocalnet("localnet", { ...config, projectDir: __dirname }).outputs;
}

export = main;
