#!/usr/bin/env bash
# `make capacity`: gunicorn as the Procfile runs it (WEB_CONCURRENCY workers, default the README's
# 3 for this 2-core machine) on loopback, then ops/capacity.py steps locust users up without waits
# until p95 passes 250 ms or a request fails, for the floor (/ping/) and the consultants' mix.
# Prints each step, then the highest sustained requests/s with p50/p95/p99, and mix / floor.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${CAPACITY_PORT:-8766}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itadesk_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOAD_USERS_FILE=.load-users.json SECURE_SSL=false
export SECRET_KEY=${SECRET_KEY:-load-test-secret-key-load-test-secret-key-0123456789}
export LOGIN_FAILURE_LIMIT=100000 IRCC_ROUNDS_URL=
WORKERS=${WEB_CONCURRENCY:-3}

createdb -h 127.0.0.1 -U postgres "${DATABASE_URL##*/}" 2>/dev/null || true
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_setup --users 50 --clients "${LOAD_CLIENTS:-5000}" --out "$LOAD_USERS_FILE"

# shellcheck disable=SC2086 # GUNICORN_ARGS is a list of options
$BIN/gunicorn config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning \
  ${GUNICORN_ARGS:-} &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/" && break; sleep 0.2; done

echo "gunicorn: $WORKERS workers ${GUNICORN_ARGS:-(sync)}; $(nproc) cores"
$BIN/python -m ops.capacity --host "http://127.0.0.1:$PORT" ${CAPACITY_ARGS:-}
