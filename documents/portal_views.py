"""The client's documents in the portal (/portal/documents/): their checklist, uploads, downloads.

Every object is read through ``request.portal_client`` (portal.access.client_required), so another
client's item or document is a 404, and staff users get a 404 on every page here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from documents import selectors, services
from documents.forms import UploadForm
from documents.models import Document
from documents.responses import attachment
from documents.uploads import BoundedUpload
from documents.validation import Incoming, UploadRefused, megabytes
from portal.access import client_required
from portal.pages import render_portal


@client_required
@require_safe
def portal_list(request: HttpRequest) -> HttpResponse:
    """The client's checklist with what they sent for each item: 2 queries whatever the count."""
    client = request.portal_client
    items = list(selectors.portal_items(client))
    grouped = selectors.item_documents(client, [i.pk for i in items])
    for item in items:
        item.uploaded = grouped.get(item.pk, [])
    return render_portal(request, "documents/portal/list.html", {"items": items})


@client_required
@csrf_exempt  # only until the upload bound is in place: _portal_item checks the token (csrf_protect)
@require_http_methods(["GET", "POST"])
def portal_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One checklist item: its files with their review, and the form to send more (all or nothing)."""
    limits = services.limits()
    bound = BoundedUpload(limits.max_files * limits.max_file_bytes, request)
    request.upload_handlers.insert(0, bound)
    return _portal_item(request, pk, bound)


@csrf_protect
def _portal_item(request: HttpRequest, pk: int, bound: BoundedUpload) -> HttpResponse:
    client = request.portal_client
    item = get_object_or_404(selectors.portal_items(client), pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and bound.exceeded:
        limits = services.limits()
        problems = [_("The files sent together are larger than %(max)s; send fewer at a time.")
                    % {"max": megabytes(limits.max_files * limits.max_file_bytes)}]
    elif request.method == "POST":
        incoming = [Incoming(name=f.name, size=f.size, file=f) for f in request.FILES.getlist("files")]
        try:
            uploaded = services.upload_documents(client=client, item=item, files=incoming)
        except UploadRefused as refusal:
            problems = refusal.problems
        except ValidationError as exc:
            problems = [str(m) for m in exc.messages]
        else:
            messages.success(request, _("Received: %(names)s. Your consultant will review it.")
                             % {"names": ", ".join(d.original_name for d in uploaded)})
            return redirect("portal:documents:item", pk=item.pk)
    limits = services.limits()
    return render_portal(request, "documents/portal/item.html", {
        "item": item, "form": form, "problems": problems,
        "uploaded": selectors.item_documents(client, [item.pk]).get(item.pk, []),
        "can_upload": item.status != item.Status.NOT_NEEDED,
        "max_file": megabytes(limits.max_file_bytes), "max_files": limits.max_files,
        "max_client": megabytes(limits.max_client_bytes),
    }, status=400 if problems else 200)


@client_required
@require_safe
def portal_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy of one of the client's own files."""
    document = get_object_or_404(Document, client=request.portal_client, pk=pk)
    response = attachment(document)
    services.record_download(document=document, by_client=True)
    return response
