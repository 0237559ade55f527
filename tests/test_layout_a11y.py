"""What a consultant sees: nothing clipped, readable by everyone, on every page of the role matrix.

Every page a role may open (tests/test_role_matrix.py MATRIX, the one list of pages: a view added
with its row there is visited here too; Django's admin has its own pass, see admin_pages) is loaded
in Chromium as that role, in English and in French. At 1366 and 1024 px wide (a laptop, a small
tablet in landscape) no element may be wider than the box that shows it: no table scrolling
sideways, no text cut off by an ellipsis, an input or a select, no page wider than the window
(testing/layout.py: scrollWidth against clientWidth). axe-core's WCAG 2.1 A/AA rules (vendored,
testing/vendor/axe-core) must find no violation; they run once per page, role and language, at
1366 px (contrast, names and labels do not change with the width).

The world is tests/world.py's, with the longest values a real file has where the layout is tight:
a long e-mail address (also in a sent reminder), an employer's full name, a round with its type,
a document overdue, a stored assessment (the client list's badges). Each failure is listed with
the element and its widths, and its page is saved with the offending elements outlined under
screenshots/layout/ (git-ignored). With LAYOUT_SHOTS_DIR set, every page at every width is saved
there as well, to look at.

One browser for the module, one logged-in context per role and language. A second test walks the
forms with the Tab key: document order, no tabindex jumps, the focus always visible.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import JobFactory
from eligibility.services import refresh_assessments
from testing.layout import (
    axe_violations,
    format_overflows,
    format_violations,
    install_axe,
    outline_failures,
    overflows,
    positive_tabindex,
    tab_through,
)
from testing.services import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.test_role_matrix import MATRIX
from tests.world import ROLES, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 1024)
HEIGHT = 768
LANGUAGES = ("en", "fr")
# A page whose states look different is visited in each: the dashboard's own clients and the
# whole firm (owners and assistants see the firm by default, with a consultant column).
VARIANTS = {"dashboard": ("?scope=mine", "?scope=firm")}
FAILURE_SHOTS = SCREENSHOTS / "layout"


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module; Playwright's event loop runs in this thread meanwhile."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def with_long_values(world: World) -> World:
    """The world with what makes real pages tight: long names and addresses, a round, an overdue item."""
    client = world.client
    client.email = "a.okonkwo-venkataraman@example.com"
    client.save(update_fields=["email"])
    job = client.jobs.first()
    job.employer = "St. Luke's Medical Centre of Greater Vancouver"
    job.save(update_fields=["employer"])
    JobFactory(client=client, noc_id="21232", country="PH", employer="Accenture Inc. (Philippines)",
               start_on=dt.date(2019, 1, 7), end_on=dt.date(2023, 5, 31))
    invitation = world.invitation
    invitation.draw = world.draw
    invitation.save(update_fields=["draw"])
    world.item.start_by = timezone.localdate() - dt.timedelta(days=2)
    world.item.save(update_fields=["start_by"])
    reminder = invitation.reminders.order_by("due_at").first()
    reminder.status, reminder.sent_at = reminder.Status.SENT, timezone.now()
    reminder.recipients = f"{client.email}, cc priya.shah@maple-route-immigration.example"
    reminder.save(update_fields=["status", "sent_at", "recipients"])
    refresh_assessments([client.pk])  # the client list's CRS and program badges
    return world


def pages_for(world: World, role: str) -> list[tuple[str, str]]:
    """(name, url) of every HTML page the role opens with a 200, from the role matrix's rows.

    Django's admin (the matrix's ADMIN_MATRIX, staff only) is checked by its own test below
    (test_admin_pages_fit_both_widths_and_pass_axe), as a superuser who opens every page of it."""
    if role == "anonymous":
        return [("login", reverse("login"))]
    django_client = DjangoClient()
    django_client.force_login(world.users[role])
    found = []
    with mock.patch("eligibility.views.report_pdf_bytes", return_value=b"%PDF-1.7 stub"):
        for name, row in MATRIX.items():
            if row.expected("get")[role] != 200:
                continue
            url = row.url(world)
            response = django_client.get(url)
            if response["Content-Type"].startswith("text/html"):
                found += [(f"{name}{v}", url + v) for v in VARIANTS.get(name, ("",))]
    return found


def logged_in_context(browser, base_url: str, world: World, role: str, language: str):
    """A browser context with the role's session and language cookies (the login form is tested elsewhere)."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}, locale="en-CA")
    install_axe(context)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if world.users[role] is not None:
        django_client = DjangoClient()
        django_client.force_login(world.users[role])
        session = django_client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)
    return context


