#!/bin/sh
# Init container of the relayers: holds the pod until the miners have written the key this
# relay-miner version's relayers need: the leader lock (relayers get block events only from the
# leader) or the miners' service-factor manifest (until it exists a relayer refuses every relay).
#
# Environment:
#   REDIS_HOST, REDIS_PORT  a node of Redis (any node of a cluster)
#   REDIS_CLUSTER           "true" for a Redis Cluster (redis-cli -c)
#   MINERS_KEY              the key to wait for
#   MINERS_KEY_IS           what the key is, for the log (e.g. "the leader lock")
#   REDIS_CLI               the redis-cli binary (default redis-cli)
set -eu
: "${REDIS_HOST:?}" "${REDIS_PORT:?}" "${MINERS_KEY:?}"
what=${MINERS_KEY_IS:-$MINERS_KEY}
set -- -h "$REDIS_HOST" -p "$REDIS_PORT"
if [ "${REDIS_CLUSTER:-false}" = true ]; then set -- "$@" -c; fi
redis_cli=${REDIS_CLI:-redis-cli}
until [ "$("$redis_cli" "$@" exists "$MINERS_KEY" 2>/dev/null)" = "1" ]; do echo "waiting for the miners: $what ($MINERS_KEY)"; sleep 1; done
echo "miners are up: $what = $("$redis_cli" "$@" get "$MINERS_KEY")"
