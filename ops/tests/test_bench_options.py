"""`manage.py bench`'s refresh options: refused with a message naming the option, and the text report of
a run that timed the nightly refresh only fanned out (as the 1,000,000-client record did)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ops.management.commands.bench import Command


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--refresh-workers", "two"], "--refresh-workers"),
        (["--refresh-workers", "1,0"], "--refresh-workers"),
        (["--refresh-timeout", "0"], "--refresh-timeout"),
    ],
)
def test_bad_refresh_options_are_refused_before_anything_runs(args: list[str], named: str) -> None:
    with pytest.raises(CommandError, match=named) as refused:
        call_command("bench", *args)
    assert refused.value.returncode == 2


def test_the_text_report_without_the_in_process_refresh() -> None:
    out = StringIO()
    command = Command(stdout=out)
    command.as_json = False
    command._print({
        "clients": 1_000_000, "database": "postgresql", "seed_s": 2.5, "seed_reused": True,
        "import_full_feed_s": 0.2,
        "engine": {"crs_scores_per_s": 100_000, "assessments_per_s": 4_000},
        "matching": {"seconds": 1.0, "matched": 5, "digest_seconds": 0.5},
        "nightly_refresh": {"skipped": "--no-refresh-in-process"},
        "refresh_2_worker": {"workers": 2, "seconds": 100.0, "clients_per_s": 2_000, "refreshed": 200_000},
        "reminder_scan": {"seconds": 0.1, "open_invitations": 100_100, "invitations_dispatched": 7,
                          "tasks_queued": 1},
        "reminder_delivery": {"emails_per_s": 50, "sent": 7, "seconds": 0.14},
        "pages": {}, "targets": {},
    })
    text = out.getvalue()
    assert "1,000,000 clients on postgresql (reused 2.5 s)" in text
    assert "(in process: --no-refresh-in-process)" in text
    assert "refresh 2 workers      100.0 s   (2,000 clients/s; 0.50x the engine's assessments/s)" in text
    assert "refresh scaling" not in text  # needs both the 1- and the 2-worker runs
