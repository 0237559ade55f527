"""Every role against every view (issue 6): the expected status of each GET and POST.

The URL list comes from the resolver: a view added to any urls.py without a row in MATRIX
fails test_every_view_has_a_row_in_the_matrix. Left out on purpose (EXCLUDED): Django's own
admin (its draws and categories pages have explicit rows in ADMIN_MATRIX; every registered
ModelAdmin's pages, for the admin's own roles, are walked by tests/test_admin_access.py), the
login and logout views (the login form is fuzzed in tests/test_fuzz_forms.py) and the language
switcher.

Roles (tests/world.py): the firm's owner, consultant and assistant; a Django staff user who
belongs to no firm; an anonymous visitor; the owner of another firm (every role right, so any
answer but a 404 on this firm's objects would be a leak). The rules are those documented in
clients/permissions.py. Each row is read as a table:

                      owner consultant assistant staff anonymous other_firm
    GET               200   200        200       404   302       404
    POST              405   ...

On top of the status: a refused request (4xx, or the login page) changes no row of any table,
and no page shown to the staff user or to the other firm names this firm's client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from testing.fuzz import table_counts
from tests.world import ROLES, SECRET, World, login_as

EXCLUDED = {"login", "logout", "set_language"}  # plus every name in the "admin" namespace


@dataclass(frozen=True)
class Row:
    """One view: how to build its URL from the world, the expected GET and POST statuses by role."""

    url: Callable[[World], str]
    get: str
    post: str
    post_data: Callable[[World], dict] | None = None

    def expected(self, method: str) -> dict[str, int]:
        return dict(zip(ROLES, map(int, getattr(self, method).split()), strict=True))


def _url(name: str, *attrs: str) -> Callable[[World], str]:
    """reverse(name) with the pks of the world's objects named by `attrs`."""
    return lambda w: reverse(name, args=[getattr(w, a).pk for a in attrs])


