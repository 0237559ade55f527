# ITA Desk: `make demo` runs the app on SQLite with demo data; `make test` runs the tests
# against PostgreSQL and Redis (loopback defaults, or DATABASE_URL / REDIS_URL).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/itadesk
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# compilemessages walks every locale/ folder under here: skip the venv's packages (their catalogs ship compiled).
MESSAGES_IGNORE := --ignore=$(VENV) --ignore=staticfiles --ignore=node_modules

# The command index: `make demo`, `make test`, then run / worker / beat (development processes), check
# (missing migrations, deployment checks), lint / fmt, test-engine (the rules engine, no database),
# messages, audit, bench / load / capacity / drills, prod.
.PHONY: venv install install-dev demo run worker beat check test test-engine lint fmt bench load capacity \
	drills messages audit prod

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

# The demo has no network: the IRCC feed check is off (seed_demo imports the shipped feed instead).
demo: export IRCC_ROUNDS_URL :=
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_periodic_tasks
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/python manage.py compilemessages -v0 $(MESSAGES_IGNORE); \
	else echo "WARNING: msgfmt (GNU gettext) is not installed: the French interface is not compiled and every page stays in English. Install it (apt-get install gettext) and run make demo again." >&2; fi
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production stack on one host (ops/prod.sh: DEBUG=false, loopback PostgreSQL and Redis, migrate,
# collectstatic, then honcho runs the Procfile's gunicorn, Celery worker and beat). Ctrl-C stops all three.
prod: install
	BIN=$(BIN) ops/prod.sh

# CI (.ci/run) runs this: a model change without its migration fails first.
test: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py compilemessages -v0 $(MESSAGES_IGNORE)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/python -m pytest -q

# The rules engine's tests (eligibility/rules: pure Python, golden file included): no database, no Redis.
test-engine: install-dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -q eligibility/tests/test_rules_*.py

# Development processes, with the environment you set (.env.example): the web server on
# http://127.0.0.1:8000, a Celery worker and beat (both need REDIS_URL; without it tasks run in-process).
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py setup_periodic_tasks
	$(BIN)/python manage.py runserver 127.0.0.1:8000

worker: install
	$(BIN)/celery -A config worker -l INFO

beat: install
	$(BIN)/celery -A config beat -l INFO

# No model change without its migration; `check --deploy` clean with a production environment
# (yours when set, else an example one: HTTPS, a random key).
check: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false SECURE_SSL=$${SECURE_SSL:-true} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-itadesk.example} \
	  SITE_URL=$${SITE_URL:-https://itadesk.example} \
	  SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')} \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# After changing user-facing strings: refresh locale/fr/LC_MESSAGES/django.po, translate its new or
# fuzzy entries (config/tests/test_translations.py fails until every one is), then compile.
messages: install-dev
	$(BIN)/python manage.py makemessages -l fr $(MESSAGES_IGNORE) --ignore=screenshots
	$(BIN)/python manage.py compilemessages -v0 $(MESSAGES_IGNORE)

lint: install-dev
	$(BIN)/ruff check .

# Fix what ruff can fix by itself. Not `ruff format`: the tree is not formatted by it, and
# reformatting every file would bury real changes.
fmt: install-dev
	$(BIN)/ruff check --fix .

# Security audit: known vulnerabilities of the pinned dependencies (needs PyPI's JSON API or
# OSV; --strict fails rather than report "clean" when a package could not be checked), and
# bandit's static checks of our code (skips justified in pyproject.toml).
audit: install-dev
	$(BIN)/pip-audit -r requirements.txt --strict --progress-spinner off
	$(BIN)/bandit -c pyproject.toml -r clients draws eligibility config invitations audit ops -q

bench: install-dev
	createdb -h 127.0.0.1 -U postgres itadesk_bench 2>/dev/null || true
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itadesk_bench} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  sh -c '$(BIN)/python manage.py migrate --noinput -v0 && $(BIN)/python manage.py bench $(BENCH_ARGS)'

load: install-dev
	BIN=$(BIN) ops/load.sh

# Capacity, not latency: gunicorn with WEB_CONCURRENCY workers (the README's 3 here), locust without
# waits stepping users up until p95 > 250 ms or an error, for the floor and the consultants' mix
# (ops/capacity.py). GUNICORN_ARGS tries other worker classes, e.g. "--worker-class gthread --threads 4".
capacity: install-dev
	BIN=$(BIN) ops/capacity.sh

# Fault drills (ops/tests/test_drills.py): kill workers, stop Redis and SMTP, drop the database
# connection; each prints what it did and what it found. They also run as part of `make test`.
drills: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/python -m pytest -m drill -v -s
