"""Reads of uploaded documents, always scoped by a firm or by one client."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from clients.models import Client
from documents.models import Document
from invitations.models import ChecklistItem, Invitation

PANEL_ROWS = 100  # documents listed on a client page (to review first, then the newest)


def count_to_review(*, firm_id: int | None, consultant_id: int | None = None) -> int:
    """Documents waiting for review in a firm, or among one consultant's clients: 1 query.

    The dashboard's count (its "mine" scope passes the consultant); served by the partial index
    on (firm, client) of documents to review.
    """
    if firm_id is None:
        return 0
    qs = Document.objects.filter(firm_id=firm_id, status=Document.Status.TO_REVIEW)
    if consultant_id is not None:
        qs = qs.filter(client__consultant_id=consultant_id)
    return qs.count()


def documents_to_review(*, firm_id: int | None, consultant_id: int | None = None,
                        limit: int = PANEL_ROWS) -> list[Document]:
    """The oldest documents waiting for review in a firm (or one consultant's clients): 1 query."""
    if firm_id is None:
        return []
    qs = Document.objects.filter(firm_id=firm_id, status=Document.Status.TO_REVIEW)
    if consultant_id is not None:
        qs = qs.filter(client__consultant_id=consultant_id)
    return list(qs.select_related("client__consultant", "item").order_by("uploaded_at", "id")[:limit])


def client_documents(client: Client, *, limit: int = PANEL_ROWS) -> list[Document]:
    """One client's documents for the staff panel: to review first (oldest first), then the newest."""
    waiting_first = Case(When(status=Document.Status.TO_REVIEW, then=Value(0)), default=Value(1),
                         output_field=IntegerField())
    return list(Document.objects.filter(client=client).select_related("item", "reviewed_by")
                .annotate(waiting=waiting_first).order_by("waiting", "-uploaded_at", "-id")[:limit])


def portal_items(client: Client) -> QuerySet[ChecklistItem]:
    """The checklist of the client's open invitation, for the portal (their own items only)."""
    return (ChecklistItem.objects.filter(invitation__client=client, invitation__status__in=Invitation.OPEN)
            .order_by("start_by", "id"))


def item_documents(client: Client, item_ids) -> dict[int, list[Document]]:
    """The client's documents of these items, oldest first, by item id: 1 query."""
    grouped: dict[int, list[Document]] = {}
    rows = Document.objects.filter(client=client, item_id__in=list(item_ids)).order_by("uploaded_at", "id")
    for document in rows:
        grouped.setdefault(document.item_id, []).append(document)
    return grouped
