#!/usr/bin/env bash
# Sets up and runs OrderLedger on its embedded defaults: a private PostgreSQL (tools/pg.sh) and the API host.
#   tools/run.sh                      listen on http://127.0.0.1:5080, or on a free port when 5080 is taken
#   ORDERLEDGER_PORT=6000 tools/run.sh   another port (a free one is picked when it is taken)
#   ORDERLEDGER_URL=http://127.0.0.1:6000 tools/run.sh   exactly this address (an error when it is taken)
#   ORDERLEDGER_SEED=1 tools/run.sh   first seed a demo month (tools/seed.sh; once per data directory)
#   EventStore__Provider=eventstoredb tools/run.sh   events in EventStoreDB: ConnectionStrings__EventStoreDb, or else
#                                the bundled server of ../shared/esdb (tools/esdb.sh; in memory, kept running)
# The URL is printed once the host answers /health/live; after a seed, a demo customer, order and phone once the read
# models have caught up (/health/ready). Stop with Ctrl-C; the database keeps running (tools/pg.sh stop) and its data.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

say() { echo "run.sh: $*" >&2; }
command -v dotnet >/dev/null || { say "error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first"; exit 1; }
command -v curl >/dev/null || { say "error: curl is not installed (apt-get install -y curl)"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || shuf -i 20000-60000 -n 1
}

if [ -n "${ORDERLEDGER_URL:-}" ]; then
  url=${ORDERLEDGER_URL%/}
  port=$(echo "$url" | sed -nE 's#^https?://[^/:]+:([0-9]+).*#\1#p')
  if [ -n "$port" ] && port_in_use "$port"; then
    say "error: port $port of ORDERLEDGER_URL=$url is taken; free it, or unset ORDERLEDGER_URL to get a free port"
    exit 1
  fi
else
  port=${ORDERLEDGER_PORT:-5080}
  if port_in_use "$port"; then
    taken=$port
    port=$(free_port)
    say "port $taken is taken; using $port"
  fi
  url="http://127.0.0.1:$port"
fi

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

say "building the API host (the first build takes a few minutes; later ones seconds)"
# -v minimal prints each project as it is built: progress, not minutes of silence.
if ! dotnet build src/OrderLedger.Api -c Release -nologo -v minimal -clp:NoSummary 2>&1 | sed -u 's/^/  build: /' >&2; then
  say "error: the build failed (output above)"
  exit 1
fi

seeded=""
if [ -n "${ORDERLEDGER_SEED:-}" ] && [ "${ORDERLEDGER_SEED}" != "0" ]; then
  marker="$repo/.data/seeded"
  if [ -f "$marker" ]; then
    say "demo month already seeded ($marker)"
  else
    say "seeding a demo month (tools/seed.sh)"
    ConnectionStrings__Postgres="$connection" ConnectionStrings__PostgresOwner="$(tools/pg.sh owner-url)" tools/seed.sh >&2
    date -u +%FT%TZ > "$marker"
  fi
  seeded=1
fi

export ConnectionStrings__Postgres="$connection"
# The event log's migrations run as its owner; the API itself connects as the app role (docs/security.md).
export ConnectionStrings__PostgresOwner="${ConnectionStrings__PostgresOwner:-$(tools/pg.sh owner-url)}"
# The key that signs bearer tokens: made once, kept in .data/ (tools/ledger token uses the same one).
key_file="$repo/.data/jwt.key"
[ -s "$key_file" ] || { head -c 48 /dev/urandom | base64 | tr -d '\n' > "$key_file"; chmod 600 "$key_file"; }
export Auth__SigningKey="${Auth__SigningKey:-$(cat "$key_file")}"

say "starting the host"
# A gen0 budget of 64 MB instead of the default (about 16 MB here): the projectors keep a few catch-up batches of decoded
# events in flight, more than a default gen0 holds, so nearly every collection was a gen1 or a full one. Read only from
# the environment (no runtimeconfig setting); docs/projections.md, "Memory and the GC".
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
# The built host itself, from its project folder (its content root), not `dotnet run`: Ctrl-C here stops it cleanly.
(cd src/OrderLedger.Api && exec dotnet bin/Release/net10.0/OrderLedger.Api.dll --urls "$url") &
host=$!
trap 'kill -TERM "$host" 2>/dev/null; wait "$host" 2>/dev/null; exit 130' INT TERM

until curl -sf -o /dev/null "$url/health/live"; do
  if ! kill -0 "$host" 2>/dev/null; then
    wait "$host" && status=0 || status=$?
    say "error: the host stopped before it listened on $url (exit $status; log above)"
    exit 1
  fi
  sleep 0.3
done
say "OrderLedger listening on $url (ORDERLEDGER_URL=$url for scripts; health: $url/health/ready)"
say "web pages at $url/ — sign in with a token from: tools/ledger token --role admin --store '*'"

# The first order of the first store the read models know, once they have caught up with the seed.
demo() {
  local token auth stores store order
  until curl -sf -o /dev/null "$url/health/ready"; do sleep 2; kill -0 "$host" 2>/dev/null || return 0; done
  token=$(tools/ledger token --role admin --store '*' --hours 1) || return 0
  auth="Authorization: Bearer $token"
  field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
  stores=$(curl -sf -H "$auth" "$url/api/session") || return 0
  store=$(echo "$stores" | grep -o '"stores":\["[^"]*"' | cut -d'"' -f4)
  [ -n "$store" ] || return 0
  order=$(curl -sf -H "$auth" "$url/api/stores/$store/orders?limit=1") || return 0
  say "read models caught up; try store $store, customer $(echo "$order" | field customerId), order $(echo "$order" | field orderId), phone $(echo "$order" | field phone):"
  say "  curl -s -H \"Authorization: Bearer \$(tools/ledger token --role agent --store $store)\" '$url/api/stores/$store/customers?phone=$(echo "$order" | field phone)'"
}
[ -z "$seeded" ] || demo &

wait "$host"
