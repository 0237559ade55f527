"""What a client may upload: PDF, JPEG and PNG, judged by content, never by name.

Pure checks (no database, no storage): bytes and names in, a verdict out. The upload service
(documents.services.upload_documents) stores nothing unless every file of the request passes.

Each file is read whole (it is bounded by `Limits.max_file_bytes` first, from its declared size,
then again from what was read) and must be, by content:

- PDF: `%PDF-` at byte 0 (a file that starts as something else and carries a PDF further on is a
  polyglot, refused), parsed by pypdf with at least one page, not encrypted (the consultant could
  not read it), nothing but white space after its last `%%EOF` (something appended: an HTML page,
  a ZIP), and no active content anywhere in its objects (JavaScript, launch actions, embedded files,
  rich media): a scan or an exported document never needs them, and a viewer may run them.
- JPEG / PNG: their signature, then Pillow reads the header, `verify()`s the file and, reopened,
  decodes every pixel (`load()`), within `Limits.max_pixels` (checked from the header before
  decoding, so a small file declaring a huge image is refused without allocating it; Pillow's own
  decompression-bomb warning is an error here too). A PNG may not continue after its IEND chunk.
  A JPEG may (phones store a second, smaller image after the first: MPF), as long as the rest of
  the checks pass.
- Any type: no HTML or script markup in the bytes (`<script`, `<html`, `<svg`, `<iframe`,
  `<!doctype html`, `<?php`): a file a browser could be talked into rendering as a page is refused
  even though downloads are always attachments with `nosniff`.

Names: a name with a folder part (`/`, `\\`, `..`), a control character or a right-to-left override
(`invoice\u202efdp.exe`) is refused (a browser never sends one: the request was made by hand);
otherwise the name is normalised (NFC), characters no file system accepts are replaced, it is cut
to MAX_NAME_LENGTH and its extension is the one of the detected type (a PNG named `scan.pdf` is
kept as `scan.pdf.png`). The stored object's key is random (documents.storage.new_key); the
client's name is only shown and offered back as the download's file name.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
CONTENT_TYPES = (PDF, JPEG, PNG)
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"  # the file input's hint

MAX_NAME_LENGTH = 120  # characters kept of the client's file name (extension included)
# More objects than this: refused rather than walked (~1 s of CPU per file; 200_000 was ~13 s, x10 files)
MAX_PDF_OBJECTS = 20_000
_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|!doctype\s+html|\?php)\b", re.IGNORECASE)
# PDF dictionary keys and action types that make a document run something in a viewer.
# /XFA: an XFA form's XML (often compressed, so out of _MARKUP's sight) carries scripts Acrobat runs.
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                              "/RichMedia", "/XFA"})
# /SubmitForm posts the form's data to any address; /GoToE opens an embedded document.
# /GoToR opens another file, a \\host\share path included: Windows then sends the user's NTLM hash.
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/SubmitForm",
                                 "/GoToE", "/GoToR"})
# A link (/URI action) may open a web page, not run a script or reach a file share.
_PDF_UNSAFE_URI = re.compile(r"^\s*(javascript|vbscript|data|file|smb):|^\s*\\\\", re.IGNORECASE)
_PDF_TRAILING_OK = b" \t\r\n\x00\x0c"
_FORBIDDEN_IN_NAME = re.compile(r"[/\\]|^\.\.?$")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_REPLACED_IN_NAME = re.compile(r'[<>:"|?*]')


@dataclass(frozen=True)
class Limits:
    """The bounds of one upload request (read from settings by documents.services.limits)."""

    max_file_bytes: int
    max_client_bytes: int  # everything one client may have stored
    max_files: int  # files in one request
    max_pixels: int  # width x height of an image


@dataclass(frozen=True)
class Incoming:
    """A file as the request carried it: the client's name, its declared size, a way to read it."""

    name: str
    size: int
    file: io.IOBase  # read() gives the bytes


@dataclass(frozen=True)
class Checked:
    """A file that passed: its shown name, its detected content type, its bytes."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Problem:
    """Why one file (or the request, `name` empty) was refused, in the user's language."""

    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.name else self.message


