#!/usr/bin/env bash
# Build the Go programs of the localnet's test images that no other tools/ build makes (versions
# in tools/images/versions.env):
#   redis_exporter  github.com/oliver006/redis_exporter
#   loki            github.com/grafana/loki/v3 (cmd/loki, single binary)
#   otelcol-k8s     an OpenTelemetry Collector with the components of otelcol-manifest.yaml,
#                   generated and compiled by the collector's own builder (ocb)
# tools/images/build.ts calls this, then assembles the images.
#
# Binaries go to
#   ${RELAYMINER_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/images}/programs/<hash>/bin
# where <hash> is derived from tools/images/versions.env, so a second run builds nothing.
#
# Usage: bash tools/images/build-programs.sh [--only a,b] [--force] [--check] [--print-bin-dir]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
SCRIPT_NAME=tools/images/build-programs.sh LOG_TAG=images BUILD_SCRIPT="$HERE/build-programs.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

ROOT="${RELAYMINER_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/images}/programs"
DIR="$ROOT/$VERSIONS_HASH"; BIN="$DIR/bin"; WORK="$DIR/work"; LOGS="$DIR/logs"

PROGRAMS=(redis_exporter loki otelcol-k8s)
FORCE=0; MODE=build; INTERNAL_NAME=""; INTERNAL_OUT=""; ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) [[ $# -ge 2 ]] || die "--only needs a value"; ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#--only=}"; shift ;;
    --internal-build) [[ $# -ge 3 ]] || die "--internal-build NAME OUTDIR"; MODE=internal
      INTERNAL_NAME="$2"; INTERNAL_OUT="$3"; shift 3 ;;
    --force) FORCE=1; shift ;;
    --check) MODE=check; shift ;;
    --print-bin-dir) echo "$BIN"; exit 0 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

# The version each program must report, and how it is asked.
expected_version() {
  case "$1" in
    redis_exporter) need REDIS_EXPORTER_VERSION ;;
    loki) need LOKI_VERSION ;;
    otelcol-k8s) need OTELCOL_VERSION ;;
  esac
}
check_program() {
  local exe="$BIN/$1" out flag=-version
  [[ "$1" == otelcol-k8s ]] && flag=--version
  [[ -x "$exe" ]] || return 1
  out="$(timeout 20 "$exe" "$flag" 2>&1)" || return 1
  [[ "$out" == *"$(expected_version "$1" | sed 's/^v//')"* ]] || return 1
  head -n1 <<<"$out"
}
program_bins() { echo "$1"; }

select_only SELECTED "$ONLY" program "${PROGRAMS[@]}"
if [[ "$MODE" == check ]]; then
  missing=0
  for p in "${SELECTED[@]}"; do
    if ev="$(check_program "$p")"; then echo "ok       $p: $ev"; else echo "MISSING  $p"; missing=1; fi
  done
  exit "$missing"
fi

build_redis_exporter() {
  local out="$1" d m v; d="$(new_wrapper redis_exporter)"; cd "$d"
  m="$(need REDIS_EXPORTER_MODULE)"; v="$(need REDIS_EXPORTER_VERSION)"
  # No checksum-database record for this version: skip the lookup for this module only, and
  # compare what was downloaded with the pinned sums instead.
  export GONOSUMDB="$m"
  local info; info="$(go mod download -json "$m@$v")"
  grep -q "\"Sum\": \"$(need REDIS_EXPORTER_SUM)\"" <<<"$info" || { echo "module sum of $m@$v differs from versions.env:"; echo "$info"; return 1; }
  grep -q "\"GoModSum\": \"$(need REDIS_EXPORTER_GOMOD_SUM)\"" <<<"$info" || { echo "go.mod sum of $m@$v differs from versions.env:"; echo "$info"; return 1; }
  go get "$m@$v"
  go build -ldflags "-s -w -X main.BuildVersion=$v -X main.BuildCommitSha=$v -X main.BuildDate=1970-01-01" -o "$out/redis_exporter" "$m"
}

# Loki's go.mod replaces its push package with a directory that is its own module (so not in the
# module zip): the wrapper repeats every other replace and takes that package at the version
# Loki requires, as the proxy serves it. Version ldflags as Loki's Makefile sets them.
build_loki() {
  local out="$1" d m v gomod r; d="$(new_wrapper loki)"; cd "$d"
  m="$(need LOKI_MODULE)"; v="$(need LOKI_VERSION)"
  gomod="$(go mod download -json "$m@$v" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || { echo "go mod download $m@$v gave no GoMod"; return 1; }
  while read -r r; do go mod edit -replace="$r"; done < <(
    sed -n 's#^replace[[:space:]]\+\([^ ]\+\)[[:space:]]\+=>[[:space:]]\+\([^ .][^ ]*\)[[:space:]]\+\([^ ]\+\)$#\1=\2@\3#p' "$gomod")
  while read -r r; do go mod edit -exclude="$r"; done < <(sed -n 's#^exclude[[:space:]]\+\([^ ]\+\)[[:space:]]\+\([^ ]\+\)$#\1@\2#p' "$gomod")
  go get "$m@$v"
  local p="$m/pkg/util/build"
  go build -tags netgo -ldflags "-s -w -X $p.Version=${v#v} -X $p.Revision=$v -X $p.Branch=release -X $p.BuildUser=relayminer-localnet -X $p.BuildDate=1970-01-01T00:00:00Z" \
    -o "$out/loki" "$m/cmd/loki"
}

# The collector's builder reads our manifest (components and their versions), writes the main
# package and compiles it. The builder itself comes from the module proxy at the same version.
build_otelcol_k8s() {
  local out="$1" d v; d="$(new_wrapper otelcol)"; cd "$d"
  v="$(need OTELCOL_VERSION)"
  GOBIN="$d/bin" go install "$(need OTELCOL_BUILDER_MODULE)@v$v"
  sed -e "s#@OTELCOL_VERSION@#$v#g" -e "s#@OTELCOL_CONTRIB_VERSION@#$(need OTELCOL_CONTRIB_VERSION)#g" -e "s#@OUTPUT@#$d/dist#g" \
    "$HERE/otelcol-manifest.yaml" >manifest.yaml
  cat manifest.yaml
  "$d/bin/builder" --config manifest.yaml --ldflags "-s -w"
  cp "$d/dist/otelcol-k8s" "$out/otelcol-k8s"
}

if [[ "$MODE" == internal ]]; then
  set -x
  setup_go
  "build_${INTERNAL_NAME//-/_}" "$INTERNAL_OUT"
  exit 0
fi

mkdir -p "$BIN" "$WORK" "$LOGS"
cp "$VERSIONS_FILE" "$DIR/versions.env"
build_each 14 check_program program_bins "" "${SELECTED[@]}"
printf '%s\n' "${summary[@]}" >&2
[[ ${#failed[@]} -eq 0 ]] || { echo "FAILED: ${failed[*]}" >&2; exit 1; }
echo "$BIN"
