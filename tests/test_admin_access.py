"""Django's admin for every role: firm A's rows are never listed, opened nor changed but by a superuser.

The admin knows nothing of firms (audit/admin_access.py), so every ModelAdmin is superuser-only
except rounds and categories, which the staff who manage draws reach. This walks every
registered ModelAdmin (``admin.site._registry``: ours, auth's, django-axes', django-celery-beat's)
on its changelist, add, change, delete and history pages, with an object of firm A, for:

    superuser      every page the ModelAdmin itself allows (read-only admins stay read-only)
    draws_staff    is_staff, in no firm, with the draws permissions only: rounds and categories
    firm_b_staff   is_staff, a member of firm B, holding every model permission: the same, no more
    owner, consultant, assistant (firm A, not staff), anonymous: the admin's login page

A ModelAdmin registered later without a row in DECISIONS (and an object in OBJECTS) fails
test_every_registered_admin_has_a_decision. A refused POST (the superuser's own form for the
object, with firm B put in its firm field; a delete confirmation) changes no row of any table;
a page a non-superuser may open never names firm A's client or firm A.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.admin_access import DrawsStaffAdmin, SuperuserOnly
from clients.models import Noc
from clients.selectors import SEARCH_MAX_WORDS, search_limit_message
from clients.tests.factories import member
from draws.models import Category, FeedCheck
from testing.fuzz import PROJECT_APPS, table_counts
from tests.world import SECRET, World

ROLES = ("superuser", "draws_staff", "firm_b_staff", "owner", "consultant", "assistant", "anonymous")
PAGES = ("changelist", "add", "change", "delete", "history")
STAFF_ROLES = ("draws_staff", "firm_b_staff")
TABLES = (*PROJECT_APPS, "auth", "axes", "django_celery_beat", "admin")

SUPERUSER = "superusers only"
DRAWS_STAFF = "superusers and the staff who manage draws"

# Who reaches each registered model's admin. Only IRCC reference data (no firm's rows) is open to
# staff; a new ModelAdmin is superuser-only by the site's default until this table and the admin
# both say otherwise.
DECISIONS: dict[str, str] = {
    "auth.user": SUPERUSER,
    "auth.group": SUPERUSER,
    "axes.accessattempt": SUPERUSER,
    "axes.accesslog": SUPERUSER,
    "axes.accessfailurelog": SUPERUSER,
    "django_celery_beat.periodictask": SUPERUSER,
    "django_celery_beat.clockedschedule": SUPERUSER,
    "django_celery_beat.crontabschedule": SUPERUSER,
    "django_celery_beat.solarschedule": SUPERUSER,
    "django_celery_beat.intervalschedule": SUPERUSER,
    "clients.firm": SUPERUSER,
    "clients.membership": SUPERUSER,
    "clients.noc": SUPERUSER,
    "clients.client": SUPERUSER,
    "draws.category": DRAWS_STAFF,
    "draws.draw": DRAWS_STAFF,
    "draws.drawmatch": SUPERUSER,
    "draws.drawdigest": SUPERUSER,
    "draws.feedcheck": DRAWS_STAFF,  # checks of IRCC's rounds feed: what the draws staff follow
    "eligibility.clientassessment": SUPERUSER,
    "eligibility.report": SUPERUSER,
    "eligibility.alert": SUPERUSER,
    "invitations.invitation": SUPERUSER,
    "invitations.reminder": SUPERUSER,
    "invitations.checklistitemtype": SUPERUSER,
    "invitations.firmremindersettings": SUPERUSER,
    "invitations.consultantdigest": SUPERUSER,
}

# Pages a ModelAdmin refuses to superusers too (a 403): records written by services, jobs and
# django-axes, and reference data loaded by a migration (NOC codes, the default checklist types).
# The change page of such a record still opens, read-only. A firm's reminder schedule is saved
# through its service and never deleted (the firm would silently fall back to the defaults).
READ_ONLY: dict[str, set[str]] = {
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
    "clients.noc": {"add", "delete"},
    "draws.drawmatch": {"add"},
    "draws.drawdigest": {"add"},
    "draws.feedcheck": {"add", "delete"},
    "eligibility.clientassessment": {"add"},
    "eligibility.report": {"add"},
    "eligibility.alert": {"add"},
    "invitations.invitation": {"add"},
    "invitations.reminder": {"add"},
    "invitations.checklistitemtype": {"add", "delete"},
    "invitations.consultantdigest": {"add"},
    "invitations.firmremindersettings": {"delete"},
}

# Pages the admin adds beyond the five of each model, with the model whose decision they follow.
EXTRA_PAGES: dict[str, tuple[str, Callable[[World], list]]] = {
    "admin:draws_draw_import": ("draws.draw", lambda w: []),
    "admin:draws_category_import": ("draws.category", lambda w: []),
    "admin:auth_user_password_change": ("auth.user", lambda w: [w.users["owner"].pk]),
}
# The site's own pages: the index and app index (tested below for what they list), login, logout,
# password change (any staff user's own), jsi18n, autocomplete and view_on_site (tested below).
SITE_PAGES = {"admin:index", "admin:app_list", "admin:login", "admin:logout", "admin:password_change",
              "admin:password_change_done", "admin:jsi18n", "admin:autocomplete", "admin:view_on_site"}


def _firm_a(w: World):
    return w.client.firm


def _assessment(w: World):
    from eligibility.models import ClientAssessment
    from eligibility.services import refresh_assessments

    if not ClientAssessment.objects.filter(client=w.client).exists():
        refresh_assessments([w.client.pk])
    return ClientAssessment.objects.get(client=w.client)


def _draw_match(w: World):
    from draws.models import DrawMatch

    return DrawMatch.objects.create(draw=w.draw, client=w.client, firm=_firm_a(w), crs=480, margin=12)


def _draw_digest(w: World):
    from draws.models import DrawDigest

    return DrawDigest.objects.create(draw=w.draw, consultant=w.users["consultant"], firm=_firm_a(w),
                                     match_count=1)


def _item_type(w: World):
    from invitations.models import ChecklistItemType

    return ChecklistItemType.objects.create(firm=_firm_a(w), key="firm-a-letter", name="Firm A letter",
                                            lead_time_days=10)


def _reminder_settings(w: World):
    from invitations.models import FirmReminderSettings

    return FirmReminderSettings.objects.update_or_create(firm=_firm_a(w), defaults={"offsets_days": [30]})[0]


def _consultant_digest(w: World):
    from invitations.models import ConsultantDigest

    return ConsultantDigest.objects.create(user=w.users["consultant"], sent_on=timezone.localdate())


def _axes(model_name: str) -> Callable[[World], object]:
    def build(w: World):
        from django.apps import apps

        model = apps.get_model("axes", model_name)
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        if model_name != "AccessAttempt":
            extra = {}
        return model.objects.create(username="olivia", ip_address="10.0.0.1", user_agent="test",
                                    http_accept="text/html", path_info="/login/", **extra)

    return build


def _beat(model_name: str, **fields) -> Callable[[World], object]:
    def build(w: World):
        from django.apps import apps

        return apps.get_model("django_celery_beat", model_name).objects.create(**fields)

    return build


# An object of each registered model, firm A's wherever the model has a firm.
OBJECTS: dict[str, Callable[[World], object]] = {
    "auth.user": lambda w: w.users["owner"],
    "auth.group": lambda w: Group.objects.create(name="Firm A editors"),
    "axes.accessattempt": _axes("AccessAttempt"),
    "axes.accesslog": _axes("AccessLog"),
    "axes.accessfailurelog": _axes("AccessFailureLog"),
    "django_celery_beat.periodictask": lambda w: PeriodicTask.objects.get(
        task="eligibility.tasks.nightly_refresh"),
    "django_celery_beat.clockedschedule": _beat("ClockedSchedule",
                                                clocked_time=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
    "django_celery_beat.crontabschedule": _beat("CrontabSchedule", minute="7", hour="4"),
    "django_celery_beat.solarschedule": _beat("SolarSchedule", event="sunrise", latitude=45.5,
                                              longitude=-73.5),
    "django_celery_beat.intervalschedule": _beat("IntervalSchedule", every=17, period="minutes"),
    "clients.firm": _firm_a,
    "clients.membership": lambda w: w.users["owner"].membership,
    "clients.noc": lambda w: Noc.objects.get(code="31301"),
    "clients.client": lambda w: w.client,
    "draws.category": lambda w: Category.objects.filter(slug="healthcare_social").order_by("pk").first(),
    "draws.draw": lambda w: w.draw,
    "draws.drawmatch": _draw_match,
    "draws.drawdigest": _draw_digest,
    "draws.feedcheck": lambda w: FeedCheck.objects.create(url="https://ircc.example/rounds.json",
                                                          status="imported"),
    "eligibility.clientassessment": _assessment,
    "eligibility.report": lambda w: w.report,
    "eligibility.alert": lambda w: w.alert,
    "invitations.invitation": lambda w: w.invitation,
    "invitations.reminder": lambda w: w.invitation.reminders.order_by("pk").first(),
    "invitations.checklistitemtype": _item_type,
    "invitations.firmremindersettings": _reminder_settings,
    "invitations.consultantdigest": _consultant_digest,
}


def registered() -> dict[str, admin.ModelAdmin]:
    return {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}


def admin_users(w: World) -> dict[str, object | None]:
    """The world's firm A roles, plus a superuser, the draws staff and firm B's all-permission staff."""
    users_model = get_user_model()
    draws_staff = users_model.objects.create_user("dora", password="x-pass-1234", is_staff=True)
    draws_staff.user_permissions.set(Permission.objects.filter(content_type__app_label="draws",
                                                               content_type__model__in=["draw", "category"]))
    firm_b_staff = member(w.other_client.firm, "owner", username="bert", is_staff=True)
    firm_b_staff.user_permissions.set(Permission.objects.all())
    return {
        "superuser": users_model.objects.create_superuser("root", "root@itadesk.example", "x-pass-1234"),
        "draws_staff": draws_staff,
        "firm_b_staff": firm_b_staff,
        **{role: w.users[role] for role in ("owner", "consultant", "assistant", "anonymous")},
    }


def expected_status(label: str, page: str, role: str) -> int:
    """The answer of `role` on a page of `label`'s admin (the decision table, read as statuses)."""
    if role not in ("superuser", *STAFF_ROLES):
        return 302  # not staff: the admin's login page
    if role == "superuser" or DECISIONS[label] == DRAWS_STAFF:
        return 403 if page in READ_ONLY.get(label, set()) else 200
    return 403