# Columns: owner consultant assistant staff anonymous other_firm (tests.world.ROLES).
MATRIX: dict[str, Row] = {
    # The page after login: every logged-in user (a user without a firm sees the rounds).
    "dashboard": Row(_url("dashboard"),
                     get="200 200 200 200 302 200",
                     post="405 405 405 405 302 405"),
    "ping": Row(_url("ping"),
                get="200 200 200 200 302 200",
                post="405 405 405 405 302 405"),
    # Clients: any member reads and edits; owners and consultants delete.
    "clients:list": Row(_url("clients:list"),
                        get="200 200 200 200 302 200",
                        post="405 405 405 405 302 405"),
    "clients:create": Row(_url("clients:create"),
                          get="200 200 200 403 302 200",
                          post="200 200 200 403 302 200"),  # an empty form: the page again, with errors
    "clients:detail": Row(_url("clients:detail", "client"),
                          get="200 200 200 404 302 404",
                          post="405 405 405 405 302 405"),
    "clients:edit": Row(_url("clients:edit", "client"),
                        get="200 200 200 404 302 404",
                        post="200 200 200 404 302 404"),
    "clients:delete": Row(_url("clients:delete", "client"),
                          get="200 200 403 404 302 404",
                          post="302 302 403 404 302 404"),
    # Audit pages: the owner; the export: owners and consultants (each their own firm's).
    "audit:log": Row(_url("audit:log"),
                     get="200 403 403 403 302 200",
                     post="405 403 403 403 302 405"),
    "audit:client_history": Row(_url("audit:client_history", "client"),
                                get="200 403 403 403 302 404",
                                post="405 403 403 403 302 405"),
    "audit:client_export": Row(_url("audit:client_export"),
                               get="200 200 403 403 302 200",
                               post="405 405 403 403 302 405"),
    # IRCC round history: public data, any logged-in user.
    "draws:history": Row(_url("draws:history"),
                         get="200 200 200 200 302 200",
                         post="405 405 405 405 302 405"),
    # Invitations: members read; owners and consultants record and move them; any member
    # updates checklist items; the owner sets the firm's schedule and document types.
    "invitations:overview": Row(_url("invitations:overview"),
                                get="200 200 200 403 302 200",
                                post="405 405 405 403 302 405"),
    "invitations:settings": Row(_url("invitations:settings"),
                                get="200 403 403 403 302 200",
                                post="200 403 403 403 302 200"),  # no button pressed: the page again
    "invitations:client": Row(_url("invitations:client", "client"),
                              get="200 200 200 403 302 404",
                              post="405 405 405 403 302 405"),
    "invitations:record": Row(_url("invitations:record", "client"),
                              get="405 405 403 403 302 405",
                              post="400 400 403 403 302 404"),  # already invited: refused with a message
    "invitations:status": Row(_url("invitations:status", "invitation"),
                              get="405 405 403 403 302 405",
                              post="302 302 403 403 302 404",
                              post_data=lambda w: {"status": "in_progress"}),
    "invitations:item": Row(_url("invitations:item", "item"),
                            get="405 405 405 403 302 405",
                            post="302 302 302 403 302 404",
                            post_data=lambda w: {"status": "requested"}),
    "invitations:add_item": Row(_url("invitations:add_item", "invitation"),
                                get="405 405 405 403 302 405",
                                post="302 302 302 403 302 404",
                                post_data=lambda w: {"label": "Police certificate — US (spouse)",
                                                     "start_by": w.invitation.issued_at.date().isoformat()}),
    # Reports: members read them (page, PDF, JSON, compare); owners and consultants generate.
    "eligibility:client_reports": Row(_url("eligibility:client_reports", "client"),
                                      get="200 200 200 404 302 404",
                                      post="405 405 405 405 302 405"),
    "eligibility:generate": Row(_url("eligibility:generate", "client"),
                                get="405 405 403 404 302 404",
                                post="302 302 403 404 302 404"),
    "eligibility:report": Row(_url("eligibility:report", "report"),
                              get="200 200 200 404 302 404",
                              post="405 405 405 405 302 405"),
    "eligibility:report_pdf": Row(_url("eligibility:report_pdf", "report"),
                                  get="200 200 200 404 302 404",
                                  post="405 405 405 405 302 405"),
    "eligibility:report_json": Row(_url("eligibility:report_json", "report"),
                                   get="200 200 200 404 302 404",
                                   post="405 405 405 405 302 405"),
    "eligibility:compare": Row(_url("eligibility:compare", "report", "earlier_report"),
                               get="200 200 200 404 302 404",
                               post="405 405 405 405 302 405"),
    "eligibility:alerts": Row(_url("eligibility:alerts"),
                              get="200 200 200 200 302 200",
                              post="405 405 405 405 302 405"),
    # The client portal's staff side (the client page's panel): any member invites and revokes.
    "portal_staff:invite": Row(_url("portal_staff:invite", "client"),
                               get="405 405 405 404 302 404",
                               post="302 302 302 404 302 404"),
    "portal_staff:revoke": Row(_url("portal_staff:revoke", "client"),
                               get="405 405 405 404 302 404",
                               post="302 302 302 404 302 404"),
    "portal_staff:notes": Row(_url("portal_staff:notes", "client"),
                              get="200 200 200 404 302 404",
                              post="405 405 405 404 302 404"),
    "portal_staff:note": Row(_url("portal_staff:note", "client"),
                             get="405 405 405 404 302 404",
                             post="302 302 302 404 302 404",
                             post_data=lambda w: {"item": w.item.pk, "text": "Certified translation"}),
    "eligibility:dismiss_alert": Row(_url("eligibility:dismiss_alert", "alert"),
                                     get="405 405 405 405 302 405",
                                     post="302 302 302 404 302 404"),
    # Fact changes a client sent: any member reviews them (accepting is editing the client,
    # EDIT_CLIENTS); returning without a note is the page again with the field's message.
    "intake:to_review": Row(_url("intake:to_review"),
                            get="200 200 200 403 302 200",
                            post="405 405 405 403 302 405"),
    "intake:review": Row(_url("intake:review", "client", "fact_change"),
                         get="200 200 200 404 302 404",
                         post="405 405 405 405 302 405"),
    "intake:accept": Row(_url("intake:accept", "client", "fact_change"),
                         get="405 405 405 405 302 405",
                         post="302 302 302 404 302 404",
                         post_data=lambda w: {"revision": str(w.fact_change.revision)}),
    "intake:return": Row(_url("intake:return", "client", "fact_change"),
                         get="405 405 405 405 302 405",
                         post="200 200 200 404 302 404",
                         post_data=lambda w: {"revision": str(w.fact_change.revision)}),
    # The firm's public intake link is a firm setting: the owner (an empty POST: the page again).
    "intake:link": Row(_url("intake:link"),
                       get="200 403 403 403 302 200",
                       post="200 403 403 403 302 200"),
    # Files a client sent: any member downloads them and reviews them (the review page; a POST
    # without a decision is the page again with the field's message); the firm's list of files to
    # review; the owner sets how long files are kept (an empty POST: the page with the message).
    "documents:download": Row(_url("documents:download", "client", "document"),
                              get="200 200 200 404 302 404",
                              post="405 405 405 405 302 405"),
    "documents:review": Row(_url("documents:review", "client", "document"),
                            get="200 200 200 404 302 404",
                            post="400 400 400 404 302 404"),
    "documents:to_review": Row(_url("documents:to_review"),
                               get="200 200 200 403 302 200",
                               post="405 405 405 403 302 405"),
    "documents:retention": Row(_url("documents:retention"),
                               get="200 403 403 403 302 200",
                               post="400 403 403 403 302 400"),
}

