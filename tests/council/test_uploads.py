"""Uploads that must be refused (issue 8): too large, of a kind we do not accept, content that does
not match its name, empty, and names that try to climb out of the storage folder or hide their
kind behind a NUL. Each is refused with a message that names the problem, and nothing is stored:
no row, no history row, no file in PRIVATE_STORAGE_ROOT.

The register's "new document" page already has its first cases in test_management_pages.py (an
.exe, HTML named .pdf, HTML named .txt, an empty file, one too large); here are the rest, the
"replace the file" page, and the protocol importer's page.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from council.demo import MINIMAL_PDF
from council.lib import uploads
from council.models import Document
from protocol import importer
from tests.cross import test_hostile_input as hostile
from tests.cross.test_hostile_input import ERROR_SUMMARY, rolled_back, snapshot

# The same world as the hostile-input tests (the cast and the matrix's objects), built once for
# this module: a fresh cast per test would be most of the file's time.
world = hostile.world

HTML = b"<!doctype html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
NOT_ACCEPTED = "This kind of file is not accepted."
MISMATCH = "does not match its name"


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


def refused(response, message: str) -> str:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert ERROR_SUMMARY in page
    assert message in page, f"expected {message!r} in the error summary"
    return page


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A request body written by hand: the test client sends only a file's base name, and a
    hostile client sends whatever it likes."""
    boundary = "hostile-boundary-7d93"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------------------------------------
# The document register: a new document, and a new file for one
# ---------------------------------------------------------------------------------------------


def document_page(world, page: str) -> tuple[str, dict[str, str]]:
    cast = world.cast
    if page == "new":
        fields = {
            "title": "Minutes",
            "classification": "committee",
            "committee": "",
            "description": "",
        }
        return reverse("council:document_new", args=[cast.council.slug]), fields
    url = reverse("council:document_replace", args=[cast.council.slug, cast.committee_document.pk])
    return url, {}


BOTH_PAGES = pytest.mark.parametrize("page", ["new", "replace"])

CASES = [
    ("drawing.svg", SVG, NOT_ACCEPTED),
    ("page.html", HTML, NOT_ACCEPTED),
    ("page.htm", HTML, NOT_ACCEPTED),
    ("no-extension", MINIMAL_PDF, NOT_ACCEPTED),
    ("minutes.pdf.exe", b"MZ\x90\x00", NOT_ACCEPTED),
    ("report.docx", MINIMAL_PDF, f"{MISMATCH} (.docx)"),
    ("minutes.exe.pdf", b"MZ\x90\x00", f"{MISMATCH} (.pdf)"),
    ("photo.png", b"\xff\xd8\xff\xe0JFIF", f"{MISMATCH} (.png)"),
    ("notes.txt", b"plain\x00binary", f"{MISMATCH} (.txt)"),
    ("data.csv", b"  <svg onload=alert(1)>", f"{MISMATCH} (.csv)"),
]
# Cases the new-document page has in test_management_pages.py; here for the replace page only.
REPLACE_ONLY = [
    ("virus.exe", b"MZ\x90\x00", NOT_ACCEPTED),
    ("page.pdf", HTML, f"{MISMATCH} (.pdf)"),
    ("empty.pdf", b"", "The submitted file is empty."),
]


def assert_nothing_stored(world, page, post) -> str:
    before, files = snapshot(), stored_files()
    document = world.cast.committee_document
    response = post()
    assert snapshot() == before
    assert stored_files() == files
    if page == "replace":
        document.refresh_from_db()
        assert document.original_name == "planning-schedule.pdf"
    return response


@BOTH_PAGES
@pytest.mark.parametrize("name, content, message", CASES, ids=[c[0] for c in CASES])
def test_a_file_of_the_wrong_kind_is_refused_naming_the_problem(
    world, db, page, name, content, message
):
    url, fields = document_page(world, page)
    client = world.client("officer")
    with rolled_back():
        response = assert_nothing_stored(
            world,
            page,
            lambda: client.post(url, {**fields, "file": SimpleUploadedFile(name, content)}),
        )
        page_text = refused(response, message)
    if message == NOT_ACCEPTED:  # and says what is accepted
        assert uploads.ACCEPTED_NAMES in page_text


@pytest.mark.parametrize("name, content, message", REPLACE_ONLY, ids=[c[0] for c in REPLACE_ONLY])
def test_a_replacement_file_of_the_wrong_kind_is_refused(world, db, name, content, message):
    url, fields = document_page(world, "replace")
    client = world.client("officer")
    with rolled_back():
        response = assert_nothing_stored(
            world, "replace", lambda: client.post(url, {"file": SimpleUploadedFile(name, content)})
        )
        refused(response, message)


@BOTH_PAGES
def test_a_file_too_large_is_refused_with_its_size_and_the_limit(world, db, page):
    url, fields = document_page(world, page)
    client = world.client("officer")
    big = SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * 2000)
    with rolled_back(), override_settings(DOCUMENT_MAX_BYTES=1000):
        response = assert_nothing_stored(
            world, page, lambda: client.post(url, {**fields, "file": big})
        )
        refused(response, "The file is 2.1\xa0KB. Files must be smaller than 1000\xa0bytes.")


@BOTH_PAGES
def test_no_file_at_all_or_text_in_its_place_is_refused(world, db, page):
    url, fields = document_page(world, page)
    client = world.client("officer")
    with rolled_back():
        for file in (None, "minutes.pdf", ["a", "b"]):
            data = fields if file is None else {**fields, "file": file}
            response = assert_nothing_stored(world, page, lambda d=data: client.post(url, d))
            refused(response, "Choose a file to upload")


