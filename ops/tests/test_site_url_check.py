"""`check --deploy` warns while SITE_URL (the links of every email) is left at the demo's address."""

from __future__ import annotations

from audit.tests.test_production_settings import PRODUCTION_ENV, manage


def test_check_deploy_warns_when_site_url_is_unset_in_production():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ops.W001" in output and "SITE_URL is the demo's address" in output


def test_check_deploy_warns_when_site_url_is_not_a_web_address():
    env = {**PRODUCTION_ENV, "SITE_URL": "itadesk"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "ops.W002" in result.stdout + result.stderr


def test_check_deploy_is_quiet_about_a_production_site_url():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert "ops.W00" not in result.stdout + result.stderr
