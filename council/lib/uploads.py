"""What the portal accepts as an uploaded file: the size, the kinds, and content that matches the
name. One place, used by every upload."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

ZIP_MAGIC = b"PK\x03\x04"
# extension -> (content type, the bytes the file must start with; None for text)
ACCEPTED: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP_MAGIC,
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP_MAGIC),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP_MAGIC),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP_MAGIC),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
ACCEPTED_NAMES = "PDF, Word (.docx), Excel (.xlsx), OpenDocument, PNG, JPEG, text or CSV"
MSG_TOO_LARGE = "The file is {size}. Files must be smaller than {limit}."
MSG_EMPTY = "The file is empty. Choose the file again."
MSG_TYPE = "This kind of file is not accepted. Upload a {names} file."
MSG_MISMATCH = (
    "The file's content does not match its name ({ext}). Save it again in that format, or "
    "upload it with the right name."
)
HTML_MARKERS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml")


def check_upload(file: UploadedFile) -> str:
    """Refuse a file that is too large, of a kind we do not accept, or whose content does not match
    its name (an HTML page named .pdf). Returns the content type to store and to serve."""
    limit = settings.DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            {
                "file": MSG_TOO_LARGE.format(
                    size=filesizeformat(file.size), limit=filesizeformat(limit)
                )
            }
        )
    if file.size == 0:
        raise ValidationError({"file": MSG_EMPTY})
    ext = PurePath(file.name or "").suffix.lower()
    if ext not in ACCEPTED:
        raise ValidationError({"file": MSG_TYPE.format(names=ACCEPTED_NAMES)})
    content_type, magic = ACCEPTED[ext]
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if magic is not None:
        ok = head.startswith(magic)
    else:
        lowered = head.lstrip().lower()
        ok = b"\x00" not in head and not lowered.startswith(HTML_MARKERS)
        if ok:
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as exc:
                # A multi-byte character cut at the 2 KB boundary is still text.
                ok = exc.start >= len(head) - 3
    if not ok:
        raise ValidationError({"file": MSG_MISMATCH.format(ext=ext)})
    return content_type
