#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster for the test suite and print its URL.
# Usage: scripts/pg.sh start|stop   (exit 3 when no PostgreSQL server is installed)
set -euo pipefail
cmd=${1:-start}
dir=${CASEFLOW_PG_DIR:-/tmp/caseflow-pg}
port=${CASEFLOW_PG_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  echo "no PostgreSQL server installed (apt-get install postgresql)" >&2
  exit 3
fi
# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
  start)
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      rm -rf "$dir" && mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres "$dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      # Durability is pointless for a throwaway test cluster; speed is not.
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start -o \
        "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300" >/dev/null
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
