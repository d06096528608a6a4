/**
 * A Pulumi program of your own that deploys the localnet as one component, with the same settings
 * the stack config of this repository takes (every key optional; defaults as documented in the
 * README's configuration reference). Run it from this directory: `pulumi up`.
 */
import { RelayMinerLocalnet } from "relayminer-localnet";

const localnet = new RelayMinerLocalnet("dev", {
  namespace: "relayminer-dev",
  kube: { context: "kind-relayminer" },
  relayer: { count: 3 },
  redis: { mode: "cluster", cluster: { shards: 3, replicasPerShard: 0 } },
  observability: { enabled: false },
});

export const urls = localnet.outputs.urls;
export const chain = localnet.outputs.chain;
/** What the suppliers advertise on chain: the relayer Service of this namespace. */
export const relayerEndpoint = localnet.relayers?.endpointUrl;
