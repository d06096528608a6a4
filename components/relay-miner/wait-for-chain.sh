#!/bin/sh
# Init container of the miners: holds the pod until the chain reports a block height of at least 1.
#
# Environment:
#   CHAIN_RPC_URL  the validator's CometBFT RPC URL
set -eu
: "${CHAIN_RPC_URL:?}"
until wget -qO- "$CHAIN_RPC_URL/status" 2>/dev/null | grep -Eq '"latest_block_height": ?"[1-9]'; do echo "waiting for block 1 at $CHAIN_RPC_URL"; sleep 1; done
echo "chain is producing blocks"
