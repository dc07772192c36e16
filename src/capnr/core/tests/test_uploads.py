"""The one check of uploaded files (size, type from the content, errors naming the types and the
limit), their random stored names, and their removal once a deletion commits."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation

from capnr.core import uploads
from capnr.core.uploads import (
    DOCX,
    JPEG,
    ODP,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    XLSX,
    check_upload,
    delete_after_commit,
    recognise,
    stored_name,
)

PDF_BYTES = b"%PDF-1.7\n% a small document\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PROGRAM = b"MZ\x90\x00 this program cannot be run in DOS mode"
OFFICE = "application/vnd.openxmlformats-officedocument"
CERTIFICATES = (PDF, PNG, JPEG)
DOCUMENTS = (PDF, PNG, JPEG, ODT, ODS, ODP, DOCX, XLSX, PPTX)


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    return archive({"mimetype": mimetype.encode(), "content.xml": b"<office:document/>"})


def office_open_xml(main_type: str, part: str) -> bytes:
    declared = (
        '<?xml version="1.0"?><Types><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>'
    )
    return archive({"[Content_Types].xml": declared.encode(), part: b"<document/>"})


def sent(content: bytes, name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def error(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(caught.value.message_dict["file"])


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (opendocument(ODT.content_type), ODT),
        (opendocument(ODS.content_type), ODS),
        (opendocument(ODP.content_type), ODP),
        (
            office_open_xml(f"{OFFICE}.wordprocessingml.document.main+xml", "word/document.xml"),
            DOCX,
        ),
        (office_open_xml(f"{OFFICE}.spreadsheetml.sheet.main+xml", "xl/workbook.xml"), XLSX),
        (
            office_open_xml(f"{OFFICE}.presentationml.presentation.main+xml", "ppt/pres.xml"),
            PPTX,
        ),
    ],
)
def test_each_type_is_recognised_from_its_content_and_the_file_left_at_its_start(content, kind):
    upload = sent(content, "any name at all.bin")
    assert recognise(upload) == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        PROGRAM,
        b"<html><script>alert(1)</script></html>",
        b"",
        b"PK\x03\x04 a zip cut short",
        archive({"readme.txt": b"a plain zip"}),
        opendocument("application/epub+zip"),  # a zip that names another type
        archive({"mimetype": ODT.content_type.encode() + b" " * 500}),  # a member too large
        office_open_xml("application/vnd.ms-word.document.macroEnabled.main+xml", "word/d.xml"),
    ],
)
def test_other_content_is_recognised_as_nothing(content):
    assert recognise(sent(content)) is None


def test_the_type_comes_from_the_content_whatever_the_name():
    assert check_upload(sent(PNG_BYTES, "scan.pdf"), types=CERTIFICATES, max_bytes=100) == PNG


@pytest.mark.parametrize(
    "content",
    [PROGRAM, opendocument(ODT.content_type)],  # unknown, and known but not accepted
)
def test_a_type_not_accepted_is_refused_naming_the_accepted_ones(content):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(sent(content), types=CERTIFICATES, max_bytes=10_000)
    assert error(caught) == "Only these types of file are accepted: jpeg, jpg, pdf, png."
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        check_upload(sent(content), types=CERTIFICATES, max_bytes=10_000)
    assert error(caught) == "Seuls ces types de fichier sont acceptés : jpeg, jpg, pdf, png."


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    too_large = PDF_BYTES + b"0" * 10 * 1024 * 1024
    for language, message in (
        ("en", "The file is too large: at most 10 MB."),
        ("fr", "Le fichier est trop lourd : 10 Mo au plus."),
    ):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            check_upload(sent(too_large), types=DOCUMENTS, max_bytes=10 * 1024 * 1024)
        assert error(caught) == message
    exactly = len(PDF_BYTES)
    assert check_upload(sent(PDF_BYTES), types=DOCUMENTS, max_bytes=exactly) == PDF
    with pytest.raises(ValidationError):
        check_upload(sent(PDF_BYTES), types=DOCUMENTS, max_bytes=exactly - 1)


def test_an_empty_file_is_refused():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(sent(b""), types=DOCUMENTS, max_bytes=100)
    assert error(caught) == "The file is empty."


def test_when_the_name_must_agree_its_extension_is_checked_then_the_content():
    def check(name: str, content: bytes) -> str:
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            check_upload(
                sent(content, name), types=DOCUMENTS, max_bytes=10_000, name_must_agree=True
            )
        return error(caught)

    assert check("tool.exe", PROGRAM).startswith("Only these types of file are accepted: docx, ")
    assert check("page.html", PDF_BYTES).startswith("Only these types")
    assert check("fake.pdf", PROGRAM) == "The file's content does not match its type."
    assert check("picture.pdf", PNG_BYTES) == "The file's content does not match its type."
    assert check("notes.docx", opendocument(ODT.content_type)).endswith("does not match its type.")
    assert (
        check_upload(
            sent(JPEG_BYTES, "Photo.JPEG"), types=DOCUMENTS, max_bytes=100, name_must_agree=True
        )
        == JPEG
    )


def test_a_stored_name_is_random_with_the_types_extension():
    names = {stored_name(JPEG.extension) for _ in range(20)}
    assert len(names) == 20
    assert all(name.endswith(".jpg") and len(name) >= 36 for name in names)
    assert all("/" not in name and ".." not in name for name in names)


def test_megabytes_writes_the_limit_as_people_read_it():
    assert uploads.megabytes(10 * 1024 * 1024) == "10"
    assert uploads.megabytes(int(2.5 * 1024 * 1024)) == "2.5"
    assert uploads.megabytes(int(0.001 * 1024 * 1024)) == "0.001"


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


@pytest.mark.django_db
def test_a_file_is_deleted_only_once_the_deletion_commits(
    storage, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "kept.pdf").write_bytes(PDF_BYTES)
    with django_capture_on_commit_callbacks(execute=True):
        delete_after_commit(storage, "kept.pdf")
        assert (tmp_path / "kept.pdf").exists()  # not before the commit
    assert not (tmp_path / "kept.pdf").exists()


@pytest.mark.django_db
def test_a_deletion_rolled_back_keeps_the_file(
    storage, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "kept.pdf").write_bytes(PDF_BYTES)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        delete_after_commit(storage, "kept.pdf")
        raise RuntimeError("the deletion fails")
    assert callbacks == [] and (tmp_path / "kept.pdf").exists()


@pytest.mark.django_db
def test_a_file_that_cannot_be_deleted_is_logged_not_raised(
    django_capture_on_commit_callbacks, caplog
):
    class Broken(FileSystemStorage):
        def delete(self, name: str) -> None:
            raise PermissionError(name)

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        delete_after_commit(Broken(), "locked.pdf")
    assert "locked.pdf" in caplog.text
    with django_capture_on_commit_callbacks() as callbacks:
        delete_after_commit(Broken(), "")
    assert callbacks == []
