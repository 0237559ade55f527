"""Writes of the intake app: submitting, accepting and returning fact changes; the firm's intake link.

- A submission never touches the profile: it is a pending FactChange. One pending change per
  client (a partial unique constraint): a new submission *replaces* the pending one's data and
  bumps its revision, so a review opened on the older revision is refused when posted.
- Accepting applies the change through clients.services.update_client, the staff edit form's
  own path (the same forms validate it again, `facts_saved` fires, the history records each
  row, the stored assessment refreshes), in one transaction with the change's new status.
  The change row is locked first: of two concurrent accepts, the second finds it accepted.
- Accepting or returning emails the client once, after the commit (send_review_email).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import services as client_services
from clients.models import Client, Firm, Membership
from clients.permissions import EDIT_CLIENTS, MANAGE_FIRM, can
from clients.selectors import clients_for, membership_for
from intake import changes
from intake.forms import QuestionnaireForms
from intake.models import FactChange, IntakeLink, new_intake_token
from invitations.delivery import CLAIM_LEASE, SMTP_TIMEOUT_SECONDS, is_permanent_failure

logger = logging.getLogger(__name__)

REVIEWED = (FactChange.Status.ACCEPTED, FactChange.Status.RETURNED)
UNSENT_EMAIL_DAYS = 7


class ChangeRefused(Exception):
    """A submission or review that cannot be done; the message is for the user."""


class NothingChanged(ChangeRefused):
    pass


@dataclass(frozen=True)
class ChangeInvalid(ChangeRefused):
    """The change no longer passes the profile forms (e.g. a row was removed meanwhile)."""

    errors: list[str]

    def __str__(self) -> str:
        return _("This change no longer passes the profile's checks: %(errors)s") % {
            "errors": "; ".join(self.errors)
        }


def _save_pending(*, client: Client, data: dict, source: str) -> FactChange:
    now = timezone.now()
    pending = (
        FactChange.objects.select_for_update().filter(client=client, status=FactChange.Status.PENDING).first()
    )
    if pending is not None:
        pending.data, pending.submitted_at, pending.source = data, now, source
        pending.revision += 1
        pending.save(update_fields=["data", "submitted_at", "source", "revision"])
        return pending
    try:
        with transaction.atomic():
            return FactChange.objects.create(
                client=client, firm_id=client.firm_id, data=data, source=source, submitted_at=now
            )
    except IntegrityError:  # another submission created the pending row meanwhile: replace it
        return _save_pending(client=client, data=data, source=source)


def submit_change(*, client: Client, profile: QuestionnaireForms) -> FactChange:
    """Record what the client changed in a valid questionnaire as their pending change.

    Raises NothingChanged when the questionnaire leaves the profile as it is.
    """
    data = changes.change_data(profile)
    fresh = Client.objects.select_related("spouse").get(pk=client.pk)
    before = changes.snapshot(fresh, QuestionnaireForms(instance=fresh))
    if changes.is_empty(data, before):
        raise NothingChanged(_("Nothing was changed: the profile already says this."))
    with transaction.atomic():
        Client.objects.select_for_update().filter(pk=client.pk).first()  # one submission at a time
        return _save_pending(client=client, data=data, source=FactChange.Source.PORTAL)


def _owner_of(firm: Firm):
    membership = (
        Membership.objects.select_related("user")
        .filter(firm=firm, role=Membership.Role.OWNER, user__is_active=True)
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def intake_consultant(link: IntakeLink):
    """Who a prospect from the link is assigned to: the link's consultant while they are an active
    owner or consultant of the firm, else the firm's first owner."""
    membership = membership_for(link.consultant) if link.consultant.is_active else None
    if (
        membership is not None
        and membership.firm_id == link.firm_id
        and membership.role in (Membership.Role.OWNER, Membership.Role.CONSULTANT)
    ):
        return link.consultant
    return _owner_of(link.firm)


class _Prospect:
    """The ProfileWriter of a new prospect: only what a client row requires, the facts stay pending."""

    def __init__(self, *, firm: Firm, consultant, values: dict):
        self.firm, self.consultant, self.values = firm, consultant, values

    def build_client(self) -> Client:
        return Client(
            firm=self.firm, consultant=self.consultant, status=Client.Status.PROSPECT, **self.values
        )

    def save_facts(self, client: Client) -> None:
        """Nothing: the submitted facts wait in the FactChange."""


