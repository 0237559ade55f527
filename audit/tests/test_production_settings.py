"""Production settings: `check --deploy` is clean with the production environment, and the
hardening that applies everywhere (sessions, headers, CSP) is in force."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "itadesk.example",
    "SECURE_SSL": "true",
    "CSRF_TRUSTED_ORIGINS": "https://itadesk.example",
    "SITE_URL": "https://itadesk.example",
}
OUR_VARS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL", "CSRF_TRUSTED_ORIGINS", "SITE_URL",
            "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS")


def manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(env_vars)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_with_the_embedded_default():
    """The embedded default is for plain-http demos: check --deploy says so."""
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in output


def test_production_refuses_debug():
    result = manage("check", **{**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "SECURE_SSL=true is production: set DEBUG=false" in result.stderr


def test_production_refuses_the_embedded_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs a SECRET_KEY of its own" in result.stderr


def test_production_settings_values():
    code = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS, s.DEBUG)")
    result = manage("shell", "-c", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    expected = "True 31536000 True True ['https://itadesk.example'] False"
    assert result.stdout.strip().splitlines()[-1] == expected


def test_sessions_expire_after_eight_hours_and_at_browser_close(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_no_inline_script_in_the_base_template(client):
    """The CSP forbids inline scripts: the pages must not need any."""
    from clients.tests.factories import member

    client.force_login(member(role="owner"))
    body = client.get("/clients/").content.decode()
    for chunk in body.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: <script{tag}>"


@pytest.mark.django_db
def test_https_redirect_and_hsts_when_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
