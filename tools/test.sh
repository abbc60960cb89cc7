#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL, installing and starting what it needs.
#   tools/test.sh [extra dotnet test arguments, e.g. --filter Category=Contract]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v dotnet >/dev/null || { echo "test.sh: error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }

# The browser tests (tests/OrderLedger.Web.Tests) drive Debian's Chromium; Playwright never downloads a browser. The pages
# speak Chinese too, and a headless Chromium without a CJK font draws it as empty boxes: WenQuanYi Micro Hei (1.6 MB).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
cjk_font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ ! -x /usr/bin/chromium ] || [ ! -f "$cjk_font" ]; then
  echo "test.sh: installing chromium and a CJK font for the browser tests (apt-get)" >&2
  if [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; } >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    { sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; } >/dev/null
  fi
  [ -x /usr/bin/chromium ] || { echo "test.sh: error: /usr/bin/chromium is missing and could not be installed (run as root, or: sudo apt-get install -y chromium)" >&2; exit 1; }
  [ -f "$cjk_font" ] || echo "test.sh: warning: no CJK font (sudo apt-get install -y fonts-wqy-microhei); Chinese labels show as boxes in screenshots" >&2
fi

# EventStoreDB: the server ORDERLEDGER_ESDB names, or else the bundled one (tools/esdb.sh), started in the background
# while PostgreSQL starts and the suite builds, and stopped by pid when this script ends, however it ends.
esdb_dir="$repo/.data/esdb-test"
esdb_log="$repo/.data/esdb-test.log"
esdb_starting=""
if [ -n "${ORDERLEDGER_ESDB:-}" ]; then
  echo "test.sh: EventStoreDB tests use ORDERLEDGER_ESDB=$ORDERLEDGER_ESDB" >&2
elif esdb_bundle=$(tools/esdb.sh bundle 2>&1); then
  mkdir -p "$repo/.data"
  stop_esdb() {
    [ -z "$esdb_starting" ] || { kill "$esdb_starting" 2>/dev/null; wait "$esdb_starting" 2>/dev/null; } || true
    tools/esdb.sh stop --dir "$esdb_dir" || true
  }
  trap stop_esdb EXIT
  tools/esdb.sh start --dir "$esdb_dir" >"$esdb_log" 2>&1 &
  esdb_starting=$!
  export ORDERLEDGER_ESDB_BUNDLE="$esdb_bundle"
  # Suites that start nodes of their own (a cluster; a node per class) link this unpacked server instead of unpacking.
  export ORDERLEDGER_ESDB_UNPACKED="$esdb_dir/eventstoredb"
else
  echo "test.sh: EventStoreDB tests will be SKIPPED: ORDERLEDGER_ESDB is unset and ${esdb_bundle#esdb.sh: }" >&2
fi

tools/pg.sh start >/dev/null
# Tests create (and drop) a database per test class, so they connect as the cluster's superuser to its maintenance
# database; each class's database also gets the split of owner and app role (tests/OrderLedger.Testing/TestDatabase.cs).
export ORDERLEDGER_TEST_PG="$(tools/pg.sh admin-url)"

results="$repo/TestResults"
rm -rf "$results"
# Screenshots of every page the browser tests open.
export ORDERLEDGER_SCREENSHOTS="$results/screenshots"
# Contract snapshots (Snapshooter): a missing snapshot fails instead of being written, so CI can never approve one.
export SNAPSHOOTER_STRICT_MODE=on
started=$(date +%s)
status=0
built=""
if [ -n "$esdb_starting" ]; then
  dotnet build OrderLedger.sln -c Release -nologo -v quiet
  built=1
  esdb_status=0; wait "$esdb_starting" || esdb_status=$?
  esdb_starting=""
  if [ "$esdb_status" -eq 0 ]; then
    export ORDERLEDGER_ESDB=$(tail -n 1 "$esdb_log")
    echo "test.sh: EventStoreDB tests use the bundled server at $ORDERLEDGER_ESDB" >&2
  else
    echo "test.sh: EventStoreDB tests will be SKIPPED: the bundled server did not start ($esdb_log):" >&2
    tail -n 5 "$esdb_log" >&2
  fi