# What a prospect's client row holds before review: the name and email the intake page asks
# for, the language to write to them in, and the date of birth a client row cannot be without.
PROSPECT_FIELDS = ("first_name", "last_name", "email", "preferred_language", "date_of_birth")


def submit_intake(*, link: IntakeLink, profile: QuestionnaireForms) -> FactChange:
    """A prospect of the link's firm from a valid intake questionnaire, their facts pending review."""
    if not link.is_published:
        raise PermissionDenied("intake link not published")
    consultant = intake_consultant(link)
    if consultant is None:
        raise ChangeRefused(_("This firm cannot take new clients through this link at the moment."))
    cleaned = profile.client_form.cleaned_data
    values = {name: cleaned[name] for name in PROSPECT_FIELDS}
    data = changes.change_data(profile)
    with transaction.atomic():
        client = client_services.create_client(
            by=consultant, profile=_Prospect(firm=link.firm, consultant=consultant, values=values)
        )
        if client.firm_id != link.firm_id:  # the membership moved between the check and the write
            raise ChangeRefused(_("This firm cannot take new clients through this link at the moment."))
        return FactChange.objects.create(
            client=client,
            firm_id=client.firm_id,
            data=data,
            source=FactChange.Source.INTAKE,
            submitted_at=timezone.now(),
        )


def _locked_for_review(*, change_id: int, by, revision: int) -> FactChange:
    change = FactChange.objects.select_for_update().filter(pk=change_id).first()
    if change is None or not clients_for(by).filter(pk=change.client_id).exists():
        raise PermissionDenied(_("This change belongs to another firm."))
    if not can(by, EDIT_CLIENTS):
        raise PermissionDenied(EDIT_CLIENTS)
    if change.status != FactChange.Status.PENDING:
        raise ChangeRefused(
            _("This change was already reviewed (%(status)s).") % {"status": change.get_status_display()}
        )
    if change.revision != revision:
        raise ChangeRefused(
            _("The client submitted this change again while you were reviewing it; review the new version.")
        )
    return change


def form_errors(profile: QuestionnaireForms) -> list[str]:
    """The messages of the invalid parts of bound questionnaire forms, as "label: message"."""
    errors = []
    forms_ = [profile.client_form, *profile.own_formsets]
    if profile.has_spouse:
        forms_ += [profile.spouse_form, *profile.spouse_formsets]
    for part in forms_:
        is_formset = hasattr(part, "forms")
        for form in part.forms if is_formset else [part]:
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                errors += [f"{label}: {m}" if label else str(m) for m in messages]
        if is_formset:
            errors += [str(e) for e in part.non_form_errors()]
    return errors


def accept_change(*, change_id: int, by, revision: int) -> FactChange:
    """Apply a pending change to the profile through clients.services.update_client, all or nothing."""
    with transaction.atomic():
        change = _locked_for_review(change_id=change_id, by=by, revision=revision)
        client = (
            Client.objects.select_for_update(of=("self",)).select_related("spouse").get(pk=change.client_id)
        )
        before, _after, profile = changes.bind(client, change.data)
        if not profile.is_valid():
            raise ChangeInvalid(form_errors(profile))
        change.before = before
        try:
            client_services.update_client(by=by, client=client, profile=profile)
        except ValidationError as exc:  # the service's own checks (the assigned consultant)
            raise ChangeInvalid([m for ms in exc.message_dict.values() for m in ms]) from exc
        _close(change, status=FactChange.Status.ACCEPTED, by=by, note="")
    return change


def return_change(*, change_id: int, by, revision: int, note: str) -> FactChange:
    """Send a pending change back to the client with a note; the profile is not touched."""
    note = (note or "").strip()
    if not note:
        raise ChangeRefused(_("Write a note saying what to correct."))
    with transaction.atomic():
        change = _locked_for_review(change_id=change_id, by=by, revision=revision)
        client = Client.objects.select_related("spouse").get(pk=change.client_id)
        change.before = changes.snapshot(client, QuestionnaireForms(instance=client))
        _close(change, status=FactChange.Status.RETURNED, by=by, note=note)
    return change


