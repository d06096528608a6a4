#!/bin/sh
# Init container of the relayers: holds the pod until a miner holds the leader lock in Redis.
# Relayers get block events only from the leader, so they start once there is one.
#
# Environment:
#   REDIS_HOST, REDIS_PORT  a node of Redis (any node of a cluster)
#   REDIS_CLUSTER           "true" for a Redis Cluster (redis-cli -c)
#   LEADER_KEY              the key the leader holds
#   REDIS_CLI               the redis-cli binary (default redis-cli)
set -eu
: "${REDIS_HOST:?}" "${REDIS_PORT:?}" "${LEADER_KEY:?}"
set -- -h "$REDIS_HOST" -p "$REDIS_PORT"
if [ "${REDIS_CLUSTER:-false}" = true ]; then set -- "$@" -c; fi
redis_cli=${REDIS_CLI:-redis-cli}
until [ "$("$redis_cli" "$@" exists "$LEADER_KEY" 2>/dev/null)" = "1" ]; do echo "waiting for a miner leader ($LEADER_KEY)"; sleep 1; done
echo "leader: $("$redis_cli" "$@" get "$LEADER_KEY")"
