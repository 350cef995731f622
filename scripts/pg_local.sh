#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the `postgres` dbt target and the engine
# parity test: `scripts/pg_local.sh start` initialises (first time) and starts it,
# `scripts/pg_local.sh stop` stops it and removes its data directory.
# Needs Debian's postgresql-15 package (binaries in /usr/lib/postgresql/15/bin).
# The server runs as user postgres when started by root (initdb refuses root).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DATA=${PG_DATA:-/tmp/ecommerce-kpi-pg}
PGPORT=${PGPORT:-54329}
PGUSER=${PGUSER:-dbt}
PGPASSWORD=${PGPASSWORD:-dbt}
PGDATABASE=${PGDATABASE:-ecommerce_kpi}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "pg_local: $PG_BIN/initdb not found (apt-get install postgresql-15)" >&2
        exit 2
    fi
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        mkdir -p "$PG_DATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$PG_DATA"
        pwfile=$(mktemp) && echo "$PGPASSWORD" >"$pwfile" && chmod 644 "$pwfile"
        as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PGUSER" --pwfile="$pwfile" \
            --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwfile"
    fi
    if as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        echo "pg_local: already running on port $PGPORT"
    else
        # unix socket in the data directory: no dependency on /var/run/postgresql
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
            -o "-p $PGPORT -k $PG_DATA -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c jit=off -c work_mem=128MB -c max_parallel_workers_per_gather=0" start >/dev/null
        echo "pg_local: started on localhost:$PGPORT (data in $PG_DATA)"
    fi
    export PGPASSWORD
    if ! "$PG_BIN/psql" -h localhost -p "$PGPORT" -U "$PGUSER" -d postgres -tAc \
        "select 1 from pg_database where datname = '$PGDATABASE'" | grep -q 1; then
        "$PG_BIN/createdb" -h localhost -p "$PGPORT" -U "$PGUSER" "$PGDATABASE"
    fi
}

stop() {
    if [ -s "$PG_DATA/PG_VERSION" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DATA"
        echo "pg_local: stopped, $PG_DATA removed"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