def settle(page) -> None:
    """Let the page answer a new window size: Chart.js redraws its canvases on the next frames."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => "
                  "setTimeout(r, 50))))")


def _page_problems(page, base: str, url: str, *, status: int, language: str, widths, label: str, name: str,
                   review, scrolling_box: str | None = None) -> list[str]:
    """Open `url` and check it at each width (nothing clipped or too wide) and with axe-core; the
    problems found, each with its outlined screenshot. Asserts the status and the page's language.
    `scrolling_box`: a selector of boxes made to scroll sideways, whose scrolling is no problem."""
    problems: list[str] = []
    page.set_viewport_size({"width": widths[0], "height": HEIGHT})
    response = page.goto(base + url, wait_until="load")
    assert response.status == status, f"{label} {url}: {response.status}"
    assert page.locator("html").get_attribute("lang") == language, f"{url} is not in {language}"
    for width in widths:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        settle(page)
        found = overflows(page, scrolling_box=scrolling_box)
        shot_label = f"{label}-{width}-{name}"
        if found:
            outline_failures(page)
            shot = _shot(page, FAILURE_SHOTS, shot_label)
            problems.append(f"{shot_label} {url}: clipped or too wide (see {shot})\n"
                            f"{format_overflows(found)}")
        if review:
            _shot(page, Path(review), shot_label)
    page.set_viewport_size({"width": widths[0], "height": HEIGHT})
    violations = axe_violations(page)
    if violations:
        problems.append(f"{label} {url}: axe-core\n{format_violations(violations)}")
    return problems


def _shot(page, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize(("role", "language"), [(r, lang) for r in ROLES for lang in LANGUAGES])
def test_every_page_fits_both_widths_and_passes_axe(browser, live_server, role, language):
    world = with_long_values(build_world())
    pages = pages_for(world, role)
    assert pages, f"{role} has no page to look at"
    review = os.environ.get("LAYOUT_SHOTS_DIR")
    context = logged_in_context(browser, live_server.url, world, role, language)
    page = context.new_page()
    failures: list[str] = []
    try:
        for name, url in pages:
            failures += _page_problems(page, live_server.url, url, status=200, language=language,
                                       widths=WIDTHS, label=f"{role}-{language}", name=name, review=review)
    finally:
        context.close()
    assert not failures, f"{len(failures)} page(s) with problems:\n" + "\n".join(failures)


# The forms a consultant fills in: the client's profile (fact tables included), the client list's
# filters, the firm's reminder schedule and checklist documents.
KEYBOARD_PAGES = ("clients:create", "clients:edit", "clients:list", "invitations:settings")


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_are_walked_by_tab_in_reading_order_with_the_focus_shown(browser, live_server, language):
    """From the page's first field, each Tab goes to the next field, link or button of the page in
    document order (no tabindex jumps, nothing skipped, nothing visited twice), and the focused
    element shows an outline or Bootstrap's focus ring."""
    world = with_long_values(build_world())
    context = logged_in_context(browser, live_server.url, world, "owner", language)
    page = context.new_page()
    try:
        for name in KEYBOARD_PAGES:
            url = MATRIX[name].url(world)
            page.goto(live_server.url + url)
            assert positive_tabindex(page) == [], url
            names, steps = tab_through(page, "main")
            assert len(names) > 3, f"{url}: {names}"
            visited = [step["index"] for step in steps]
            assert visited == [*range(len(names)), None], f"{url}: Tab went {visited} over {names}"
            hidden = [step["name"] for step in steps[:-1] if not step["visible"]]
            assert hidden == [], f"{url}: no visible focus on {hidden}"
    finally:
        context.close()


# The client portal (tests/test_role_matrix.py PORTAL_MATRIX): a phone first, then the same widths.
PORTAL_WIDTHS = (390, 1024, 1366)


