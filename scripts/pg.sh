#!/usr/bin/env bash
# Project-local Postgres + PostGIS cluster: install | start | stop | status | bootstrap.
# In external mode (PGHOST set by the user) start/stop do nothing and bootstrap runs
# against the given server.
set -euo pipefail
. "$(dirname "$0")/env.sh"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
LOCAL="$BOLIGMON_ROOT/.local"
PGDIR="$LOCAL/pg"

say() { printf '\033[1m[pg]\033[0m %s\n' "$*"; }

need_root_runner() { [ "$(id -u)" = 0 ]; }
as_pg() { if need_root_runner; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

install() {
  # Server and PostGIS from Debian packages, only when missing.
  local missing=()
  [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || missing+=(postgresql)
  if [ -n "$PGBIN" ]; then
    local ver; ver=$(basename "$(dirname "$PGBIN")")
    ls "/usr/share/postgresql/$ver/extension/postgis.control" >/dev/null 2>&1 \
      || missing+=("postgresql-$ver-postgis-3")
  else
    missing+=(postgresql-15-postgis-3)
  fi
  if [ ${#missing[@]} -eq 0 ]; then say "postgres + postgis present"; return; fi
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or set PGHOST to use your own server." >&2
    exit 1
  fi
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package may auto-create and start a system cluster; we do not use it.
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

datadir() {
  # The data dir lives under .local/pg. When running as root and the checkout is not
  # traversable by the postgres user (e.g. under /root), the cluster lives in
  # /var/lib/boligmon/<hash> and .local/pg is a symlink to it.
  mkdir -p "$LOCAL"
  if [ ! -e "$PGDIR" ]; then make_datadir; fi
  # the postgres user may not be able to follow .local/pg: always use the real path
  PGDIR=$(readlink -f "$PGDIR")
}

make_datadir() {
  if need_root_runner && ! runuser -u postgres -- test -x "$LOCAL"; then
    local h; h=$(printf '%s' "$BOLIGMON_ROOT" | cksum | cut -d' ' -f1)
    local real="/var/lib/boligmon/$h"
    mkdir -p "$real"; chown postgres "$real"; chmod 700 "$real"
    ln -s "$real" "$PGDIR"
  else
    mkdir -p "$PGDIR"
    need_root_runner && chown postgres "$PGDIR"
  fi
}

is_running() { [ -f "$PGDIR/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; }

start() {
  if [ "$BOLIGMON_PG_MODE" = external ]; then say "external server $PGHOST:$PGPORT (PGHOST set): not starting a local cluster"; return; fi
  [ -n "$PGBIN" ] || { echo "No PostgreSQL server binaries found; run 'make install' (or set PGHOST)." >&2; exit 1; }
  datadir
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    say "initdb $PGDIR/data"
    as_pg mkdir -p "$PGDIR/data" "$PGDIR/run"
    as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cp "$BOLIGMON_ROOT/config/postgresql.conf" "$PGDIR/conf.d.conf"
    need_root_runner && chown postgres "$PGDIR/conf.d.conf"
    echo "include '$PGDIR/conf.d.conf'" | as_pg tee -a "$PGDIR/data/postgresql.conf" >/dev/null
  fi
  # keep the tuned config in sync with the repository
  cp "$BOLIGMON_ROOT/config/postgresql.conf" "$PGDIR/conf.d.conf"
  need_root_runner && chown postgres "$PGDIR/conf.d.conf"
  if is_running; then say "local cluster already running on port $PGPORT"; return; fi
  as_pg mkdir -p "$PGDIR/run"
  say "starting local cluster on 127.0.0.1:$PGPORT"
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" \
    -o "-p $PGPORT -k $PGDIR/run -c listen_addresses=127.0.0.1" -w -t 60 start >/dev/null \
    || { echo "Postgres did not start; see $PGDIR/postgres.log" >&2; tail -20 "$PGDIR/postgres.log" >&2; exit 1; }
}

stop() {
  if [ "$BOLIGMON_PG_MODE" = external ]; then say "external server: nothing to stop"; return; fi
  if is_running; then as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi
}

status() {
  echo "mode=$BOLIGMON_PG_MODE host=$PGHOST port=$PGPORT db=$PGDATABASE user=$PGUSER"
  if [ "$BOLIGMON_PG_MODE" = local ]; then is_running && echo "local cluster: running ($PGDIR)" || echo "local cluster: stopped"; fi
}

bootstrap() {
  # Database, extension, schemas and roles; idempotent.
  local db="${1:-$PGDATABASE}"
  if ! psql -X -q -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    say "create database $db"
    psql -X -q -d postgres -c "create database \"$db\""
  fi
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$BOLIGMON_ROOT/scripts/bootstrap.sql" >/dev/null
}

destroy() {
  # make clean: stop the cluster and remove its data directory (wherever it really lives).
  [ "$BOLIGMON_PG_MODE" = external ] && return
  stop
  if [ -L "$LOCAL/pg" ]; then rm -rf "$(readlink -f "$LOCAL/pg")"; fi
  rm -rf "$LOCAL/pg"
}

[ -e "$PGDIR" ] && PGDIR=$(readlink -f "$PGDIR")

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  bootstrap) shift; bootstrap "$@" ;;
  destroy) destroy ;;
  *) echo "usage: $0 install|start|stop|status|bootstrap [db]|destroy" >&2; exit 2 ;;
esac