# Draws and categories in Django's admin: staff only (clients.permissions.MANAGE_DRAWS). Anyone
# else who is logged in goes to the admin's own login page (302), like an anonymous visitor.
ADMIN_MATRIX: dict[str, Row] = {
    "admin:draws_draw_changelist": Row(_url("admin:draws_draw_changelist"),
                                       get="302 302 302 200 302 302",
                                       post="302 302 302 200 302 302"),
    "admin:draws_draw_add": Row(_url("admin:draws_draw_add"),
                                get="302 302 302 200 302 302",
                                post="302 302 302 200 302 302"),  # an empty form: errors
    "admin:draws_draw_change": Row(_url("admin:draws_draw_change", "draw"),
                                   get="302 302 302 200 302 302",
                                   post="302 302 302 200 302 302"),
    "admin:draws_draw_import": Row(_url("admin:draws_draw_import"),
                                   get="302 302 302 200 302 302",
                                   post="302 302 302 400 302 302"),  # no file: refused
    "admin:draws_category_changelist": Row(_url("admin:draws_category_changelist"),
                                           get="302 302 302 200 302 302",
                                           post="302 302 302 200 302 302"),
    "admin:draws_category_import": Row(_url("admin:draws_category_import"),
                                       get="302 302 302 200 302 302",
                                       post="302 302 302 400 302 302"),  # no file: refused
    "admin:draws_feedcheck_changelist": Row(_url("admin:draws_feedcheck_changelist"),
                                            get="302 302 302 200 302 302",
                                            post="302 302 302 200 302 302"),
}


# The client portal (portal/, under /portal/): a client session's own pages. Its roles: the world's
# client signed in to the portal, another client of the same firm signed in (any object of the
# first client must be a 404 to them), a member of the client's own firm (staff never see the
# portal: 404), the other firm's owner (404), an anonymous visitor (the "ask for a link" page).
PORTAL_ROLES = ("client", "same_firm_client", "firm_staff", "other_firm", "anonymous")


@dataclass(frozen=True)
class PortalRow(Row):
    def expected(self, method: str) -> dict[str, int]:
        return dict(zip(PORTAL_ROLES, map(int, getattr(self, method).split()), strict=True))


