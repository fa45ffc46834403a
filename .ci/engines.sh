#!/usr/bin/env bash
# Starts the local engines the test suite talks to (PostgreSQL, Redis, NATS
# with JetStream), installing any that is absent with apt-get. Every step is
# idempotent: running engines are left alone.
set -uo pipefail

log() { printf '[engines] %s\n' "$*"; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then apt-get update -qq && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # name port seconds
  for _ in $(seq 1 "$3"); do port_open "$2" && return 0; sleep 1; done
  log "$1 did not open port $2 within $3 s"; return 1
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log 'PostgreSQL is not installed: installing it with apt-get'
    apt_install postgresql || return 1
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 -q || { log 'PostgreSQL is not accepting connections'; return 1; }
  # The suite connects as postgres over TCP without a password (trust on loopback).
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    log 'cannot connect as postgres on 127.0.0.1: allowing trust auth on loopback'
    local hba
    hba=$(su postgres -c "psql -Atqc 'show hba_file'")
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
  fi
  log "PostgreSQL ready ($(psql -h 127.0.0.1 -U postgres -Atqc 'show server_version'))"
}

# Starts an engine that is installed but down; installs it first when absent.
ensure_engine() { # name port apt-package binary command...
  local name=$1 port=$2 package=$3 binary=$4; shift 4
  if port_open "$port"; then log "$name already running"; return 0; fi
  if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "$binary" ]; then
    log "$name is not installed: installing $package with apt-get"
    apt_install "$package" || return 1
  fi
  log "starting $name"
  "$@" >/dev/null 2>&1 || true
  wait_port "$name" "$port" 30 && log "$name ready"
}

ensure_postgres || exit 1
mkdir -p /var/lib/redis /var/log/redis /var/lib/nats-server
ensure_engine Redis 6379 redis-server redis-server \
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/ci.log || exit 1
ensure_engine NATS 4222 nats-server /usr/sbin/nats-server \
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
  -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || exit 1
exit 0
