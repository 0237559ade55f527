"""Intake's limits go through portal.ratelimit's counter, the project's one rate-limit helper."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import RequestFactory

from intake import ratelimit
from intake.models import IntakeLink

pytestmark = pytest.mark.django_db


def _from(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_the_link_limit_counts_every_address_and_a_refused_one_still_counts(firm, monkeypatch):
    monkeypatch.setattr(ratelimit, "PER_IP", 1)
    monkeypatch.setattr(ratelimit, "PER_LINK", 3)
    link = IntakeLink(pk=10**9 + 1, firm=firm)
    assert ratelimit.allow_submission(_from("10.0.0.1"), link)
    assert not ratelimit.allow_submission(_from("10.0.0.1"), link)  # per address; the link counts 2
    assert ratelimit.allow_submission(_from("10.0.0.2"), link)  # 3 of 3 on the link
    assert not ratelimit.allow_submission(_from("10.0.0.3"), link)  # a fresh address, the link is full


def test_a_cache_that_does_not_answer_refuses_and_says_so(firm, caplog):
    link = IntakeLink(pk=10**9 + 2, firm=firm)
    with mock.patch("portal.ratelimit.cache.add", side_effect=ConnectionError("down")):
        assert not ratelimit.allow_submission(_from("10.0.0.9"), link)
    assert "intake rate limit: cache unavailable (ConnectionError)" in caplog.text
