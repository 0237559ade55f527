"""After a round: who would have been invited, and one digest per consultant (real worker, SMTP)."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from draws import services, tasks
from draws.models import Draw, DrawDigest, DrawMatch
from draws.tests.factories import DrawFactory, category
from eligibility.models import ClientAssessment
from eligibility.services import refresh_assessments
from testing.assessments import round_types

ROOT = Path(__file__).resolve().parents[2]
NURSE, DEVELOPER = "31301", "21231"  # healthcare_social list / not on it


def _today():
    return timezone.localdate()


def _candidate(firm, consultant, last_name: str, *, noc: str = NURSE, ielts=(8.5, 7.5, 7.0, 7.5),
               old_job_noc: str | None = None, **client_fields) -> Client:
    """A bachelor's graduate with IELTS and Canadian work since 3.5 years ago (CEC eligible)."""
    today = _today()
    client = ClientFactory(firm=firm, consultant=consultant, last_name=last_name, **client_fields)
    EducationFactory(client=client, level="bachelors")
    LanguageTestFactory(client=client, taken_on=today - timedelta(days=200),
                        listening=ielts[0], reading=ielts[1], writing=ielts[2], speaking=ielts[3])
    JobFactory(client=client, noc_id=noc, start_on=today - timedelta(days=3 * 365 + 180))
    if old_job_noc:  # a listed job that ended more than three years ago
        JobFactory(client=client, noc_id=old_job_noc, country="PH", start_on=today - timedelta(days=9 * 365),
                   end_on=today - timedelta(days=3 * 365 + 60))
    return client


@pytest.fixture
def people(reference_data):
    """Two firms; firm one has two consultants. Who should be in which digest is in the names."""
    one, two = FirmFactory(name="Maple Immigration"), FirmFactory(name="Other Firm Inc")
    ana = member(one, email="ana@maple.example", first_name="Ana")
    ben = member(one, email="ben@maple.example", first_name="Ben")
    cho = member(two, email="cho@other.example", first_name="Cho")
    clients = {
        "Eligible": _candidate(one, ana, "Eligible"),
        "Below": _candidate(one, ana, "Below", ielts=(6, 6, 6, 6)),
        "Developer": _candidate(one, ana, "Developer", noc=DEVELOPER),
        "Oldjob": _candidate(one, ana, "Oldjob", noc=DEVELOPER, old_job_noc=NURSE),
        "Landed": _candidate(one, ana, "Landed", status=Client.Status.LANDED),
        "Bensclient": _candidate(one, ben, "Bensclient"),
        "Otherfirm": _candidate(two, cho, "Otherfirm"),
    }
    assert refresh_assessments(as_of=_today()) == len(clients)
    return {"ana": ana, "ben": ben, "cho": cho, **clients}


def _healthcare_round(**fields) -> Draw:
    """'Healthcare, 3,000 ITAs, lowest CRS 434, today' (fictional: see express-entry.md §8)."""
    values = {"round_number": "448", "drawn_on": _today(), "type": Draw.Type.CATEGORY,
              "category": category("healthcare_social", _today()), "invitations_issued": 3000,
              "lowest_crs": 434}
    values.update(fields)
    return Draw(**values)


def test_the_stored_assessments_are_what_the_cases_say(people):
    stored = {a.client.last_name: a for a in ClientAssessment.objects.select_related("client")}
    assert stored["Eligible"].crs_total >= 434 and stored["Eligible"].cec
    assert "healthcare_social" in stored["Eligible"].categories
    assert stored["Below"].crs_total < 434 and "healthcare_social" in stored["Below"].categories
    assert stored["Developer"].crs_total >= 434 and stored["Developer"].categories == []
    assert stored["Oldjob"].crs_total >= 434 and stored["Oldjob"].cec
    assert "healthcare_social" not in stored["Oldjob"].categories


def test_a_category_round_matches_eligible_active_clients_above_the_cutoff_across_firms(people):
    draw = DrawFactory(round_number="448", drawn_on=_today(), type="category",
                       category=category("healthcare_social", _today()), lowest_crs=434)
    result = services.match_draw(draw_id=draw.pk)
    matched = {m.client.last_name: m for m in DrawMatch.objects.filter(draw=draw).select_related("client")}
    assert set(matched) == {"Eligible", "Bensclient", "Otherfirm"}
    eligible = matched["Eligible"]
    assert eligible.crs == people["Eligible"].assessment.crs_total
    assert eligible.margin == eligible.crs - 434 and eligible.firm == people["Eligible"].firm
    assert (result.found, result.added) == (3, 3)
    assert services.match_draw(draw_id=draw.pk).added == 0  # again: nothing new
    assert DrawMatch.objects.filter(draw=draw).count() == 3


