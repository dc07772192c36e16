"""`capnr backup [FILE]`: one file holding a consistent copy of the whole database, taken while
Cap NR runs (SQLite: its online backup API; PostgreSQL: pg_dump), and the uploaded files
(sessions' documents, erasure certificates), as a .tar.gz archive. Without FILE, it goes to the
data directory's backups/ folder, named after the date and time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capnr.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database and the uploaded files to one file (restore it with "
        "`capnr restore FILE`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="the backup file to write (new)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written: {made.path} ({made.engine}, {made.size:,} bytes, "
            f"{made.files} uploaded file{'' if made.files == 1 else 's'})."
        )
