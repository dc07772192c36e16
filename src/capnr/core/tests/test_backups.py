"""`capnr backup` and `capnr restore` round-trip the whole database and the uploaded files, on
SQLite and on PostgreSQL (issue 13, "backups that restore"): every row of every table and every
uploaded file comes back, ids go on from where they were, an older backup of the database alone
still restores, a backup of a newer Cap NR, a file that is not a backup or a crafted archive is
refused and changes nothing, and the command asks before replacing anything."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import json
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from capnr.coalition import services as coalition
from capnr.coalition.models import Coalition, Cohort, CohortMembership, SessionFile
from capnr.collection import services as collection
from capnr.collection.models import Erasure, private_storage
from capnr.core import backups
from capnr.core.backups import BackupError, backup, restore
from capnr.organisations.models import Organisation, Role
from capnr.organisations.tenancy import CoalitionAccess
from capnr.roadmap import services as roadmap

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n% the session's handout\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """A data directory of the test's own: a restore replaces its folders of uploaded files."""
    folder = tmp_path / "data"
    settings.DATA_DIR = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "private"},
        },
    }
    return folder


def every_row() -> dict[str, list[tuple[object, ...]]]:
    tables = sorted(connection.introspection.table_names())
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


@pytest.fixture
def data(org_a, org_b, member, access_of):
    referent = member(org_a, Role.REFERENT, full_name="Héloïse Martin")
    roadmap.item_create(
        access=access_of(referent, org_a),
        fields={"title": "Éteindre la nuit", "theme": "strategy", "description": "« Tout »"},
    )
    member(org_b, Role.READER)
    return org_a


def test_a_backup_restores_every_row_and_ids_go_on(data, tmp_path: Path):
    before = every_row()
    assert sum(map(len, before.values())) > 20
    made = backup(tmp_path / "capnr.backup")
    assert made.path.exists() and made.size > 0
    data.delete()  # what the backup must bring back
    Organisation.objects.create(name="Made after the backup", slug="after", kind="other")
    assert every_row() != before
    restore(made.path)
    assert every_row() == before
    newest = max(Organisation.objects.values_list("pk", flat=True))
    later = Organisation.objects.create(name="Charlie", slug="charlie", kind="other")
    assert later.pk > newest


def test_a_backup_of_a_newer_cap_nr_is_refused_and_changes_nothing(data, tmp_path: Path):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('organisations', '9999_from_the_future', CURRENT_TIMESTAMP)"
        )
    made = backup(tmp_path / "future.backup")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")
    data.delete()
    now = every_row()
    with pytest.raises(BackupError, match="newer version of Cap NR"):
        restore(made.path)
    assert every_row() == now


def test_a_file_that_is_not_a_backup_is_refused(data, tmp_path: Path):
    now = every_row()
    fake = tmp_path / "notes.backup"
    fake.write_text("nothing to see\n" * 100)
    with pytest.raises(BackupError, match="not a"):
        restore(fake)
    with pytest.raises(BackupError, match="no such file"):
        restore(tmp_path / "missing.backup")
    assert every_row() == now


