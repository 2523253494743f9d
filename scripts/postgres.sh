#!/usr/bin/env bash
# Brings up the PostgreSQL 15 server the storage tests and a PostgreSQL-backed
# `rostra` use, on a Debian 12 machine, as root. Idempotent: when the server is
# installed, running and the role exists, it only checks and returns.
#
# Tests find the server through ROSTRA_TEST_PG, by default
#   Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres
# Each test creates its own database (rostra_test_<guid>) and drops it after,
# which is why the role has CREATEDB.
set -euo pipefail

PG_VERSION=15
PG_CLUSTER=main
ROLE=rostra
PASSWORD=rostra

if [[ $(id -u) -ne 0 ]]; then
    echo "postgres.sh: run as root (it installs packages and starts the cluster)" >&2
    exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /usr/lib/postgresql/$PG_VERSION ]]; then
    echo "postgres.sh: installing PostgreSQL $PG_VERSION from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; then
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
fi

# pg_ctlcluster start fails when the cluster already runs; check first.
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $4}' | grep -qx online; then
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi

psql_as_postgres() {
    su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -At $*"
}

# Wait until the server accepts connections (a fresh start takes a moment).
for _ in $(seq 1 50); do
    if su postgres -c "pg_isready -q" 2>/dev/null; then break; fi
    sleep 0.2
done

if [[ $(psql_as_postgres "-c \"select 1 from pg_roles where rolname = '$ROLE'\"") != 1 ]]; then
    psql_as_postgres "-c \"create role $ROLE login createdb password '$PASSWORD'\""
fi

# Tests drop their databases WITH (FORCE); that may have to end a session of another role (e.g. autovacuum's).
psql_as_postgres "-c \"grant pg_signal_backend to $ROLE\"" >/dev/null

echo "PostgreSQL $PG_VERSION is up; tests use ROSTRA_TEST_PG=${ROSTRA_TEST_PG:-Host=127.0.0.1;Port=5432;Username=$ROLE;Password=$PASSWORD;Database=postgres}"
