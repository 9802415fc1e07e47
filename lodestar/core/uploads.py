"""Uploaded files, one set of rules for every upload (message attachments, library resources,
work shared for feedback):

- accepted by the name's extension AND by the first bytes of the file itself, so a program, a
  web page or an SVG renamed "photo.png" is refused; only types that browsers never run are
  known here (no SVG, HTML or scripts), and configuration can only narrow them;
- a size cap, and no empty files;
- stored under a random name (`stored_name`) below MEDIA_ROOT (var/media), which nothing serves
  directly: the name a person gave is kept in the database, cleaned (`clean_name`), and only
  offered back in a download's Content-Disposition;
- served by `download_response` from a view that has checked permission first: always as an
  attachment, with nosniff, a sandboxing CSP, no caching and the type we checked.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

HEAD_BYTES = 8192
NAME_MAX = 200
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _starts(*prefixes: bytes):
    return lambda head, file: head.startswith(prefixes)


def _webp(head: bytes, file) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _text(head: bytes, file) -> bool:
    """Plain text: no NUL byte (binaries are full of them), and not a web page in disguise."""
    if b"\x00" in head:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not start.startswith((b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml"))


def _ooxml(folder: str):
    """An Office Open XML file: a zip with [Content_Types].xml and its own main folder."""

    def check(head: bytes, file) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(file)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _opendocument(mimetype: bytes):
    """An OpenDocument file: a zip whose "mimetype" entry names the document kind."""

    def check(head: bytes, file) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                info = archive.getinfo("mimetype")
                # A few dozen bytes in a real document: never inflate anything bigger.
                return info.file_size < 200 and archive.read(info).strip() == mimetype
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, zlib.error):
            return False
        finally:
            file.seek(0)

    return check


def _zip_names(file) -> set[str]:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        file.seek(0)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    looks_right: object  # (head: bytes, file) -> bool


TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF", "application/pdf", _starts(b"%PDF-")),
    ".png": FileType("PNG", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": FileType("JPEG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("JPEG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".gif": FileType("GIF", "image/gif", _starts(b"GIF87a", b"GIF89a")),
    ".webp": FileType("WebP", "image/webp", _webp),
    ".txt": FileType("TXT", "text/plain; charset=utf-8", _text),
    ".csv": FileType("CSV", "text/csv; charset=utf-8", _text),
    ".docx": FileType(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ooxml("word/"),
    ),
    ".xlsx": FileType(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ooxml("xl/")
    ),
    ".pptx": FileType(
        "PPTX",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ooxml("ppt/"),
    ),
    ".odt": FileType(
        "ODT",
        "application/vnd.oasis.opendocument.text",
        _opendocument(b"application/vnd.oasis.opendocument.text"),
    ),
}


def allowed_extensions() -> list[str]:
    """The extensions this installation accepts: settings.MESSAGE_ATTACHMENT_TYPES, limited to
    those we know how to check (an unknown type can never be switched on by configuration)."""
    wanted = getattr(settings, "MESSAGE_ATTACHMENT_TYPES", None) or list(TYPES)
    wanted = {"." + str(ext).lower().lstrip(".") for ext in wanted}
    return [ext for ext in TYPES if ext in wanted]


def max_bytes() -> int:
    return int(getattr(settings, "MESSAGE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def describe_allowed() -> str:
    labels = list(dict.fromkeys(TYPES[ext].label for ext in allowed_extensions()))
    return _("%(types)s; up to %(size)s.") % {
        "types": ", ".join(labels),
        "size": filesizeformat(max_bytes()),
    }


def clean_name(name: str) -> str:
    """The file's own name, safe to show and to offer back in a download: no folders, no
    control characters, not too long (the extension is kept)."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > NAME_MAX:
        path = PurePath(name)
        name = path.stem[: NAME_MAX - len(path.suffix)] + path.suffix
    return name


def check_upload(upload, *, field: str = "file") -> FileType:
    """The file's type if it may be uploaded; a ValidationError about `field` if not."""
    name = clean_name(getattr(upload, "name", "") or "")
    extension = PurePath(name).suffix.lower()
    if extension not in allowed_extensions():
        raise ValidationError(
            {
                field: _("Files of this type cannot be attached. Allowed: %(allowed)s")
                % {"allowed": describe_allowed()}
            },
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("This file is empty.")}, code="file_empty")
    if size > max_bytes():
        raise ValidationError(
            {
                field: _("This file is %(size)s; files may be up to %(max)s.")
                % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
            },
            code="file_too_large",
        )
    kind = TYPES[extension]
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not kind.looks_right(head, upload):
        raise ValidationError(
            {
                field: _(
                    "This file’s contents are not a %(type)s file, whatever its name says. "
                    "Save it again as %(type)s, or send another file."
                )
                % {"type": kind.label}
            },
            code="file_contents",
        )
    return kind


def check_attachment(upload) -> FileType:
    """check_upload for a message's "attachment" field."""
    return check_upload(upload, field="attachment")


_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,9}")


def stored_name(folder: str, filename: str) -> str:
    """A random path under <folder>/<year>/<month>/ for an upload_to: the name a person gave
    their file never reaches the file system or a URL (only its extension, if plainly one)."""
    suffix = PurePath(str(filename).replace("\\", "/")).suffix.lower()
    suffix = suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""
    now = timezone.now()
    return f"{folder}/{now:%Y}/{now:%m}/{secrets.token_hex(16)}{suffix}"


def download_response(field_file, name: str, content_type: str) -> FileResponse:
    """A stored file as a download, for a view that has already checked who may have it:
    never rendered by the browser, never cached, never sniffed into another type."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=clean_name(name) or "download",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