def test_backup_refuses_to_overwrite_a_file(data, tmp_path: Path):
    target = tmp_path / "kept.backup"
    target.write_text("keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup(target)
    assert target.read_text() == "keep me"


def test_the_commands_write_then_ask_before_restoring(data, tmp_path: Path, monkeypatch, capsys):
    target = tmp_path / "by-command.backup"
    call_command("backup", str(target))
    assert "Backup written" in capsys.readouterr().out
    data.delete()
    monkeypatch.setattr(builtins, "input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(target))
    assert not Organisation.objects.filter(slug="alpha").exists()
    call_command("restore", str(target), "--yes")
    assert Organisation.objects.filter(slug="alpha").exists()
    assert "and 0 uploaded files" in capsys.readouterr().out


@pytest.fixture
def uploads(data, member, access_of, make_user):
    """A session's document (coalition) and an erasure certificate (collection), uploaded
    through the apps' services."""
    referent = member(data, Role.REFERENT, full_name="Rémi Référent")
    coalition_row = Coalition.objects.create(name="Trois Rivières", slug="trois-rivieres")
    facilitator = make_user(full_name="Fanny Facilitatrice")
    coalition_row.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition_row, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=data)
    access = CoalitionAccess(coalition_row, True, frozenset())
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    session = coalition.session_create(
        access=access,
        cohort=cohort,
        user=facilitator,
        fields={"kind": "peer_meeting", "title": "Kick-off", "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2), "place": "Town hall"},
    )  # fmt: skip
    session_file = coalition.session_file_add(
        access=access,
        session=session,
        title="Handout",
        uploaded=SimpleUploadedFile("handout.pdf", PDF),
        user=facilitator,
    )
    organisation_access = access_of(referent, data)
    today = dt.date.today()
    campaign = collection.campaign_create(
        access=organisation_access,
        fields={"name": "Tiroirs vides", "start_date": today - dt.timedelta(days=2),
                "end_date": today + dt.timedelta(days=20), "item_types": ["laptops"]},
    )  # fmt: skip
    batch = collection.sorting_record(
        access=organisation_access,
        user=referent,
        campaign=campaign,
        fields={"date": today, "item_type": "laptops", "count": 2,
                "outcome": "reused_internally", "held_data": 2},
    )  # fmt: skip
    erasure = collection.erasure_record(
        access=organisation_access,
        user=referent,
        batch=batch,
        fields={"date": today, "method": "overwrite", "devices": 2, "done_by": "DSI"},
    )
    collection.certificate_attach(
        access=organisation_access,
        erasure=erasure,
        upload=SimpleUploadedFile("certificate.png", PNG, content_type="image/png"),
    )
    erasure.refresh_from_db()
    return SimpleNamespace(
        session_file=coalition.session_file_path(session_file),
        certificate=Path(private_storage().path(erasure.certificate_file.name)),
    )


def leftovers(data_dir: Path) -> list[str]:
    """Work folders a backup or a restore should have cleaned up."""
    return sorted(path.name for path in data_dir.rglob(".*"))


def test_a_backup_brings_back_the_uploaded_files_with_their_rows(
    uploads, data_dir: Path, tmp_path: Path, django_capture_on_commit_callbacks
):
    assert uploads.session_file.read_bytes() == PDF and uploads.certificate.read_bytes() == PNG
    before = every_row()
    made = backup(tmp_path / "off-site" / "capnr.tar.gz")
    assert made.files == 2
    # What the restore must undo: rows deleted (their files with them, once committed), a file
    # written again, one added.
    with django_capture_on_commit_callbacks(execute=True):
        SessionFile.objects.all().delete()
        Erasure.objects.all().delete()
    assert not uploads.session_file.exists() and not uploads.certificate.exists()
    uploads.session_file.write_bytes(b"%PDF-1.7 changed since")
    added = uploads.session_file.parent / "uploaded-after-the-backup.pdf"
    added.write_bytes(PDF)
    restored = restore(made.path)
    assert restored.files == 2
    assert every_row() == before
    assert uploads.session_file.read_bytes() == PDF
    assert uploads.certificate.read_bytes() == PNG
    assert not added.exists()
    assert leftovers(data_dir) == [] and leftovers(tmp_path / "off-site") == []


def test_the_backup_is_one_archive_with_a_manifest(uploads, tmp_path: Path):
    made = backup(tmp_path / "capnr.tar.gz")
    with tarfile.open(made.path) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert names[0] == backups.DATABASE[made.engine] and names[-1] == "manifest.json"
    assert f"files/session-files/{uploads.session_file.name}" in names
    assert any(n.startswith("files/private/erasure-certificates/") for n in names)
    assert not any("imports" in n or "backups" in n or "static" in n for n in names)
    assert manifest["engine"] == made.engine and manifest["files"] == 2
    assert manifest["folders"] == ["private", "session-files"]
    assert manifest["capnr_version"] and manifest["created_at"]


def test_an_older_backup_of_the_database_alone_restores_it_and_leaves_the_files(
    uploads, tmp_path: Path, capsys, django_capture_on_commit_callbacks
):
    bare = tmp_path / "capnr-before-files.backup"
    connection.ensure_connection()
    backups._write_database(backups.engine_of(), connection, bare)  # as backups were written
    before = every_row()
    with django_capture_on_commit_callbacks(execute=True):
        SessionFile.objects.all().delete()
    uploads.session_file.write_bytes(b"%PDF-1.7 changed since")
    call_command("restore", str(bare), "--yes")
    assert "the uploaded files were left as they are" in capsys.readouterr().out
    assert every_row() == before
    assert uploads.session_file.read_bytes() == b"%PDF-1.7 changed since"
    assert restore(bare).files is None


def test_a_backup_of_an_empty_data_directory_restores(data, data_dir: Path, tmp_path: Path):
    assert not data_dir.exists()
    before = every_row()
    made = backup(tmp_path / "empty.tar.gz")
    assert made.files == 0
    data.delete()
    assert restore(made.path).files == 0
    assert every_row() == before
    assert not any(path.is_file() for path in data_dir.rglob("*"))


def rebuilt(made: Path, target: Path, *extra: tuple[tarfile.TarInfo, bytes]) -> Path:
    """The backup ``made`` with the members ``extra`` added before its manifest."""
    with tarfile.open(made) as source, tarfile.open(target, "w:gz") as copy:
        members = source.getmembers()
        for member in members[:-1]:
            copy.addfile(member, source.extractfile(member))
        for info, content in extra:
            info.size = len(content) if info.isfile() else 0
            copy.addfile(info, io.BytesIO(content) if info.isfile() else None)
        copy.addfile(members[-1], source.extractfile(members[-1]))
    return target


def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


@pytest.mark.parametrize(
    ("crafted", "why"),
    [
        (lambda outside: member("../evil"), "going up"),
        (lambda outside: member("files/session-files/../../../evil"), "going up"),
        (lambda outside: member(str(outside / "evil")), "absolute path"),
        (lambda outside: member("files/session-files/evil", tarfile.SYMTYPE, "/etc"), "a link"),
        (lambda outside: member("files/private/evil", tarfile.LNKTYPE, "manifest.json"), "link"),
        (lambda outside: member("files/session-files/evil", tarfile.CHRTYPE), "device"),
        (lambda outside: member("evil"), "a backup does not hold"),
    ],
)
def test_a_crafted_archive_is_refused_and_nothing_changes(
    uploads, data_dir: Path, tmp_path: Path, crafted, why, django_capture_on_commit_callbacks
):
    made = backup(tmp_path / "capnr.tar.gz")
    outside = tmp_path / "outside"
    bad = rebuilt(made.path, tmp_path / "crafted.tar.gz", (crafted(outside), b"owned"))
    with django_capture_on_commit_callbacks(execute=True):
        SessionFile.objects.all().delete()
    uploads.session_file.write_bytes(b"%PDF-1.7 changed since")
    now = every_row()
    with pytest.raises(BackupError, match=why):
        restore(bad)
    assert every_row() == now
    assert uploads.session_file.read_bytes() == b"%PDF-1.7 changed since"
    assert not (tmp_path / "evil").exists() and not outside.exists()
    assert not any(path.name == "evil" for path in tmp_path.rglob("*"))
    assert leftovers(data_dir) == []


def test_an_archive_missing_files_or_of_the_other_database_is_refused(uploads, tmp_path: Path):
    made = backup(tmp_path / "capnr.tar.gz")
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[made.engine]
    with tarfile.open(made.path) as source:
        members = source.getmembers()
        manifest = json.load(source.extractfile("manifest.json"))
        for name, changes in (("short", {"files": 3}), ("other", {"engine": other})):
            with tarfile.open(tmp_path / f"{name}.tar.gz", "w:gz") as copy:
                for item in members[:-1]:
                    copy.addfile(item, source.extractfile(item))
                data = json.dumps({**manifest, **changes}).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                copy.addfile(info, io.BytesIO(data))
    now = every_row()
    with pytest.raises(BackupError, match="manifest counts 3 files, it holds 2"):
        restore(tmp_path / "short.tar.gz")
    with pytest.raises(BackupError, match="restore it on a Cap NR that uses"):
        restore(tmp_path / "other.tar.gz")
    for cut in (made.size // 2, made.size - 10, 100):  # a copy cut short, even at its very end
        truncated = tmp_path / f"truncated-{cut}.tar.gz"
        truncated.write_bytes(made.path.read_bytes()[:cut])
        with pytest.raises(BackupError, match="is damaged"):
            restore(truncated)
    assert every_row() == now
    assert uploads.session_file.read_bytes() == PDF


def test_a_backup_is_not_written_into_nor_restored_from_a_folder_it_replaces(
    uploads, tmp_path: Path
):
    with pytest.raises(BackupError, match="a folder the backup copies"):
        backup(uploads.session_file.parent / "backup.tar.gz")
    made = backup(tmp_path / "capnr.tar.gz")
    inside = made.path.rename(uploads.session_file.parent / "capnr.tar.gz")
    with pytest.raises(BackupError, match="move the backup first"):
        restore(inside)
    assert inside.exists() and uploads.session_file.read_bytes() == PDF


def test_every_file_field_keeps_its_files_in_a_folder_backups_carry():
    from django.apps import apps
    from django.db.models import FileField

    folders = backups.upload_folders().values()
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    ]
    assert fields  # not vacuous: the erasure certificates
    for field in fields:
        location = Path(field.storage.path("")).resolve()
        assert any(location.is_relative_to(folder) for folder in folders), field
