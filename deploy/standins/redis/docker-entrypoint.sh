#!/bin/sh
# Stand-in for the official redis image's entry point: options alone mean redis-server; the server runs as user
# redis on 0.0.0.0:6379 with protected mode off (the official image builds it that way) unless a config file
# or later options say otherwise.
set -e
case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac
if [ "$1" = redis-server ]; then
  shift
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    conf=$1; shift
    set -- redis-server "$conf" --protected-mode no "$@"
  else
    set -- redis-server --bind 0.0.0.0 --protected-mode no "$@"
  fi
  if [ "$(id -u)" = 0 ]; then
    chown redis:redis /data 2>/dev/null || true
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
