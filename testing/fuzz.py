"""Hostile-input fuzzing of forms and pages with hypothesis: never a 500, never half-saved.

    from testing.fuzz import fuzz_form_post, fuzz_get
    fuzz_form_post(client, "/clients/new/", ["first_name", "date_of_birth", "jobs-0-noc"],
                   fixed=profile_post(consultant))

`fixed` is a valid POST the fuzzed fields are laid over, so each example breaks a few fields
of an otherwise good submission (the deepest code paths), not just the first validator.
`strategies` replaces the hostile values of some fields (e.g. an uploaded file:
``{"file": hostile_uploads(...)}``). Runs are derandomized: the same examples on every run and
in CI, so a failure seen once is seen again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Our own apps' tables: a failed submission must leave every one of them as it was.
# (Login attempts and sessions are written on purpose, even for a refused POST.)
PROJECT_APPS = ("clients", "draws", "eligibility", "invitations", "audit", "ops")

SCRIPTS = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "{{ 7|add:7 }}", "{% debug %}", "'; DROP TABLE clients_client; --", "../../../etc/passwd",
    "\u202egnp.exe", "=HYPERLINK(\"http://evil.example\")", "%00", "\\x00", "null", "None", "undefined",
]
NUMBERS = [
    "-1", "-37.5", "0", "-0", "1e309", "NaN", "Infinity", "-Infinity", "0x1F", "１２", "3,5", "9" * 40,
    "2147483648", "-9223372036854775809", "1_000", " 7 ", "7.25", "168.1", "169",
]
DATES = [
    "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2026-02-30", "2026-13-01", "31/12/9999",
    "-2026-01-01", "2026-11-25T25:61:00", "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00", "today",
]
# Values just past the range of a type or of a database, each sent to every parameter by fuzz_get
# (not left to the draw): SQLite converts datetimes to UTC before the query and holds 64-bit
# integers, PostgreSQL's integer columns 32 bits, Python refuses int() of 4,300+ digits.
OUT_OF_RANGE = [
    "9999-12-31T23:59:59", "9999-12-31T23:59:59.999999", "9999-12-31 23:59", "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "10000-01-01T00:00:00", "9999-12-31",
    "0001-01-01", "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809",
    "1" + "0" * 30, "9" * 5000, "1e400", "-0", "0",
]
NOC_CODES = ["00000", "99999", "1234", "123456", "ABCDE", "31301 ", " 31301", "3130l", "00010", "-3130"]
# What breaks an email header or a file name when it sits inside a value (leading and trailing
# whitespace is stripped by the forms, so these go between ordinary characters).
CONTROL_CHARACTERS = ["\r\n", "\n", "\r", "\r\nBcc: someone@example.com\r\n", "\t", "\x00", "\x0b", "\x0c",
                      "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\x01"]


def hostile_values() -> st.SearchStrategy:
    """One hostile form value: long or odd text, scripts, bad numbers and dates, unknown NOC codes."""
    return st.one_of(
        st.sampled_from(SCRIPTS + NUMBERS + DATES + NOC_CODES + ["", " ", "on", "off", "true", "maybe"]),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.isoformat()),
        st.text(max_size=300),
        st.sampled_from([10_000, 100_001]).map(lambda n: "A" * n),  # past every max_length
        st.text(alphabet="é<>&\"'\u0000\ufeff", min_size=1, max_size=50),
        header_injections(),
        st.lists(st.text(max_size=20), min_size=2, max_size=3),  # a multi-valued field (wrong type)
    )


def header_injections() -> st.SearchStrategy:
    """A value with a line break or another control character inside: "Ana\\r\\nBcc: x@y"."""
    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé@.", min_size=1, max_size=12)
    return st.tuples(word, st.sampled_from(CONTROL_CHARACTERS), word).map("".join)


def hostile_uploads(name: str = "upload.json", valid: Sequence[bytes] = ()) -> st.SearchStrategy:
    """An uploaded file: random bytes, broken or odd JSON, or a `valid` document cut short."""
    documents = st.one_of(
        st.binary(max_size=2000),
        st.sampled_from([b"", b"{", b"[]", b"null", b"{}", b'{"rounds": 1}', b'{"rounds": [1, "x", null]}',
                         b"\xff\xfe\x00\x00", b'{"rounds": [{}]}', b"[" * 5000 + b"]" * 5000]),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids,
                                                                               max_size=4),
                     max_leaves=12).map(lambda v: json.dumps(v).encode()),
        *([st.sampled_from(list(valid)).flatmap(
            lambda doc: st.integers(0, len(doc)).map(lambda n: doc[:n]))] if valid else []),
    )
    return documents.map(lambda content: SimpleUploadedFile(name, content, content_type="application/json"))


def table_counts(app_labels: Iterable[str] = PROJECT_APPS) -> dict[str, int]:
    """Row count of every model (historical tables included) of the installed `app_labels`."""
    installed = {c.label for c in apps.get_app_configs()}
    return {
        model._meta.label: model._base_manager.count()
        for label in app_labels if label in installed
        for model in apps.get_app_config(label).get_models()
    }


def fuzz_form_post(
    client,
    url: str,
    field_names: Sequence[str],
    *,
    fixed: dict | None = None,
    max_examples: int = 60,
    app_labels: Iterable[str] = PROJECT_APPS,
    strategies: dict[str, st.SearchStrategy] | None = None,
) -> dict[int, int]:
    """POST hostile values of `field_names` (over `fixed`) to `url`, many times.

    Asserts on every example: the status is below 500, and unless the answer is a redirect
    (a successful save), no table of `app_labels` gained or lost a row (nothing half-saved).
    Returns how many responses each status code got, for the caller to assert on.
    """
    statuses: dict[int, int] = {}
    app_labels = tuple(app_labels)
    chosen = {name: (strategies or {}).get(name, hostile_values()) for name in field_names}

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(values=st.fixed_dictionaries(chosen))
    def run(values: dict) -> None:
        data = {**(fixed or {}), **values}
        # A savepoint per example: examples stay independent, and a database error in the view
        # (a 500) is reported as such instead of breaking the test's transaction.
        with transaction.atomic():
            before = table_counts(app_labels)
            response = client.post(url, data)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, f"{response.status_code} for {data!r}"
            if not 300 <= response.status_code < 400:
                assert table_counts(app_labels) == before, f"rows changed by a refused POST: {data!r}"
            transaction.set_rollback(True)

    run()
    return statuses


def fuzz_get(client, url: str, param_names: Sequence[str], *, max_examples: int = 40) -> dict[int, int]:
    """GET `url` with hostile query parameters; every answer is below 500.

    Each OUT_OF_RANGE value is sent alone in each parameter first, then `max_examples`
    drawn combinations of hostile values.
    """
    statuses: dict[int, int] = {}

    def get(values: dict) -> None:
        with transaction.atomic():
            response = client.get(url, values)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # a streamed body fails while it is read
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, f"{response.status_code} for {values!r}"
            transaction.set_rollback(True)

    for name in param_names:
        for value in OUT_OF_RANGE:
            get({name: value})

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(values=st.fixed_dictionaries({name: hostile_values() for name in param_names}))
    def run(values: dict) -> None:
        get(values)

    run()
    return statuses


def fuzz_single_line_fields(
    client, url: str, field_names: Sequence[str], *, fixed: dict, messages: Sequence[str],
    max_examples: int = 20, app_labels: Iterable[str] = PROJECT_APPS,
) -> dict[int, int]:
    """POST a line break or control character inside one of `field_names` (names, addresses: what
    reaches an email header or a file name), over the valid `fixed`, many times.

    Asserts on every example: the POST is refused (a 200 or 400 with the form again, never a
    redirect or a 500), one of the field `messages` is on the page (an email field may answer with
    its own "Enter a valid email address."), and no table changed.
    """
    statuses: dict[int, int] = {}
    app_labels = tuple(app_labels)

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(name=st.sampled_from(list(field_names)), value=header_injections())
    def run(name: str, value: str) -> None:
        data = {**fixed, name: value}
        with transaction.atomic():
            before = table_counts(app_labels)
            response = client.post(url, data)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code in (200, 400), f"{response.status_code} for {name}={value!r}"
            page = response.content.decode()
            assert any(m in page for m in messages), f"no field message for {name}={value!r}"
            assert table_counts(app_labels) == before, f"rows changed by a refused POST: {name}={value!r}"
            transaction.set_rollback(True)

    run()
    return statuses
