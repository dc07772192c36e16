"""Erasure certificates as files: a PDF or an image, within a size limit, kept under a random
name, served to the organisation's référent only, deletable after a confirmation, referenced in
the register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capnr.collection import selectors, services
from capnr.collection.models import Erasure
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def erasure(access, referent, campaign):
    batch = services.sorting_record(
        access=access,
        user=referent,
        campaign=campaign,
        fields={
            "date": DAY,
            "item_type": "laptops",
            "count": 3,
            "outcome": "reused_internally",
            "held_data": 3,
        },
    )
    return services.erasure_record(
        access=access,
        user=referent,
        batch=batch,
        fields={"date": DAY, "method": "overwrite", "devices": 3, "done_by": "DSI",
                "certificate": "CERT-1"},
    )  # fmt: skip


def args(erasure):
    return ["alpha", erasure.batch.campaign_id, erasure.batch_id, erasure.pk]


def upload(content=PDF, name="certificat DSI.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_pdf_is_kept_under_a_random_name_and_named_in_the_register(
    access, erasure, private_files
):
    services.certificate_attach(access=access, erasure=erasure, upload=upload())
    erasure.refresh_from_db()
    stored = Path(erasure.certificate_file.name)
    assert stored.parent.name == "erasure-certificates" and stored.suffix == ".pdf"
    assert "certificat" not in stored.name and len(stored.stem) >= 32  # nothing to guess
    assert (private_files / stored).read_bytes() == PDF
    assert erasure.certificate_file_name == "certificat_DSI.pdf"
    assert erasure.certificate_content_type == "application/pdf"
    _, rows = selectors.register_rows(erasure.batch.campaign)
    assert "CERT-1" in rows[0][9] and "certificat_DSI.pdf" in rows[0][9]


def test_the_type_comes_from_the_content_not_the_name(access, erasure):
    services.certificate_attach(access=access, erasure=erasure, upload=upload(PNG, "scan.pdf"))
    erasure.refresh_from_db()
    assert erasure.certificate_content_type == "image/png"
    assert erasure.certificate_file.name.endswith(".png")
    for content in (b"<html><script>alert(1)</script>", b"MZ\x90\x00", b""):
        with pytest.raises(ValidationError) as caught:
            services.certificate_attach(access=access, erasure=erasure, upload=upload(content))
        assert "file" in caught.value.message_dict


def test_a_file_over_the_limit_is_refused(access, erasure, settings):
    settings.CAPNR_CERTIFICATE_MAX_MB = 0.001  # about 1 KB
    with pytest.raises(ValidationError) as caught:
        services.certificate_attach(
            access=access, erasure=erasure, upload=upload(PDF + b"0" * 2000)
        )
    assert "file" in caught.value.message_dict
    erasure.refresh_from_db()
    assert not erasure.certificate_file


def test_replacing_then_deleting_removes_the_old_files(
    access, erasure, private_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_attach(access=access, erasure=erasure, upload=upload())
    first = erasure.certificate_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_attach(access=access, erasure=erasure, upload=upload(PNG, "b.png"))
    second = erasure.certificate_file.name
    assert first != second
    assert not (private_files / first).exists() and (private_files / second).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_remove(access=access, erasure=erasure)
    erasure.refresh_from_db()
    assert not erasure.certificate_file and erasure.certificate_file_name == ""
    assert not (private_files / second).exists()
    assert Erasure.objects.filter(pk=erasure.pk, certificate="CERT-1").exists()


def test_only_the_referent_of_the_organisation_attaches(
    access, erasure, org_a, org_b, member, access_of
):
    keeper = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.certificate_attach(
            access=access_of(keeper, org_a), erasure=erasure, upload=upload()
        )
    outsider = member(org_b, Role.REFERENT)
    with pytest.raises(PermissionDenied):
        services.certificate_attach(
            access=access_of(outsider, org_b), erasure=erasure, upload=upload()
        )


def test_the_walk_of_the_certificate_pages(client, access, erasure, referent, org_a, org_b, member):
    """Upload through the form, download as the référent only (an attachment), delete after a
    confirmation; every other role or organisation is refused, and anonymous visitors log in."""
    upload_url = reverse("collection:certificate_upload", args=args(erasure))
    file_url = reverse("collection:certificate_file", args=args(erasure))
    delete_url = reverse("collection:certificate_delete", args=args(erasure))
    client.force_login(referent)
    assert client.get(upload_url).status_code == 200
    assert client.get(file_url).status_code == 404  # no file yet
    refused = client.post(upload_url, {"file": upload(b"not a pdf", "x.pdf")})
    assert refused.status_code == 400
    assert client.post(upload_url, {"file": upload()}).status_code == 302
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"erasure-certificate-{erasure.pk}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    sorting = client.get(reverse("collection:sorting", args=["alpha", erasure.batch.campaign_id]))
    assert upload_url in sorting.content.decode()

    for user, status in (
        (member(org_a, Role.READER), 403),
        (member(org_a, Role.CONTRIBUTOR), 403),
        (member(org_b, Role.REFERENT), 404),
    ):
        client.force_login(user)
        for address in (upload_url, file_url, delete_url):
            assert client.get(address).status_code == status, (user, address)
        assert client.post(upload_url, {"file": upload(PNG, "b.png")}).status_code == status
        assert client.post(delete_url).status_code == status
    client.logout()
    for address in (upload_url, file_url, delete_url):
        response = client.get(address)
        assert response.status_code == 302 and "login" in response["Location"]
    erasure.refresh_from_db()
    assert erasure.certificate_content_type == "application/pdf"  # nobody else changed it

    client.force_login(referent)
    assert client.get(delete_url).status_code == 200  # asks first
    erasure.refresh_from_db()
    assert erasure.certificate_file
    assert client.post(delete_url).status_code == 302
    erasure.refresh_from_db()
    assert not erasure.certificate_file
    assert client.get(file_url).status_code == 404