def portal_pages(world: World) -> list[tuple[str, str, str, int]]:
    """(role, name, url, status) of every portal page to look at: each PORTAL_MATRIX page the
    signed-in client opens with a 200, and the pages a visitor without a session sees (ask for a
    link, a valid link's button, a link that no longer works)."""
    from portal.testing import sign_in, sign_in_path
    from tests.test_role_matrix import PORTAL_MATRIX

    django_client = DjangoClient()
    access = sign_in(django_client, world.client)
    found = []
    for name, row in PORTAL_MATRIX.items():
        if row.expected("get")["client"] != 200:
            continue
        url = row.url(world)
        if django_client.get(url)["Content-Type"].startswith("text/html"):
            found.append(("client", name, url, 200))
    found += [
        ("anonymous", "portal:ask_link", reverse("portal:ask_link"), 200),
        ("anonymous", "portal:sign_in", sign_in_path(access), 200),
        ("anonymous", "portal:sign_in-invalid", sign_in_path(access, "tampered"), 410),
    ]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_pages_fit_a_phone_and_pass_axe(browser, live_server, language):
    """The portal as the client sees it, at 390 px (a phone), 1024 and 1366: nothing clipped or
    too wide, no axe-core violation; the client with an ITA whose checklist has an overdue item."""
    from portal.testing import session_cookie

    world = with_long_values(build_world())
    review = os.environ.get("LAYOUT_SHOTS_DIR")
    failures: list[str] = []
    contexts = {}
    try:
        for role in ("client", "anonymous"):
            context = browser.new_context(viewport={"width": PORTAL_WIDTHS[0], "height": HEIGHT},
                                          locale="en-CA")
            install_axe(context)
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            if role == "client":
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(world.client),
                                "url": live_server.url})
            context.add_cookies(cookies)
            contexts[role] = context.new_page()
        pages = portal_pages(world)  # after the sessions: a sign-in uses up earlier links
        assert any(role == "client" for role, *_ in pages)
        for role, name, url, status in pages:
            failures += _page_problems(contexts[role], live_server.url, url, status=status, language=language,
                                       widths=PORTAL_WIDTHS, label=f"portal-{role}-{language}", name=name,
                                       review=review)
    finally:
        for page in contexts.values():
            page.context.close()
    assert not failures, f"{len(failures)} page(s) with problems:\n" + "\n".join(failures)


# Django's admin as staff use it (tests/test_admin_access.py says who reaches what): the index, the
# changelist and one change form of each ModelAdmin of the project's apps and of the users
# (consultants), and the pages staff use to enter rounds: "Record a round" (the draw's add form)
# and the two IRCC imports. A superuser sees them all; the draws staff see a subset of the same
# templates. Two boxes of the admin are grids made to scroll sideways, like a spreadsheet: the
# changelist's table (Django's own #changelist-form .results, overflow-x: auto) and a tabular
# inline's table (a client's jobs: static/admin_a11y/admin.css gives its fieldset the same
# scrolling). A table wider than the window scrolls there, its cells keeping their whole text, so
# that scrolling is not counted as clipping; anything else the overflow check finds is: a cut
# label, input, select or cell, a page scrolling sideways.
ADMIN_APPS = ("clients", "draws", "eligibility", "invitations")
ADMIN_EXTRA_PAGES = ("admin:index", "admin:draws_draw_add", "admin:draws_draw_import",
                     "admin:draws_category_import")
ADMIN_SCROLLING_BOX = "#changelist-form .results, .inline-group .tabular fieldset.module"


def admin_pages(world: World) -> list[tuple[str, str]]:
    """(name, url) of the admin pages looked at: each ModelAdmin's changelist and one change form
    (its object built by tests/test_admin_access.OBJECTS), then the index and round entry pages."""
    from tests.test_admin_access import OBJECTS

    found = [(name, reverse(name)) for name in ADMIN_EXTRA_PAGES]
    for model in admin.site._registry:
        label = model._meta.label_lower
        if model._meta.app_label not in ADMIN_APPS and model is not get_user_model():
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        found.append((f"{label}-changelist", reverse(f"{info}_changelist")))
        found.append((f"{label}-change", reverse(f"{info}_change", args=[OBJECTS[label](world).pk])))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_fit_both_widths_and_pass_axe(browser, live_server, language):
    """The admin pages staff use, as a superuser, at 1366 and 1024 px: nothing clipped (the
    changelist's own scrolling box aside, see above), no axe-core violation."""
    world = with_long_values(build_world())
    superuser = get_user_model().objects.create_superuser("ada", "ada@itadesk.example", "x-pass-1234")
    world.users["superuser"] = superuser
    pages = admin_pages(world)
    assert len(pages) > 30, pages
    review = os.environ.get("LAYOUT_SHOTS_DIR")
    context = logged_in_context(browser, live_server.url, world, "superuser", language)
    page = context.new_page()
    failures: list[str] = []
    try:
        for name, url in pages:
            failures += _page_problems(page, live_server.url, url, status=200, language=language,
                                       widths=WIDTHS, label=f"admin-{language}", name=name, review=review,
                                       scrolling_box=ADMIN_SCROLLING_BOX)
    finally:
        context.close()
    assert not failures, f"{len(failures)} page(s) with problems:\n" + "\n".join(failures)