def _close(change: FactChange, *, status: str, by, note: str) -> None:
    change.status, change.note = status, note
    change.reviewed_by, change.reviewed_at = by, timezone.now()
    change._history_user = by  # the audit row's author, in a request or not
    change.save(update_fields=["status", "note", "reviewed_by", "reviewed_at", "before"])
    transaction.on_commit(_queue_review_email(change.pk))


def _queue_review_email(change_id: int):
    def queue() -> None:
        from intake.tasks import email_review  # tasks import services: no import circle at load

        email_review.delay(change_id)

    queue.__qualname__ = f"queue_review_email_{change_id}"
    return queue


def send_review_email(change_id: int, *, now: dt.datetime | None = None) -> bool:
    """Email the client that their change was accepted or returned, once.

    The project's send-once pattern (invitations.delivery's docstring): claim the row with a
    conditional UPDATE (unsent, not given up, unclaimed or claimed longer ago than CLAIM_LEASE),
    send outside any transaction, then record: emailed_at on success; a message that can never
    be sent (invitations.delivery.is_permanent_failure) gives up with its error; any other
    failure releases the claim for the next run (send_unsent_review_emails, beat). Returns
    whether this call sent it.
    """
    from intake.emails import review_message

    now = now or timezone.now()
    claimed = FactChange.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lte=now - CLAIM_LEASE),
        pk=change_id,
        status__in=REVIEWED,
        emailed_at__isnull=True,
        email_given_up=False,
    ).update(email_claimed_at=now)
    if claimed != 1:
        return False
    change = FactChange.objects.select_related("client__firm").get(pk=change_id)
    if not change.client.email:
        FactChange.objects.filter(pk=change_id).update(email_given_up=True, email_error="no email address")
        return False
    try:
        with mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS) as connection:
            review_message(change, connection=connection).send()
    except Exception as exc:  # noqa: BLE001 - recorded on the change; the next run retries a transient one
        permanent = is_permanent_failure(exc)
        logger.warning(
            "review email of fact change %s failed (%s): %s",
            change_id,
            "permanent" if permanent else "will retry",
            type(exc).__name__,
        )
        FactChange.objects.filter(pk=change_id).update(
            email_error=f"{type(exc).__name__}: {exc}"[:500],
            email_given_up=permanent,
            email_claimed_at=now if permanent else None,
        )
        return False
    FactChange.objects.filter(pk=change_id).update(emailed_at=timezone.now(), email_error="")
    return True


def send_unsent_review_emails(*, now: dt.datetime | None = None) -> int:
    """Send every review email not sent yet (a queued task lost, the mail server away): beat's sweep.

    Only changes reviewed within UNSENT_EMAIL_DAYS: after that the client has heard otherwise.
    """
    now = now or timezone.now()
    ids = (
        FactChange.objects.filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lte=now - CLAIM_LEASE),
            status__in=REVIEWED,
            emailed_at__isnull=True,
            email_given_up=False,
            reviewed_at__gte=now - dt.timedelta(days=UNSENT_EMAIL_DAYS),
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    return sum(send_review_email(pk, now=now) for pk in list(ids))


# --------------------------------------------------------------------------------- intake link
def _require_owner(by, firm: Firm) -> None:
    membership = membership_for(by)
    if membership is None or membership.firm_id != firm.pk or not can(by, MANAGE_FIRM):
        raise PermissionDenied(MANAGE_FIRM)


def link_for(firm: Firm) -> IntakeLink | None:
    return IntakeLink.objects.filter(firm=firm).select_related("consultant").first()


def set_intake_link(*, firm: Firm, by, publish: bool, consultant=None, rotate: bool = False) -> IntakeLink:
    """Publish or unpublish the firm's intake link (owners); `rotate` gives it a new token, so the
    old address is a 404 from then on. Prospects go to `consultant` (an owner or consultant)."""
    _require_owner(by, firm)
    if (
        consultant is not None
        and not Membership.objects.filter(
            user=consultant, firm=firm, role__in=[Membership.Role.OWNER, Membership.Role.CONSULTANT]
        ).exists()
    ):
        raise PermissionDenied("consultant of another firm")
    with transaction.atomic():
        link = IntakeLink.objects.select_for_update().filter(firm=firm).first()
        if link is None:
            link = IntakeLink(firm=firm, consultant=consultant or by)
        if consultant is not None:
            link.consultant = consultant
        if rotate:
            link.token = new_intake_token()
        link.is_published = publish
        link.save()
    return link
