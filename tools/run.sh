#!/usr/bin/env bash
# Sets up and runs OrderLedger on its embedded defaults: a private PostgreSQL (tools/pg.sh) and the API host.
#   tools/run.sh                 listen on http://127.0.0.1:5080 (ORDERLEDGER_URL overrides)
#   ORDERLEDGER_SEED=1 tools/run.sh   first seed a demo month (tools/seed.sh; once per data directory)
#   EventStore__Provider=eventstoredb tools/run.sh   events in EventStoreDB: ConnectionStrings__EventStoreDb, or else
#                                the bundled server of ../shared/esdb (tools/esdb.sh; in memory, kept running)
# Stop with Ctrl-C; the database keeps running (tools/pg.sh stop) and keeps its data for the next start.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v dotnet >/dev/null || { echo "run.sh: error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }

connection=$(tools/pg.sh start)
provider=$(echo "${EventStore__Provider:-postgres}" | tr '[:upper:]' '[:lower:]')
if [ "$provider" = eventstoredb ] && [ -z "${ConnectionStrings__EventStoreDb:-}" ]; then
  tools/esdb.sh bundle >/dev/null 2>&1 || {
    echo "run.sh: error: EventStore__Provider=eventstoredb needs ConnectionStrings__EventStoreDb (with Docker: docker compose -f tools/docker-compose.yml up -d eventstoredb, then esdb://localhost:2113?tls=false); there is no bundled server in ../shared/esdb" >&2
    exit 1
  }
  echo "run.sh: starting the bundled EventStoreDB (tools/esdb.sh; its log is in memory: stop it with tools/esdb.sh stop)" >&2
  export ConnectionStrings__EventStoreDb=$(tools/esdb.sh start --reuse)
  echo "run.sh: EventStoreDB at $ConnectionStrings__EventStoreDb" >&2
fi
url=${ORDERLEDGER_URL:-http://127.0.0.1:5080}

echo "run.sh: building" >&2
dotnet build src/OrderLedger.Api -c Release -nologo -v quiet >&2

if [ -n "${ORDERLEDGER_SEED:-}" ] && [ "${ORDERLEDGER_SEED}" != "0" ]; then
  marker="$repo/.data/seeded"
  if [ -f "$marker" ]; then
    echo "run.sh: demo month already seeded ($marker)" >&2
  else
    echo "run.sh: seeding a demo month (tools/seed.sh)" >&2
    ConnectionStrings__Postgres="$connection" ConnectionStrings__PostgresOwner="$(tools/pg.sh owner-url)" tools/seed.sh >&2
    date -u +%FT%TZ > "$marker"
  fi
fi

echo "run.sh: OrderLedger listening on $url (health: $url/health/ready)" >&2
echo "run.sh: web pages at $url/ — sign in with a token from: tools/ledger token --role admin --store '*'" >&2
export ConnectionStrings__Postgres="$connection"
# The event log's migrations run as its owner; the API itself connects as the app role (docs/security.md).
export ConnectionStrings__PostgresOwner="${ConnectionStrings__PostgresOwner:-$(tools/pg.sh owner-url)}"
# The key that signs bearer tokens: made once, kept in .data/ (tools/ledger token uses the same one).
key_file="$repo/.data/jwt.key"
[ -s "$key_file" ] || { head -c 48 /dev/urandom | base64 | tr -d '\n' > "$key_file"; chmod 600 "$key_file"; }
export Auth__SigningKey="${Auth__SigningKey:-$(cat "$key_file")}"
exec dotnet run --project src/OrderLedger.Api -c Release --no-build -- --urls "$url"
