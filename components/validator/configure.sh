#!/bin/sh
# Second init container of the validator pod (busybox sh + sed): copies the generated genesis and
# keys into the pocketd home and applies the localnet settings. Idempotent: safe on a kept home
# (keepState) and on a fresh one.
#
# It patches the files `pocketd init` wrote instead of shipping whole config.toml/app.toml: init
# writes what its own version expects, and we change only the localnet settings (block time, listen
# addresses, CORS, metrics, API/gRPC on), so a pocketd upgrade does not meet a stale template.
#
# Environment:
#   POCKET_HOME         the pocketd home directory (made by `pocketd init`)
#   GENESIS_DIR         holds genesis.json and priv_validator_state.json (a ConfigMap mount)
#   KEYS_DIR            holds priv_validator_key.json and node_key.json (a Secret mount)
#   BLOCK_TIME_SECONDS  CometBFT timeout_commit
#   LISTEN_HOST         address the listeners bind: 0.0.0.0 in a pod, 127.0.0.1 in tests
#   P2P_PORT RPC_PORT GRPC_PORT REST_PORT METRICS_PORT
set -eu
: "${POCKET_HOME:?}" "${GENESIS_DIR:?}" "${KEYS_DIR:?}" "${BLOCK_TIME_SECONDS:?}" "${LISTEN_HOST:?}"
: "${P2P_PORT:?}" "${RPC_PORT:?}" "${GRPC_PORT:?}" "${REST_PORT:?}" "${METRICS_PORT:?}"
cfg="$POCKET_HOME/config"
data="$POCKET_HOME/data"
h="$LISTEN_HOST"

mkdir -p "$cfg" "$data"
test -f "$cfg/config.toml" || { echo "config.toml missing: run pocketd init first" >&2; exit 1; }
# A kept home (keepState) whose chain began from another genesis: pocketd would silently run the
# old chain on and ignore the new genesis (seen with the real binary, test/real). The genesis
# changed on purpose (new actors, params), so start a fresh chain from it and say so.
if [ -e "$data/blockstore.db" ] && [ -f "$cfg/genesis.json" ] && ! cmp -s "$GENESIS_DIR/genesis.json" "$cfg/genesis.json"; then
  echo "genesis changed since this chain started: removing the kept chain state, starting from the new genesis"
  rm -rf "$data"
  mkdir -p "$data"
fi
cp "$GENESIS_DIR/genesis.json" "$cfg/genesis.json"
cp "$KEYS_DIR/priv_validator_key.json" "$cfg/priv_validator_key.json"
cp "$KEYS_DIR/node_key.json" "$cfg/node_key.json"
# Only a fresh home gets the initial signing state: a kept one must remember what it signed.
test -f "$data/priv_validator_state.json" || cp "$GENESIS_DIR/priv_validator_state.json" "$data/priv_validator_state.json"

# config.toml (CometBFT); section-scoped where a key name repeats. A single validator has no
# peers to wait for, hence allow_duplicate_ip.
sed -i \
  -e "s#^timeout_commit = .*#timeout_commit = \"${BLOCK_TIME_SECONDS}s\"#" \
  -e "/^\[rpc\]/,/^\[/ s#^laddr = .*#laddr = \"tcp://$h:$RPC_PORT\"#" \
  -e "/^\[rpc\]/,/^\[/ s#^cors_allowed_origins = .*#cors_allowed_origins = [\"*\"]#" \
  -e "/^\[p2p\]/,/^\[/ s#^laddr = .*#laddr = \"tcp://$h:$P2P_PORT\"#" \
  -e "s#^prometheus = .*#prometheus = true#" \
  -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"$h:$METRICS_PORT\"#" \
  -e "s#^allow_duplicate_ip = .*#allow_duplicate_ip = true#" \
  "$cfg/config.toml"
# app.toml (Cosmos SDK)
sed -i \
  -e "s#^minimum-gas-prices = .*#minimum-gas-prices = \"0upokt\"#" \
  -e "/^\[api\]/,/^\[/ s#^enable = .*#enable = true#" \
  -e "/^\[api\]/,/^\[/ s#^address = .*#address = \"tcp://$h:$REST_PORT\"#" \
  -e "/^\[api\]/,/^\[/ s#^enabled-unsafe-cors = .*#enabled-unsafe-cors = true#" \
  -e "/^\[grpc\]/,/^\[/ s#^enable = .*#enable = true#" \
  -e "/^\[grpc\]/,/^\[/ s#^address = .*#address = \"$h:$GRPC_PORT\"#" \
  "$cfg/app.toml"
echo "validator home configured: block time ${BLOCK_TIME_SECONDS}s"
