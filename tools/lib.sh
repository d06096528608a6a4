# Shared by tools/build.sh and tools/cluster/build.sh (sourced, not run). The caller sets
# SCRIPT_NAME (for errors), LOG_TAG (for progress lines) and VERSIONS_FILE before sourcing.
# shellcheck shell=bash

die() { echo "$SCRIPT_NAME: error: $*" >&2; exit 1; }
log() { echo "[$LOG_TAG] $*" >&2; }

# Versions are parsed, never sourced: KEY=value lines, no quotes or expansions.
[[ -f "$VERSIONS_FILE" ]] || die "missing $VERSIONS_FILE"
declare -A V=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  [[ "$line" =~ ^([A-Z0-9_]+)=([^[:space:]\"\'\$\`]*)$ ]] || die "bad line in versions.env: $line"
  V["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
done <"$VERSIONS_FILE"
need() { [[ -n "${V[$1]:-}" ]] || die "versions.env lacks $1"; echo "${V[$1]}"; }

# The cache directory is keyed by the versions file: edit a version, get a fresh directory.
# shellcheck disable=SC2034 # used by the sourcing script
VERSIONS_HASH="$(sha256sum "$VERSIONS_FILE" | cut -c1-16)"

# Fills the array named $1 with what --only asked for ($2, comma-separated; everything when empty),
# each checked against the known names that follow ($3 says what they are, for the error).
select_only() {
  local -n picked="$1"; local only="$2" what="$3"; shift 3
  if [[ -z "$only" ]]; then picked=("$@"); return; fi
  IFS=',' read -r -a picked <<<"$only"
  local x
  for x in "${picked[@]}"; do
    [[ " $* " == *" $x "* ]] || die "unknown $what '$x' (known: $*)"
  done
}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

# Checks the Go toolchain and exports the build environment (static binaries, reproducible paths,
# the user's module and build caches reused across runs).
setup_go() {
  command -v go >/dev/null || die "go is not on PATH (need Go >= $(need GO_MIN))"
  GOVER="$(go env GOVERSION)"; GOVER="${GOVER#go}"  # also printed by the callers
  if [[ "$(printf '%s\n%s\n' "$(need GO_MIN)" "$GOVER" | sort -V | head -n1)" != "$(need GO_MIN)" ]]; then
    die "Go $GOVER is older than $(need GO_MIN); set GOTOOLCHAIN=go$(need GO_MIN) or newer"
  fi
  export CGO_ENABLED=0
  export GOFLAGS="-trimpath -mod=mod -buildvcs=false"
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
  GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}"; export GOMODCACHE
  GOCACHE="${GOCACHE:-$(go env GOCACHE)}"; export GOCACHE
}

# new_wrapper NAME: a fresh wrapper module under $WORK (the caller's), prints its path.
new_wrapper() {
  local d="$WORK/$1"
  rm -rf "$d"; mkdir -p "$d"
  (cd "$d" && go mod init "local.invalid/relayminer-localnet-$LOG_TAG/$1" >/dev/null 2>&1 \
    && go mod edit -go="$(need GO_MIN)")
  echo "$d"
}