class UploadRefused(Exception):
    """Nothing of the request may be stored; every problem found is listed."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def megabytes(n_bytes: int) -> str:
    """A size as people read it in the page's language, like the sizes of the files listed:
    "10.0 MB" / "10,0 Mo" (Django's filesizeformat)."""
    return filesizeformat(n_bytes)


def shown_name(raw: str) -> str:
    """The client's name as it may be printed in a message: control characters dropped, bounded."""
    text = "".join(ch for ch in str(raw) if unicodedata.category(ch)[0] != "C" and ch not in _BIDI_CONTROLS)
    return (text[:80] + "…") if len(text) > 80 else (text or _("(no name)"))


def check_name(raw: str) -> str:
    """The name kept for a file (without the type's extension fixed yet), or _Refused."""
    if not raw or not raw.strip():
        raise _Refused(_("The file has no name."))
    if _FORBIDDEN_IN_NAME.search(raw) or raw.strip() in (".", ".."):
        raise _Refused(_("The file name contains a folder path; send the file under a plain name."))
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in raw):
        raise _Refused(_("The file name contains control or direction characters; rename the file."))
    name = unicodedata.normalize("NFC", raw)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn"))
    name = _REPLACED_IN_NAME.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name or "document"


def final_name(name: str, content_type: str) -> str:
    """`name` ending with an extension of `content_type`, cut to MAX_NAME_LENGTH characters."""
    stem, dot, ext = name.rpartition(".")
    extensions = EXTENSIONS[content_type]
    if dot and f".{ext.lower()}" in extensions:
        stem, ext = stem, f".{ext.lower()}"
    else:
        stem, ext = name, extensions[0]
    stem = stem[: MAX_NAME_LENGTH - len(ext)].rstrip(" .") or "document"
    return stem + ext


