#!/bin/sh
# Makes the Redis nodes one cluster of exactly the configured shape, and is harmless to re-run:
# - every node already reports cluster_state:ok with every node known and the right number of
#   shards: nothing to do;
# - every node is fresh (knows only itself): form the cluster;
# - anything else (a node restarted empty and lost its identity, or shards/replicas changed):
#   re-form from scratch, which discards the data in Redis. Members that all kept their identity
#   (persistence on) first get CONVERGE_SECONDS to heal by gossip, so a plain restart keeps data.
#
# Environment:
#   REDIS_HOSTS         the nodes' host names, separated by spaces
#   REDIS_PORT          the port every node listens on
#   REPLICAS_PER_SHARD  replicas of each primary
#   CONVERGE_SECONDS    how long kept members get to reconverge before a re-form (default 30)
#   FORM_SECONDS        how long the new cluster gets to report ok before this fails (default 120)
#   REDIS_CLI           the redis-cli binary (default redis-cli)
set -eu
: "${REDIS_HOSTS:?}" "${REDIS_PORT:?}" "${REPLICAS_PER_SHARD:?}"
converge_seconds=${CONVERGE_SECONDS:-30}
form_seconds=${FORM_SECONDS:-120}
redis_cli=${REDIS_CLI:-redis-cli}

n=0
for h in $REDIS_HOSTS; do n=$((n + 1)); done
shards=$((n / (1 + REPLICAS_PER_SHARD)))

cli() { "$redis_cli" -p "$REDIS_PORT" -h "$@"; }

for h in $REDIS_HOSTS; do
  until cli "$h" ping 2>/dev/null | grep -q PONG; do echo "waiting for $h"; sleep 1; done
done

info() { cli "$1" cluster info 2>/dev/null | tr -d '\r'; }
healthy() {
  for h in $REDIS_HOSTS; do
    i=$(info "$h")
    for want in cluster_state:ok "cluster_known_nodes:$n" "cluster_size:$shards"; do
      echo "$i" | grep -qx "$want" || return 1
    done
  done
}

fresh=0
for h in $REDIS_HOSTS; do if info "$h" | grep -qx cluster_known_nodes:1; then fresh=$((fresh + 1)); fi; done
if [ "$fresh" -eq 0 ]; then
  t=0; until healthy || [ "$t" -ge "$converge_seconds" ]; do t=$((t + 1)); sleep 1; done
  if healthy; then echo "cluster already formed: $n nodes, $shards shards"; exit 0; fi
fi
if [ "$fresh" -lt "$n" ]; then
  echo "re-forming the cluster (a node restarted empty, or shards/replicas changed): its data is discarded"
  for h in $REDIS_HOSTS; do
    # A replica refuses FLUSHALL (read-only); CLUSTER RESET empties it anyway. A primary refuses the
    # reset while it holds keys, and clients (the miners) may write between the two commands, so
    # repeat both until the reset says OK (redis-cli exits 0 on an error reply: read the reply).
    t=0
    # Both on one connection (redis-cli reads them from stdin), so the window is one round trip.
    until [ "$(printf 'FLUSHALL\nCLUSTER RESET HARD\n' | cli "$h" 2>&1 | tr -d '\r' | tail -n 1)" = OK ]; do
      t=$((t + 1)); if [ "$t" -ge "$form_seconds" ]; then echo "$h refused CLUSTER RESET for ${form_seconds}s" >&2; exit 1; fi; sleep 1
    done
  done
fi

# `redis-cli --cluster create` wants addresses, so the names are resolved first.
set --
for h in $REDIS_HOSTS; do
  ip=$(getent hosts "$h" 2>/dev/null | awk '{print $1; exit}')
  set -- "$@" "${ip:-$h}:$REDIS_PORT"
done
"$redis_cli" --cluster create "$@" --cluster-replicas "$REPLICAS_PER_SHARD" --cluster-yes
t=0; until healthy; do t=$((t + 1)); if [ "$t" -ge "$form_seconds" ]; then echo "the cluster did not report ok within ${form_seconds}s" >&2; exit 1; fi; sleep 1; done
echo "cluster formed: $n nodes, $shards shards"
