"""`capnr restore FILE`: replace the whole database and the uploaded files with a backup made by
`capnr backup`, then migrate the database (a backup of an older Cap NR opens in this one; one of
a newer Cap NR is refused). A bare database file, as older versions wrote, restores the database
and leaves the files as they are. Everything written since the backup is lost: the command asks
first, unless --yes. Stop the application and its worker while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capnr.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database and the uploaded files with a backup made by "
        "`capnr backup` (asks first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to restore")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not options["yes"]:
            answer = input(
                f"Replace the whole database and the uploaded files with {source}? Everything "
                "written since that backup will be lost. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            restored = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if restored.files is None:
            self.stdout.write(
                f"Restored the database from {source}; it is migrated to this version. That "
                "file holds the database only (a backup of an older Cap NR): the uploaded files "
                "were left as they are."
            )
        else:
            self.stdout.write(
                f"Restored from {source}: the database, migrated to this version, and "
                f"{restored.files} uploaded file{'' if restored.files == 1 else 's'}."
            )
