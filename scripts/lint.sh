#!/usr/bin/env bash
# npm run lint: shellcheck over every shell script (pods' scripts included), ESLint with type
# information, and knip's dead-code check (unused files, exports, dependencies). Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
  # Debian's package; CI runs as root on Debian, so install it there. Elsewhere, say how.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck
  else
    echo "shellcheck is not installed: apt-get install shellcheck (or your system's package)" >&2
    exit 1
  fi
fi

echo "== shellcheck"
mapfile -t shell_files < <(find . -name '*.sh' -not -path '*/node_modules/*' -not -path './.cache/*' | sort)
shellcheck .ci/run "${shell_files[@]}"

echo "== eslint"
npx eslint --max-warnings 0 .

echo "== knip"
npx knip
