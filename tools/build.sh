#!/usr/bin/env bash
# Build the pinned real binaries used by the real-binary tests from the Go module proxy:
#   pocketd, pocket-relay-miner, pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes.
#
# Versions live only in tools/versions.env. Binaries go to
#   ${RELAYMINER_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/tools}/<hash>/bin
# where <hash> is derived from versions.env, so a second run builds nothing.
#
# Nothing built or downloaded here is part of this repository: wrapper modules and any
# provider source are created under the cache directory, never under the work tree.
#
# Usage: bash tools/build.sh [options]   (npm run tools:build -- [options])
#   --only a,b       build/check only these tools (default: all)
#   --force          rebuild even if the binary is present and works
#   --strict         exit 1 if ANY tool fails (default: tools in $RELAYMINER_TOOLS_OPTIONAL may fail
#                    with a warning; default list = those the module proxy does not serve, see README)
#   --check          build nothing; report which tools are present and working (exit 1 if any missing)
#   --print-env      build nothing; print shell lines (PATH, offline Pulumi vars) to eval
#   --print-bin-dir  build nothing; print the bin directory
#   -h, --help
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
ALL_TOOLS=(pocketd pocket-relay-miner pulumi pulumi-language-nodejs pulumi-resource-kubernetes)

SCRIPT_NAME=tools/build.sh LOG_TAG=tools BUILD_SCRIPT="$HERE/build.sh"
# shellcheck source=tools/lib.sh
source "$HERE/lib.sh"

HASH="$VERSIONS_HASH"
TOOLS_ROOT="${RELAYMINER_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/tools}"
DIR="$TOOLS_ROOT/$HASH"
BIN="$DIR/bin"
WORK="$DIR/work"
LOGS="$DIR/logs"

# ---------------------------------------------------------------- options
# Tools whose pinned modules the module proxy refuses today (403): still tried on every run (a few
# seconds), reported as FAILED, but they do not fail the build unless --strict is given.
OPTIONAL="${RELAYMINER_TOOLS_OPTIONAL-pocket-relay-miner,pulumi-language-nodejs}"
STRICT=0
ONLY=""; FORCE=0; MODE=build; INTERNAL_TOOL=""; INTERNAL_OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    # internal: run one recipe in a child process so `set -e` really stops it on the first error
    --internal-build) [[ $# -ge 3 ]] || die "--internal-build TOOL OUTDIR"; MODE=internal
      INTERNAL_TOOL="$2"; INTERNAL_OUT="$3"; shift 3 ;;
    --only) [[ $# -ge 2 ]] || die "--only needs a value"; ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#--only=}"; shift ;;
    --force) FORCE=1; shift ;;
    --strict) STRICT=1; shift ;;
    --check) MODE=check; shift ;;
    --print-env) MODE="env"; shift ;;
    --print-bin-dir) MODE=bindir; shift ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

TOOLS=()
select_only TOOLS "$ONLY" tool "${ALL_TOOLS[@]}"

# Offline Pulumi environment for tests and for the version checks below.
# PULUMI_HOME is per cache dir so tests never touch ~/.pulumi; tests may override it per run.
print_env() {
  cat <<EOF
export RELAYMINER_TOOLS_BIN='$BIN'
export PATH='$BIN':"\$PATH"
export PULUMI_HOME="\${PULUMI_HOME:-$DIR/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_NODEJS_TRANSPILE_ONLY=true
EOF
}

case "$MODE" in
  env) print_env; exit 0 ;;
  bindir) echo "$BIN"; exit 0 ;;
esac

# ---------------------------------------------------------------- checks of built binaries
# Each check runs the binary briefly with the offline env and prints one line of evidence.
run_offline() {
  env PULUMI_HOME="$DIR/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true \
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true HOME="$DIR/pulumi-home" \
    timeout 20 "$@"
}
check_tool() {
  local t="$1" exe="$BIN/$1" out
  [[ -x "$exe" ]] || return 1
  case "$t" in
    pocketd)
      out="$(run_offline "$exe" version 2>&1)" || return 1
      [[ "$out" == *"$(need POCKETD_VERSION_STRING)"* ]] || return 1 ;;
    pocket-relay-miner)
      out="$(run_offline "$exe" version 2>&1)" || return 1 ;;
    pulumi)
      out="$(run_offline "$exe" version 2>&1)" || return 1
      [[ "$out" == "$(need PULUMI_VERSION)" ]] || return 1 ;;
    pulumi-language-nodejs)
      # A language host needs an engine address; the stamp records the version it was built at.
      out="$(cat "$DIR/stamps/$t" 2>/dev/null)" || return 1 ;;
    pulumi-resource-kubernetes)
      local port; port="$(provider_port "$exe")" || return 1
      out="$(cat "$DIR/stamps/$t" 2>/dev/null || echo "$t") (starts: port $port)" ;;
  esac
  head -n1 <<<"$out"
}

