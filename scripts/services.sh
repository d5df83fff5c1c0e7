#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, trust) and Redis (127.0.0.1:6379) are up for the tests:
# use running ones, start installed ones, install (Debian packages) missing ones.
set -uo pipefail

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "[services] cannot install $*: no apt-get" >&2; return 1; }
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
          psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }

if ! pg_up; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "[services] installing PostgreSQL"
    apt_install postgresql postgresql-client
  fi
  ver="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
  if [ -z "$ver" ] && command -v pg_createcluster >/dev/null 2>&1; then
    ver="$(ls /usr/lib/postgresql | sort -V | tail -n1)"; pg_createcluster "$ver" main >/dev/null
  fi
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  if [ -f "$hba" ] && ! grep -q "astrobio-trust" "$hba"; then
    # Tests connect as postgres over TCP without a password (trust), as on the dev machines.
    sed -i '1i host all all 127.0.0.1/32 trust # astrobio-trust\nhost all all ::1/128 trust # astrobio-trust\nlocal all all trust # astrobio-trust' "$hba"
  fi
  echo "[services] starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || pg_ctlcluster "$ver" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
fi
pg_up && echo "[services] PostgreSQL ok" || echo "[services] PostgreSQL NOT available" >&2

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG || \
             (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || { echo "[services] installing Redis"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  echo "[services] starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/astrobio.log
  for _ in $(seq 1 30); do redis_up && break; sleep 0.2; done
fi
redis_up && echo "[services] Redis ok" || echo "[services] Redis NOT available" >&2

# promtool checks the monitoring profile's Prometheus config and alert rules (Debian: prometheus).
if ! command -v promtool >/dev/null 2>&1; then
  echo "[services] installing promtool (prometheus)"
  apt_install --no-install-recommends prometheus || echo "[services] promtool NOT available" >&2
fi
exit 0
