#!/usr/bin/env bash
# Sets up and runs OrderLedger on its embedded defaults: a private PostgreSQL (tools/pg.sh) and the API host.
#   tools/run.sh                 listen on http://127.0.0.1:5080 (ORDERLEDGER_URL overrides)
# Stop with Ctrl-C; the database keeps running (tools/pg.sh stop) and keeps its data for the next start.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v dotnet >/dev/null || { echo "run.sh: error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }

connection=$(tools/pg.sh start)
url=${ORDERLEDGER_URL:-http://127.0.0.1:5080}

echo "run.sh: building" >&2
dotnet build src/OrderLedger.Api -c Release -nologo -v quiet >&2

echo "run.sh: OrderLedger listening on $url (health: $url/health/ready)" >&2
export ConnectionStrings__Postgres="$connection"
exec dotnet run --project src/OrderLedger.Api -c Release --no-build -- --urls "$url"
