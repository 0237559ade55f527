"""Security review: an HTTPS site whose SITE_URL is http:// emails sign-in tokens to be sent in clear."""

from __future__ import annotations

from audit.tests.test_production_settings import PRODUCTION_ENV, manage


def test_check_deploy_warns_when_site_url_is_http_on_an_https_site():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    **{**PRODUCTION_ENV, "SITE_URL": "http://itadesk.example"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ops.W003" in output and "in clear" in output


def test_uploaded_documents_may_not_live_in_a_static_folder():
    """Under static/, collectstatic would copy clients' passports into STATIC_ROOT for anyone to fetch."""
    from audit.tests.test_production_settings import ROOT

    result = manage("check", PRIVATE_FILES_ROOT=str(ROOT / "static" / "uploads"))
    assert result.returncode != 0
    assert "ops.E001" in result.stdout + result.stderr
    assert "ops.E001" not in manage("check").stdout