def sniff(data: bytes) -> str | None:
    """The content type announced by the first bytes, or None."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


_PDF_SPACE = rb"[ \t\r\n\f\x00]"
_PDF_OBJECT_HEADER = re.compile(  # "12 0 obj" and the white space after it
    rb"(?<![0-9])[0-9]{1,10}" + _PDF_SPACE + rb"+[0-9]{1,5}" + _PDF_SPACE + rb"+obj\b" + _PDF_SPACE + rb"*")


def _pdf_text(value) -> str:
    """A PDF string (direct or by reference, text or bytes) as text."""
    from pypdf.generic import IndirectObject

    if isinstance(value, IndirectObject):
        value = value.get_object()
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _pdf_is_active(obj) -> bool:
    """Whether an object, or any dictionary or array written inside it, is active content.

    Direct dictionaries count as much as indirect objects (a catalog's `/OpenAction << /S
    /JavaScript ... >>`, an annotation's `/A`); references are not followed (each indirect
    object is checked on its own); an indirect `/S` is read.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            kind = dict.get(item, "/S")
            if isinstance(kind, IndirectObject):
                kind = kind.get_object()
            if _PDF_ACTIVE_KEYS.intersection(item.keys()) or kind in _PDF_ACTIVE_ACTIONS:
                return True
            if kind == "/URI" and _PDF_UNSAFE_URI.search(_pdf_text(dict.get(item, "/URI", ""))):
                return True
            stack.extend(v for v in dict.values(item) if isinstance(v, DictionaryObject | ArrayObject))
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in list.__iter__(item) if isinstance(v, DictionaryObject | ArrayObject))
    return False


def _check_pdf(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _Refused(_("The PDF is incomplete (it has no end marker)."))
    if data[end + 5:].strip(_PDF_TRAILING_OK):
        raise _Refused(_("Something is appended after the end of the PDF."))
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file's warnings are the verdict's
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _Refused(_("The PDF is protected by a password; send it without the protection."))
        if len(reader.pages) < 1:
            raise _Refused(_("The PDF has no page."))
        ids = {idnum for per_gen in reader.xref.values() for idnum in per_gen} | set(reader.xref_objStm)
        if len(ids) > MAX_PDF_OBJECTS:
            raise _Refused(_("The PDF is too complex to check."))
        objects = [reader.get_object(idnum) for idnum in sorted(ids)]
        # Every object written in the body too, listed in the cross-reference table or not: a viewer
        # that repairs a file (a reference to a free or missing entry) finds them by scanning.
        from pypdf.generic import read_object

        headers = list(itertools.islice(_PDF_OBJECT_HEADER.finditer(data), MAX_PDF_OBJECTS + 1))
        if len(headers) > MAX_PDF_OBJECTS:
            raise _Refused(_("The PDF is too complex to check."))
        listed_at = {offset for per_gen in reader.xref.values() for offset in per_gen.values()}
        for match in headers:
            if match.start() in listed_at:
                continue  # read above through the table
            reader.stream.seek(match.end())
            objects.append(read_object(reader.stream, reader))
        if any(_pdf_is_active(obj) for obj in objects):
            raise _Refused(_("The PDF contains scripts, launch actions or attached files; "
                             "print it to a new PDF or scan it."))
    except _Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error means the file is not a PDF we can read
        raise _Refused(_("The file is not a readable PDF.")) from exc


def _check_image(data: bytes, content_type: str, max_pixels: int) -> None:
    from PIL import Image

    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    bomb_errors = (Image.DecompressionBombError, Image.DecompressionBombWarning)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as header:
                width, height = header.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise _Refused(_("The image is %(width)s × %(height)s pixels; at most %(max)s million "
                                     "pixels are accepted.")
                                   % {"width": width, "height": height, "max": f"{max_pixels / 1e6:g}"})
                header.verify()
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                image.load()
    except _Refused:
        raise
    except bomb_errors as exc:
        raise _Refused(_("The image has too many pixels to open safely.")) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder error (OSError, SyntaxError, struct.error...)
        raise _Refused(_("The file is not a readable %(type)s image.") % {"type": expected}) from exc
    if content_type == PNG:
        _check_png_ends_at_iend(data)


def _check_png_ends_at_iend(data: bytes) -> None:
    """The bytes after the first IEND chunk must be nothing.

    The chunks are walked from the signature (4 length + 4 type + data + 4 CRC each): looking for
    the last "IEND" instead let a file end with a fake IEND after an appended page.
    """
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        at += 12 + length
        if kind == b"IEND":
            break
    else:
        raise _Refused(_("Something is appended after the end of the PNG image."))
    if at != len(data):
        raise _Refused(_("Something is appended after the end of the PNG image."))


def check_content(data: bytes, *, max_pixels: int) -> str:
    """The detected content type of `data`, or _Refused saying what is wrong."""
    if not data:
        raise _Refused(_("The file is empty."))
    content_type = sniff(data)
    if content_type is None:
        raise _Refused(_("Only PDF, JPEG and PNG files are accepted; this file is none of them."))
    if _MARKUP.search(data):
        raise _Refused(_("The file contains web page or script markup."))
    if content_type == PDF:
        _check_pdf(data)
    else:
        _check_image(data, content_type, max_pixels)
    return content_type


def check_uploads(files: Sequence[Incoming], *, limits: Limits, stored_bytes: int) -> list[Checked]:
    """Every file of one request, checked; UploadRefused listing each problem if any file fails.

    `stored_bytes` is what the client already has stored: the request may not take them past
    `limits.max_client_bytes`. A request over `limits.max_files` is refused before any file is read.
    """
    if not files:
        raise UploadRefused([Problem("", _("Choose at least one file."))])
    if len(files) > limits.max_files:
        raise UploadRefused([Problem("", _("%(count)s files at once: send at most %(max)s per upload.")
                                     % {"count": len(files), "max": limits.max_files})])
    problems: list[Problem] = []
    checked: list[Checked] = []
    total = stored_bytes
    for incoming in files:
        label = shown_name(incoming.name)
        try:
            name = check_name(incoming.name)
            too_large = _("The file is larger than %(max)s.") % {"max": megabytes(limits.max_file_bytes)}
            if incoming.size > limits.max_file_bytes:
                raise _Refused(too_large)
            data = incoming.file.read(limits.max_file_bytes + 1)
            if len(data) > limits.max_file_bytes:
                raise _Refused(too_large)
            content_type = check_content(data, max_pixels=limits.max_pixels)
            total += len(data)
            if total > limits.max_client_bytes:
                raise _Refused(_("Storing it would pass your limit of %(max)s for all your documents.")
                               % {"max": megabytes(limits.max_client_bytes)})
        except _Refused as refusal:
            problems.append(Problem(label, refusal.message))
            continue
        checked.append(Checked(name=final_name(name, content_type), content_type=content_type, data=data))
    if problems:
        raise UploadRefused(problems)
    return checked
