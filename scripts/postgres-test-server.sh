#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (store and service tests read TEST_DATABASE_URL).
#
#   eval "$(bash scripts/postgres-test-server.sh start)"   # exports TEST_DATABASE_URL
#   npm test
#   bash scripts/postgres-test-server.sh stop
#
# start: installs Debian's postgresql if its binaries are missing (apt-get; needs root, as in CI),
# creates a cluster under a temporary directory owned by the `postgres` user, starts it on a free
# loopback port (trust authentication, loopback only, no fsync: it holds nothing worth keeping),
# and prints `export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres`.
# stop: stops that server and removes its directory. The state file (PG_TEST_STATE, default
# /tmp/permit-registry-postgres-test-<checkout>.env, one per checkout) remembers which server
# `start` made, so two checkouts on one machine (a CI clone next to a working tree) each stop
# only their own.
set -euo pipefail

CHECKOUT_ID="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P | sha256sum | cut -c1-12)"
STATE_FILE="${PG_TEST_STATE:-/tmp/permit-registry-postgres-test-${CHECKOUT_ID}.env}"

die() { echo "postgres-test-server: $*" >&2; exit 1; }
say() { echo "postgres-test-server: $*" >&2; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

install_postgresql() {
  [ "$(id -u)" = "0" ] || die "PostgreSQL is not installed and this is not root: apt-get install -y postgresql, then run again."
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get: install PostgreSQL server binaries (initdb, pg_ctl)."
  say "installing Debian's postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Runs a command as the postgres user (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

start() {
  if [ -f "$STATE_FILE" ]; then
    # shellcheck disable=SC1090
    . "$STATE_FILE"
    if [ -n "${PG_TEST_DIR:-}" ] && as_postgres "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" status >/dev/null 2>&1; then
      say "already running on port $PG_TEST_PORT (stop it first to start afresh)"
      echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_TEST_PORT/postgres"
      return 0
    fi
    rm -f "$STATE_FILE"
  fi
  local bindir
  bindir="$(find_bindir)" || { install_postgresql; bindir="$(find_bindir)" || die "no initdb/pg_ctl under /usr/lib/postgresql/*/bin after installing"; }
  if [ "$(id -u)" = "0" ]; then id postgres >/dev/null 2>&1 || die "there is no postgres user (the Debian package creates it)"; fi

  local dir port
  dir="$(mktemp -d /tmp/permit-registry-pg.XXXXXX)"
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir"
  port="$(free_port)"
  as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
  as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 \
    || { cat "$dir/server.log" >&2; rm -rf "$dir"; die "the server did not start"; }
  cat >"$STATE_FILE" <<STATE
PG_TEST_DIR=$dir
PG_TEST_PORT=$port
PG_TEST_BINDIR=$bindir
STATE
  say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  [ -f "$STATE_FILE" ] || { say "nothing to stop ($STATE_FILE does not exist)"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE_FILE"
  case "${PG_TEST_DIR:-}" in /tmp/permit-registry-pg.*) ;; *) die "unexpected directory in $STATE_FILE: ${PG_TEST_DIR:-<empty>}";; esac
  if [ -d "$PG_TEST_DIR/data" ]; then
    as_postgres "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w -t 30 stop >&2 || say "pg_ctl stop failed (already stopped?)"
  fi
  rm -rf "$PG_TEST_DIR" "$STATE_FILE"
  say "stopped and removed $PG_TEST_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
