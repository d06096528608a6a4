#!/bin/sh
# Init container of the miners: holds the pod until Redis answers PING.
#
# Environment:
#   REDIS_HOST, REDIS_PORT  a node of Redis (any node of a cluster)
#   REDIS_CLUSTER           "true" for a Redis Cluster (redis-cli -c)
#   REDIS_CLI               the redis-cli binary (default redis-cli)
set -eu
: "${REDIS_HOST:?}" "${REDIS_PORT:?}"
set -- -h "$REDIS_HOST" -p "$REDIS_PORT"
if [ "${REDIS_CLUSTER:-false}" = true ]; then set -- "$@" -c; fi
until "${REDIS_CLI:-redis-cli}" "$@" ping 2>/dev/null | grep -q PONG; do echo "waiting for redis"; sleep 1; done
echo "redis is up"
