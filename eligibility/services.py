"""Bridge between client records and the rules engine; the only writer of assessments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from clients.models import Client, Education, Job, LanguageTest
from draws.models import Category
from eligibility import rules
from eligibility.models import ClientAssessment
from eligibility.rules import facts as F


def category_rules(*, as_of: date | None = None) -> list[F.CategoryRule]:
    """Every category (or those in force on as_of) as engine input, in 2 queries."""
    qs = Category.objects.prefetch_related("nocs")
    if as_of is not None:
        qs = qs.filter(effective_from__lte=as_of).exclude(effective_to__lt=as_of)
    return [
        F.CategoryRule(
            slug=c.slug,
            name=c.name_en,
            effective_from=c.effective_from,
            effective_to=c.effective_to,
            experience_rule=c.experience_rule,
            nocs=frozenset(n.code for n in c.nocs.all()),
            list_unconfirmed=c.is_list_unconfirmed,
        )
        for c in qs
    ]


def clients_with_facts(qs):
    """The queryset with everything facts_for() reads, in a fixed number of queries."""
    return qs.select_related("spouse", "certificate_noc", "job_offer_noc").prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("id")),
        Prefetch("languagetests", queryset=LanguageTest.objects.order_by("id")),
        Prefetch("jobs", queryset=Job.objects.order_by("id")),
    )


def _credential(e: Education) -> F.Credential:
    return F.Credential(level=e.level, canadian=e.is_canadian, completed_on=e.completed_on, eca_on=e.eca_on)


def _test(t: LanguageTest) -> F.LanguageTest:
    return F.LanguageTest(
        test=t.test, taken_on=t.taken_on, listening=float(t.listening), reading=float(t.reading),
        writing=float(t.writing), speaking=float(t.speaking),
    )


def _job(j: Job) -> F.Job:
    return F.Job(
        noc=j.noc_id, country=j.country.upper(), start=j.start_on, end=j.end_on,
        hours_per_week=float(j.hours_per_week), paid=j.is_paid, self_employed=j.is_self_employed,
        full_time_student=j.was_full_time_student,
    )


def facts_for(client: Client) -> F.Facts:
    """The engine's input for a client (use clients_with_facts to avoid per-client queries)."""
    educations = list(client.educations.all())
    tests = list(client.languagetests.all())
    jobs = list(client.jobs.all())
    spouse = None
    spouse_row = getattr(client, "spouse", None) if _has_spouse_row(client) else None
    if spouse_row is not None and client.marital_status in ("married", "common_law"):
        spouse = F.Spouse(
            accompanying=spouse_row.is_accompanying,
            canadian_citizen_or_pr=spouse_row.is_canadian_citizen_or_pr,
            education=tuple(_credential(e) for e in educations if e.of_spouse),
            language_tests=tuple(_test(t) for t in tests if t.of_spouse),
            work_history=tuple(_job(j) for j in jobs if j.of_spouse),
        )
    return F.Facts(
        date_of_birth=client.date_of_birth,
        marital_status=client.marital_status,
        spouse=spouse,
        education=tuple(_credential(e) for e in educations if not e.of_spouse),
        language_tests=tuple(_test(t) for t in tests if not t.of_spouse),
        work_history=tuple(_job(j) for j in jobs if not j.of_spouse),
        certificate_of_qualification=(
            F.Certificate(noc=client.certificate_noc_id or "", province=client.certificate_province)
            if client.has_certificate else None
        ),
        provincial_nomination=client.has_provincial_nomination,
        job_offer=(
            F.JobOffer(noc=client.job_offer_noc_id or "", years=client.job_offer_years)
            if client.has_job_offer else None
        ),
        sibling_in_canada=client.has_sibling_in_canada,
        family_size=client.family_size,
        settlement_funds_cad=client.settlement_funds_cad,
        profile_submitted_on=client.ee_submitted_at.date() if client.ee_submitted_at else None,
    )


def _has_spouse_row(client: Client) -> bool:
    try:
        client.spouse  # noqa: B018 - triggers the select_related cache
    except Client.spouse.RelatedObjectDoesNotExist:
        return False
    return True


def assess_client(client: Client, *, as_of: date | None = None,
                  categories: Sequence[F.CategoryRule] | None = None) -> rules.Assessment:
    """The engine's assessment of one client as of a date (default today)."""
    as_of = as_of or timezone.localdate()
    if categories is None:
        categories = category_rules(as_of=as_of)
    return rules.assess(facts_for(client), as_of=as_of, categories=categories)


def _row(client: Client, a: rules.Assessment, as_of: date) -> ClientAssessment:
    data = a.to_dict()
    return ClientAssessment(
        client=client, firm_id=client.firm_id, as_of=as_of, rules=data["crs"]["rules"],
        crs_total=data["crs"]["total"],
        fsw=data["programs"]["fsw"]["eligible"], cec=data["programs"]["cec"]["eligible"],
        fstp=data["programs"]["fstp"]["eligible"],
        categories=[c["slug"] for c in data["categories"] if c["eligible"]],
        result=data,
    )


def refresh_assessments(client_ids: Iterable[int] | None = None, *, as_of: date | None = None,
                        batch_size: int = 2000) -> int:
    """Recompute and store the current assessment of the given clients (all when None).

    Bulk: a fixed number of queries per batch (clients with prefetches, one upsert).
    Returns the number of clients refreshed.
    """
    as_of = as_of or timezone.localdate()
    categories = category_rules(as_of=as_of)
    base = Client.objects.order_by("id")
    if client_ids is not None:
        base = base.filter(id__in=list(client_ids))
    count = 0
    last_id = 0
    while True:
        batch = list(clients_with_facts(base.filter(id__gt=last_id))[:batch_size])
        if not batch:
            break
        rows = [_row(c, assess_client(c, as_of=as_of, categories=categories), as_of) for c in batch]
        with transaction.atomic():
            ClientAssessment.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["client"],
                update_fields=["firm", "as_of", "rules", "crs_total", "fsw", "cec", "fstp",
                               "categories", "result", "computed_at"],
            )
        count += len(batch)
        last_id = batch[-1].id
    return count
