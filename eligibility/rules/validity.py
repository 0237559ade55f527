"""How long the documents of an Express Entry profile stay valid (defined once here).

* A language test result: 2 years from the test date (IRCC, "Language test results": results
  must be less than two years old on the day the application is received and while in the pool).
* An Educational Credential Assessment: 5 years from its issue date (IRPR s.73, ECA validity).
* The Express Entry profile: 12 months from submission (MI respecting Express Entry; a profile
  not invited within 12 months expires).

Each expiry is the same calendar day that many years or months later (29 February becomes
28 February). The engine, the reports and the nightly document alerts read these.
"""

from __future__ import annotations

from datetime import date

from .dates import add_months, add_years

LANGUAGE_TEST_VALID_YEARS = 2
ECA_VALID_YEARS = 5
PROFILE_VALID_MONTHS = 12


def language_test_expires_on(taken_on: date) -> date:
    """The first day a language test result taken on `taken_on` is no longer valid."""
    return add_years(taken_on, LANGUAGE_TEST_VALID_YEARS)


def eca_expires_on(eca_on: date) -> date:
    """The first day an ECA issued on `eca_on` is no longer valid."""
    return add_years(eca_on, ECA_VALID_YEARS)


def profile_expires_on(submitted_on: date) -> date:
    """The first day an Express Entry profile submitted on `submitted_on` has expired."""
    return add_months(submitted_on, PROFILE_VALID_MONTHS)
