#!/usr/bin/env bash
# Fallback without a registry: copies images from the local Docker engine into the kind nodes.
#
#   scripts/kind-load.sh [--build] [image ...]
#
# With no image arguments it loads the stack's images.backend and images.relayMiner (read with
# `pulumi config get`, else their defaults). --build first builds the backend from
# services/backend and, when RELAYMINER_SOURCE is set, the relay-miner from that checkout,
# under those same tags. Keep build.enabled = false and kube.imagePullPolicy IfNotPresent (or
# Never) in the stack, so pods use the loaded images. A retag is needed for pods to roll: the
# same tag loaded again does not restart anything (`kubectl rollout restart` does).
# kind copies the whole image each time (no layer sharing), so the registry path is faster.
set -euo pipefail
# shellcheck source=scripts/kind-common.sh
. "$(dirname "$0")/kind-common.sh"
cd "$(dirname "$0")/.."

STACK="${PULUMI_STACK:-local}"
build=false
images=()
for arg in "$@"; do
  case "$arg" in
    --build) build=true ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    -*) die "unknown option '$arg'; allowed: --build, --help, or image references" ;;
    *) images+=("$arg") ;;
  esac
done

need_docker_engine
need_kind
cluster_exists || die "no kind cluster named $CLUSTER_NAME (create it with: npm run cluster:up, or set KIND_CLUSTER_NAME)"

# stack_value <key> <default>: a key of the stack config (flat or --path), else the default.
stack_value() {
  local value=""
  if command -v pulumi >/dev/null 2>&1; then
    value="$(pulumi config get "$1" --stack "$STACK" 2>/dev/null \
      || pulumi config get --path "$1" --stack "$STACK" 2>/dev/null || true)"
  fi
  printf '%s' "${value:-$2}"
}
# The relay-miner's default image is the one of relayMiner.version: each version is published
# under its own name as the tag (components/relay-miner/versions/versions.ts).
RELAYMINER_DEFAULT_VERSION=v0.1.2
backend_image="$(stack_value images.backend relayminer-localnet/backend:dev)"
relayminer_version="$(stack_value relayMiner.version "$RELAYMINER_DEFAULT_VERSION")"
relayminer_image="$(stack_value images.relayMiner "ghcr.io/pokt-network/pocket-relay-miner:$relayminer_version")"

if [ "$build" = true ]; then
  say "building $backend_image from services/backend"
  docker build -t "$backend_image" services/backend
  if [ -n "${RELAYMINER_SOURCE:-}" ]; then
    [ -f "$RELAYMINER_SOURCE/Dockerfile" ] || die "RELAYMINER_SOURCE='$RELAYMINER_SOURCE' has no Dockerfile"
    say "building $relayminer_image from $RELAYMINER_SOURCE"
    docker build -t "$relayminer_image" "$RELAYMINER_SOURCE"
  fi
fi

if [ "${#images[@]}" -eq 0 ]; then images=("$backend_image" "$relayminer_image"); fi

# tag_of <ref>: the tag of an image ref ("" when it has none); the registry port is not a tag.
tag_of() {
  local last="${1##*/}"
  case "$last" in *:*) printf '%s' "${last##*:}" ;; esac
}

for image in "${images[@]}"; do
  case "$image" in
    *@sha256:*) ;;
    *)
      tag="$(tag_of "$image")"
      if [ -z "$tag" ] || [ "$tag" = latest ]; then
        die "'$image' has no tag or the tag latest, which makes Kubernetes pull it from a registry (imagePullPolicy Always); give it an explicit tag"
      fi
      ;;
  esac
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    say "pulling $image"
    docker pull "$image"
  fi
  say "loading $image into kind cluster $CLUSTER_NAME"
  kind load docker-image "$image" --name "$CLUSTER_NAME"
done
