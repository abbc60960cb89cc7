#!/usr/bin/env bash
# The bundled EventStoreDB of this workplace (../shared/esdb, see its README) for tests, benchmarks and tools/run.sh.
#   tools/esdb.sh start [--cluster] [--dir DIR] [--reuse]   start one node (or three), print the connection string;
#                                                 --reuse: keep nodes already running there (their log is in memory)
#   tools/esdb.sh stop [--dir DIR]                stop what start left in DIR (by pid)
#   tools/esdb.sh bundle                          print the folder holding start.sh, or fail saying why
# DIR defaults to .data/esdb (one node) or .data/esdb-cluster; the bundle unpacks there once, never in ../shared,
# which is read-only in CI. The bundle's folder is $ORDERLEDGER_ESDB_BUNDLE or ../shared/esdb beside the repository.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { echo "esdb.sh: $*" >&2; }

bundle() {
  local dir="${ORDERLEDGER_ESDB_BUNDLE:-$repo/../shared/esdb}"
  if [ ! -x "$dir/start.sh" ] || [ ! -x "$dir/stop.sh" ]; then
    say "no EventStoreDB bundle: $dir/start.sh is missing (set ORDERLEDGER_ESDB_BUNDLE to the folder holding start.sh and stop.sh)"
    return 1
  fi
  (cd "$dir" && pwd)
}

verb="${1:-}"; shift || true
cluster=""; dir=""; reuse=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster="--cluster"; shift ;;
    --dir) dir="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    *) say "unknown option $1"; exit 2 ;;
  esac
done
[ -n "$dir" ] || dir="$repo/.data/esdb${cluster:+-cluster}"

case "$verb" in
  bundle) bundle ;;
  start)
    home=$(bundle)
    mkdir -p "$dir"
    if [ -n "$reuse" ] && [ -s "$dir/connection" ]; then
      first=$(sed -e 's|^esdb://||' -e 's|[,?].*||' "$dir/connection")
      if curl -fsS -o /dev/null "http://$first/health/live" 2>/dev/null; then cat "$dir/connection"; exit 0; fi
    fi
    # Nodes a killed run left behind would hold ports and memory: stop them first.
    "$home/stop.sh" --dir "$dir"
    rm -f "$dir/connection"
    "$home/start.sh" $cluster --dir "$dir" | tail -n 1 | tee "$dir/connection"
    ;;
  stop)
    home=$(bundle)
    "$home/stop.sh" --dir "$dir"
    rm -f "$dir/connection"
    ;;
  *) say "usage: tools/esdb.sh start [--cluster] [--dir DIR] | stop [--dir DIR] | bundle"; exit 2 ;;
esac
