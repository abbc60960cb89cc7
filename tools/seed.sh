#!/usr/bin/env bash
# Seeds a demo month of operations into the private PostgreSQL of tools/pg.sh, through the command handlers.
#   tools/seed.sh                      3 stores, 2,000 customers, 5,000 orders, the 30 days up to today, seed 42
#   tools/seed.sh --orders 100000 …    any `ledger seed` options instead (docs/cli.md)
# Same options on the same day = same events; a second run with them records nothing new.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v dotnet >/dev/null || { echo "seed.sh: error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }
connection=${ConnectionStrings__Postgres:-$(tools/pg.sh start)}
# Migrations run as the owner role (docs/security.md); the commands themselves as the app role.
export ConnectionStrings__PostgresOwner="${ConnectionStrings__PostgresOwner:-$(tools/pg.sh owner-url)}"
if [ "$#" -eq 0 ]; then
  set -- --stores 3 --customers 2000 --orders 5000 --days 30 --seed 42
fi

ConnectionStrings__Postgres="$connection" exec tools/ledger seed "$@"
