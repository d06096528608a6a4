#!/bin/sh
# First init container of miners and relayers (relay-miner image, as the user the relay-miner runs
# as): the supplier keys must be readable by that user and hold at least one key, then the
# binary's own `validate` checks the rendered config. The binary's validate does not open the keys
# file, and a relay-miner that cannot read it exits at start with nothing useful in its log, so
# the keys are checked here, with the reason in this container's log.
#
# Environment:
#   ROLE          miner or relayer
#   CONFIG_FILE   the rendered config.yaml
#   KEYS_FILE     supplier-keys.yaml (a Secret mount)
#   RELAYMINER    the relay-miner binary (default pocket-relay-miner)
set -eu
: "${ROLE:?}" "${CONFIG_FILE:?}" "${KEYS_FILE:?}"
if [ ! -r "$KEYS_FILE" ]; then
  echo "cannot read the supplier keys $KEYS_FILE as uid $(id -u), gid $(id -g) ($(ls -ln "$KEYS_FILE" 2>&1)): the pod's runAsUser/fsGroup must let the relay-miner's user read its keys" >&2
  exit 1
fi
key_line='^[[:space:]]*-[[:space:]]*"?[0-9a-fA-F]{64}"?([[:space:]]|$)'
if ! grep -Eq "$key_line" "$KEYS_FILE"; then
  echo "no supplier key in $KEYS_FILE (expected a keys: list of 64-hex-digit private keys)" >&2
  exit 1
fi
echo "supplier keys readable: $(grep -Ec "$key_line" "$KEYS_FILE") key(s) in $KEYS_FILE"
exec "${RELAYMINER:-pocket-relay-miner}" "$ROLE" validate --config="$CONFIG_FILE"
