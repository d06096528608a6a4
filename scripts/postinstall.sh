#!/usr/bin/env bash
# Runs after `npm ci`: installs the backend's own dependencies, links examples/ to this package,
# and makes sure the `local` stack exists in the checkout's file backend so
# `pulumi up --stack local` works right away.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix services/backend --no-audit --no-fund
# examples/ imports this package by name; its node_modules is one link to the checkout. No
# scripts: the link's target is this package, whose postinstall is this script.
npm ci --prefix examples --no-audit --no-fund --ignore-scripts

mkdir -p .pulumi
if ! command -v pulumi >/dev/null 2>&1; then
  echo "note: the Pulumi CLI is not on PATH; install it to deploy (README, Quick start)."
  exit 0
fi
if [ ! -f .pulumi/.pulumi/stacks/relayminer-localnet/local.json ]; then
  # The local stack's secrets use an empty passphrase (Pulumi.local.yaml carries its salt).
  if PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}" PULUMI_SKIP_UPDATE_CHECK=true \
    pulumi stack init local --non-interactive >/dev/null 2>&1; then
    echo "created the Pulumi stack 'local' (state in .pulumi/)"
  else
    echo "note: could not create the stack 'local'; run: PULUMI_CONFIG_PASSPHRASE= pulumi stack init local"
  fi
fi
