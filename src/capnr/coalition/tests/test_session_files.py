"""A session's documents as files: uploaded by the facilitators (size and type checked, kept
under a random name), downloaded by the cohort's members and facilitators only, deleted after a
confirmation."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from capnr.coalition import services
from capnr.coalition.models import SessionFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a small test document\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def add_url(world, session):
    return reverse("coalition:session_file_add", args=[world.coalition.slug, session.pk])


def file_url(world, session, row, action=""):
    name = "coalition:session_file_delete" if action == "delete" else "coalition:session_file"
    return reverse(name, args=[world.coalition.slug, session.pk, row.pk])


def upload(client, world, session, name="handout.pdf", content=PDF, title="Handout"):
    return client.post(
        add_url(world, session), {"title": title, "file": SimpleUploadedFile(name, content)}
    )


def test_the_facilitator_uploads_a_file_kept_under_a_random_name(client, world, data_dir):
    session = world.session()
    client.force_login(world.facilitator)
    assert upload(client, world, session).status_code == 302
    row = SessionFile.objects.get(session=session)
    assert row.original_name == "handout.pdf" and row.content_type == "application/pdf"
    assert "handout" not in row.stored_name and len(row.stored_name) >= 32
    assert (data_dir / "session-files" / row.stored_name).read_bytes() == PDF
    page = client.get(reverse("coalition:session", args=[world.coalition.slug, session.pk]))
    assert "Handout" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("tool.exe", b"MZ\x90\x00", "Only these types"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("page.html", b"<script>alert(1)</script>", "Only these types"),
    ],
)
def test_a_file_of_another_type_is_refused_and_nothing_kept(
    client, world, data_dir, name, content, why
):
    session = world.session()
    client.force_login(world.facilitator)
    client.cookies["django_language"] = "en"
    response = upload(client, world, session, name=name, content=content)
    assert why in client.get(response["Location"]).content.decode()
    assert not SessionFile.objects.exists()
    assert not [path for path in data_dir.rglob("*") if path.is_file()]


def test_a_file_over_the_size_limit_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(services, "SESSION_FILE_MAX_BYTES", 20)
    session = world.session()
    client.force_login(world.facilitator)
    upload(client, world, session, content=PDF + b"x" * 100)
    assert not SessionFile.objects.exists()


@pytest.mark.parametrize("who", ["referent", "reader", "facilitator", "co_facilitator"])
def test_the_cohorts_members_and_facilitators_download_it(client, world, who):
    session = world.session()
    client.force_login(world.facilitator)
    upload(client, world, session)
    row = SessionFile.objects.get()
    client.force_login(getattr(world, who))
    response = client.get(file_url(world, session, row))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["outsider", "other_facilitator", "anonymous"])
def test_no_one_outside_the_cohort_downloads_or_deletes_it(client, world, who):
    session = world.session()
    client.force_login(world.facilitator)
    upload(client, world, session)
    row = SessionFile.objects.get()
    client.logout()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    for url in (file_url(world, session, row), file_url(world, session, row, "delete")):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if who == "anonymous":
                assert response.status_code == 302 and "login" in response["Location"]
            else:
                assert response.status_code in (404, 405), (url, method)
                assert PDF not in response.content
    assert SessionFile.objects.filter(pk=row.pk).exists()


def test_members_may_not_upload_nor_delete(client, world):
    session = world.session()
    client.force_login(world.facilitator)
    upload(client, world, session)
    row = SessionFile.objects.get()
    client.force_login(world.referent)
    assert upload(client, world, session, title="Referent's").status_code == 403
    assert client.get(file_url(world, session, row, "delete")).status_code == 403
    assert client.post(file_url(world, session, row, "delete")).status_code == 403
    assert SessionFile.objects.count() == 1


def test_deleting_asks_first_then_removes_the_row_and_the_file(
    client, world, data_dir, django_capture_on_commit_callbacks
):
    session = world.session()
    client.force_login(world.facilitator)
    client.cookies["django_language"] = "en"
    upload(client, world, session)
    row = SessionFile.objects.get()
    stored = data_dir / "session-files" / row.stored_name
    asked = client.get(file_url(world, session, row, "delete"))
    assert "Delete the document" in asked.content.decode() and stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(file_url(world, session, row, "delete")).status_code == 302
    assert not SessionFile.objects.exists() and not stored.exists()
    assert client.get(file_url(world, session, row)).status_code == 404


def stored_file(world, session, data_dir, name="handout.pdf", content=PDF):
    row = services.session_file_add(
        access=world.access,
        session=session,
        title="Handout",
        uploaded=SimpleUploadedFile(name, content),
        user=world.facilitator,
    )
    path = data_dir / "session-files" / row.stored_name
    assert path.read_bytes() == content
    return path


def test_an_office_document_is_recognised_by_its_structure_and_kept(world, data_dir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as document:
        document.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        document.writestr("content.xml", "<office:document-content/>")
    stored_file(world, world.session(), data_dir, name="notes.odt", content=buffer.getvalue())
    row = SessionFile.objects.get()
    assert row.content_type == "application/vnd.oasis.opendocument.text"
    with pytest.raises(ValidationError, match="does not match"):
        stored_file(world, world.session(), data_dir, name="notes.docx", content=buffer.getvalue())


# The files go with their rows, however the rows go, once the deletion commits.


def test_deleting_the_session_deletes_its_files_once_it_commits(
    world, data_dir, django_capture_on_commit_callbacks
):
    session = world.session()
    paths = [stored_file(world, session, data_dir) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.session_delete(access=world.access, session=session)
        assert all(path.exists() for path in paths)  # not before the commit
    assert not SessionFile.objects.exists()
    assert not any(path.exists() for path in paths)


@pytest.mark.parametrize("deleted", ["cohort", "coalition"])
def test_deleting_the_cohort_or_the_coalition_deletes_the_files(
    world, data_dir, deleted, django_capture_on_commit_callbacks
):
    path = stored_file(world, world.session(), data_dir)
    with django_capture_on_commit_callbacks(execute=True):
        getattr(world, deleted).delete()
    assert not SessionFile.objects.exists() and not path.exists()


@pytest.mark.parametrize("deleted", ["file", "session", "cohort", "coalition"])
def test_a_deletion_rolled_back_keeps_the_row_and_its_file(
    world, data_dir, deleted, django_capture_on_commit_callbacks
):
    session = world.session()
    path = stored_file(world, session, data_dir)
    delete = {
        "file": lambda: services.session_file_remove(
            access=world.access, session_file=SessionFile.objects.get()
        ),
        "session": lambda: services.session_delete(access=world.access, session=session),
        "cohort": world.cohort.delete,
        "coalition": world.coalition.delete,
    }[deleted]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        delete()
        raise RuntimeError("something later in the same transaction fails")
    assert callbacks == []
    assert SessionFile.objects.exists() and path.exists()
