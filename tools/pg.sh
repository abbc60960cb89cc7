#!/usr/bin/env bash
# A private PostgreSQL cluster for OrderLedger under .data/pg, owned by a non-root user, listening only on
# 127.0.0.1 at a free port chosen on first start and kept afterwards.
#   tools/pg.sh start      install PostgreSQL if missing, create the cluster once, start it, print the app's connection string
#   tools/pg.sh stop       stop the cluster (data is kept)
#   tools/pg.sh status     is it running? (exit 3 when no cluster was created yet, as pg_ctl for one that is stopped)
#   tools/pg.sh url        print the app's connection string (cluster must exist)
#   tools/pg.sh owner-url  print the owner's connection string (migrations: ConnectionStrings:PostgresOwner)
#   tools/pg.sh admin-url  print the cluster superuser's, on the maintenance database (tests and benchmarks create databases)
# Roles (docs/security.md, "Database roles"): orderledger (the cluster's superuser, for administration only),
# orderledger_owner (owns the database and the event log, runs migrations), orderledger_app (what the API and the
# projectors connect as: SELECT and INSERT on the event log, its own read-model schemas; no superuser).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_root="$repo/.data"
cluster="$data_root/pg"
port_file="$data_root/pg.port"
password_file="$data_root/pg.password"
db_user=orderledger
db_name=orderledger
owner_role=orderledger_owner
app_role=orderledger_app
owner_password_file="$data_root/pg.owner.password"
app_password_file="$data_root/pg.app.password"

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

connection_as() { # user password-file database
  echo "Host=127.0.0.1;Port=$(cat "$port_file");Username=$1;Password=$(cat "$2");Database=$3"
}

connection_string() { connection_as "$app_role" "$app_password_file" "$db_name"; }

make_password() {
  [ -s "$1" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$1"; chmod 600 "$1"; }
}

as_superuser() { # database, then psql arguments
  local database=$1
  shift
  PGPASSWORD=$(cat "$password_file") "$(find_bin)/psql" -h 127.0.0.1 -p "$(cat "$port_file")" -U "$db_user" -d "$database" \
    -v ON_ERROR_STOP=1 -qtA "$@"
}

# Idempotent, at every start, so clusters made before the split get it too: the two roles, the database owned by the
# owner role, and existing objects handed to the role that will use them (the log to the owner, read models to the app).
ensure_roles() {
  make_password "$owner_password_file"
  make_password "$app_password_file"
  as_superuser postgres -v owner_pw="$(cat "$owner_password_file")" -v app_pw="$(cat "$app_password_file")" >/dev/null <<SQL
SELECT format('CREATE ROLE $owner_role LOGIN PASSWORD %L', :'owner_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner_role') \gexec
SELECT format('CREATE ROLE $app_role LOGIN PASSWORD %L', :'app_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$app_role') \gexec
ALTER ROLE $owner_role NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE $app_role NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT format('CREATE DATABASE $db_name OWNER $owner_role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db_name') \gexec
ALTER DATABASE $db_name OWNER TO $owner_role;
REVOKE ALL ON DATABASE $db_name FROM PUBLIC;
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE $db_name TO $app_role;
SQL
  as_superuser "$db_name" >/dev/null <<'SQL'
DO $do$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT n.nspname, CASE WHEN n.nspname = 'eventstore' THEN 'orderledger_owner' ELSE 'orderledger_app' END AS heir
           FROM pg_namespace n
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'public')
             AND pg_get_userbyid(n.nspowner) = current_user LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, r.heir);
  END LOOP;
  FOR r IN SELECT n.nspname, c.relname, c.relkind, CASE WHEN n.nspname = 'eventstore' THEN 'orderledger_owner' ELSE 'orderledger_app' END AS heir
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) = current_user
             AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'public') LOOP
    EXECUTE format('ALTER %s %I.%I OWNER TO %I',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.nspname, r.relname, r.heir);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn, CASE WHEN n.nspname = 'eventstore' THEN 'orderledger_owner' ELSE 'orderledger_app' END AS heir
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE pg_get_userbyid(p.proowner) = current_user
             AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'public') LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, r.heir);
  END LOOP;
END
$do$;
SQL
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
  ensure_roles
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
  url|owner-url|admin-url)
    [ -f "$port_file" ] && [ -s "$app_password_file" ] || die "no cluster yet (or made before the role split): run tools/pg.sh start"
    case "$1" in
      url) connection_string ;;
      owner-url) connection_as "$owner_role" "$owner_password_file" "$db_name" ;;
      admin-url) connection_as "$db_user" "$password_file" postgres ;;
    esac ;;
  *) echo "usage: tools/pg.sh start|stop|status|url|owner-url|admin-url" >&2; exit 2 ;;
esac
