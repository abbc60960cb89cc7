#!/usr/bin/env bash
# Benchmarks against the private PostgreSQL (tools/pg.sh), each figure with its baseline from the same run:
#   tools/bench.sh [--quick] [--json] [--repetitions N]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
tools/pg.sh start >/dev/null
export ORDERLEDGER_BENCH_PG="$(tools/pg.sh admin-url)"
dotnet build tools/OrderLedger.Bench -c Release -nologo -v quiet >&2
exec dotnet tools/OrderLedger.Bench/bin/Release/net10.0/OrderLedger.Bench.dll "$@"
