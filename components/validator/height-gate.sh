#!/bin/sh
# Readiness probe of the validator pod's height-gate container: exits 0 once the local node
# reports a block height of at least 1, so the pod (and everything waiting on it) is ready only
# when the chain produces blocks.
#
# Environment:
#   RPC_PORT  the node's CometBFT RPC port
wget -qO- "http://127.0.0.1:${RPC_PORT:?}/status" | grep -Eq '"latest_block_height": ?"[1-9]'