@BOTH_PAGES
@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("../../etc/passwd.html", HTML, NOT_ACCEPTED),
        ("..\\..\\windows\\page.pdf", HTML, f"{MISMATCH} (.pdf)"),
        ("evil.pdf\x00.html", HTML, NOT_ACCEPTED),
        ("evil.html\x00.pdf", HTML, f"{MISMATCH} (.pdf)"),
        ("evil\u202efdp.exe", b"MZ\x90\x00", NOT_ACCEPTED),
        ("..", MINIMAL_PDF, "Choose a file to upload"),
    ],
    ids=[
        "traversal",
        "windows-traversal",
        "nul-hides-html",
        "nul-hides-pdf",
        "rtl-override",
        "dots",
    ],
)
def test_a_name_that_climbs_out_or_hides_its_kind_is_refused(
    world, db, page, filename, content, message
):
    """Django keeps only the last part of an uploaded file's name and drops unprintable
    characters (NUL, right-to-left overrides) before the form sees it; what is left is checked
    like any other name, against the content."""
    url, fields = document_page(world, page)
    body, content_type = multipart(fields, filename, content)
    client = world.client("officer")
    with rolled_back():
        response = assert_nothing_stored(
            world, page, lambda: client.post(url, body, content_type=content_type)
        )
        refused(response, message)


@BOTH_PAGES
@pytest.mark.parametrize("filename", ["../../etc/passwd.pdf", "/etc/passwd.pdf", "pass\x00wd.pdf"])
def test_a_pdf_with_a_climbing_or_nul_name_is_kept_inside_the_storage_folder(
    world, db, page, filename
):
    """A real PDF whose name climbs (../../etc/) or holds a NUL is a file like any other once
    Django has cut its name to "passwd.pdf": it is stored under a random name inside
    PRIVATE_STORAGE_ROOT, and nothing is written anywhere else."""
    root = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    outside = (root / "../../etc/passwd.pdf").resolve()
    existed = outside.exists()
    url, fields = document_page(world, page)
    body, content_type = multipart(fields, filename, MINIMAL_PDF)
    with rolled_back():
        files = stored_files()
        response = world.client("officer").post(url, body, content_type=content_type)
        assert response.status_code == 302, response.content
        added = stored_files() - files
        assert len(added) == 1
        stored = added.pop().resolve()
        assert stored.is_relative_to(root)
        assert "passwd" not in stored.name
        document = (
            Document.objects.get(title="Minutes")
            if page == "new"
            else Document.objects.get(pk=world.cast.committee_document.pk)
        )
        assert document.original_name == "passwd.pdf"
        stored.unlink()  # the row is rolled back; its file goes too
    assert outside.exists() == existed


# ---------------------------------------------------------------------------------------------
# The protocol importer's page: nothing is saved before the clerk confirms, and a bad file is
# refused at once
# ---------------------------------------------------------------------------------------------

IMPORT_TYPE = "Upload a .docx, .txt or .md file."


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("protocol.pdf", MINIMAL_PDF, IMPORT_TYPE),
        ("protocol.exe", b"MZ\x90\x00", IMPORT_TYPE),
        ("protocol.svg", SVG, IMPORT_TYPE),
        ("protocol.html", HTML, IMPORT_TYPE),
        ("protocol.doc", b"\xd0\xcf\x11\xe0", IMPORT_TYPE),
        ("protocol", b"1. Scope\n", IMPORT_TYPE),
        ("protocol.docx", MINIMAL_PDF, "not a Word document that can be read"),
        ("protocol.docx", b"PK\x03\x04 not really a zip", "not a Word document that can be read"),
        ("protocol.txt", HTML, "This file is not plain text, although its name ends in .txt"),
        ("protocol.md", SVG, "This file is not plain text, although its name ends in .md"),
        ("protocol.txt", b"1. Scope\x00\x01", "This file is not plain text"),
        (
            "protocol.txt",
            codecs.BOM_UTF16_LE + "1. Scope\x00".encode("utf-16-le"),
            "This file is not plain text",
        ),
        ("protocol.txt", b"", "The submitted file is empty."),
        ("protocol.txt", b"   \n\t\n", importer.MSG_NO_TEXT),
    ],
    ids=[
        "pdf",
        "exe",
        "svg",
        "html",
        "old-word",
        "no-extension",
        "pdf-named-docx",
        "broken-zip-named-docx",
        "html-named-txt",
        "svg-named-md",
        "binary-named-txt",
        "utf16-with-nul",
        "empty",
        "only-spaces",
    ],
)
def test_the_importer_refuses_a_file_it_cannot_read_naming_the_problem(
    world, db, name, content, message
):
    url = reverse("protocol:import", args=[world.cast.council.slug])
    with rolled_back():
        before, files = snapshot(), stored_files()
        response = world.client("clerk").post(url, {"file": SimpleUploadedFile(name, content)})
        refused(response, message)
        assert snapshot() == before
        assert stored_files() == files


def test_the_importer_refuses_a_file_too_large(world, db):
    url = reverse("protocol:import", args=[world.cast.council.slug])
    big = SimpleUploadedFile("protocol.txt", b"1. Scope\n" + b"x" * (5 * 1024 * 1024))
    with rolled_back():
        before = snapshot()
        response = world.client("clerk").post(url, {"file": big})
        refused(response, "The file must be smaller than 5 MB.")
        assert snapshot() == before


def test_the_importer_shows_a_climbing_name_as_its_last_part_and_saves_nothing(world, db):
    url = reverse("protocol:import", args=[world.cast.council.slug])
    body, content_type = multipart({}, "../../etc/proto\x00col.txt", b"1. Scope\nIt applies.\n")
    with rolled_back():
        before = snapshot()
        response = world.client("clerk").post(url, body, content_type=content_type)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nothing is saved until you create the draft" in page
        assert "From protocol.txt." in page
        assert "../" not in page
        assert snapshot() == before