def page_url(label: str, page: str, obj) -> str:
    app_label, model_name = label.split(".")
    args = [obj.pk] if page in ("change", "delete", "history") else []
    return reverse(f"admin:{app_label}_{model_name}_{page}", args=args)


class _FormFields(HTMLParser):
    """The fields a browser would submit from a page's forms: name -> values."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_data(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.data


def _login(django_client, user) -> None:
    django_client.logout()
    if user is not None:
        django_client.force_login(user)


def _snapshot(obj) -> str:
    return serializers.serialize("json", type(obj)._default_manager.filter(pk=obj.pk))


def _body(response) -> str:
    return response.content.decode(errors="replace")


def test_every_registered_admin_has_a_decision():
    """A ModelAdmin added later (ours or a package's) fails here until its row is written."""
    labels = set(registered())
    assert labels - DECISIONS.keys() == set(), "registered admins without a row in DECISIONS"
    assert DECISIONS.keys() - labels == set(), "rows for admins no longer registered"
    assert labels <= OBJECTS.keys(), "registered admins without an object in OBJECTS"
    for label, model_admin in registered().items():
        opened = isinstance(model_admin, DrawsStaffAdmin)
        assert opened == (DECISIONS[label] == DRAWS_STAFF), label
        assert opened or isinstance(model_admin, SuperuserOnly), f"{label} is not superuser-only"
    # Opening a model to staff is a decision on its data: IRCC's rounds, categories and feed only.
    assert {label for label, d in DECISIONS.items() if d == DRAWS_STAFF} == {
        "draws.draw", "draws.category", "draws.feedcheck"}


def test_every_admin_url_is_walked():
    """Every URL of the admin namespace is a model's page walked below, an extra page or a site page."""
    def names(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from names(entry.url_patterns, ":".join(p for p in (namespace, entry.namespace) if p))
            elif isinstance(entry, URLPattern) and entry.name and namespace == "admin":
                yield f"admin:{entry.name}"

    walked = {f"admin:{label.replace('.', '_')}_{page}" for label in registered() for page in PAGES}
    unknown = set(names(get_resolver().url_patterns)) - walked - EXTRA_PAGES.keys() - SITE_PAGES
    assert unknown == set(), "admin pages that tests/test_admin_access.py does not walk"


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(registered()))
def test_admin_pages_for_every_role(client, world, label):
    users = admin_users(world)
    obj = OBJECTS[label](world)
    assert obj is not None, f"no {label} in the world"
    firm_a = _firm_a(world)
    firm_b_pk = str(world.other_client.firm.pk)
    # The superuser's own form for this object: what a refused user posts (pulling it into firm B).
    client.force_login(users["superuser"])
    posted = form_data(_body(client.get(page_url(label, "change", obj))))
    posted.pop("csrfmiddlewaretoken", None)
    if "firm" in posted:
        posted["firm"] = [firm_b_pk]

    got, want = {}, {}
    for role in ROLES:
        _login(client, users[role])
        before = table_counts(TABLES), _snapshot(obj)
        for page in PAGES:
            url = page_url(label, page, obj)
            response = client.get(url)
            got[role, page] = response.status_code
            want[role, page] = expected_status(label, page, role)
            if response.status_code == 302 and role != "superuser":
                assert "/admin/login/?next=" in response["Location"], (role, url)
            if response.status_code == 200 and role != "superuser":
                assert SECRET not in _body(response) and firm_a.name not in _body(response), (role, url)
            if response.status_code in (302, 403) and page in ("add", "change", "delete"):
                refused = client.post(url, {"post": "yes"} if page == "delete" else posted)
                got[role, f"POST {page}"] = refused.status_code
                want[role, f"POST {page}"] = response.status_code
        if role != "superuser":  # every POST of the others was refused: no row added, changed or deleted
            assert (table_counts(TABLES), _snapshot(obj)) == before, f"{role} changed rows posting to {label}"
    mismatches = {key: (got[key], want[key]) for key in want if got[key] != want[key]}
    assert mismatches == {}, "(role, page): (got, expected)"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXTRA_PAGES))
