#!/usr/bin/env bash
# `make prod`: the production stack (Procfile: gunicorn, Celery worker, beat) on one host, with
# production settings, against PostgreSQL and Redis on loopback. Plain HTTP on 127.0.0.1, so
# SECURE_SSL=false here; behind a TLS proxy set SECURE_SSL=true (README: Production settings).
# Every variable below can be set beforehand; Ctrl-C stops all three processes.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export PATH="$PWD/$BIN:$PATH"
export DEBUG=false SECURE_SSL=${SECURE_SSL:-false}
export PORT=${PORT:-8000}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itadesk_prod}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export EMAIL_URL=${EMAIL_URL:-smtp://127.0.0.1:25}
# A key of its own, kept across restarts (sessions survive them) in a git-ignored file.
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s .prod-secret-key ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(64))' > .prod-secret-key)
  fi
  SECRET_KEY=$(cat .prod-secret-key)
  export SECRET_KEY
fi

case "$DATABASE_URL" in
  postgres://*127.0.0.1*|postgres://*localhost*)
    createdb -h 127.0.0.1 -U postgres "${DATABASE_URL##*/}" 2>/dev/null || true ;;
esac
python manage.py migrate --noinput -v0
# Beat's schedule (ops/periodic.py), at every deployment: idempotent, touches only its own rows.
python manage.py setup_periodic_tasks
if command -v msgfmt >/dev/null 2>&1; then
  python manage.py compilemessages -v0 --ignore="$BIN" --ignore=staticfiles --ignore=node_modules
fi
# whitenoise serves what collectstatic gathered: it must run before gunicorn serves pages.
python manage.py collectstatic --noinput -v0
exec honcho start -f Procfile -p "$PORT"
