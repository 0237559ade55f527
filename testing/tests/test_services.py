"""The test harness itself: a real worker consumes the test's queue, a real SMTP server receives."""

import pytest
from django.core.mail import send_mail


@pytest.mark.worker
def test_worker_runs_a_task_from_the_tests_own_queue(celery_workers, celery_queue):
    from config.celery import app

    celery_workers.start()
    result = app.send_task("celery.ping", queue=celery_queue)
    assert result.id
    assert celery_workers.procs["w1"].poll() is None


def test_smtp_server_receives_django_email(smtp_server):
    send_mail("Subject é", "Body", "from@firm.example", ["to@client.example"])
    (msg,) = smtp_server.wait_for(1)
    assert msg["Subject"] == "Subject é"
    assert msg["To"] == "to@client.example"


@pytest.mark.browser
def test_browser_logs_in_and_sees_the_dashboard(page, db):
    from clients.tests.factories import PASSWORD, member
    from testing.services import login, screenshot

    user = member(username="ana")
    login(page, page.base_url, "ana", PASSWORD)
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    assert "Dashboard" in page.content()
    assert screenshot(page, "login-dashboard").stat().st_size > 1000
    assert user.membership.firm.name in page.content()
