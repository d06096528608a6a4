/**
 * Shell the validator pod runs before pocketd starts (busybox sh + sed), kept as pure functions so
 * the real-binary tests can run the same script over a home made by `pocketd init`.
 *
 * Why patch instead of shipping whole config.toml/app.toml: `pocketd init` writes the files its own
 * version expects; we change only the localnet settings (block time, listen addresses, CORS,
 * metrics, API/gRPC on), so a pocketd upgrade does not meet a stale template.
 */
import { containerPorts } from "../topology/ports";

export interface NodeSettings {
  blockTimeSeconds: number;
  /** Address the listeners bind: 0.0.0.0 in a pod, 127.0.0.1 in tests. */
  listenHost: string;
  ports?: { p2p: number; rpc: number; grpc: number; rest: number; metrics: number };
}

export interface ConfigureScriptInput {
  home: string;
  /** Directory holding genesis.json and priv_validator_state.json (a ConfigMap mount). */
  genesisDir: string;
  /** Directory holding priv_validator_key.json and node_key.json (a Secret mount). */
  keysDir: string;
  node: NodeSettings;
}

const defaultPorts = () => ({
  p2p: containerPorts.validator.p2p,
  rpc: containerPorts.validator.rpc,
  grpc: containerPorts.validator.grpc,
  rest: containerPorts.validator.rest,
  metrics: containerPorts.validator.metrics,
});

/** sed expressions for config.toml (CometBFT). Section-scoped where a key name repeats. */
export function cometSedExpressions(n: NodeSettings): string[] {
  const p = n.ports ?? defaultPorts();
  const h = n.listenHost;
  return [
    `s#^timeout_commit = .*#timeout_commit = "${n.blockTimeSeconds}s"#`,
    `/^\\[rpc\\]/,/^\\[/ s#^laddr = .*#laddr = "tcp://${h}:${p.rpc}"#`,
    `/^\\[rpc\\]/,/^\\[/ s#^cors_allowed_origins = .*#cors_allowed_origins = ["*"]#`,
    `/^\\[p2p\\]/,/^\\[/ s#^laddr = .*#laddr = "tcp://${h}:${p.p2p}"#`,
    `s#^prometheus = .*#prometheus = true#`,
    `s#^prometheus_listen_addr = .*#prometheus_listen_addr = "${h}:${p.metrics}"#`,
    // A single validator has no peers to wait for.
    `s#^allow_duplicate_ip = .*#allow_duplicate_ip = true#`,
  ];
}

/** sed expressions for app.toml (Cosmos SDK). */
export function appSedExpressions(n: NodeSettings): string[] {
  const p = n.ports ?? defaultPorts();
  const h = n.listenHost;
  return [
    `s#^minimum-gas-prices = .*#minimum-gas-prices = "0upokt"#`,
    `/^\\[api\\]/,/^\\[/ s#^enable = .*#enable = true#`,
    `/^\\[api\\]/,/^\\[/ s#^address = .*#address = "tcp://${h}:${p.rest}"#`,
    `/^\\[api\\]/,/^\\[/ s#^enabled-unsafe-cors = .*#enabled-unsafe-cors = true#`,
    `/^\\[grpc\\]/,/^\\[/ s#^enable = .*#enable = true#`,
    `/^\\[grpc\\]/,/^\\[/ s#^address = .*#address = "${h}:${p.grpc}"#`,
  ];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Copies the generated genesis and keys into the pocketd home and applies the localnet settings.
 * Idempotent: safe on a kept home (keepState) and on a fresh one.
 */
export function validatorConfigureScript(i: ConfigureScriptInput): string {
  const cfg = `${i.home}/config`;
  const sedArgs = (exprs: string[]) => exprs.map((e) => `-e ${quote(e)}`).join(" ");
  return [
    "set -eu",
    `mkdir -p ${cfg} ${i.home}/data`,
    `test -f ${cfg}/config.toml || { echo "config.toml missing: run pocketd init first" >&2; exit 1; }`,
    // A kept home (keepState) whose chain began from another genesis: pocketd would silently run
    // the old chain on and ignore the new genesis (seen with the real binary, test/real). The
    // genesis changed on purpose (new actors, params), so start a fresh chain from it and say so.
    `if [ -e ${i.home}/data/blockstore.db ] && [ -f ${cfg}/genesis.json ] && ! cmp -s ${i.genesisDir}/genesis.json ${cfg}/genesis.json; then`,
    `  echo "genesis changed since this chain started: removing the kept chain state, starting from the new genesis"`,
    `  rm -rf ${i.home}/data`,
    `  mkdir -p ${i.home}/data`,
    "fi",
    `cp ${i.genesisDir}/genesis.json ${cfg}/genesis.json`,
    `cp ${i.keysDir}/priv_validator_key.json ${cfg}/priv_validator_key.json`,
    `cp ${i.keysDir}/node_key.json ${cfg}/node_key.json`,
    // Only a fresh home gets the initial signing state: a kept one must remember what it signed.
    `test -f ${i.home}/data/priv_validator_state.json || cp ${i.genesisDir}/priv_validator_state.json ${i.home}/data/priv_validator_state.json`,
    `sed -i ${sedArgs(cometSedExpressions(i.node))} ${cfg}/config.toml`,
    `sed -i ${sedArgs(appSedExpressions(i.node))} ${cfg}/app.toml`,
    `echo "validator home configured: block time ${i.node.blockTimeSeconds}s"`,
  ].join("\n") + "\n";
}

/** Exits 0 once the node reports a block height of at least 1 (the readiness gate). */
export function heightGateCommand(rpcPort: number): string[] {
  return ["sh", "-c", `wget -qO- http://127.0.0.1:${rpcPort}/status | grep -Eq '"latest_block_height": ?"[1-9]'`];
}