# Columns: client same_firm_client firm_staff other_firm anonymous (PORTAL_ROLES).
PORTAL_MATRIX: dict[str, PortalRow] = {
    # Each client's own home page: the same_firm_client sees theirs (never the client's name).
    "portal:home": PortalRow(_url("portal:home"),
                             get="200 200 404 404 302",
                             post="405 405 404 404 302"),
    # Ask for a link: a signed-in client goes home; an empty POST is a field message.
    "portal:ask_link": PortalRow(_url("portal:ask_link"),
                                 get="302 302 404 404 200",
                                 post="302 302 404 404 400"),
    # A link without its token: the page that offers a new link (410), for everyone but staff.
    "portal:sign_in": PortalRow(lambda w: reverse("portal:sign_in", args=[w.client.pk]),
                                get="410 410 404 404 410",
                                post="410 410 404 404 410"),
    "portal:sign_out": PortalRow(_url("portal:sign_out"),
                                 get="405 405 404 404 405",
                                 post="302 302 404 404 302"),
    # Each client's own facts questionnaire; an empty POST is refused with the forms' messages.
    "portal:facts": PortalRow(_url("portal:facts"),
                              get="200 200 404 404 302",
                              post="400 400 404 404 302"),
    # A firm's public intake page: anyone, signed in or not (an empty POST: the fields' messages).
    "portal:intake": PortalRow(lambda w: reverse("portal:intake", args=[w.intake_link.token]),
                               get="200 200 200 200 200",
                               post="400 400 400 400 400"),
    "portal:intake_thanks": PortalRow(lambda w: reverse("portal:intake_thanks", args=[w.intake_link.token]),
                                      get="200 200 200 200 200",
                                      post="405 405 405 405 405"),
    # The client's documents: their checklist, one of their items (a POST without files: the page
    # with its message, nothing stored) and a file they sent; another client's are 404.
    "portal:documents:list": PortalRow(_url("portal:documents:list"),
                                       get="200 200 404 404 302",
                                       post="405 405 404 404 302"),
    "portal:documents:item": PortalRow(_url("portal:documents:item", "item"),
                                       get="200 404 404 404 302",
                                       post="400 404 404 404 302"),
    "portal:documents:download": PortalRow(_url("portal:documents:download", "document"),
                                           get="200 404 404 404 302",
                                           post="405 405 404 404 302"),
}


def portal_login_as(django_client, world: World, role: str) -> None:
    """Put the test client in the portal role's session (client sessions by a real sign-in link)."""
    from portal.testing import sign_in

    django_client.logout()
    if role == "client":
        sign_in(django_client, world.client)
    elif role == "same_firm_client":
        sign_in(django_client, world.same_firm_client)
    elif role == "firm_staff":
        django_client.force_login(world.users["owner"])
    elif role == "other_firm":
        django_client.force_login(world.users["other_firm"])


def resolver_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL of the project as "namespace:name" (nested namespaces joined)."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            joined = ":".join(p for p in (namespace, inner) if p)
            names |= resolver_names(entry.url_patterns, joined)
        elif isinstance(entry, URLPattern):
            if entry.name is None and namespace.startswith("admin"):
                continue  # the admin's catch-all redirects
            name = entry.name or f"<unnamed {entry.pattern}>"  # never in the matrix: fails the test
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def project_views() -> set[str]:
    return {n for n in resolver_names() if n not in EXCLUDED and not n.startswith("admin:")}


def test_every_view_has_a_row_in_the_matrix():
    views = project_views()
    rows = MATRIX.keys() | PORTAL_MATRIX.keys()
    missing, stale = views - rows, rows - views
    assert not missing, f"views without a row in tests/test_role_matrix.py MATRIX: {sorted(missing)}"
    assert not stale, f"rows for views that no longer exist: {sorted(stale)}"
    assert set(ADMIN_MATRIX) <= resolver_names()


def test_the_matrix_size():
    """The size quoted in the report: staff views + 7 admin pages, 6 roles, GET and POST; portal
    views, 5 roles."""
    assert len(MATRIX) + len(PORTAL_MATRIX) + len(ADMIN_MATRIX) == len(project_views()) + 7
    assert len(ROLES) == 6


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


