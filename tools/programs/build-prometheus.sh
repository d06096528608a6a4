#!/usr/bin/env bash
# Builds prometheus and promtool from the Go module proxy (called by tools/programs/prometheus.ts,
# which caches the result). The module is copied into WORK so that its service-discovery plugin
# list (plugins/plugins.go, a list of blank imports) can name only the plugins we use: the cloud
# SDKs the full list pulls in are most of a cold build.
#
# Usage: bash tools/programs/build-prometheus.sh VERSION MODULE_VERSION PLUGINS OUT WORK
#   VERSION 3.5.0, MODULE_VERSION v0.305.0, PLUGINS dns (comma-separated discovery/<name>),
#   OUT the directory for both binaries, WORK a scratch directory (removed by the caller).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS_FILE="$HERE/versions.env"
SCRIPT_NAME=tools/programs/build-prometheus.sh LOG_TAG=programs BUILD_SCRIPT="$HERE/build-prometheus.sh"
# shellcheck source=tools/lib.sh
source "$HERE/../lib.sh"

[[ $# -eq 5 ]] || die "usage: VERSION MODULE_VERSION PLUGINS OUT WORK"
version="$1"; modver="$2"; plugins="$3"; out="$4"; WORK="$5"
module=github.com/prometheus/prometheus

set -x
setup_go
mkdir -p "$WORK" "$out"
wrapper="$(new_wrapper prometheus)"
cd "$wrapper"

dir="$(go mod download -json "$module@$modver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir" ]] || die "go mod download $module@$modver gave no directory"
cp -r "$dir" src
chmod -R u+w src
{
  echo "// Service-discovery plugins of this build (file and http come from minimum.go)."
  echo "package plugins"
  echo
  echo "import ("
  for p in ${plugins//,/ }; do
    [[ -d "src/discovery/$p" ]] || die "$module@$modver has no discovery/$p"
    echo "	_ \"$module/discovery/$p\""
  done
  echo ")"
} >src/plugins/plugins.go

go mod edit -require="$module@$modver" -replace="$module=./src"
# replace directives apply only in the main module: repeat the module's own (one-line form).
sed -n 's#^replace[[:space:]]\+\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\)[[:space:]]\+=>[[:space:]]\+\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\)$#\1@\2=\3@\4#p' \
  src/go.mod | while read -r r; do go mod edit -replace="$r"; done

v=github.com/prometheus/common/version
go build -tags netgo \
  -ldflags "-s -w -X $v.Version=$version -X $v.Revision=$modver -X $v.Branch=HEAD -X $v.BuildUser=relayminer-localnet -X $v.BuildDate=19700101-00:00:00" \
  -o "$out/" "$module/cmd/prometheus" "$module/cmd/promtool"
