"""The "documents" storage on S3: django-storages' S3 backend against an S3-compatible server on loopback.

moto's server (ThreadedMotoServer, a dev dependency from PyPI) speaks the S3 API on 127.0.0.1; the
storage is configured exactly as DOCUMENTS_S3_BUCKET and AWS_S3_ENDPOINT_URL configure it, and the
same services and views run against it: upload, download, refused upload, deletion with the client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import boto3
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from clients.services import delete_client
from documents.models import Document
from documents.storage import documents_storage
from documents.tests import samples
from documents.tests.conftest import upload
from documents.validation import UploadRefused
from testing.services import free_port

PREFIX = "documents"


@pytest.fixture
def s3(settings):
    from moto.server import ThreadedMotoServer

    port = free_port()
    bucket = f"itadesk-test-{uuid.uuid4().hex[:12]}"  # moto keeps its buckets for the whole process
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="ca-central-1", **keys)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": bucket, "location": PREFIX, "endpoint_url": endpoint,
                    "region_name": "ca-central-1", "access_key": "test-key", "secret_key": "test-secret",
                    "file_overwrite": False}}}
    client.bucket = bucket
    yield client
    server.stop()


def objects(client) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=client.bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=client.bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_uploads_are_objects_under_random_keys_and_download_through_the_view(s3, office, client):
    assert type(documents_storage()).__name__ == "S3Storage"
    first, second = upload(office, ("passport.pdf", samples.pdf()), ("photo.png", samples.png()))
    assert objects(s3) == {f"{PREFIX}/{first.file_key}": samples.pdf(),
                           f"{PREFIX}/{second.file_key}": samples.png()}
    client.force_login(office.consultant)
    response = client.get(reverse("documents:download", args=[office.client.pk, second.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == samples.png()
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'


def test_a_refused_upload_leaves_no_object(s3, office):
    with pytest.raises(UploadRefused):
        upload(office, ("fine.pdf", samples.pdf()), ("page.pdf", b"<html>"))
    assert objects(s3) == {} and Document.objects.count() == 0


def test_deleting_the_client_deletes_the_objects(s3, office, django_capture_on_commit_callbacks):
    upload(office, ("a.pdf", samples.pdf()), ("b.png", samples.png()))
    assert len(objects(s3)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        delete_client(by=office.owner, client=office.client)
    assert objects(s3) == {}


def test_the_environment_selects_the_s3_backend():
    """DOCUMENTS_S3_BUCKET and the AWS_* variables become the "documents" storage (config/settings.py)."""
    env = {**os.environ, "DOCUMENTS_S3_BUCKET": "firm-files", "AWS_S3_ENDPOINT_URL": "https://s3.example",
           "AWS_S3_REGION_NAME": "ca-central-1", "AWS_ACCESS_KEY_ID": "AKIA-EXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "example-secret", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['documents'], default=str))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=django_settings.BASE_DIR)
    storage = json.loads(out.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {k: storage["OPTIONS"][k] for k in ("bucket_name", "endpoint_url", "region_name", "access_key",
                                               "location")} == {
        "bucket_name": "firm-files", "endpoint_url": "https://s3.example", "region_name": "ca-central-1",
        "access_key": "AKIA-EXAMPLE", "location": "documents"}
