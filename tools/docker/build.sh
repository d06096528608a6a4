#!/usr/bin/env bash
# What the image-build tests (npm run test:pods) need beside the real node: Debian's Docker engine
# (installed with apt-get when missing), a local image registry (distribution's cmd/registry, the
# program in registry:2), pulumi-resource-docker-build, the provider the npm package
# @pulumi/docker-build runs, and the docker-buildx CLI plugin it runs builds with (Debian's
# docker.io has none), all from the Go module proxy.
#
# Binaries go to
#   ${RELAYMINER_DOCKER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/docker}/<hash>/bin
# where <hash> is derived from tools/docker/versions.env, so a second run builds nothing. Wrapper
# modules are generated under that cache directory.
#
# Usage: bash tools/docker/build.sh [options]   (npm run tools:build-docker -- [options])
#   --only a,b       build only these: registry, docker-build, buildx
#   --force          rebuild even if present
#   --check          build nothing; report what is present (exit 1 if anything is missing)
#   --print-bin-dir  build nothing; print the bin directory
#   -h, --help
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
ALL_GROUPS=(registry docker-build buildx)
HOST_COMMANDS=(dockerd docker-init docker-proxy)

SCRIPT_NAME=tools/docker/build.sh LOG_TAG=docker BUILD_SCRIPT="$HERE/build.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

HASH="$VERSIONS_HASH"
ROOT="${RELAYMINER_DOCKER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayminer-localnet/docker}"
DIR="$ROOT/$HASH"; BIN="$DIR/bin"; WORK="$DIR/work"; LOGS="$DIR/logs"

parse_group_options 2,18 "$@"
GROUPS_TO_BUILD=()
select_only GROUPS_TO_BUILD "$ONLY" part "${ALL_GROUPS[@]}"
[[ "$MODE" == bindir ]] && { echo "$BIN"; exit 0; }

bins_of() {
  case "$1" in
    registry) echo registry ;;
    docker-build) echo pulumi-resource-docker-build ;;
    buildx) echo docker-buildx ;;
  esac
}

# One line of evidence per binary, or failure.
check_bin() {
  local b="$1" exe="$BIN/$1" out
  [[ -x "$exe" ]] || return 1
  case "$b" in
    registry) out="$(timeout 20 "$exe" --version 2>&1)" || return 1
      [[ "$out" == *"$(need DISTRIBUTION_VERSION)"* ]] || return 1 ;;
    docker-buildx) out="$(timeout 20 "$exe" version 2>&1)" || return 1
      [[ "$out" == *"$(need BUILDX_VERSION)"* ]] || return 1 ;;
    pulumi-resource-docker-build)
      local port; port="$(provider_port "$exe")" || return 1
      out="pulumi-resource-docker-build $(need DOCKER_BUILD_VERSION) (starts: port $port)" ;;
  esac
  head -n1 <<<"$out" | tr -s ' '
}
check_engine() {
  local c
  for c in "${HOST_COMMANDS[@]}"; do command -v "$c" >/dev/null || return 1; done
  dockerd --version
}

if [[ "$MODE" == check ]]; then
  if ev="$(check_engine)"; then echo "ok       engine: $ev"; else echo "MISSING  engine (Debian $(need DOCKER_DEBIAN_PACKAGE))"; fi
  report_groups "${GROUPS_TO_BUILD[@]}"
fi

