#!/usr/bin/env bash
# `make load`: gunicorn (4 workers) on loopback, 50 logged-in consultants for 60 s (locust, headless).
# Prints requests/s, p50/p95/p99 and failures; exits non-zero if any request failed. Stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${LOAD_PORT:-8765}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itadesk_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOAD_USERS_FILE=.load-users.json
export SECRET_KEY=${SECRET_KEY:-load-test-secret-key-load-test-secret-key-0123456789}
export LOGIN_FAILURE_LIMIT=100000

createdb -h 127.0.0.1 -U postgres "${DATABASE_URL##*/}" 2>/dev/null || true
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_setup --users 50 --clients "${LOAD_CLIENTS:-5000}" --out "$LOAD_USERS_FILE"

$BIN/gunicorn config.wsgi --workers "${LOAD_WORKERS:-4}" --bind "127.0.0.1:$PORT" --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/" && break; sleep 0.2; done

# locust's own exit status (1 on any failed request), not grep's nor a `|| true`'s.
set +e
$BIN/locust -f ops/locustfile.py --headless --users 50 --spawn-rate 25 --run-time 60s \
  --host "http://127.0.0.1:$PORT" --only-summary --stop-timeout 5 --exit-code-on-error 1 2>&1 \
  | grep -v "^\["
status=${PIPESTATUS[0]}
set -e
exit "$status"