def test_extra_admin_pages_follow_their_models_decision(client, world, name):
    users = admin_users(world)
    label, args = EXTRA_PAGES[name]
    url = reverse(name, args=args(world))
    got = {}
    for role in ROLES:
        _login(client, users[role])
        got[role] = client.get(url).status_code
    assert got == {role: expected_status(label, "change", role) for role in ROLES}


@pytest.mark.django_db
def test_the_index_lists_only_what_each_role_may_reach(client, world, django_assert_num_queries):
    users = admin_users(world)
    listed = {}
    for role in ("superuser", *STAFF_ROLES):
        client.force_login(users[role])
        # Session, user, membership (clients.permissions), recent actions: no permission tables.
        with django_assert_num_queries(4):
            response = client.get(reverse("admin:index"))
        assert response.status_code == 200
        listed[role] = {f"{app['app_label']}.{m['object_name'].lower()}"
                        for app in response.context["app_list"] for m in app["models"]}
    assert listed["superuser"] == set(registered())
    assert listed["draws_staff"] == listed["firm_b_staff"] == {
        label for label, decision in DECISIONS.items() if decision == DRAWS_STAFF}


@pytest.mark.django_db
def test_staff_reach_no_app_index_but_draws(client, world):
    users = admin_users(world)
    client.force_login(users["firm_b_staff"])
    apps_with_admins = {label.split(".")[0] for label in registered()}
    got = {app: client.get(reverse("admin:app_list", args=[app])).status_code for app in apps_with_admins}
    assert got == {app: 200 if app == "draws" else 404 for app in apps_with_admins}


