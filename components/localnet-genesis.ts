/**
 * The genesis the Validator runs, generated in-process from the YAML description the stack points
 * at, with supplier endpoints naming the relayer Service of this stack's namespace and session
 * windows from validator.timing, checked against the miners' failover timings.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { generateGenesis, type GenesisArtifacts } from "../genesis/build";
import { GenesisInputError } from "../genesis/errors";
import { loadGenesisInput } from "../genesis/input";
import { keyringOf } from "../genesis/keyring";
import type { GenesisInput } from "../genesis/types";
import type { RpcType as ChainRpcType } from "../genesis/schema";
import type { LocalnetConfig } from "./config/schema";
import { relayerEndpointUrl } from "./names";
import { containerPorts } from "./ports";
import { effectiveMinerHaTimings, type RelayerService, type RpcType, type SimulationIdentity } from "./relayminer-config";
import { failoverFitProblems, sessionTiming } from "./timing/sessions";

export interface LocalnetGenesis {
  input: GenesisInput;
  artifacts: GenesisArtifacts;
}

/** A problem in the YAML becomes a RunError naming the config key (printed without a stack trace). */
function reportingGenesisFile<T>(config: LocalnetConfig, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof GenesisInputError) throw new pulumi.RunError(`validator.genesisFile = ${JSON.stringify(config.validator.genesisFile)}: ${e.message}`);
    throw e;
  }
}

export function localnetGenesis(config: LocalnetConfig, projectDir: string): LocalnetGenesis {
  const { timing, blockTimeSeconds, genesisFile } = config.validator;
  const input = reportingGenesisFile(config, () =>
    loadGenesisInput(resolve(projectDir, genesisFile), { sharedParams: sessionTiming(timing, blockTimeSeconds) }));
  const misfit = failoverFitProblems(input.params.shared, blockTimeSeconds, effectiveMinerHaTimings(blockTimeSeconds, config.miner.config));
  if (misfit.length > 0) {
    throw new pulumi.RunError(
      `a miner crash could lose a session (validator.timing = ${JSON.stringify(timing)}, validator.blockTimeSeconds = ${blockTimeSeconds}, ` +
        `miner.config leader_election / supplier_claiming, params.shared of ${genesisFile}):\n` +
        misfit.map((m) => `  - params.shared.${m}`).join("\n") +
        "\nLengthen the window in the genesis file, shorten the miner timings, or drop the overrides to use the derived ones.",
    );
  }
  const artifacts = reportingGenesisFile(config, () =>
    generateGenesis(input, { relayerEndpoint: relayerEndpointUrl(config.namespace, containerPorts.relayer.relay) }));
  return { input, artifacts };
}

/** The chain's RPC type names to the relay-miner's backend keys. */
const backendKeyOf: Record<ChainRpcType, RpcType> = {
  JSON_RPC: "jsonrpc",
  WEBSOCKET: "websocket",
  REST: "rest",
  GRPC: "grpc",
  COMET_BFT: "cometbft",
};

/** One relayer service per service id any supplier stakes, with the RPC types advertised for it. */
export function relayerServicesOf(input: GenesisInput): RelayerService[] {
  const byId = new Map<string, Set<RpcType>>();
  for (const s of input.suppliers) {
    for (const svc of s.services) {
      const set = byId.get(svc.id) ?? new Set<RpcType>();
      for (const e of svc.endpoints) set.add(backendKeyOf[e.rpcType]);
      byId.set(svc.id, set);
    }
  }
  return [...byId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, types]) => ({ id, rpcTypes: [...types].sort() }));
}

/** Simulated-relay key id of a service: `sim-` and the part after `develop-` (sim-http, sim-grpc, ...). */
export const simulationKeyId = (serviceId: string): string => `sim-${serviceId.replace(/^develop-/, "")}`;

/**
 * One simulated-relay identity per service: the first application staked for it and that
 * application's gateways, by public key. Accounts without a mnemonic (no known key) are skipped.
 */
export function simulationIdentitiesOf(input: GenesisInput): SimulationIdentity[] {
  const keyring = keyringOf(input);
  const pubKeyHex = (account: string) => {
    const key = keyring.get(account)?.key;
    return key ? Buffer.from(key.publicKey).toString("hex") : undefined;
  };
  const out: SimulationIdentity[] = [];
  for (const app of input.applications) {
    const serviceId = app.services[0]!;
    const appPubKeyHex = pubKeyHex(app.account);
    const gatewayPubKeysHex = app.delegateeGateways.map(pubKeyHex).filter((k): k is string => k !== undefined);
    if (!appPubKeyHex || gatewayPubKeysHex.length === 0 || out.some((i) => i.serviceId === serviceId)) continue;
    out.push({ keyId: simulationKeyId(serviceId), serviceId, appPubKeyHex, gatewayPubKeysHex });
  }
  return out.sort((a, b) => a.serviceId.localeCompare(b.serviceId));
}