ALL_ROWS = {**MATRIX, **ADMIN_MATRIX}
CASES = [pytest.param(name, role, id=f"{name}-{role}") for name in ALL_ROWS for role in ROLES]
OBJECT_VIEWS = sorted(n for n, row in MATRIX.items() if row.expected("get")["other_firm"] == 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_role_against_view(client, world, name, role):
    row = ALL_ROWS[name]
    url = row.url(world)
    login_as(client, world, role)
    # The PDF's bytes are tested in eligibility and tests/test_escaping.py; here only who gets them.
    with mock.patch("eligibility.views.report_pdf_bytes", return_value=b"%PDF-1.7 stub"):
        got = {}
        get = client.get(url)
        got["get"] = get.status_code
        before = table_counts()
        post = client.post(url, row.post_data(world) if row.post_data else {})
        got["post"] = post.status_code
        after = table_counts()
    expected = {"get": row.expected("get")[role], "post": row.expected("post")[role]}
    assert got == expected, f"{role} on {url}"

    for method, response in (("get", get), ("post", post)):
        location = response.get("Location", "")
        if response.status_code == 302 and role == "anonymous":
            assert "login/?next=" in location, f"anonymous {method} {url} went to {location}"
        if role in ("staff", "other_firm") and response.status_code == 200:
            assert SECRET not in _body(response), f"{role} saw the client on {url}"
    if post.status_code >= 400 or "login/?next=" in post.get("Location", ""):
        assert after == before, f"a refused POST by {role} to {url} changed rows"


@pytest.mark.django_db
@pytest.mark.parametrize("name", OBJECT_VIEWS)
def test_another_firms_objects_are_404_for_every_role(client, world, name):
    """The other firm's owner is the matrix's last column; here the other firm's consultant and
    assistant too: a 404, or the 403 the same role gets on its own firm's client (a refusal that
    says nothing about the client)."""
    from clients.tests.factories import member

    row = MATRIX[name]
    other_firm = world.users["other_firm"].membership.firm
    for role in ("consultant", "assistant"):
        client.force_login(member(other_firm, role))
        status = client.get(row.url(world)).status_code
        assert status == 404 or status == row.expected("get")[role] == 403, f"{role}: {status}"


PORTAL_CASES = [pytest.param(name, role, id=f"{name}-{role}")
                for name in PORTAL_MATRIX for role in PORTAL_ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), PORTAL_CASES)
def test_portal_role_against_view(client, world, name, role):
    """Every portal view against the client, another client of the same firm, staff of the firm and
    of another firm, and an anonymous visitor: only the client's own session sees the client."""
    row = PORTAL_MATRIX[name]
    url = row.url(world)
    portal_login_as(client, world, role)
    got = {"get": client.get(url).status_code}
    portal_login_as(client, world, role)  # a GET may not end the session; sign in again all the same
    before = table_counts()
    post = client.post(url, row.post_data(world) if row.post_data else {})
    after = table_counts()
    got["post"] = post.status_code
    assert got == {"get": row.expected("get")[role], "post": row.expected("post")[role]}, f"{role} on {url}"
    portal_login_as(client, world, role)
    get = client.get(url)
    if role != "client":
        assert SECRET not in _body(get), f"{role} saw the client on {url}"
    if get.status_code == 302 and role == "anonymous":
        assert get["Location"].startswith(reverse("portal:ask_link")), get["Location"]
    if post.status_code >= 400:
        assert after == before, f"a refused POST by {role} to {url} changed rows"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_a_client_session_is_refused_on_every_staff_view(client, world, name):
    """A client signed in to the portal is an anonymous visitor to every staff page and the admin:
    the same answer as anonymous (the login page), never the client's data or a change."""
    from portal.testing import sign_in

    row = ALL_ROWS[name]
    url = row.url(world)
    sign_in(client, world.client)
    with mock.patch("eligibility.views.report_pdf_bytes", return_value=b"%PDF-1.7 stub"):
        get = client.get(url)
        before = table_counts()
        post = client.post(url, row.post_data(world) if row.post_data else {})
        after = table_counts()
    assert (get.status_code, post.status_code) == (row.expected("get")["anonymous"],
                                                   row.expected("post")["anonymous"]), url
    for response in (get, post):
        assert response.status_code in (302, 404, 405), url
        if response.status_code == 302:
            assert "login/?next=" in response["Location"], response["Location"]
        assert SECRET not in _body(response)
    assert after == before, f"a client session's POST to {url} changed rows"