# ---------------------------------------------------------------- recipes (run in a child, log to file)
build_registry() {
  local out="$1" d m; d="$(new_wrapper registry)"; cd "$d"
  m="$(need DISTRIBUTION_MODULE)"
  go get -tool "$m/cmd/registry@$(need DISTRIBUTION_VERSION)"
  go build -ldflags "-s -w -X $m/version.version=$(need DISTRIBUTION_VERSION)" -o "$out/registry" "$m/cmd/registry"
}
# SUBSTITUTION (see versions.env): the provider imports two codegen packages only for the types of
# its schema's `language.java` and `language.csharp` metadata, and the module proxy refuses both
# modules. These local modules declare those two types with the same JSON fields, so the schema
# the provider reports is unchanged; nothing else of either module is used.
write_codegen_substitutes() {
  local root="$1"
  mkdir -p "$root/java/pkg/codegen/java" "$root/dotnet/codegen"
  printf 'module %s\n\ngo 1.26\n' "$(need DOCKER_BUILD_JAVA_MODULE)" >"$root/java/go.mod"
  cat >"$root/java/pkg/codegen/java/package_info.go" <<'EOF'
// Package java: the Java language metadata type of a Pulumi package schema (substitute).
package java

// PackageInfo is a schema's `language.java` object.
type PackageInfo struct {
	BasePackage                     string            `json:"basePackage"`
	BuildFiles                      string            `json:"buildFiles,omitempty"`
	Dependencies                    map[string]string `json:"dependencies,omitempty"`
	GradleNexusPublishPluginVersion string            `json:"gradleNexusPublishPluginVersion,omitempty"`
	GradleTest                      string            `json:"gradleTest"`
}
EOF
  printf 'module %s\n\ngo 1.26\n' "$(need DOCKER_BUILD_DOTNET_MODULE)" >"$root/dotnet/go.mod"
  cat >"$root/dotnet/codegen/package_info.go" <<'EOF'
// Package codegen: the C# language metadata type of a Pulumi package schema (substitute).
package codegen

// CSharpPackageInfo is a schema's `language.csharp` object.
type CSharpPackageInfo struct {
	PackageReferences    map[string]string `json:"packageReferences,omitempty"`
	RespectSchemaVersion bool              `json:"respectSchemaVersion,omitempty"`
}
EOF
  go mod edit -replace="$(need DOCKER_BUILD_JAVA_MODULE)=$root/java" -replace="$(need DOCKER_BUILD_DOTNET_MODULE)=$root/dotnet"
}

build_docker_build() {
  local out="$1" d m v; d="$(new_wrapper docker-build)"; cd "$d"
  m="$(need DOCKER_BUILD_MODULE)"; v="$(need DOCKER_BUILD_VERSION)"
  write_codegen_substitutes "$WORK/docker-build-substitutes"
  # The wrapper requires only the provider's module, so every other dependency is at the version
  # its release pins (its go.mod has no replace directives).
  go get -tool "$m/provider/cmd/pulumi-resource-docker-build@$v"
  go build -ldflags "-s -w -X $m/provider.Version=${v#v}" -o "$out/pulumi-resource-docker-build" \
    "$m/provider/cmd/pulumi-resource-docker-build"
}

build_buildx() {
  local out="$1" d m v; d="$(new_wrapper buildx)"; cd "$d"
  m="$(need BUILDX_MODULE)"; v="$(need BUILDX_VERSION)"
  go get -tool "$m/cmd/buildx@$v"
  go build -ldflags "-s -w -X $m/version.Version=$v -X $m/version.Package=$m" -o "$out/docker-buildx" "$m/cmd/buildx"
}

if [[ "$MODE" == internal ]]; then
  set -x
  setup_go
  "build_${INTERNAL_GROUP//-/_}" "$INTERNAL_OUT"
  exit 0
fi

bash "$HERE/../node/install-packages.sh" "$(need DOCKER_DEBIAN_PACKAGE)"
ev="$(check_engine)" || die "$(need DOCKER_DEBIAN_PACKAGE) is installed but a command is missing: ${HOST_COMMANDS[*]}"
log "engine: $ev"
mkdir -p "$BIN" "$WORK" "$LOGS"
cp "$VERSIONS_FILE" "$DIR/versions.env"
log "versions: $VERSIONS_FILE (hash $HASH)"
log "bin dir:  $BIN"
total_start="$(now)"
build_each 14 check_group bins_of "" "${GROUPS_TO_BUILD[@]}"
finish_group_build "docker tools"
