#!/bin/sh
# First init container of the validator pod (pocketd image): makes a pocketd home once.
# A failed init is not fatal here: configure.sh then stops with the reason (no config.toml).
#
# Environment:
#   POCKET_HOME  the pocketd home directory
#   CHAIN_ID     the chain id of the genesis
: "${POCKET_HOME:?}" "${CHAIN_ID:?}"
test -f "$POCKET_HOME/config/config.toml" || pocketd init validator --chain-id "$CHAIN_ID" --home "$POCKET_HOME" >/dev/null 2>&1
echo initialized
