#!/usr/bin/env bash
# Benchmarks against the private PostgreSQL (tools/pg.sh), each figure with its baseline from the same run:
#   tools/bench.sh [--quick] [--json] [--repetitions N] [--only append|bulk|catch-up|lag|dashboard|notary|refunds|connectors|peak|rebuild]
#   tools/bench.sh --only peak [--peak-seconds 600] [--peak-conversations 100000] [--peak-clients 64] [--peak-seed http|batches]
# EventStoreDB: OrderLedger's client beside the official Node client (@eventstore/db-client, pinned below, installed
# into .data/), on the server ORDERLEDGER_ESDB names or else the bundled one (tools/esdb.sh, stopped at the end):
#   tools/bench.sh --store eventstoredb [--quick] [--json] [--repetitions N]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
official_client_version=6.2.1

if [[ " $* " == *" --store eventstoredb "* ]]; then
  command -v node >/dev/null && command -v npm >/dev/null || { echo "bench.sh: error: the official client runs on Node.js: install nodejs and npm (apt-get install -y nodejs npm)" >&2; exit 1; }
  client_dir="$repo/.data/esdb-official-client"
  if [ ! -f "$client_dir/node_modules/@eventstore/db-client/package.json" ] \
     || ! grep -q "\"version\": \"$official_client_version\"" "$client_dir/node_modules/@eventstore/db-client/package.json"; then
    echo "bench.sh: installing @eventstore/db-client@$official_client_version into $client_dir" >&2
    mkdir -p "$client_dir"
    (cd "$client_dir" && npm install --no-audit --no-fund --loglevel=error --save-exact "@eventstore/db-client@$official_client_version" >&2)
  fi
  export NODE_PATH="$client_dir/node_modules"
  export ORDERLEDGER_BENCH_OFFICIAL_CLIENT="$repo/tools/esdb-official-client.js"
  if [ -n "${ORDERLEDGER_ESDB:-}" ]; then
    export ORDERLEDGER_BENCH_ESDB="$ORDERLEDGER_ESDB"
  else
    esdb_dir="$repo/.data/esdb-bench"
    trap 'tools/esdb.sh stop --dir "$esdb_dir" || true' EXIT
    export ORDERLEDGER_BENCH_ESDB=$(tools/esdb.sh start --dir "$esdb_dir")
  fi
  echo "bench.sh: EventStoreDB at $ORDERLEDGER_BENCH_ESDB; load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
  dotnet build tools/OrderLedger.Bench -c Release -nologo -v quiet >&2
  dotnet tools/OrderLedger.Bench/bin/Release/net10.0/OrderLedger.Bench.dll "$@"
  echo "bench.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  exit 0
fi

tools/pg.sh start >/dev/null
export ORDERLEDGER_BENCH_PG="$(tools/pg.sh admin-url)"
dotnet build tools/OrderLedger.Bench -c Release -nologo -v quiet >&2
# The bulk-approval, connector and peak figures (--only refunds, connectors, peak) run the API host from its own build as a child process.
dotnet build src/OrderLedger.Api -c Release -nologo -v quiet >&2
exec dotnet tools/OrderLedger.Bench/bin/Release/net10.0/OrderLedger.Bench.dll "$@"
