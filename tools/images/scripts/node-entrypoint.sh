#!/bin/sh
# Entrypoint of the local backend test image, as in the public Node images: a first argument
# that is an option, or not a command on PATH, is an argument to node.
set -e

if [ "${1#-}" != "$1" ] || ! command -v -- "$1" >/dev/null 2>&1; then
  set -- node "$@"
fi

exec "$@"
