# Shared by the tools/**/build.sh scripts (sourced, not run). The caller sets SCRIPT_NAME (for
# errors), LOG_TAG (for progress lines), VERSIONS_FILE and BUILD_SCRIPT (itself, re-run for each
# --internal-build) before sourcing; optionally VERSIONS_INCLUDE, versions files read before
# VERSIONS_FILE (whose pins the build must share, e.g. the control plane's Kubernetes version).
# shellcheck shell=bash
# Many variables here are set for the sourcing script to read:
# shellcheck disable=SC2034

die() { echo "$SCRIPT_NAME: error: $*" >&2; exit 1; }
log() { echo "[$LOG_TAG] $*" >&2; }

# Versions are parsed, never sourced: KEY=value lines, no quotes or expansions.
declare -A V=()
# shellcheck disable=SC2206 # a space-separated list of paths without spaces
ALL_VERSIONS_FILES=(${VERSIONS_INCLUDE:-} "$VERSIONS_FILE")
for vf in "${ALL_VERSIONS_FILES[@]}"; do
  [[ -f "$vf" ]] || die "missing $vf"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^([A-Z0-9_]+)=([^[:space:]\"\'\$\`]*)$ ]] || die "bad line in $vf: $line"
    V["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
  done <"$vf"
done
need() { [[ -n "${V[$1]:-}" ]] || die "versions.env lacks $1"; echo "${V[$1]}"; }

# The cache directory is keyed by the versions files: edit a version, get a fresh directory. With
# one file the key is sha256 of that file (as tools/paths.ts computes it); with several, of their
# concatenation in the order above.
# shellcheck disable=SC2034 # used by the sourcing script
VERSIONS_HASH="$(cat "${ALL_VERSIONS_FILES[@]}" | sha256sum | cut -c1-16)"

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

# A Pulumi provider started with no engine prints the port it serves gRPC on: prints that port
# (then stops the provider), or fails.
provider_port() {
  local exe="$1" port f pid
  f="$(mktemp)"
  "$exe" >"$f" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 100); do [[ -s "$f" ]] && break; sleep 0.1; done
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  port="$(head -n1 "$f" | tr -d '[:space:]')"; rm -f "$f"
  [[ "$port" =~ ^[0-9]+$ ]] || return 1
  echo "$port"
}
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

# The build loop both scripts share. For each name: keep the cached build when `$check NAME`
# passes (unless --force); otherwise run `$BUILD_SCRIPT --internal-build NAME TMPDIR`, move the
# files `$bins NAME` lists from TMPDIR into $BIN, run `$after NAME` (if one is given) and check
# again. Fills summary[] (one line per name, padded to $width), failed[] and built.
# Usage: build_each WIDTH CHECK_FN BINS_FN AFTER_FN|"" NAME...   (the caller sets BIN, LOGS, FORCE)
build_each() {
  local width="$1" check="$2" bins="$3" after="$4"; shift 4
  local name ev logf tmp s dt b ok
  # shellcheck disable=SC2034 # read by the calling script
  built=0; failed=(); summary=()
  for name in "$@"; do
    if [[ "$FORCE" == 0 ]] && ev="$("$check" "$name")"; then
      summary+=("$(printf "%-${width}s cached  %s" "$name" "$ev")"); continue
    fi
    logf="$LOGS/$name.log"; tmp="$BIN/.$name.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
    log "building $name (log: $logf) ..."
    s="$(now)"; ok=0
    if bash "$BUILD_SCRIPT" --internal-build "$name" "$tmp" >"$logf" 2>&1; then
      ok=1
      for b in $("$bins" "$name"); do [[ -f "$tmp/$b" ]] || ok=0; done
    fi
    if [[ "$ok" == 1 ]]; then
      for b in $("$bins" "$name"); do mv -f "$tmp/$b" "$BIN/$b"; done
      rm -rf "$tmp"
      [[ -z "$after" ]] || "$after" "$name"
      dt="$(secs "$s" "$(now)")"; built=$((built + 1))
      if ev="$("$check" "$name")"; then
        log "built $name in ${dt}s: $ev"; summary+=("$(printf "%-${width}s built   %7ss  %s" "$name" "$dt" "$ev")")
      else
        log "built $name in ${dt}s but its version check FAILED"; failed+=("$name")
        summary+=("$(printf "%-${width}s BROKEN  %7ss  (version check failed)" "$name" "$dt")")
      fi
    else
      rm -rf "$tmp"; dt="$(secs "$s" "$(now)")"; failed+=("$name")
      log "FAILED $name after ${dt}s; last lines of $logf:"; tail -n 25 "$logf" | sed 's/^/    /' >&2
      summary+=("$(printf "%-${width}s FAILED  %7ss  see %s" "$name" "$dt" "$logf")")
    fi
  done
}

# Builds commands of k8s.io/kubernetes (packages $4...) at version $2 into directory $1, inside the
# current (wrapper) module. k8s.io/kubernetes requires its staging modules at v0.0.0 with relative
# replaces, so the wrapper replaces each with its published release ($3); the list comes from that
# version's own go.mod. Version ldflags are set (clients such as pulumi-kubernetes refuse a server
# that reports v0.0.0). One `go build` of several commands shares the compile work.
build_kubernetes_commands() {
  local out="$1" kv="$2" sv="$3"; shift 3
  local gomod staging s
  gomod="$(go mod download -json "k8s.io/kubernetes@$kv" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || { echo "go mod download k8s.io/kubernetes@$kv gave no GoMod"; return 1; }
  staging="$(sed -n 's#^[[:space:]]*\(replace[[:space:]]\+\)\{0,1\}\(k8s\.io/[A-Za-z0-9._-]\+\)[[:space:]]\+=>[[:space:]]\+\./staging/.*#\2#p' "$gomod")"
  [[ -n "$staging" ]] || { echo "no staging replaces found in $gomod"; return 1; }
  echo "staging modules ($(wc -w <<<"$staging")): $staging"
  for s in $staging; do go mod edit -replace="$s=$s@$sv"; done
  go get "k8s.io/kubernetes@$kv"
  go get "${@/%/@$kv}"
  local minor="${kv#v1.}" ld="" p
  minor="${minor%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitVersion=$kv -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  go build -ldflags "-s -w$ld" -o "$out/" "$@"
}

# Options of the group builds (tools/cluster, tools/node): sets ONLY, FORCE, MODE (build, check,
# bindir, internal), INTERNAL_GROUP and INTERNAL_OUT. $1 = the line range of the caller's header
# comment that --help prints (e.g. 2,17).
parse_group_options() {
  local help="$1"; shift
  # shellcheck disable=SC2034 # read by the calling script
  ONLY=""; FORCE=0; MODE=build; INTERNAL_GROUP=""; INTERNAL_OUT=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --internal-build) [[ $# -ge 3 ]] || die "--internal-build GROUP OUTDIR"; MODE=internal
        INTERNAL_GROUP="$2"; INTERNAL_OUT="$3"; shift 3 ;;
      --only) [[ $# -ge 2 ]] || die "--only needs a value"; ONLY="$2"; shift 2 ;;
      --only=*) ONLY="${1#--only=}"; shift ;;
      --force) FORCE=1; shift ;;
      --check) MODE=check; shift ;;
      --print-bin-dir) MODE=bindir; shift ;;
      -h|--help) sed -n "${help}p" "$BUILD_SCRIPT" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
  done
}

# Evidence for every binary of group $1 (`check_bin` of each name `bins_of` gives), or failure.
check_group() {
  local g="$1" b ev all=""
  for b in $(bins_of "$g"); do ev="$(check_bin "$b")" || return 1; all+="$b: $ev; "; done
  echo "$all"
}

# --check: one line per binary of the groups given; exits 1 when any is missing.
report_groups() {
  local missing=0 g b ev
  for g in "$@"; do
    for b in $(bins_of "$g"); do
      if ev="$(check_bin "$b")"; then echo "ok       $b: $ev"; else echo "MISSING  $b"; missing=1; fi
    done
  done
  echo "bin dir: $BIN"
  exit "$missing"
}

# The closing summary of a group build; exits 1 when a group failed. $1 = what was built; the
# caller set total_start (now) before build_each.
# shellcheck disable=SC2154
finish_group_build() {
  echo "---- $1 ($HASH) ----"
  printf '%s\n' "${summary[@]}"
  echo "wall time $(secs "$total_start" "$(now)")s; bin dir: $BIN"
  [[ ${#failed[@]} -eq 0 ]] || { echo "FAILED: ${failed[*]}" >&2; exit 1; }
}
