"""Files people upload and the app keeps (a session's documents, erasure certificates): the one
check every app applies before keeping one, its name on disk, and its removal with its row.

The check: a size limit, then the type recognised from the content (the first bytes, and for
the office formats the ZIP's structure), never from the name or the type the browser claims,
so that a renamed program is refused; the errors, in the user's language, name the accepted
types and the limit. Each app passes its own accepted types and limit."""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    """A kind of file an app may accept: its content type and its extensions (lower case, the
    first is the one a kept file is given)."""

    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("application/pdf", (".pdf",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = FileType("application/vnd.oasis.opendocument.presentation", (".odp",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)

# The bytes every file of a type begins with.
_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP_SIGNATURE = b"PK\x03\x04"
# An OpenDocument file names its type in its first member, "mimetype".
_OPENDOCUMENT = {kind.content_type.encode(): kind for kind in (ODT, ODS, ODP)}
# An Office Open XML file declares its main part's type in [Content_Types].xml; the
# macro-enabled variants (docm, xlsm, pptm) declare other types and are not recognised.
_OFFICE_MAIN_PARTS = {f"{kind.content_type}.main+xml".encode(): kind for kind in (DOCX, XLSX, PPTX)}
# Bounds on what is read of a ZIP's members (a hostile archive may claim anything).
_MIMETYPE_MAX_BYTES = 200
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024


def recognise(upload: File[bytes]) -> FileType | None:
    """The type of ``upload`` read from its content, or None when it is none of the types above.
    The file is read from its start and left at its start."""
    upload.seek(0)
    head = upload.read(16)
    try:
        for signature, kind in _SIGNATURES:
            if head.startswith(signature):
                return kind
        if head.startswith(_ZIP_SIGNATURE):
            upload.seek(0)
            return _office_type(upload)
        return None
    finally:
        upload.seek(0)


def _office_type(upload: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = {info.filename: info for info in archive.infolist()}
            mimetype = members.get("mimetype")
            if mimetype is not None and mimetype.file_size <= _MIMETYPE_MAX_BYTES:
                return _OPENDOCUMENT.get(archive.read(mimetype).strip())
            declared = members.get("[Content_Types].xml")
            if declared is not None and declared.file_size <= _CONTENT_TYPES_MAX_BYTES:
                content_types = archive.read(declared)
                for main_part, kind in _OFFICE_MAIN_PARTS.items():
                    if main_part in content_types:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError):
        return None
    return None


def accepted_extensions(types: Iterable[FileType]) -> str:
    """The accepted types as the errors name them: their extensions, "jpeg, jpg, pdf, png"."""
    return ", ".join(
        sorted({extension.lstrip(".") for kind in types for extension in kind.extensions})
    )


def megabytes(size: int) -> str:
    """A limit in bytes as the errors write it in MB: "10", "2.5"."""
    return f"{round(size / (1024 * 1024), 3):g}"


def check_upload(
    upload: File[bytes],
    *,
    types: Iterable[FileType],
    max_bytes: int,
    name_must_agree: bool = False,
    field: str = "file",
) -> FileType:
    """The type of ``upload`` when it may be kept: at most ``max_bytes``, not empty, and of one
    of ``types`` by its content. With ``name_must_agree`` (the app gives the file back under the
    name it was sent with) the name's extension must also be one of the accepted ones and agree
    with the content. Otherwise a ValidationError on ``field`` saying why, naming the limit or
    the accepted types."""
    accepted = tuple(types)
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {field: [_("The file is too large: at most %(mb)s MB.") % {"mb": megabytes(max_bytes)}]}
        )
    if not upload.size:
        raise ValidationError({field: [_("The file is empty.")]})
    not_accepted = ValidationError(
        {
            field: [
                _("Only these types of file are accepted: %(types)s.")
                % {"types": accepted_extensions(accepted)}
            ]
        }
    )
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if name_must_agree and not any(suffix in kind.extensions for kind in accepted):
        raise not_accepted
    kind = recognise(upload)
    if kind is None or kind not in accepted:
        if name_must_agree:
            raise ValidationError({field: [_("The file's content does not match its type.")]})
        raise not_accepted
    if name_must_agree and suffix not in kind.extensions:
        raise ValidationError({field: [_("The file's content does not match its type.")]})
    return kind


def stored_name(extension: str) -> str:
    """A name for a kept file that nobody can guess nor derive from the upload: random, with
    the extension of the type its content was recognised as."""
    return f"{secrets.token_urlsafe(24)}{extension}"


def delete_after_commit(storage: Storage, name: str) -> None:
    """Delete the file ``name`` of ``storage`` once the current transaction commits (at once
    outside one): a deletion rolled back leaves the file with its row. A file that cannot be
    deleted then is logged (the rows are gone already), never raised into the request."""
    if not name:
        return

    def delete_file() -> None:
        storage.delete(name)

    transaction.on_commit(delete_file, robust=True)
