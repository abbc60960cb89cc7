#!/usr/bin/env bash
# A private PostgreSQL cluster for OrderLedger under .data/pg, owned by a non-root user, listening only on
# 127.0.0.1 at a free port chosen on first start and kept afterwards.
#   tools/pg.sh start    install PostgreSQL if missing, create the cluster once, start it, print the connection string
#   tools/pg.sh stop     stop the cluster (data is kept)
#   tools/pg.sh status   is it running? (exit 3 when no cluster was created yet, as pg_ctl for one that is stopped)
#   tools/pg.sh url      print the connection string (cluster must exist)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_root="$repo/.data"
cluster="$data_root/pg"
port_file="$data_root/pg.port"
password_file="$data_root/pg.password"
db_user=orderledger
db_name=orderledger

say() { echo "pg.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

install_postgres() {
  if [ -n "$(find_bin)" ]; then return; fi
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; run as root once, or: sudo apt-get install -y postgresql"
  say "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  [ -n "$(find_bin)" ] || die "apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql"
}

# PostgreSQL refuses to run as root: when we are root, the cluster belongs to the 'postgres' system user.
run_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || shuf -i 20000-60000 -n 1
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

connection_string() {
  echo "Host=127.0.0.1;Port=$(cat "$port_file");Username=$db_user;Password=$(cat "$password_file");Database=$db_name"
}

init_cluster() {
  local bin=$1
  mkdir -p "$data_root"
  if [ -f "$cluster/PG_VERSION" ]; then return; fi
  say "creating a private cluster in $cluster"
  rm -rf "$cluster"
  mkdir -p "$cluster"
  chmod 700 "$cluster"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$password_file"
  chmod 600 "$password_file"
  local pwfile
  pwfile=$(mktemp)
  cp "$password_file" "$pwfile"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chmod o+x "$data_root"
    if ! runuser -u postgres -- test -w "$cluster" 2>/dev/null && ! { chown postgres "$cluster" && runuser -u postgres -- test -w "$cluster"; } 2>/dev/null; then
      # The checkout lies where the postgres user cannot reach (e.g. under /root): keep the files in
      # /var/lib/orderledger and leave a link in .data.
      local outside="/var/lib/orderledger/$(echo "$repo" | sha256sum | cut -c1-12)/pg"
      rm -rf "$cluster" "$outside"
      mkdir -p "$outside"
      chown -R postgres "$(dirname "$outside")"
      ln -s "$outside" "$cluster"
    fi
    chown postgres "$pwfile"
  fi
  run_as_owner "$bin/initdb" -D "$(readlink -f "$cluster")" -U "$db_user" --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat >> "$cluster/postgresql.conf" <<CONF
# OrderLedger private cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
shared_buffers = 512MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
}

start() {
  install_postgres
  local bin
  bin=$(find_bin)
  init_cluster "$bin"
  if run_as_owner "$bin/pg_ctl" -D "$(readlink -f "$cluster")" status >/dev/null 2>&1; then
    say "already running on port $(cat "$port_file")"
  else
    local port
    port=$(cat "$port_file" 2>/dev/null || true)
    if [ -z "$port" ] || port_in_use "$port"; then
      port=$(free_port)
      echo "$port" > "$port_file"
    fi
    say "starting on 127.0.0.1:$port"
    run_as_owner "$bin/pg_ctl" -D "$(readlink -f "$cluster")" -o "-p $port" -l "$(readlink -f "$cluster")/server.log" -w -t 60 start >/dev/null \
      || { tail -n 20 "$cluster/server.log" >&2; die "PostgreSQL did not start (log above)"; }
  fi
  PGPASSWORD=$(cat "$password_file") "$bin/psql" -h 127.0.0.1 -p "$(cat "$port_file")" -U "$db_user" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1 \
    || PGPASSWORD=$(cat "$password_file") "$bin/createdb" -h 127.0.0.1 -p "$(cat "$port_file")" -U "$db_user" "$db_name"
  connection_string
}

stop() {
  local bin
  bin=$(find_bin) || die "PostgreSQL is not installed"
  if [ -f "$cluster/PG_VERSION" ] && run_as_owner "$bin/pg_ctl" -D "$(readlink -f "$cluster")" status >/dev/null 2>&1; then
    run_as_owner "$bin/pg_ctl" -D "$(readlink -f "$cluster")" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    bin=$(find_bin) || die "PostgreSQL is not installed"
    [ -f "$cluster/PG_VERSION" ] || { say "not created yet ($cluster): tools/pg.sh start or tools/run.sh creates it"; exit 3; }
    run_as_owner "$bin/pg_ctl" -D "$(readlink -f "$cluster")" status ;;
  url)
    [ -f "$port_file" ] || die "no cluster yet: run tools/pg.sh start"
    connection_string ;;
  *) echo "usage: tools/pg.sh start|stop|status|url" >&2; exit 2 ;;
esac
