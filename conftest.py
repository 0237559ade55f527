"""Project-wide pytest fixtures: real PostgreSQL and Redis, plain static storage."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

import pytest

# Each test run keys the cache apart (config/settings.py reads it; Celery workers and live servers
# inherit it): a test database is created anew each run and reuses ids, but Redis keeps what an
# earlier run cached under those ids.
os.environ["CACHE_KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
# Uploaded documents (the local "documents" storage) go to a folder of this run, never the checkout's
# private-files/; live servers and Celery workers inherit it.
os.environ["PRIVATE_FILES_ROOT"] = tempfile.mkdtemp(prefix="itadesk-private-files-")


@pytest.fixture(scope="session", autouse=True)
def _real_services_answer():
    """Tests run against real PostgreSQL and Redis; an unreachable one is a failure, never a skip."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" and os.environ.get("CI") == "true":
        pytest.fail("CI=true but DATABASE_URL does not point at PostgreSQL")
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.exceptions.ConnectionError as exc:
            pytest.fail(f"Redis at {settings.REDIS_URL} does not answer: {exc}")
    elif os.environ.get("CI") == "true":
        pytest.fail("CI=true but REDIS_URL is not set")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a test that activates French (a page rendered
    for a French client, a French email) must not leave the next test's messages in French."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _private_files_removed_at_the_end():
    yield
    shutil.rmtree(os.environ["PRIVATE_FILES_ROOT"], ignore_errors=True)


@pytest.fixture
def firm_factory(db):
    from clients.tests.factories import FirmFactory

    return FirmFactory


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; Django's email goes to it during the test."""
    from django.conf import settings as dj_settings

    from testing.services import SmtpServer

    server = SmtpServer()
    server.start()
    saved = {k: getattr(dj_settings, k) for k in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")}
    dj_settings.EMAIL_BACKEND = dj_settings.SMTP_EMAIL_BACKEND
    dj_settings.EMAIL_HOST, dj_settings.EMAIL_PORT = server.host, server.port
    yield server
    for k, v in saved.items():
        setattr(dj_settings, k, v)
    server.stop()


@pytest.fixture
def celery_queue():
    """A queue of the test's own, so no task of another test ever reaches its worker."""
    import uuid

    from config.celery import app

    name = f"test-{uuid.uuid4().hex[:10]}"
    saved = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = saved


@pytest.fixture
def celery_workers(celery_queue, smtp_server, transactional_db):
    """Start real Celery worker subprocesses on Redis against the test database."""
    from django.conf import settings as dj_settings
    from django.db import connection

    from testing.services import CeleryWorkers

    if not dj_settings.REDIS_URL:
        pytest.fail("celery_workers needs REDIS_URL (a real Redis broker)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    workers = CeleryWorkers(queue=celery_queue, database_url=url, redis_url=dj_settings.REDIS_URL,
                            email_url=smtp_server.url)
    (__import__("pathlib").Path(__file__).parent / ".pytest_cache").mkdir(exist_ok=True)
    yield workers
    workers.stop_all()


@pytest.fixture
def page(live_server):
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from testing.services import CHROMIUM, CHROMIUM_ARGS

    # Playwright runs an event loop in this thread; the ORM calls of the test are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-CA")
        pg = context.new_page()
        pg.base_url = live_server.url
        yield pg
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "admin_user",
                "admin_client", "page", "celery_workers"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every database test starts with the NOC codes and categories (see ensure_reference_data)."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & _DB_FIXTURES:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server", "page", "celery_workers"})
    request.getfixturevalue("transactional_db" if transactional else "db")
    from testing.services import ensure_reference_data

    ensure_reference_data()
