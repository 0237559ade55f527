#!/usr/bin/env bash
# `make capacity`: gunicorn as the Procfile runs it (gunicorn.conf.py: WEB_CONCURRENCY workers, default
# the README's 3 for this 2-core machine) on loopback, then ops/capacity.py steps locust users up
# without waits until p95 passes 250 ms or a request fails, for the floor (/ping/) and the
# consultants' mix. Prints each step, then the highest sustained requests/s with p50/p95/p99, where
# the CPU went, and mix / floor.
#
# Comparing one setting: COMPARE_A / COMPARE_B are VAR=value settings of two servers started side by
# side (e.g. COMPARE_A="DATABASE_POOL=false" COMPARE_B="DATABASE_POOL=true"); they are measured by
# turns at the same number of users (CAPACITY_ARGS="--users 2 --rounds 3").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${CAPACITY_PORT:-8766}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itadesk_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOAD_USERS_FILE=.load-users.json SECURE_SSL=false
export SECRET_KEY=${SECRET_KEY:-load-test-secret-key-load-test-secret-key-0123456789}
export LOGIN_FAILURE_LIMIT=100000 IRCC_ROUNDS_URL=
DB_NAME=${DATABASE_URL##*/}
DB_NAME=${DB_NAME%%\?*}

createdb -h 127.0.0.1 -U postgres "$DB_NAME" 2>/dev/null || true
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_setup --users 50 --clients "${LOAD_CLIENTS:-5000}" --out "$LOAD_USERS_FILE"

SERVERS=()
trap 'for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done' EXIT
# serve PORT [VAR=value ...]: one gunicorn with these settings on top of the above.
serve() {
  local port=$1
  shift
  # shellcheck disable=SC2086 # GUNICORN_ARGS is a list of options
  env "$@" "$BIN/gunicorn" config.wsgi --bind "127.0.0.1:$port" --log-level warning ${GUNICORN_ARGS:-} &
  SERVERS+=($!)
  local up=
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/login/" && up=1 && break; sleep 0.2; done
  if [ -z "$up" ]; then
    echo "gunicorn did not answer on port $port within 20 s (its errors are above): nothing measured" >&2
    exit 1
  fi
  local settings
  settings=$(env "$@" "$BIN/python" manage.py shell -v0 -c "from django.conf import settings as s; \
d = s.DATABASES['default']; print('CONN_MAX_AGE', d['CONN_MAX_AGE'], '| pool', bool(d.get('OPTIONS', {}).get('pool')), \
'| SESSION_ENGINE', s.SESSION_ENGINE.rsplit('.', 1)[-1])")
  echo "server on $port: ${*:-(defaults)}; gunicorn workers ${WEB_CONCURRENCY:-per gunicorn.conf.py} ${GUNICORN_ARGS:-}; $settings"
}

echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
if [ -n "${COMPARE_B:-}" ]; then
  # shellcheck disable=SC2086 # COMPARE_A/B are lists of settings
  serve "$PORT" ${COMPARE_A:-}
  # shellcheck disable=SC2086
  serve "$((PORT + 1))" $COMPARE_B
  # shellcheck disable=SC2086 # CAPACITY_ARGS is a list of options
  $BIN/python -m ops.capacity --db-name "$DB_NAME" \
    --compare "A=http://127.0.0.1:$PORT,${SERVERS[0]}" --compare "B=http://127.0.0.1:$((PORT + 1)),${SERVERS[1]}" \
    ${CAPACITY_ARGS:-}
else
  serve "$PORT"
  # shellcheck disable=SC2086 # CAPACITY_ARGS is a list of options
  $BIN/python -m ops.capacity --host "http://127.0.0.1:$PORT" --server-pid "${SERVERS[0]}" \
    --db-name "$DB_NAME" ${CAPACITY_ARGS:-}
fi
