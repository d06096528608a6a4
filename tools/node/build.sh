#!/usr/bin/env bash
# Build what a real Kubernetes node needs beside the control plane (tools/cluster), for the pods
# tier (npm run test:pods): kubelet, kube-proxy and kubectl (k8s.io/kubernetes at the control
# plane's version), CoreDNS, crictl, and the pause program (tools/node/pause.c, gcc -static). The
# container runtime and CNI plugins are Debian packages: installed with apt-get when missing.
#
# Binaries go to
#   ${RELAYMINER_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/node}/<hash>/bin
# where <hash> is derived from tools/cluster/versions.env + tools/node/versions.env + pause.c, so
# a second run builds nothing. Wrapper modules are generated under that cache directory.
#
# Usage: bash tools/node/build.sh [options]   (npm run tools:build-node -- [options])
#   --only a,b       build only these groups: kube, coredns, crictl, pause
#                    (kube = kubelet + kube-proxy + kubectl in one go build)
#   --force          rebuild even if present
#   --check          build nothing; report which binaries are present (exit 1 if any missing)
#   --print-bin-dir  build nothing; print the bin directory
#   -h, --help
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
VERSIONS_INCLUDE="$HERE/../cluster/versions.env"
ALL_GROUPS=(kube coredns crictl pause)
KUBE_BINS=(kubelet kube-proxy kubectl)
# Debian packages the node runs, installed with apt-get when missing (Debian's own versions:
# containerd 1.6 + runc, the CNI reference plugins, iptables for kube-proxy's iptables mode and
# our isolation rules, nft to delete the empty tables iptables-nft leaves after teardown), and
# commands they provide (checked, never built here).
DEBIAN_PACKAGES=containerd,runc,containernetworking-plugins,iptables,nftables
HOST_COMMANDS=(containerd containerd-shim-runc-v2 ctr runc iptables iptables-save ip6tables-save nft)
CNI_DIR=/usr/lib/cni
CNI_PLUGINS=(bridge host-local loopback)

SCRIPT_NAME=tools/node/build.sh LOG_TAG=node BUILD_SCRIPT="$HERE/build.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

# pause.c is an input too: a changed program is a new cache directory.
HASH="$(cat "${ALL_VERSIONS_FILES[@]}" "$HERE/pause.c" | sha256sum | cut -c1-16)"
ROOT="${RELAYMINER_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/node}"
DIR="$ROOT/$HASH"; BIN="$DIR/bin"; WORK="$DIR/work"; LOGS="$DIR/logs"

parse_group_options 2,19 "$@"
GROUPS_TO_BUILD=()
select_only GROUPS_TO_BUILD "$ONLY" group "${ALL_GROUPS[@]}"
[[ "$MODE" == bindir ]] && { echo "$BIN"; exit 0; }

bins_of() {
  case "$1" in
    kube) echo "${KUBE_BINS[*]}" ;;
    coredns) echo coredns ;;
    crictl) echo crictl ;;
    pause) echo pause ;;
  esac
}

# One line of evidence per binary (its version output), or failure.
check_bin() {
  local b="$1" exe="$BIN/$1" out
  [[ -x "$exe" ]] || return 1
  case "$b" in
    kubectl) out="$(timeout 20 "$exe" version --client 2>&1)" || return 1
      [[ "$out" == *"$(need KUBERNETES_VERSION)"* ]] || return 1 ;;
    kube*) out="$(timeout 20 "$exe" --version 2>&1)" || return 1
      [[ "$out" == *"$(need KUBERNETES_VERSION)"* ]] || return 1 ;;
    coredns) out="$(timeout 20 "$exe" -version 2>&1)" || return 1
      [[ "$out" == *"${V[COREDNS_VERSION]#v}"* ]] || return 1 ;;
    crictl) out="$(timeout 20 "$exe" --version 2>&1)" || return 1
      [[ "$out" == *"$(need CRICTL_VERSION)"* ]] || return 1 ;;
    pause) out="$(timeout 5 "$exe" -v 2>&1)" || return 1 ;;
  esac
  head -n1 <<<"$out" | tr -s ' '
}
check_packages() {
  local c p
  for c in "${HOST_COMMANDS[@]}"; do command -v "$c" >/dev/null || return 1; done
  for p in "${CNI_PLUGINS[@]}"; do [[ -x "$CNI_DIR/$p" ]] || return 1; done
  echo "$(containerd --version | awk '{print "containerd " $3}'); $(runc --version | head -n1); $(iptables -V)"
}

if [[ "$MODE" == check ]]; then
  if ev="$(check_packages)"; then echo "ok       debian packages: $ev"; else echo "MISSING  debian packages ($DEBIAN_PACKAGES)"; fi
  report_groups "${GROUPS_TO_BUILD[@]}"
fi

# ---------------------------------------------------------------- recipes (run in a child, log to file)
build_kube() {
  local out="$1" d; d="$(new_wrapper kube-node)"; cd "$d"
  local pkgs=() b; for b in "${KUBE_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  build_kubernetes_commands "$out" "$(need KUBERNETES_VERSION)" "$(need KUBERNETES_STAGING_VERSION)" "${pkgs[@]}"
}
build_coredns() {
  local out="$1" d; d="$(new_wrapper coredns)"; cd "$d"
  local m=github.com/coredns/coredns
  go get "$m@$(need COREDNS_VERSION)"
  go build -ldflags "-s -w" -o "$out/coredns" "$m"
}
build_crictl() {
  local out="$1" d; d="$(new_wrapper crictl)"; cd "$d"
  local m=sigs.k8s.io/cri-tools
  go get "$m/cmd/crictl@$(need CRICTL_VERSION)"
  go build -ldflags "-s -w -X $m/pkg/version.Version=$(need CRICTL_VERSION)" -o "$out/crictl" "$m/cmd/crictl"
}
build_pause() {
  local out="$1"
  command -v gcc >/dev/null || { echo "gcc is not installed (Debian: gcc, libc6-dev)"; return 1; }
  gcc -static -s -O2 -Wall -Wextra -Werror -o "$out/pause" "$HERE/pause.c"
}

if [[ "$MODE" == internal ]]; then
  set -x
  [[ "$INTERNAL_GROUP" == pause ]] || setup_go
  "build_$INTERNAL_GROUP" "$INTERNAL_OUT"
  exit 0
fi

bash "$HERE/install-packages.sh" "$DEBIAN_PACKAGES"
ev="$(check_packages)" || die "the Debian packages are installed but a command is missing: ${HOST_COMMANDS[*]}, $CNI_DIR/{${CNI_PLUGINS[*]}}"
log "debian packages: $ev"
mkdir -p "$BIN" "$WORK" "$LOGS"
cat "${ALL_VERSIONS_FILES[@]}" >"$DIR/versions.env"
log "versions: ${ALL_VERSIONS_FILES[*]} + pause.c (hash $HASH)"
log "bin dir:  $BIN"
total_start="$(now)"
build_each 8 check_group bins_of "" "${GROUPS_TO_BUILD[@]}"
finish_group_build "node binaries"
