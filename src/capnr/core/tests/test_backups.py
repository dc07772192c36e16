"""`capnr backup` and `capnr restore` round-trip the whole database, on SQLite and on
PostgreSQL (issue 13, "backups that restore"): every row of every table comes back, ids go on
from where they were, a backup of a newer Cap NR or a file that is not a backup is refused and
changes nothing, and the command asks before replacing anything."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from capnr.core.backups import BackupError, backup, restore
from capnr.organisations.models import Organisation, Role
from capnr.roadmap import services as roadmap

pytestmark = pytest.mark.django_db(transaction=True)


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
