#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL, installing and starting what it needs.
#   tools/test.sh [extra dotnet test arguments, e.g. --filter Category=Contract]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v dotnet >/dev/null || { echo "test.sh: error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }

connection=$(tools/pg.sh start)
# Tests create (and drop) a database per test class, so they connect to the server's maintenance database.
export ORDERLEDGER_TEST_PG="${connection/Database=orderledger/Database=postgres}"

results="$repo/TestResults"
rm -rf "$results"
started=$(date +%s)
status=0
dotnet test OrderLedger.sln -c Release -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

sum() {
  local total=0 n
  for n in $(grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'); do total=$((total + n)); done
  echo "$total"
}
total=$(sum total); executed=$(sum executed); passed=$(sum passed); failed=$(sum failed)
skipped=$(( ${total:-0} - ${executed:-0} ))
echo
echo "test.sh: wall time $(( $(date +%s) - started )) s"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ]; then
  echo "test.sh: FAILED (dotnet test exit code $status)" >&2
  exit 1
fi
if [ "${executed:-0}" -eq 0 ]; then
  echo "test.sh: FAILED: no test was executed" >&2
  exit 1
fi