fi
dotnet test OrderLedger.sln -c Release -nologo ${built:+--no-build} \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# Lists the failed tests of the .trx files in a folder: "name|filter-term|first lines of the message" per line.
failures() {
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(trx).getroot()
    methods = {u.get("id"): u.find("t:TestMethod", ns) for u in root.iterfind(".//t:UnitTest", ns)}
    for r in root.iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        m = methods.get(r.get("testId"))
        term = f"FullyQualifiedName~{m.get('className')}.{m.get('name')}" if m is not None else ""
        lines = (r.findtext(".//t:Message", "", ns) or "").strip().splitlines()[:4]
        lines += (r.findtext(".//t:StackTrace", "", ns) or "").strip().splitlines()[:3]
        print(r.get("testName") + "|" + term + "|" + " / ".join(l.strip()[:240] for l in lines))
PY
}

sum() {
  local total=0 n
  for n in $(grep -ho "<Counters [^>]*" "$1"/*.trx 2>/dev/null | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]*'); do total=$((total + n)); done
  echo "$total"
}
total=$(sum "$results" total); executed=$(sum "$results" executed); passed=$(sum "$results" passed); failed=$(sum "$results" failed)
skipped=$(( ${total:-0} - ${executed:-0} ))

# A few timing-bound tests (a standby taking over within 10 s, crash-and-rebuild loops) can miss their deadline when
# the shared machine is overloaded. Failed tests run once more, alone; one that passes then is reported by name as
# flaky (never silently), and the run fails if any fails again or if more than a handful failed at all.
flaky=""
if [ "${failed:-0}" -gt 0 ] && [ "${failed:-0}" -le 5 ] && [ "$status" -ne 0 ] && command -v python3 >/dev/null; then
  listed=$(failures "$results")
  printf '%s\n' "$listed" | while IFS='|' read -r name _ message; do echo "test.sh: failed: $name: $message"; done
  filter=$(printf '%s\n' "$listed" | cut -d'|' -f2 | sort -u | paste -sd'|')
  echo "test.sh: running the ${failed} failed test(s) once more, alone: $filter"
  rerun_status=0
  dotnet test OrderLedger.sln -c Release -nologo --no-build --filter "$filter" \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results/rerun" || rerun_status=$?
  if [ "$rerun_status" -eq 0 ] && [ "$(sum "$results/rerun" failed)" -eq 0 ] && [ "$(sum "$results/rerun" passed)" -gt 0 ]; then
    flaky=$(printf '%s\n' "$listed" | cut -d'|' -f1 | paste -sd',')
    status=0
    passed=$((passed + failed))
    failed=0
  fi
fi

echo
echo "test.sh: wall time $(( $(date +%s) - started )) s"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
if [ -n "$flaky" ]; then
  echo "test.sh: FLAKY (failed under load, passed when run again alone): $flaky"
fi
if [ "$skipped" -gt 0 ]; then
  echo "test.sh: skipped:" $(grep -ho '<UnitTestResult [^>]*outcome="NotExecuted"' "$results"/*.trx | grep -o 'testName="[^"]*"' | sed 's/testName="\(.*\)"/\1/' | sed 's/.*\.\([^.]*\.[^.]*\)$/\1/' | sort -u | head -n 30)
fi
if [ "${failed:-0}" -gt 0 ]; then
  # CI keeps only the tail of the output: name every failure and its first message lines here, at the end.
  if command -v python3 >/dev/null; then
    failures "$results" | while IFS='|' read -r name _ message; do echo "test.sh: failed: $name: $message"; done
  else
    grep -ho '<UnitTestResult [^>]*outcome="Failed"' "$results"/*.trx | grep -o 'testName="[^"]*"' | sed 's/^/test.sh: failed: /'
  fi
fi
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ]; then
  echo "test.sh: FAILED (dotnet test exit code $status)" >&2
  exit 1
fi
if [ "${executed:-0}" -eq 0 ]; then
  echo "test.sh: FAILED: no test was executed" >&2
  exit 1
fi
