# Shared by cluster-up.sh, cluster-down.sh and kind-load.sh (sourced, not run).
# Names come from the environment so several clusters can live side by side.
# shellcheck shell=bash

# (SC2034: these are used by the scripts that source this file.)
CLUSTER_NAME="${KIND_CLUSTER_NAME:-relayminer}"
# shellcheck disable=SC2034
REGISTRY_NAME="${KIND_REGISTRY_NAME:-kind-registry}"
REGISTRY_PORT="${KIND_REGISTRY_PORT:-5001}"
# shellcheck disable=SC2034
REGISTRY_IMAGE="${KIND_REGISTRY_IMAGE:-registry:2}"

die() {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

say() {
  printf '==> %s\n' "$*"
}

# need <command> <how to get it>
need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not on PATH; $2"
}

need_docker_engine() {
  need docker "install Docker (https://docs.docker.com/engine/install/) or Docker Desktop"
  docker info >/dev/null 2>&1 \
    || die "docker is installed but its engine does not answer (is the daemon running, and may this user use it?)"
}

need_kind() {
  need kind "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), e.g. 'go install sigs.k8s.io/kind@latest'"
}

cluster_exists() {
  kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"
}

case "$REGISTRY_PORT" in
  '' | *[!0-9]*) die "KIND_REGISTRY_PORT='$REGISTRY_PORT' must be a port number (1024-65535)" ;;
esac
if [ "$REGISTRY_PORT" -lt 1024 ] || [ "$REGISTRY_PORT" -gt 65535 ]; then
  die "KIND_REGISTRY_PORT='$REGISTRY_PORT' must be a port number (1024-65535)"
fi
printf '%s' "$CLUSTER_NAME" | grep -Eq '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' \
  || die "KIND_CLUSTER_NAME='$CLUSTER_NAME' must be lowercase letters, digits and '-'"