@pytest.mark.parametrize("type_, expected", [
    ("general", {"A-cec", "B-fsw", "C-fstp", "D-pnp"}),
    ("cec", {"A-cec", "D-pnp"}),
    ("fsw", {"B-fsw"}),
    ("fstp", {"C-fstp"}),
    ("pnp", {"D-pnp"}),
    ("other", set()),
])
def test_each_round_type_invites_its_program(db, type_, expected):
    """The stored cache (flags set directly here) read for each type of round."""
    firm = FirmFactory()
    consultant = member(firm)
    for name, flags, pnp in [("A-cec", {"cec": True}, False), ("B-fsw", {"fsw": True}, False),
                             ("C-fstp", {"fstp": True}, False), ("D-pnp", {"cec": True}, True),
                             ("E-none", {}, True)]:
        client = ClientFactory(firm=firm, consultant=consultant, last_name=name,
                               has_provincial_nomination=pnp)
        ClientAssessment.objects.create(client=client, firm=firm, as_of=_today(), rules="2025-03-25",
                                        crs_total=800 if pnp else 500, result={}, **flags,
                                        open_round_types=round_types(programs=flags, pnp=pnp))
    draw = DrawFactory(drawn_on=_today(), type=type_, lowest_crs=450)
    found = {Client.objects.get(pk=c).last_name for c, _f, _s in services.invited_clients(draw)}
    assert found == expected


def _succeeded(queue: str, name: str = "w1") -> int:
    log = ROOT / f".pytest_cache/celery-{queue}-{name}.log"
    return len(re.findall(r"Task draws\.tasks\.match_draw\[[^\]]+\] succeeded", log.read_text()))


