/**
 * The validator pod's scripts (init.sh, configure.sh, height-gate.sh, idle.sh beside this file) and
 * the environment each one reads. The real-binary tests run configure.sh over a home made by
 * `pocketd init`, with the environment built here.
 */
import { join } from "node:path";
import { containerPorts } from "../topology/ports";
import { readScripts } from "../k8s/scripts";

/** The scripts, by file name. */
export const validatorScripts = readScripts(__dirname, ["init.sh", "configure.sh", "height-gate.sh", "idle.sh"] as const);

/** Path of configure.sh in this checkout (tests run it directly). */
export const configureScriptPath = join(__dirname, "configure.sh");

export interface ValidatorPorts {
  p2p: number;
  rpc: number;
  grpc: number;
  rest: number;
  metrics: number;
}

export interface ConfigureScriptInput {
  home: string;
  /** Directory holding genesis.json and priv_validator_state.json (a ConfigMap mount). */
  genesisDir: string;
  /** Directory holding priv_validator_key.json and node_key.json (a Secret mount). */
  keysDir: string;
  blockTimeSeconds: number;
  /** Address the listeners bind: 0.0.0.0 in a pod, 127.0.0.1 in tests. */
  listenHost: string;
  /** @default the container ports of the port registry */
  ports?: ValidatorPorts;
}

/** The environment of configure.sh. */
export function configureEnv(i: ConfigureScriptInput): Record<string, string> {
  const p = i.ports ?? containerPorts.validator;
  return {
    POCKET_HOME: i.home,
    GENESIS_DIR: i.genesisDir,
    KEYS_DIR: i.keysDir,
    BLOCK_TIME_SECONDS: String(i.blockTimeSeconds),
    LISTEN_HOST: i.listenHost,
    P2P_PORT: String(p.p2p),
    RPC_PORT: String(p.rpc),
    GRPC_PORT: String(p.grpc),
    REST_PORT: String(p.rest),
    METRICS_PORT: String(p.metrics),
  };
}
