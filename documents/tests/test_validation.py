"""documents.validation: PDF, JPEG and PNG only, judged by content; every refusal names the file."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents import validation as v
from documents.tests import samples

LIMITS = v.Limits(max_file_bytes=2 * 1024 * 1024, max_client_bytes=5 * 1024 * 1024, max_files=4,
                  max_pixels=4_000_000)


def incoming(name: str, data: bytes) -> v.Incoming:
    return v.Incoming(name=name, size=len(data), file=io.BytesIO(data))


def refused(name: str, data: bytes, *, stored: int = 0) -> v.Problem:
    with pytest.raises(v.UploadRefused) as caught:
        v.check_uploads([incoming(name, data)], limits=LIMITS, stored_bytes=stored)
    [problem] = caught.value.problems
    return problem


@pytest.mark.parametrize(("name", "make", "content_type"), [
    ("passport.pdf", samples.pdf, v.PDF),
    ("pages.pdf", lambda: samples.pdf(pages=3), v.PDF),
    ("photo.jpg", samples.jpeg, v.JPEG),
    ("photo.JPEG", samples.jpeg, v.JPEG),
    ("scan.png", samples.png, v.PNG),
])
def test_real_pdfs_jpegs_and_pngs_pass_with_their_detected_type(name, make, content_type):
    data = make()
    [checked] = v.check_uploads([incoming(name, data)], limits=LIMITS, stored_bytes=0)
    assert (checked.content_type, checked.data, checked.size) == (content_type, data, len(data))


def test_the_type_comes_from_the_content_not_the_name():
    [checked] = v.check_uploads([incoming("scan.pdf", samples.png())], limits=LIMITS, stored_bytes=0)
    assert checked.content_type == v.PNG
    assert checked.name == "scan.pdf.png"  # opened as what it is


@pytest.mark.parametrize(("name", "data", "says"), [
    ("passport.pdf", b"<html><body>hello</body></html>", "Only PDF, JPEG and PNG"),
    ("photo.jpg", b"GIF89a" + b"\x00" * 40, "Only PDF, JPEG and PNG"),
    ("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 100, "Only PDF, JPEG and PNG"),
    ("notes.pdf", "Déclaration sur l'honneur".encode(), "Only PDF, JPEG and PNG"),
    ("passport.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "not a readable PDF"),
    ("passport.pdf", b"%PDF-1.4\n" + b"x" * 500, "incomplete"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "not a readable JPEG"),
    ("photo.png", samples.truncated_png(), "not a readable PNG"),
])
def test_wrong_content_behind_a_right_extension_is_refused(name, data, says):
    problem = refused(name, data)
    assert problem.name == name and says in problem.message


def test_a_zero_byte_file_is_refused():
    problem = refused("empty.pdf", b"")
    assert (problem.name, problem.message) == ("empty.pdf", "The file is empty.")


def test_a_file_over_the_limit_is_refused_from_its_declared_size_without_being_read():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("an oversize file must not be read")

    problem = None
    with pytest.raises(v.UploadRefused) as caught:
        v.check_uploads([v.Incoming("big.pdf", LIMITS.max_file_bytes + 1, Unreadable())], limits=LIMITS,
                        stored_bytes=0)
    [problem] = caught.value.problems
    assert problem.name == "big.pdf" and "larger than 2.0\xa0MB" in problem.message


def test_a_file_larger_than_it_declared_is_refused_from_what_was_read():
    data = samples.pdf() + b" " * LIMITS.max_file_bytes
    with pytest.raises(v.UploadRefused) as caught:
        v.check_uploads([v.Incoming("liar.pdf", 100, io.BytesIO(data))], limits=LIMITS, stored_bytes=0)
    assert "larger than 2.0\xa0MB" in caught.value.problems[0].message


def test_the_clients_total_is_a_limit_naming_the_file_that_passes_it():
    data = samples.pdf()
    problem = refused("last.pdf", data, stored=LIMITS.max_client_bytes - len(data) + 1)
    assert problem.name == "last.pdf" and "limit of 5.0\xa0MB for all your documents" in problem.message
    fits = LIMITS.max_client_bytes - len(data)
    v.check_uploads([incoming("fits.pdf", data)], limits=LIMITS, stored_bytes=fits)


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (2001, 2000), (1, 2**31 - 1)])
def test_huge_pixel_dimensions_are_refused_before_decoding(width, height):
    problem = refused("bomb.png", samples.png_declaring(width, height))
    assert "pixels" in problem.message or "too large" in problem.message


def test_an_image_within_the_pixel_limit_passes():
    v.check_uploads([incoming("ok.png", samples.image("PNG", (2000, 2000)))], limits=LIMITS, stored_bytes=0)


# Polyglots: what is refused and why (validation's docstring).
def test_a_png_with_an_html_page_appended_is_refused():
    problem = refused("photo.png", samples.png() + b"<html><script>alert(1)</script></html>")
    assert "markup" in problem.message


def test_a_png_with_anything_appended_after_iend_is_refused():
    problem = refused("photo.png", samples.png() + b"PK\x03\x04zip-archive-here")
    assert "appended after the end of the PNG" in problem.message


def test_a_jpeg_carrying_a_script_in_a_comment_is_refused():
    data = samples.jpeg()
    comment = b"<script>alert(document.cookie)</script>"
    polyglot = data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]
    assert "markup" in refused("photo.jpg", polyglot).message


def test_a_jpeg_with_a_second_image_after_its_end_passes():
    """Phones store a preview or depth image after the first (MPF); nothing there can be run."""
    data = samples.jpeg() + samples.jpeg()
    [checked] = v.check_uploads([incoming("iphone.jpg", data)], limits=LIMITS, stored_bytes=0)
    assert checked.content_type == v.JPEG


def test_an_html_page_that_also_parses_as_a_pdf_is_refused():
    """The PDF starts later in the file: a browser would sniff the page first."""
    problem = refused("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>\n" + samples.pdf())
    assert "Only PDF, JPEG and PNG" in problem.message


def test_a_pdf_with_html_and_script_inside_is_refused():
    data = samples.pdf()
    at = data.index(b"%%EOF")
    polyglot = data[:at] + b"% <html><script>alert(1)</script>\n" + data[at:]
    assert "markup" in refused("both.pdf", polyglot).message


def test_a_pdf_with_something_appended_after_its_end_is_refused():
    assert "appended after the end of the PDF" in refused("x.pdf", samples.pdf() + b"PK\x03\x04 zip").message


def test_a_pdf_with_trailing_white_space_passes():
    v.check_uploads([incoming("x.pdf", samples.pdf() + b"\r\n\x00\n")], limits=LIMITS, stored_bytes=0)


@pytest.mark.parametrize("make", [samples.pdf_with_javascript, samples.pdf_with_open_action_script,
                                  samples.pdf_with_attachment])
def test_a_pdf_with_scripts_or_attached_files_is_refused(make):
    assert "scripts, launch actions or attached files" in refused("form.pdf", make()).message


def test_a_pdf_protected_by_a_password_is_refused():
    assert "password" in refused("locked.pdf", samples.encrypted_pdf()).message


# Names.
@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "C:\\Users\\me\\scan.pdf",
                                  "/etc/passwd", "a/b.pdf", "..", "."])
def test_a_name_with_a_folder_part_is_refused(name):
    problem = refused(name, samples.pdf())
    assert "folder path" in problem.message


@pytest.mark.parametrize("name", ["scan\x00.pdf", "scan\r\n.pdf", "invoice\u202efdp.exe.pdf", "a\x7f.pdf"])
def test_a_name_with_control_or_direction_characters_is_refused(name):
    problem = refused(name, samples.pdf())
    assert "control or direction characters" in problem.message
    assert "\x00" not in problem.name and "\u202e" not in problem.name and "\r" not in problem.name


@pytest.mark.parametrize(("raw", "kept"), [
    ("Passeport – page 1.PDF", "Passeport – page 1.pdf"),
    ("  scan.pdf  ", "scan.pdf"),
    ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
    ("...hidden.pdf", "hidden.pdf"),
    ("Cafe\u0301.pdf", "Café.pdf"),
    ("résumé", "résumé.pdf"),
    ("x" * 300 + ".pdf", "x" * (v.MAX_NAME_LENGTH - 4) + ".pdf"),
])
def test_names_are_normalised_and_bounded(raw, kept):
    [checked] = v.check_uploads([incoming(raw, samples.pdf())], limits=LIMITS, stored_bytes=0)
    assert checked.name == kept
    assert len(checked.name) <= v.MAX_NAME_LENGTH


def test_too_many_files_at_once_are_refused_before_any_is_read():
    files = [incoming(f"p{i}.pdf", samples.pdf()) for i in range(LIMITS.max_files + 1)]
    with pytest.raises(v.UploadRefused) as caught:
        v.check_uploads(files, limits=LIMITS, stored_bytes=0)
    assert [str(p) for p in caught.value.problems] == ["5 files at once: send at most 4 per upload."]
    assert all(f.file.tell() == 0 for f in files)


def test_no_file_is_refused():
    with pytest.raises(v.UploadRefused, match="Choose at least one file"):
        v.check_uploads([], limits=LIMITS, stored_bytes=0)


def test_every_problem_of_a_request_is_listed_each_with_its_file():
    files = [incoming("good.pdf", samples.pdf()), incoming("empty.png", b""), incoming("page.pdf", b"<html>"),
             incoming("../x.pdf", samples.pdf())]
    with pytest.raises(v.UploadRefused) as caught:
        v.check_uploads(files, limits=LIMITS, stored_bytes=0)
    assert [p.name for p in caught.value.problems] == ["empty.png", "page.pdf", "../x.pdf"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.binary(max_size=4096), prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"\xff\xd8\xff\xe0",
                                                              b"\x89PNG\r\n\x1a\n"]))
def test_random_bytes_behind_any_signature_are_refused_with_a_message_never_an_error(data, prefix):
    try:
        v.check_uploads([incoming("fuzz.pdf", prefix + data)], limits=LIMITS, stored_bytes=0)
    except v.UploadRefused as refusal:
        assert refusal.problems[0].name == "fuzz.pdf" and refusal.problems[0].message


@settings(max_examples=200, deadline=None, derandomize=True)
@given(name=st.text(max_size=400))
def test_any_name_is_refused_with_a_message_or_kept_safe(name):
    try:
        [checked] = v.check_uploads([incoming(name, samples.png())], limits=LIMITS, stored_bytes=0)
    except v.UploadRefused as refusal:
        assert refusal.problems[0].message
        return
    assert checked.name.endswith(".png") and len(checked.name) <= v.MAX_NAME_LENGTH
    assert not any(ch in checked.name for ch in '/\\<>:"|?*\x00') and not checked.name.startswith(".")