@pytest.mark.django_db
def test_firm_b_staff_cannot_move_its_own_client_into_firm_a(client, world):
    """The review's attack: change_client on a firm B client, posting firm A as its firm."""
    users = admin_users(world)
    firm_a = _firm_a(world)
    client.force_login(users["superuser"])
    url = reverse("admin:clients_client_change", args=[world.other_client.pk])
    data = form_data(_body(client.get(url)))
    data["firm"] = [str(firm_a.pk)]
    data["consultant"] = [str(world.users["consultant"].pk)]  # the services' rule: one of the firm's
    client.force_login(users["firm_b_staff"])
    assert client.post(url, data).status_code == 403
    world.other_client.refresh_from_db()
    assert world.other_client.firm_id != firm_a.pk
    # The same form posted by the superuser does move it: the refusal above is the permission's.
    client.force_login(users["superuser"])
    assert client.post(url, data).status_code == 302
    world.other_client.refresh_from_db()
    assert world.other_client.firm_id == firm_a.pk


@pytest.mark.django_db
def test_autocomplete_of_every_admin_field_is_superuser_only(client, world):
    """The admin's search-as-you-type (users, firms, NOC codes, consultants) lists every firm's rows."""
    users = admin_users(world)
    fields = [(model._meta, name) for model, model_admin in admin.site._registry.items()
              for name in model_admin.get_autocomplete_fields(None)]
    assert fields, "no autocomplete field left: drop this test"
    for role, status in (("superuser", 200), ("draws_staff", 403), ("firm_b_staff", 403)):
        client.force_login(users[role])
        for opts, name in fields:
            query = urlencode({"app_label": opts.app_label, "model_name": opts.model_name,
                               "field_name": name, "term": ""})
            response = client.get(f"{reverse('admin:autocomplete')}?{query}")
            assert response.status_code == status, (role, opts.label, name)
            if role != "superuser":
                assert SECRET not in _body(response) and "olivia" not in _body(response)


