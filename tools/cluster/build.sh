#!/usr/bin/env bash
# Build a real Kubernetes control plane (no Docker needed) for test/real/cluster.real.test.ts:
#   etcd, kwok, kube-apiserver, kube-controller-manager, kube-scheduler
# from the Go module proxy, at the versions in tools/cluster/versions.env.
#
# Binaries go to
#   ${RELAYMINER_CLUSTER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/cluster}/<hash>/bin
# where <hash> is derived from versions.env, so a second run builds nothing. Wrapper modules are
# generated under that cache directory, never in the work tree.
#
# Usage: bash tools/cluster/build.sh [options]   (npm run tools:build-cluster -- [options])
#   --only a,b       build only these groups: etcd, kwok, kube (kube = apiserver+controller-manager+scheduler)
#   --force          rebuild even if present
#   --check          build nothing; report which binaries are present (exit 1 if any missing)
#   --print-bin-dir  build nothing; print the bin directory
#   -h, --help
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
ALL_GROUPS=(etcd kwok kube)
KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler)

SCRIPT_NAME=tools/cluster/build.sh LOG_TAG=cluster BUILD_SCRIPT="$HERE/build.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

HASH="$VERSIONS_HASH"
ROOT="${RELAYMINER_CLUSTER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/cluster}"
DIR="$ROOT/$HASH"; BIN="$DIR/bin"; WORK="$DIR/work"; LOGS="$DIR/logs"

parse_group_options 2,17 "$@"
GROUPS_TO_BUILD=()
select_only GROUPS_TO_BUILD "$ONLY" group "${ALL_GROUPS[@]}"
[[ "$MODE" == bindir ]] && { echo "$BIN"; exit 0; }

bins_of() { case "$1" in etcd) echo etcd ;; kwok) echo kwok kwok-stages.yaml ;; kube) echo "${KUBE_BINS[*]}" ;; esac; }

# One line of evidence per binary (its version output), or failure.
check_bin() {
  local b="$1" exe="$BIN/$1" out
  if [[ "$b" == *.yaml ]]; then
    [[ -s "$exe" ]] || return 1
    echo "$(grep -c '^kind: Stage' "$exe") stages"; return 0
  fi
  [[ -x "$exe" ]] || return 1
  case "$b" in
    etcd) out="$(timeout 20 "$exe" --version 2>&1)" || return 1
      [[ "$out" == *"${V[ETCD_VERSION]#v}"* ]] || return 1 ;;
    kwok) out="$(timeout 20 "$exe" --version 2>&1)" || return 1 ;;
    kube-*) out="$(timeout 20 "$exe" --version 2>&1)" || return 1
      [[ "$out" == *"$(need KUBERNETES_VERSION)"* ]] || return 1 ;;
  esac
  head -n1 <<<"$out"
}
if [[ "$MODE" == check ]]; then report_groups "${GROUPS_TO_BUILD[@]}"; fi

setup_go

mkdir -p "$BIN" "$WORK" "$LOGS"
cp "$VERSIONS_FILE" "$DIR/versions.env"

# ---------------------------------------------------------------- recipes (run in a child, log to file)
build_etcd() {
  local out="$1" d; d="$(new_wrapper etcd)"; cd "$d"
  local m=go.etcd.io/etcd/server/v3
  go get "$m@$(need ETCD_VERSION)"
  go build -ldflags "-s -w" -o "$out/etcd" "$m"
}
build_kwok() {
  local out="$1" d; d="$(new_wrapper kwok)"; cd "$d"
  go get "sigs.k8s.io/kwok/cmd/kwok@$(need KWOK_VERSION)"
  go build -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$(need KWOK_VERSION)" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok
  # A bare `kwok` (not kwokctl) has no stages unless a config gives them ("no stages found"): take
  # the upstream "fast" set (node initialize + heartbeat, pods ready/complete/delete) from the module.
  local src; src="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  local f first=1
  for f in "$src"/node/fast/node-initialize.yaml "$src"/node/heartbeat/node-heartbeat.yaml "$src"/pod/fast/pod-*.yaml; do
    [[ -f "$f" ]] || { echo "missing kwok stage $f"; return 1; }
    [[ $first == 1 ]] || echo "---"; first=0
    cat "$f"
  done >"$out/kwok-stages.yaml"
  grep -c '^kind: Stage' "$out/kwok-stages.yaml"
}
build_kube() {
  local out="$1" d; d="$(new_wrapper kube)"; cd "$d"
  local pkgs=() b; for b in "${KUBE_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  build_kubernetes_commands "$out" "$(need KUBERNETES_VERSION)" "$(need KUBERNETES_STAGING_VERSION)" "${pkgs[@]}"
}

if [[ "$MODE" == internal ]]; then
  set -x
  "build_$INTERNAL_GROUP" "$INTERNAL_OUT"
  exit 0
fi

log "versions: $VERSIONS_FILE (hash $HASH)"
log "bin dir:  $BIN"
log "go $GOVER, GOMODCACHE=$GOMODCACHE, GOCACHE=$GOCACHE, CGO_ENABLED=0"
total_start="$(now)"
build_each 6 check_group bins_of "" "${GROUPS_TO_BUILD[@]}"
finish_group_build "cluster binaries"
