#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster on 127.0.0.1 (a free port), then stops
# and deletes the cluster whatever happened. As root, the cluster runs as the unprivileged user
# `nobody`, since PostgreSQL refuses to run as root.
#   bash scripts/with-postgres.sh .venv/bin/pytest -m "not browser"
set -euo pipefail

pg_bin=""
if command -v initdb >/dev/null 2>&1; then
  pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
else
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "ERROR: PostgreSQL is not installed and could not be installed (scripts/system-deps.sh)." >&2
  echo "       The PostgreSQL half of the test suite cannot run: failing on purpose." >&2
  exit 1
fi

workdir=$(mktemp -d /tmp/capnr-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$workdir"
  as_pg=(runuser -u nobody --)
fi

cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$pg_bin/initdb" -D "$workdir/data" -U capnr --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/postgres.log" -w \
  -o "-h 127.0.0.1 -p $port -k $workdir -c fsync=off -c full_page_writes=off" start >/dev/null
echo "Throwaway PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export DATABASE_URL="postgres://capnr@127.0.0.1:$port/postgres"
"$@"
