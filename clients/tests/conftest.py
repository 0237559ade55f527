"""Fixtures and form-data builders of the client page tests."""

from __future__ import annotations

import pytest

from clients.tests.factories import FirmFactory, member

FORMSET_PREFIXES = (
    "educations", "languagetests", "jobs", "spouse_educations", "spouse_languagetests", "spouse_jobs",
)


def profile_post(consultant, *, client: dict | None = None, spouse: dict | None = None,
                 **rows: list[dict]) -> dict:
    """POST data of the profile page: the client fields, the spouse form and six formsets.

    rows are keyed by formset prefix (educations=[{...}], spouse_jobs=[{...}]); each row
    may carry "id" for an existing object and "DELETE": "on". Booleans are "on" or absent.
    """
    data = {
        "first_name": "Ana", "last_name": "Reyes", "email": "ana@mail.example", "phone": "",
        "preferred_language": "en", "date_of_birth": "1995-04-02", "marital_status": "single",
        "citizenship_countries": "PH", "residence_countries": "PH, CA",
        "consultant": str(consultant.pk), "status": "in_pool", "ee_profile_number": "E001234567",
        "ee_submitted_at": "", "notes": "", "family_size": "1", "settlement_funds_cad": "",
        "certificate_noc": "", "certificate_province": "", "job_offer_noc": "", "job_offer_years": "1",
        **(client or {}),
    }
    data = {k: v for k, v in data.items() if v is not False}
    for key, value in (spouse or {}).items():
        if value is not False:
            data[f"spouse-{key}"] = value
    for prefix in FORMSET_PREFIXES:
        forms = rows.get(prefix, [])
        initial = sum(1 for row in forms if row.get("id"))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(forms):
            for key, value in row.items():
                if value is not False:
                    data[f"{prefix}-{i}-{key}"] = str(value)
    return data


def spec_example_post(consultant) -> dict:
    """The assessment spec's worked example (shared/spec/assessment.md) as the profile form's POST."""
    return profile_post(
        consultant,
        client={"marital_status": "married", "family_size": "2", "settlement_funds_cad": "21000"},
        spouse={"first_name": "Luis", "last_name": "Reyes", "is_accompanying": "on"},
        educations=[
            {"level": "bachelors", "completed_on": "2017-06-30", "eca_on": "2024-01-10",
             "eca_reference": "WES-1"},
            {"level": "two_year", "is_canadian": "on", "completed_on": "2023-04-30"},
        ],
        languagetests=[
            {"test": "ielts_general", "taken_on": "2026-03-05",
             "listening": "8.5", "reading": "7.5", "writing": "7.0", "speaking": "7.5"},
            {"test": "tef_canada", "taken_on": "2026-05-20",
             "listening": "470", "reading": "440", "writing": "430", "speaking": "460"},
        ],
        jobs=[
            {"noc": "31301", "country": "CA", "start_on": "2023-06-01", "end_on": "",
             "hours_per_week": "37.5", "is_paid": "on"},
            {"noc": "31301", "country": "PH", "start_on": "2017-01-15", "end_on": "2021-04-30",
             "hours_per_week": "40", "is_paid": "on"},
        ],
        spouse_educations=[{"level": "bachelors", "completed_on": "2016-05-31", "eca_on": "2024-02-01"}],
        spouse_languagetests=[
            {"test": "celpip_general", "taken_on": "2026-01-10",
             "listening": "7", "reading": "7", "writing": "6", "speaking": "7"},
        ],
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password per user; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def firm(db):
    return FirmFactory(name="Maple Route Immigration")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", first_name="Priya", last_name="Shah", username="priya")


@pytest.fixture
def logged_in(client, consultant):
    """Django's test client, logged in as a consultant of `firm`."""
    client.force_login(consultant)
    return client
