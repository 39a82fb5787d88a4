#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a temporary directory,
# on a free loopback port. Installs PostgreSQL from Debian's packages if missing.
#   scripts/pg.sh start DIR   -> prints the admin URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}

find_bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$b" ] && [ -x "$b/initdb" ] && echo "$b"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  bin=$(find_bin || true)
  if [ -z "$bin" ]; then
    echo "PostgreSQL not found: installing it from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chmod 755 "$(dirname "$dir")"; chown postgres "$dir"; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" start >&2
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  bin=$(find_bin || true)
  if [ -n "$bin" ] && [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
