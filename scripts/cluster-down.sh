#!/usr/bin/env bash
# npm run cluster:down: deletes the kind cluster. The registry container is kept (it holds the
# built layers, so the next cluster:up starts warm) unless --registry is given.
# Environment: as cluster-up.sh.
set -euo pipefail
# shellcheck source=scripts/kind-common.sh
. "$(dirname "$0")/kind-common.sh"

remove_registry=false
for arg in "$@"; do
  case "$arg" in
    --registry) remove_registry=true ;;
    -h | --help)
      echo "Usage: npm run cluster:down [-- --registry]   (--registry also removes the $REGISTRY_NAME container)"
      exit 0
      ;;
    *) die "unknown argument '$arg'; allowed: --registry, --help" ;;
  esac
done

need_docker_engine
need_kind

if cluster_exists; then
  say "deleting kind cluster $CLUSTER_NAME"
  kind delete cluster --name "$CLUSTER_NAME"
else
  say "no kind cluster named $CLUSTER_NAME; nothing to delete"
fi

if [ "$remove_registry" = true ]; then
  if docker inspect "$REGISTRY_NAME" >/dev/null 2>&1; then
    say "removing registry $REGISTRY_NAME"
    docker rm -f "$REGISTRY_NAME" >/dev/null
  else
    say "no registry container named $REGISTRY_NAME"
  fi
else
  say "kept registry $REGISTRY_NAME (remove it with: npm run cluster:down -- --registry)"
fi
