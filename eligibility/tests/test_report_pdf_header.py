"""The PDF's running header and footer print names as written, on every page.

They used to be CSS strings filled with Django's escapejs, which is JavaScript escaping: CSS
printed "Jean-Pierre D'Amour" as "Jeanu002DPierre Du0027Amour". They are now running
elements (HTML, escaped like the rest of the page).
"""

from __future__ import annotations

import subprocess

import pytest

from clients.tests.factories import FirmFactory, member
from eligibility import services
from eligibility.pdf import report_pdf_bytes
from eligibility.tests.report_fixtures import (
    SPEC_AS_OF,
    ensure_reference_data,
    load_rounds,
    spec_example_client,
)

pytestmark = pytest.mark.django_db

NAMES = [
    ("Jean-Pierre", "D'Amour"),
    ("Hélène", "Côté-Lévesque"),
    ('Zoë "Q"', "Back\\slash </style><b>x</b>"),
]


def _page_text(pdf: bytes, page: int, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("first, last", NAMES)
def test_the_running_header_prints_the_names_as_written_on_every_page(first, last, tmp_path):
    ensure_reference_data()
    load_rounds()
    firm = FirmFactory(name="O'Brien & Fils \"Immigration\"")
    consultant = member(firm, "consultant")
    person = spec_example_client(firm=firm, consultant=consultant)
    person.first_name, person.last_name = first, last
    person.save()
    report = services.generate_report(client=person, by=consultant, as_of=SPEC_AS_OF)
    pdf = report_pdf_bytes(report)
    for page in (1, 2):
        text = _page_text(pdf, page, tmp_path)
        header = text.strip().splitlines()[0]
        assert "O'Brien & Fils \"Immigration\"" in header, header
        assert f"{first} {last} · " in header and str(SPEC_AS_OF.year) in header, header  # name · date
        assert f"Express Entry eligibility report #{report.pk}" in text
        assert "u00" not in text
