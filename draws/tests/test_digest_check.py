"""A category round never silently skips clients the product cannot judge: the digest lists them
under "Check" (real Celery worker on Redis, real SMTP server). They are not matches."""

from __future__ import annotations

import pytest

from clients.tests.factories import FirmFactory, member
from draws import services
from draws.models import Draw, DrawDigest, DrawMatch
from draws.tests.factories import category
from draws.tests.test_matching import _candidate, _today, _wait_for_tasks
from eligibility.models import ClientAssessment
from eligibility.services import refresh_assessments

CARPENTER, NURSE = "72310", "31301"


@pytest.fixture
def crew(reference_data):
    """Ana's carpenter and her client without a program; Ben's carpenter; the 2026 trade list unknown."""
    trades = category("trades", _today())
    trades.nocs.clear()
    firm = FirmFactory(name="Maple Immigration")
    ana = member(firm, email="ana@maple.example", first_name="Ana")
    ben = member(firm, email="ben@maple.example", first_name="Ben")
    people = {
        "Carpenter": _candidate(firm, ana, "Carpenter", noc=CARPENTER),
        "Noprogram": _candidate(firm, ana, "Noprogram", noc=CARPENTER, ielts=(4, 4, 4, 4)),
        "Benscarpenter": _candidate(firm, ben, "Benscarpenter", noc=CARPENTER),
    }
    refresh_assessments(as_of=_today())
    return {"trades": trades, "ana": ana, "ben": ben, **people}


def _trades_round(trades, **fields) -> Draw:
    values = {"round_number": "460", "drawn_on": _today(), "type": Draw.Type.CATEGORY, "category": trades,
              "invitations_issued": 1000, "lowest_crs": 300}
    values.update(fields)
    return Draw(**values)


def test_the_stored_assessments_say_check_for_an_unknown_list(crew):
    stored = {a.client.last_name: a for a in ClientAssessment.objects.select_related("client")}
    assert "trades" in stored["Carpenter"].categories_check and "trades" not in stored["Carpenter"].categories
    assert "trades" not in stored["Noprogram"].categories_check  # no program: plainly not eligible
    assert all(a.crs_total >= 300 for a in stored.values())


def test_check_clients_are_computed_for_the_digest_not_stored_as_matches(crew):
    draw = _trades_round(crew["trades"])
    draw.save()
    assert services.match_draw(draw_id=draw.pk).found == 0
    assert not DrawMatch.objects.filter(draw=draw).exists()
    names = {r["client__last_name"] for r in services.check_clients(draw)}
    assert names == {"Carpenter", "Benscarpenter"}


@pytest.mark.worker
def test_a_trades_round_digest_lists_the_clients_it_cannot_judge_under_check(crew, celery_workers,
                                                                             smtp_server, celery_queue):
    celery_workers.start()
    draw = services.record_draw(_trades_round(crew["trades"]), by=crew["ana"])  # queued on commit
    _wait_for_tasks(celery_queue, 1)
    messages = smtp_server.wait_for(2)
    by_to = {m["To"]: m for m in messages}
    assert set(by_to) == {"ana@maple.example", "ben@maple.example"}
    ana = by_to["ana@maple.example"]
    text = ana.get_body(("plain",)).get_content()
    html = ana.get_body(("html",)).get_content()
    invited, check = text.split("Check (1): at or above the cut-off, but ITA Desk cannot judge")
    assert "Carpenter" not in invited and "Carpenter" in check
    assert "Noprogram" not in text and "Benscarpenter" not in text
    assert "not eligible" not in text.lower()
    assert "Check (1)" in html and "Carpenter" in html and "#ffc107" in html
    assert "Benscarpenter" in by_to["ben@maple.example"].get_body(("plain",)).get_content()
    assert not DrawMatch.objects.filter(draw=draw).exists()
    assert all(d.sent_at and d.match_count == 0 for d in DrawDigest.objects.filter(draw=draw))


def test_once_the_list_is_known_the_carpenter_is_a_match_not_a_check(crew, smtp_server):
    crew["trades"].nocs.add(CARPENTER)
    refresh_assessments(as_of=_today())
    draw = _trades_round(crew["trades"], round_number="461")
    draw.save()
    assert services.match_draw(draw_id=draw.pk).found == 2
    assert services.check_clients(draw) == []
    services.send_draw_digests(draw_id=draw.pk)
    ana = next(m for m in smtp_server.wait_for(2) if m["To"] == "ana@maple.example")
    assert "Check (" not in ana.get_body(("plain",)).get_content()
