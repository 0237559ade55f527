"""A bound on what one upload request may write to the server's disk, before any view code runs.

Django parses a multipart body into temporary files before the view sees them, so a request of
several gigabytes would be written out whole even though documents.validation refuses it file by
file afterwards. The portal's upload view puts this handler first: past `max_bytes` of file data it
swallows the rest (nothing more is kept, in memory or on disk; the form fields, the CSRF token
among them, still parse) and says so, and the view refuses the request with a message.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler

MULTIPART_SLACK_BYTES = 64 * 1024  # part headers and form fields around the files


class BoundedUpload(FileUploadHandler):
    """Counts the file bytes of a request; past `max_bytes` the files are dropped (`exceeded`)."""

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        if content_length and content_length > self.max_bytes + MULTIPART_SLACK_BYTES:
            self.exceeded = True  # known from the header: keep nothing of any file
        return None  # let Django parse (the form fields are still needed)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.exceeded or self.received > self.max_bytes:
            self.exceeded = True
            return None  # the later handlers (memory, temporary file) never see it
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler returns the file
