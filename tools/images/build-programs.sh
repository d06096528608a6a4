#!/usr/bin/env bash
# Build the Go programs of the localnet's test images that no other tools/ build makes:
#   redis_exporter (github.com/oliver006/redis_exporter, version in tools/images/versions.env).
# tools/images/build.ts calls this, then assembles the images.
#
# Binaries go to
#   ${RELAYMINER_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/images}/programs/<hash>/bin
# where <hash> is derived from tools/images/versions.env, so a second run builds nothing.
#
# Usage: bash tools/images/build-programs.sh [--force] [--check] [--print-bin-dir]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
SCRIPT_NAME=tools/images/build-programs.sh LOG_TAG=images BUILD_SCRIPT="$HERE/build-programs.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

ROOT="${RELAYMINER_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/images}/programs"
DIR="$ROOT/$VERSIONS_HASH"; BIN="$DIR/bin"; WORK="$DIR/work"; LOGS="$DIR/logs"

FORCE=0; MODE=build; INTERNAL_NAME=""; INTERNAL_OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --internal-build) [[ $# -ge 3 ]] || die "--internal-build NAME OUTDIR"; MODE=internal
      INTERNAL_NAME="$2"; INTERNAL_OUT="$3"; shift 3 ;;
    --force) FORCE=1; shift ;;
    --check) MODE=check; shift ;;
    --print-bin-dir) echo "$BIN"; exit 0 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

check_program() {
  local exe="$BIN/$1" out
  [[ -x "$exe" ]] || return 1
  out="$(timeout 20 "$exe" -version 2>&1)" || return 1
  [[ "$out" == *"$(need REDIS_EXPORTER_VERSION)"* ]] || return 1
  head -n1 <<<"$out"
}
program_bins() { echo "$1"; }

if [[ "$MODE" == check ]]; then
  if ev="$(check_program redis_exporter)"; then echo "ok       redis_exporter: $ev"; else echo "MISSING  redis_exporter"; exit 1; fi
  exit 0
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

if [[ "$MODE" == internal ]]; then
  set -x
  setup_go
  "build_$INTERNAL_NAME" "$INTERNAL_OUT"
  exit 0
fi

mkdir -p "$BIN" "$WORK" "$LOGS"
cp "$VERSIONS_FILE" "$DIR/versions.env"
build_each 14 check_program program_bins "" redis_exporter
printf '%s\n' "${summary[@]}" >&2
[[ ${#failed[@]} -eq 0 ]] || { echo "FAILED: ${failed[*]}" >&2; exit 1; }
echo "$BIN"
