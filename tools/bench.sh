#!/usr/bin/env bash
# Benchmarks against the private PostgreSQL (tools/pg.sh), each figure with its baseline from the same run:
#   tools/bench.sh [--quick] [--json] [--repetitions N]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
connection=$(tools/pg.sh start)
export ORDERLEDGER_BENCH_PG="${connection/Database=orderledger/Database=postgres}"
dotnet build tools/OrderLedger.Bench -c Release -nologo -v quiet >&2
exec dotnet tools/OrderLedger.Bench/bin/Release/net10.0/OrderLedger.Bench.dll "$@"