if [[ "$MODE" == check ]]; then
  missing=0
  for t in "${TOOLS[@]}"; do
    if ev="$(check_tool "$t")"; then echo "ok       $t: $ev"; else echo "MISSING  $t"; missing=1; fi
  done
  echo "bin dir: $BIN"
  exit "$missing"
fi

# ---------------------------------------------------------------- Go environment
setup_go

mkdir -p "$BIN" "$WORK" "$LOGS" "$DIR/stamps" "$DIR/pulumi-home"
cp "$VERSIONS_FILE" "$DIR/versions.env"

poktroll_replaces() {
  local i=1
  while [[ -n "${V[POKTROLL_REPLACE_$i]:-}" ]]; do
    go mod edit -replace="${V[POKTROLL_REPLACE_$i]}"
    i=$((i + 1))
  done
}
# shannon-sdk substitute (see versions.env): a verified module download, copied into the cache dir
# and patched for cosmos-sdk v0.53.7, then used through a directory replace.
use_patched_shannon_sdk() {
  local m=github.com/pokt-network/shannon-sdk ver src d="$WORK/shannon-sdk"
  ver="$(need SHANNON_SDK_VERSION)"
  src="$(cd "$WORK" && go mod download -json "$m@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$src" && -d "$src" ]] || { echo "go mod download $m@$ver gave no Dir"; return 1; }
  rm -rf "$d"; mkdir -p "$d"; cp -R "$src/." "$d/"; chmod -R u+w "$d"
  local n; n="$(grep -rl --include='*.go' 'query\.PaginationMaxLimit' "$d" | wc -l)"
  [[ "$n" -ge 1 ]] || { echo "shannon-sdk patch target query.PaginationMaxLimit not found"; return 1; }
  grep -rl --include='*.go' 'query\.PaginationMaxLimit' "$d" | xargs sed -i 's/query\.PaginationMaxLimit/^uint64(0)/g'
  go mod edit -replace="$m=$d"
}

# ---------------------------------------------------------------- per-tool recipes
# Each runs in a subshell with stdout/stderr going to $LOGS/<tool>.log and writes $2 (a temp file).
build_pocketd() {
  local out="$1" d; d="$(new_wrapper pocketd)"; cd "$d"
  poktroll_replaces
  use_patched_shannon_sdk
  go get -tool "$(need POKTROLL_MODULE)/cmd/pocketd@$(need POKTROLL_VERSION)"
  local sdkv="github.com/cosmos/cosmos-sdk/version"
  go build -ldflags "-s -w -X $sdkv.Name=pocket -X $sdkv.AppName=pocketd -X $sdkv.Version=$(need POCKETD_VERSION_STRING)" \
    -o "$out" "$(need POKTROLL_MODULE)/cmd/pocketd"
}

build_pocket_relay_miner() {
  local out="$1" d; d="$(new_wrapper pocket-relay-miner)"; cd "$d"
  poktroll_replaces
  use_patched_shannon_sdk
  go get -tool "$(need RELAY_MINER_MODULE)@$(need RELAY_MINER_VERSION)" \
    "$(need POKTROLL_MODULE)@$(need POKTROLL_VERSION)"
  go build -ldflags "-s -w -X main.Version=$(need RELAY_MINER_VERSION)" -o "$out" "$(need RELAY_MINER_MODULE)"
}

PULUMI_VERSION_LDFLAG() { echo "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(need PULUMI_VERSION)"; }

build_pulumi() {
  local out="$1" d; d="$(new_wrapper pulumi)"; cd "$d"
  go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$(need PULUMI_VERSION)" \
    "github.com/pulumi/pulumi/sdk/v3@$(need PULUMI_VERSION)"
  go list -m github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3
  # Same tags as the upstream release build; the ldflag makes `pulumi version` print the pin.
  go build -tags osusergo,grpcnotrace -ldflags "-s -w $(PULUMI_VERSION_LDFLAG)" -o "$out" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}
