#!/usr/bin/env bash
# Install and start a local PostgreSQL for the storage and batch tests, then print the URL to use.
# Idempotent; prints nothing to stdout but the URL; exits non-zero if PostgreSQL cannot be had.
set -euo pipefail
log=/tmp/agentsim-postgres.log
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "not root: cannot install PostgreSQL" >&2; exit 1; fi
  apt-get update -qq >>"$log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >>"$log" 2>&1
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=/tmp/agentsim-pgdata
port=${AGENTSIM_PG_PORT:-55432}
if [ ! -s "$data/PG_VERSION" ]; then
  rm -rf "$data"; mkdir -p "$data"; chown postgres "$data"
  su postgres -c "$bin/initdb -D $data -A trust -U postgres" >>"$log" 2>&1
fi
if ! su postgres -c "$bin/pg_ctl -D $data status" >/dev/null 2>&1; then
  su postgres -c "$bin/pg_ctl -D $data -l $data/server.log -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -w start" >>"$log" 2>&1
fi
psql="$bin/psql -h 127.0.0.1 -p $port -U postgres -tAc"
$psql "select 1 from pg_database where datname='agentsim_test'" | grep -q 1 || $psql "create database agentsim_test" >>"$log"
echo "postgresql+psycopg://postgres@127.0.0.1:$port/agentsim_test"
