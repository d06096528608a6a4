#!/bin/sh
# Init container of the relayers: holds the pod until the miners have written the key this
# relay-miner version's relayers need: the leader lock (relayers get block events only from the
# leader) or the miners' service-factor manifest (until it exists a relayer refuses every relay).
# Then, when lease keys are given, until every supplier's lease is held and has stayed with the
# same miner for one settle interval: relays served while a lease is unheld or moving between
# miners were seen never to be claimed.
#
# Environment:
#   REDIS_HOST, REDIS_PORT  a node of Redis (any node of a cluster)
#   REDIS_CLUSTER           "true" for a Redis Cluster (redis-cli -c)
#   MINERS_KEY              the key to wait for
#   MINERS_KEY_IS           what the key is, for the log (e.g. "the leader lock")
#   SUPPLIER_LEASE_KEYS     space-separated lease keys, one per supplier (optional)
#   LEASES_SETTLE_SECONDS   how long the lease holders must stay put (the miners' rebalance interval)
#   REDIS_CLI               the redis-cli binary (default redis-cli)
set -eu
: "${REDIS_HOST:?}" "${REDIS_PORT:?}" "${MINERS_KEY:?}"
what=${MINERS_KEY_IS:-$MINERS_KEY}
set -- -h "$REDIS_HOST" -p "$REDIS_PORT"
if [ "${REDIS_CLUSTER:-false}" = true ]; then set -- "$@" -c; fi
redis_cli=${REDIS_CLI:-redis-cli}
until [ "$("$redis_cli" "$@" exists "$MINERS_KEY" 2>/dev/null)" = "1" ]; do echo "waiting for the miners: $what ($MINERS_KEY)"; sleep 1; done
echo "miners are up: $what = $("$redis_cli" "$@" get "$MINERS_KEY")"

lease_keys=${SUPPLIER_LEASE_KEYS:-}
[ -n "$lease_keys" ] || exit 0
settle=${LEASES_SETTLE_SECONDS:-5}

# One "key=holder" line per lease; an unheld (or unreadable) lease has an empty holder.
holders() {
  for key in $lease_keys; do printf '%s=%s\n' "$key" "$("$redis_cli" "$@" get "$key" 2>/dev/null || true)"; done
}

total=$(echo "$lease_keys" | wc -w)
before=""
while :; do
  now=$(holders "$@")
  unheld=$(printf '%s\n' "$now" | grep -c '=$' || true)
  if [ "$unheld" -gt 0 ]; then
    echo "waiting for the miners: $unheld of $total supplier leases unheld"
    before=""
    sleep 1
  elif [ "$now" = "$before" ]; then
    break
  else
    if [ -z "$before" ]; then echo "all $total supplier leases held; checking they stay put for ${settle}s"; else echo "supplier leases moved between miners; waiting ${settle}s again"; fi
    before=$now
    sleep "$settle"
  fi
done
echo "supplier leases held: $total, unmoved for ${settle}s"
