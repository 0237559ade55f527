"""What each role may do: the one place that says it (issue 6).

    can(user, "export_clients") -> bool
    @role_required("delete_clients")      # on a view: login, then 403 without the right
    {% if role_can.export_clients %}      # in templates (context processor role_context)

Roles come from clients.Membership.role; Django staff (is_staff) manage the global
reference data (draws, categories) whatever their firm. Which *objects* a user sees is a
separate rule, firm isolation, in clients.selectors.clients_for: a client of another firm
is a 404 there, before any role is asked.

Which action each page needs (tests/test_role_matrix.py checks every URL against this):

- Reading (client list and page, reports as page/PDF/JSON/compare, invitations, alerts,
  dashboard): any member of the firm (VIEW_CLIENTS). A report is a client document that
  assistants prepare and send, so reading it (PDF included) is not an "export".
- Creating and editing a profile, its rows (education, tests, jobs: removing a wrong row is
  editing) and the ITA checklist items (assistants collect the documents): EDIT_CLIENTS.
  Dismissing an alert is follow-up work of the same kind: EDIT_CLIENTS.
- Deleting a client: DELETE_CLIENTS. The CSV export of all clients: EXPORT_CLIENTS.
- Generating a report (it becomes the firm's advice on record): GENERATE_REPORTS.
- Recording an invitation and changing its status: RECORD_INVITATIONS.
- Firm settings (the reminder schedule and the checklist's document types): MANAGE_REMINDER_SCHEDULE.
- The audit pages (firm log, a client's history): VIEW_AUDIT.
- Draws and categories in the admin, including the IRCC import: MANAGE_DRAWS (is_staff).

Order inside a view: firm isolation first (another firm's object is a 404 for every role),
then the role (``require(user, action)``: 403), then the method (405). Pages without an
object (lists, settings) use ``@role_required`` (anonymous: login page; no right: 403).
A logged-in user without a firm has no role: the dashboard and the round history (IRCC
data) show, the client list and the alerts are empty, any client or report is a 404, and any
page or action behind ``@role_required`` or ``require`` is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

VIEW_CLIENTS = "view_clients"
EDIT_CLIENTS = "edit_clients"  # create and edit profiles and their documents
DELETE_CLIENTS = "delete_clients"
EXPORT_CLIENTS = "export_clients"
GENERATE_REPORTS = "generate_reports"
RECORD_INVITATIONS = "record_invitations"
MANAGE_FIRM = "manage_firm"  # members, firm settings
MANAGE_REMINDER_SCHEDULE = "manage_reminder_schedule"
VIEW_AUDIT = "view_audit"
MANAGE_DRAWS = "manage_draws"  # draws and categories: Django staff only

FIRM_ACTIONS = frozenset({
    VIEW_CLIENTS, EDIT_CLIENTS, DELETE_CLIENTS, EXPORT_CLIENTS, GENERATE_REPORTS,
    RECORD_INVITATIONS, MANAGE_FIRM, MANAGE_REMINDER_SCHEDULE, VIEW_AUDIT,
})
ACTIONS = FIRM_ACTIONS | {MANAGE_DRAWS}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "owner": FIRM_ACTIONS,
    "consultant": FIRM_ACTIONS - {MANAGE_FIRM, MANAGE_REMINDER_SCHEDULE, VIEW_AUDIT},
    "assistant": frozenset({VIEW_CLIENTS, EDIT_CLIENTS}),
}


def allowed_actions(user) -> frozenset[str]:
    """Every action `user` may perform (empty for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    membership = getattr(user, "membership", None)
    actions = ROLE_ACTIONS.get(membership.role, frozenset()) if membership is not None else frozenset()
    if user.is_staff:
        actions = actions | {MANAGE_DRAWS}
    return actions


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {sorted(ACTIONS)}")


def can(user, action: str) -> bool:
    """True if `user`'s role allows `action`; an unknown action is a programming error."""
    _check_action(action)
    return action in allowed_actions(user)


def require(user, action: str) -> None:
    """Raise PermissionDenied (a 403) unless `user` may do `action`; call it after the firm check."""
    if not can(user, action):
        raise PermissionDenied(action)


def role_required(action: str) -> Callable:
    """View decorator: anonymous users go to the login page, users without `action` get a 403."""
    _check_action(action)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # lets a test list which views need what
        return wrapped

    return decorator


class _Can:
    """Template helper: ``{% if role_can.export_clients %}``."""

    def __init__(self, user):
        self._user = user
        self._actions: frozenset[str] | None = None  # computed on first use: no query on pages that never ask

    def __getattr__(self, action: str) -> bool:
        if action.startswith("_"):
            raise AttributeError(action)
        if self._actions is None:
            self._actions = allowed_actions(self._user)
        return action in self._actions


def role_context(request) -> dict:
    """Context processor: ``role_can`` (what the current user may do) for every template."""
    return {"role_can": _Can(getattr(request, "user", None))}


# Named checks used by clients/views.py and clients/services.py; both read the table above.
def can_delete_client(user) -> bool:
    """Owners and consultants may delete a client of their firm; assistants may not."""
    return can(user, DELETE_CLIENTS)


def can_create_client(user) -> bool:
    """Any member of a firm may record a client (the client goes to the member's firm)."""
    return can(user, EDIT_CLIENTS)
