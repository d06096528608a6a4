#!/usr/bin/env bash
# Installs the Debian packages named as arguments (comma- or space-separated) with apt-get, when
# any of them is not installed yet. The pods tier needs root on Debian (as CI is); elsewhere this
# says what to install and fails.
# Usage: bash tools/node/install-packages.sh containerd,runc ...
set -euo pipefail

die() { echo "tools/node/install-packages.sh: error: $*" >&2; exit 1; }

wanted=()
for arg in "$@"; do
  IFS=', ' read -r -a some <<<"$arg"
  wanted+=("${some[@]}")
done
[[ ${#wanted[@]} -gt 0 ]] || die "no package names given"

installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

missing=()
for p in "${wanted[@]}"; do
  [[ "$p" =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || die "not a Debian package name: '$p'"
  command -v dpkg-query >/dev/null && installed "$p" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "debian packages present: ${wanted[*]}" >&2
  exit 0
fi

command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: install them by hand (Debian/Ubuntu names)"
[[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}): run as root, or: sudo apt-get install ${missing[*]}"

echo "installing debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent or stale on a fresh machine: update once, then install.
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
for p in "${missing[@]}"; do installed "$p" || die "apt-get did not install $p"; done
echo "installed: $(dpkg-query -W -f='${Package} ${Version}, ' "${missing[@]}")" >&2
