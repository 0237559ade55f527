"""The 503 page for a lost database connection (ops.middleware), without breaking anything."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from ops.middleware import DatabaseUnavailableMiddleware


def _middleware() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")])
def test_a_connection_failure_is_a_plain_503_that_echoes_nothing(error):
    request = RequestFactory().post("/clients/7/edit/", {"first_name": "Secret-Name"})
    response = _middleware().process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "The connection to the database was lost" in html and "Nothing was saved" in html
    for leak in ("Secret-Name", "server closed", "already closed", "/clients/7/", "Traceback"):
        assert leak not in html


def test_other_errors_are_left_to_django():
    request = RequestFactory().get("/")
    assert _middleware().process_exception(request, ValueError("boom")) is None
    assert _middleware().process_exception(request, DatabaseError("not a connection problem")) is None


def test_it_is_installed_before_axes_which_stays_last():
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.MIDDLEWARE[-2] == "ops.middleware.DatabaseUnavailableMiddleware"