build_pulumi_language_nodejs() {
  local out="$1" d; d="$(new_wrapper pulumi-language-nodejs)"; cd "$d"
  local m=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  go get -tool "$m@$(need PULUMI_LANGUAGE_NODEJS_VERSION)" \
    "github.com/pulumi/pulumi/pkg/v3@$(need PULUMI_VERSION)" "github.com/pulumi/pulumi/sdk/v3@$(need PULUMI_VERSION)"
  go list -m github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3
  go build -tags osusergo,grpcnotrace -ldflags "-s -w $(PULUMI_VERSION_LDFLAG)" -o "$out" "$m"
}

build_pulumi_resource_kubernetes() {
  local out="$1" mod="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local ver; ver="$(need PULUMI_KUBERNETES_PROVIDER_VERSION)"
  local kv; kv="$(need PULUMI_KUBERNETES_VERSION)"
  # The module zip lacks the generated *-embed.json files and has a relative replace for sdk/v4,
  # so `go install` cannot build it: copy the module to a writable dir and finish it there.
  local srcdir
  srcdir="$(cd "$WORK" && go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$srcdir" && -d "$srcdir" ]] || { echo "go mod download $mod@$ver gave no Dir"; return 1; }
  local d="$WORK/pulumi-resource-kubernetes"
  rm -rf "$d"; mkdir -p "$d"; cp -R "$srcdir/." "$d/"; chmod -R u+w "$d"; cd "$d"
  go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$(need PULUMI_KUBERNETES_SDK_VERSION)"
  (cd cmd/pulumi-resource-kubernetes && VERSION="$kv" go run generate.go)
  ls -l cmd/pulumi-resource-kubernetes/*-embed.json
  go build -ldflags "-s -w -X $mod/pkg/version.Version=$kv" -o "$out" "./cmd/pulumi-resource-kubernetes"
}

stamp_text() {
  case "$1" in
    pocketd) echo "pocketd $(need POKTROLL_MODULE)@$(need POKTROLL_VERSION)" ;;
    pocket-relay-miner) echo "pocket-relay-miner $(need RELAY_MINER_MODULE)@$(need RELAY_MINER_VERSION)" ;;
    pulumi) echo "pulumi $(need PULUMI_VERSION)" ;;
    pulumi-language-nodejs) echo "pulumi-language-nodejs $(need PULUMI_LANGUAGE_NODEJS_VERSION) (pulumi $(need PULUMI_VERSION))" ;;
    pulumi-resource-kubernetes) echo "pulumi-resource-kubernetes $(need PULUMI_KUBERNETES_VERSION) ($(need PULUMI_KUBERNETES_PROVIDER_VERSION))" ;;
  esac
}

if [[ "$MODE" == internal ]]; then
  set -x
  "build_${INTERNAL_TOOL//-/_}" "$INTERNAL_OUT/$INTERNAL_TOOL"
  exit 0
fi

# ---------------------------------------------------------------- main loop
log "versions: $VERSIONS_FILE (hash $HASH)"
log "bin dir:  $BIN"
log "go $GOVER, GOMODCACHE=$GOMODCACHE, GOCACHE=$GOCACHE, CGO_ENABLED=0"
total_start="$(now)"
tool_bins() { echo "$1"; }
stamp_tool() { stamp_text "$1" >"$DIR/stamps/$1"; }
build_each 28 check_tool tool_bins stamp_tool "${TOOLS[@]}"
total="$(secs "$total_start" "$(now)")"

echo "---- tools ($HASH) ----"
printf '%s\n' "${summary[@]}"
echo "built $built tool(s); wall time ${total}s; bin dir: $BIN"
echo "use: eval \"\$(bash tools/build.sh --print-env)\""
hard=()
for t in "${failed[@]}"; do
  if [[ "$STRICT" == 0 && ",$OPTIONAL," == *",$t,"* ]]; then
    echo "WARNING: optional tool $t failed (not served by the module proxy; see tools/README.md)" >&2
  else
    hard+=("$t")
  fi
done
if [[ ${#hard[@]} -gt 0 ]]; then
  echo "FAILED: ${hard[*]}" >&2
  exit 1
fi
