#!/bin/sh
# Entrypoint of the local Redis test image, with the public Redis image's behaviour: options or
# a .conf file as first argument mean redis-server; redis-server started as root gives /data to
# the redis user and steps down to it; any other command runs as given.
set -e

case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = "redis-server" ] && [ "$(id -u)" = "0" ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

# Keep what Redis writes private unless the caller chose a umask.
if [ "$(umask)" = "0022" ]; then
  umask 0077
fi

exec "$@"