@pytest.mark.django_db
def test_view_on_site_says_nothing_of_another_firms_client(client, world):
    """The admin's "view on site" shortcut: firm A's client and a missing one answer alike."""
    from django.contrib.contenttypes.models import ContentType

    users = admin_users(world)
    client.force_login(users["firm_b_staff"])
    ct = ContentType.objects.get_for_model(world.client)
    pages = []
    for pk in (world.client.pk, 10**9):
        url = reverse("admin:view_on_site", args=[ct.pk, pk])
        response = client.get(url)
        assert response.status_code == 404
        body = _body(response).replace(url, "URL")
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", body))
    assert pages[0] == pages[1]


@pytest.mark.django_db
def test_the_demo_owner_is_no_admin_and_the_demo_admin_login_reaches_draws_only(client):
    from demo.firms import create_demo_firm, create_draws_admin

    demo = create_demo_firm(prefix="t-")
    get_user_model().objects.filter(pk=demo.owner.pk).update(is_staff=True, is_superuser=True)  # older demos
    demo = create_demo_firm(prefix="t-")
    demo.owner.refresh_from_db()
    assert not (demo.owner.is_staff or demo.owner.is_superuser)
    assert not any(u.is_staff for u in (*demo.consultants, demo.assistant))
    draws = create_draws_admin(username="t-draws")
    assert draws.is_staff and not draws.is_superuser and not hasattr(draws, "membership")
    client.force_login(draws)
    assert client.get(reverse("admin:draws_draw_changelist")).status_code == 200
    assert client.get(reverse("admin:draws_category_changelist")).status_code == 200
    assert client.get(reverse("admin:clients_client_changelist")).status_code == 403
    client.force_login(demo.owner)
    assert client.get(reverse("admin:index")).status_code == 302


def _filter_params(model_admin) -> list[str]:
    """The query parameter of each of a changelist's filters (a field path, or a filter's own name)."""
    params = []
    for entry in model_admin.list_filter:
        field = entry[0] if isinstance(entry, tuple) else entry
        params.append(f"{field}__exact" if isinstance(field, str) else field.parameter_name)
    if model_admin.date_hierarchy:
        params += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return params


HOSTILE_VALUES = ["\x00", "a\x00b", "99999999999999999999", "0", "²", "abc", "9999-99-99", "' OR 1=1 --"]


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(registered()))
def test_hostile_filter_and_search_values_get_a_clean_answer(client, world, label):
    """A hand-made changelist link: a refusal (400, or the admin's own ?e=1 redirect), never a 500;
    a NUL anywhere in the query string is a 400 (PostgreSQL refuses it in text)."""
    model_admin = registered()[label]
    client.force_login(get_user_model().objects.create_superuser("root", "root@x.example", "x-pass-1234"))
    url = page_url(label, "changelist", None)
    wrong = {}
    for param in [*_filter_params(model_admin), "q", "o", "p", "_to_field"]:
        for value in HOSTILE_VALUES:
            status = client.get(url, {param: value}).status_code
            if (status != 400) if "\x00" in value else (status >= 500):
                wrong[param, value] = status
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(label for label, ma in registered().items() if ma.search_fields))
def test_a_search_past_the_bounds_finds_nothing_and_says_why(client, world, label):
    """Every admin search has the client list's bounds: eleven words are refused with its message
    before any query is built (each word is one more condition on every row)."""
    client.force_login(get_user_model().objects.create_superuser("root", "root@x.example", "x-pass-1234"))
    url = page_url(label, "changelist", None)
    response = client.get(url, {"q": " ".join(f"w{i}" for i in range(SEARCH_MAX_WORDS + 1))})
    assert response.status_code == 200
    assert search_limit_message() in [str(m) for m in response.context["messages"]]
    assert response.context["cl"].result_count == 0
    within = client.get(url, {"q": " ".join(f"w{i}" for i in range(SEARCH_MAX_WORDS))})
    assert search_limit_message() not in [str(m) for m in within.context["messages"]]