def _wait_for_tasks(queue: str, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while _succeeded(queue) < count:
        assert time.monotonic() < deadline, f"match_draw did not succeed {count} times in {timeout}s"
        time.sleep(0.1)


@pytest.mark.worker
def test_a_hand_entered_round_sends_one_digest_per_consultant_once(people, celery_workers, smtp_server,
                                                                   celery_queue):
    celery_workers.start()
    draw = services.record_draw(_healthcare_round(), by=people["ana"])  # commits: the job is queued

    _wait_for_tasks(celery_queue, 1)
    messages = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["ana@maple.example", "ben@maple.example",
                                                 "cho@other.example"]
    by_to = {m["To"]: m for m in messages}

    ana = by_to["ana@maple.example"]
    assert ana["Subject"] == ("Round #448 (Healthcare and social services occupations, lowest CRS 434): "
                              "1 of your clients would have been invited")
    text = ana.get_body(("plain",)).get_content()
    html = ana.get_body(("html",)).get_content()
    crs = people["Eligible"].assessment.crs_total
    for body in (text, html):
        assert "Eligible" in body and str(crs) in body and f"+{crs - 434}" in body
        for absent in ("Below", "Developer", "Oldjob", "Landed", "Bensclient", "Otherfirm"):
            assert absent not in body  # below, outside the list, too old, landed, not hers, another firm
    assert "Bensclient" in by_to["ben@maple.example"].get_body(("plain",)).get_content()
    cho = by_to["cho@other.example"].get_body(("plain",)).get_content()
    assert "Otherfirm" in cho and "Eligible" not in cho and "Maple" not in cho

    assert DrawMatch.objects.filter(draw=draw).count() == 3
    digests = DrawDigest.objects.filter(draw=draw)
    assert digests.count() == 3 and all(d.sent_at and d.match_count == 1 for d in digests)

    # Running the job again creates no duplicate and sends no second digest.
    tasks.match_draw.delay(draw.pk)
    _wait_for_tasks(celery_queue, 2)
    time.sleep(0.5)
    assert len(smtp_server.messages) == 3
    assert DrawMatch.objects.filter(draw=draw).count() == 3
    assert DrawDigest.objects.filter(draw=draw).count() == 3


def test_an_smtp_outage_leaves_digests_unsent_and_a_retry_sends_each_once(people, smtp_server):
    draw = DrawFactory(round_number="448", drawn_on=_today(), type="category",
                       category=category("healthcare_social", _today()), lowest_crs=434)
    services.match_draw(draw_id=draw.pk)
    smtp_server.stop()
    with pytest.raises(services.DigestSendError, match="3 digests not sent"):
        services.send_draw_digests(draw_id=draw.pk)
    assert all(d.sent_at is None and d.attempts == 1 and d.last_error for d in DrawDigest.objects.all())
    smtp_server.start()
    assert services.send_draw_digests(draw_id=draw.pk) == 3
    assert services.send_draw_digests(draw_id=draw.pk) == 0
    assert len(smtp_server.wait_for(3)) == 3
    time.sleep(0.2)
    assert len(smtp_server.messages) == 3


def test_a_consultant_never_gets_a_client_of_another_firm(people, smtp_server):
    # Data gone wrong: a client of firm two assigned to a consultant of firm one.
    stray = _candidate(people["Otherfirm"].firm, people["ana"], "Stray")
    refresh_assessments([stray.pk], as_of=_today())
    draw = DrawFactory(round_number="448", drawn_on=_today(), type="category",
                       category=category("healthcare_social", _today()), lowest_crs=434)
    services.match_draw(draw_id=draw.pk)
    services.send_draw_digests(draw_id=draw.pk)
    ana = next(m for m in smtp_server.wait_for(3) if m["To"] == "ana@maple.example")
    assert "Stray" not in ana.get_body(("plain",)).get_content()


def test_a_digest_claimed_by_a_live_worker_is_left_alone_and_a_stale_claim_is_taken_over(people,
                                                                                         smtp_server):
    draw = DrawFactory(round_number="448", drawn_on=_today(), type="category",
                       category=category("healthcare_social", _today()), lowest_crs=434)
    services.match_draw(draw_id=draw.pk)
    ana = people["ana"]
    DrawDigest.objects.create(draw=draw, consultant=ana, firm=ana.membership.firm, claimed_at=timezone.now())
    with pytest.raises(services.DigestSendError, match="1 digests not sent"):
        services.send_draw_digests(draw_id=draw.pk)  # Ben's and Cho's go; Ana's is being sent elsewhere
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == ["ben@maple.example", "cho@other.example"]
    DrawDigest.objects.filter(consultant=ana).update(
        claimed_at=timezone.now() - services.CLAIM_LEASE - timedelta(seconds=1))  # that worker died
    assert services.send_draw_digests(draw_id=draw.pk) == 1
    assert [m["To"] for m in smtp_server.wait_for(3)][2] == "ana@maple.example"


def test_a_french_consultants_digest_is_in_french_and_an_english_colleagues_stays_english(people,
                                                                                          smtp_server,
                                                                                          settings):
    settings.SITE_URL = "https://desk.example"
    ana = people["ana"].membership
    ana.language = "fr"
    ana.save()
    draw = DrawFactory(round_number="448", drawn_on=date(2026, 11, 4), type="category",
                       category=category("healthcare_social", date(2026, 11, 4)), invitations_issued=3000,
                       lowest_crs=434)
    services.match_draw(draw_id=draw.pk)
    assert services.send_draw_digests(draw_id=draw.pk) == 3
    by_to = {m["To"]: m for m in smtp_server.wait_for(3)}
    crs = people["Eligible"].assessment.crs_total

    french = by_to["ana@maple.example"]
    name_fr = draw.category.name_fr
    assert name_fr and name_fr != draw.category.name_en
    # strip(): the parser keeps the space that folds a long encoded subject onto its own line.
    assert french["Subject"].strip() == (f"Ronde nº 448 ({name_fr}, note SCG la plus basse 434)\xa0: "
                                         "1 de vos clients aurait été invité")
    assert french["Content-Language"] == "fr"
    text = french.get_body(("plain",)).get_content()
    html = french.get_body(("html",)).get_content()
    for body in (text, html):  # the date and the thousands as French writes them
        assert "Bonjour Ana " in body
        assert "IRCC a tenu la ronde nº 448 le 4\xa0nov. 2026" in body and "3\xa0000 invitations" in body
        assert "Hello" not in body and "would have been invited" not in body
    assert f"Eligible: SCG {crs} (+{crs - 434})" in text
    assert "Voir la ronde" in html and "Au-dessus du seuil" in html

    english = by_to["ben@maple.example"]
    assert english["Subject"] == ("Round #448 (Healthcare and social services occupations, lowest CRS 434): "
                                  "1 of your clients would have been invited")
    assert english["Content-Language"] == "en"
    text = english.get_body(("plain",)).get_content()
    assert "Hello Ben " in text and "IRCC held round #448 on Nov 4, 2026" in text
    assert "3,000 invitations" in text and "Bonjour" not in text


# --- the sweep: a round whose job was lost is matched all the same ----------------------------------

def test_matching_marks_the_round_matched(people):
    draw = _healthcare_round()
    draw.save()  # saved without the job (as if its publish had been lost)
    assert draw.matched_at is None
    services.match_draw(draw_id=draw.pk)
    draw.refresh_from_db()
    assert draw.matched_at is not None


def test_the_sweep_picks_only_recent_unmatched_rounds_past_the_grace(people, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.match_draw, "delay", queued.append)
    now = timezone.now()
    lost = DrawFactory(round_number="901", drawn_on=_today() - timedelta(days=1), lowest_crs=434)
    just_saved = DrawFactory(round_number="902", drawn_on=_today(), lowest_crs=434)
    matched = DrawFactory(round_number="903", drawn_on=_today(), lowest_crs=434, matched_at=now)
    too_old = DrawFactory(round_number="904", lowest_crs=434,
                          drawn_on=_today() - timedelta(days=services.MATCH_WINDOW_DAYS + 1))
    Draw.objects.filter(pk__in=[lost.pk, matched.pk, too_old.pk]).update(
        entered_at=now - timedelta(minutes=10))
    assert services.match_pending_draws(now=now) == [lost.pk] == queued
    assert just_saved.pk not in queued  # its own job has not had SWEEP_GRACE yet
    assert services.match_pending_draws(now=now + timedelta(minutes=5)) == [lost.pk, just_saved.pk]


def test_a_round_whose_job_was_lost_is_matched_and_announced_by_the_sweep(people, celery_workers, smtp_server,
                                                                           celery_queue):
    celery_workers.start()
    draw = _healthcare_round()
    draw.save()  # committed without its job: the broker refused the publish, say
    Draw.objects.filter(pk=draw.pk).update(entered_at=timezone.now() - timedelta(minutes=3))

    tasks.match_pending_draws.delay()  # beat's tick, run by the real worker, which queues the job
    _wait_for_tasks(celery_queue, 1)
    messages = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["ana@maple.example", "ben@maple.example",
                                                 "cho@other.example"]
    assert DrawMatch.objects.filter(draw=draw).count() == 3
    draw.refresh_from_db()
    assert draw.matched_at is not None
    assert services.match_pending_draws() == []  # matched: the next tick leaves it


# --- an admin's edit of a category list reaches the stored assessments at once ----------------------

def _category_post(cat, **changes) -> dict:
    """The admin change form's data for `cat` as it stands, with `changes`."""
    data = {
        "slug": cat.slug, "name_en": cat.name_en, "name_fr": cat.name_fr,
        "effective_from": cat.effective_from.isoformat(),
        "effective_to": cat.effective_to.isoformat() if cat.effective_to else "",
        "experience_rule": cat.experience_rule, "nocs": list(cat.nocs.values_list("pk", flat=True)),
        "draw_names": json.dumps(cat.draw_names), "note": cat.note,
        **({"is_list_unconfirmed": "on"} if cat.is_list_unconfirmed else {}),
    }
    data.update(changes)
    return data


def test_a_category_list_edit_schedules_the_refresh_and_a_note_edit_does_not(
        admin_client, reference_data, django_capture_on_commit_callbacks):
    from django.urls import reverse

    cat = category("healthcare_social", _today())
    url = reverse("admin:draws_category_change", args=[cat.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, _category_post(cat, note="checked against the annex"), follow=True)
    assert response.status_code == 200 and "was changed successfully" in response.content.decode()
    # No refresh is scheduled: what runs after the commit is only the pages' categories token redraw
    # (draws.selectors.new_categories_token), so cached pages show the saved category.
    assert [c.__qualname__ for c in callbacks] == ["new_categories_token.<locals>.draw"] * len(callbacks)
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, _category_post(cat, nocs=[*_category_post(cat)["nocs"], DEVELOPER]),
                                     follow=True)
    assert "stored assessment is being recomputed" in response.content.decode()
    assert len([c for c in callbacks if c.__qualname__ != "new_categories_token.<locals>.draw"]) == 1
    assert cat.nocs.filter(pk=DEVELOPER).exists()


def test_a_category_list_edit_makes_clients_eligible_and_alerts_their_consultant(
        people, admin_user, client, celery_workers, celery_queue):
    from django.urls import reverse

    from eligibility.models import Alert

    celery_workers.start()
    assert "healthcare_social" not in people["Developer"].assessment.categories
    cat = category("healthcare_social", _today())
    client.force_login(admin_user)
    response = client.post(reverse("admin:draws_category_change", args=[cat.pk]),
                           _category_post(cat, nocs=[*_category_post(cat)["nocs"], DEVELOPER]))
    assert response.status_code == 302

    deadline = time.monotonic() + 60
    while "healthcare_social" not in ClientAssessment.objects.get(client=people["Developer"]).categories:
        assert time.monotonic() < deadline, "the stored assessment did not follow the new list"
        time.sleep(0.2)
    alert = Alert.objects.get(client=people["Developer"], kind=Alert.Kind.NEWLY_ELIGIBLE)
    assert alert.consultant == people["ana"] and "healthcare_social" in str(alert.data)
