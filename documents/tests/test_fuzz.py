"""Hostile input on every documents form: never a 500, nothing half-saved (testing.fuzz)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from documents.models import Document, FirmDocumentSettings
from documents.tests import samples
from documents.tests.conftest import sign_in_portal, upload
from testing.fuzz import fuzz_form_post, fuzz_get, hostile_uploads, hostile_values


def test_the_review_form_survives_hostile_input(client, office):
    [document] = upload(office)
    client.force_login(office.consultant)
    url = reverse("documents:review", args=[office.client.pk, document.pk])
    decisions = st.one_of(st.sampled_from(["accept", "return", "", "ACCEPT"]), hostile_values())
    statuses = fuzz_form_post(client, url, ["decision", "reason"], max_examples=40,
                              strategies={"decision": decisions})
    assert set(statuses) <= {302, 400} and statuses.get(400)
    document.refresh_from_db()
    assert document.status == "to_review"  # every example was rolled back


def test_the_retention_form_survives_hostile_input(client, office):
    client.force_login(office.owner)
    days = st.one_of(st.integers(-10**6, 10**6).map(str), hostile_values())
    statuses = fuzz_form_post(client, reverse("documents:retention"), ["keep_days_after_close"],
                              max_examples=40, strategies={"keep_days_after_close": days})
    assert set(statuses) <= {302, 400} and statuses.get(400)
    assert not FirmDocumentSettings.objects.exists()


def test_the_upload_form_survives_hostile_files(client, office):
    sign_in_portal(client, office.client)
    url = reverse("portal:documents:item", args=[office.item.pk])
    polyglots = st.sampled_from([samples.png() + b"<script>", b"%PDF-1.7\n<html>", samples.truncated_png(),
                                 samples.png_declaring(10**5, 10**5), samples.pdf_with_javascript()])
    files = st.one_of(hostile_uploads("scan.pdf", valid=[samples.pdf(), samples.png(), samples.jpeg()]),
                      polyglots.map(lambda data: SimpleUploadedFile("scan.png", data)))
    statuses = fuzz_form_post(client, url, ["files"], max_examples=60, strategies={"files": files})
    assert set(statuses) <= {302, 400} and statuses.get(400)
    assert Document.objects.count() == 0


def test_the_list_of_documents_to_review_survives_hostile_parameters(client, office):
    client.force_login(office.consultant)
    statuses = fuzz_get(client, reverse("documents:to_review"), ["scope"])
    assert set(statuses) == {200}
