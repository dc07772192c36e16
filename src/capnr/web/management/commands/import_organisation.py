"""`capnr import_organisation FILE [--slug NEW]`: create here the organisation of an export made
by `capnr export_organisation` (or downloaded by its référent), under new ids. People are matched
by email; those new here get an account without a password (they set one through "forgotten
password"). All or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capnr.web.portability import PortabilityError, import_organisation


class Command(BaseCommand):
    help = "Import an organisation exported from a Cap NR instance (this one or another)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the export (ZIP)")
        parser.add_argument("--slug", help="a new short name, if the exported one is taken here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = import_organisation(options["file"], slug=options["slug"])
        except (PortabilityError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{organisation.name} imported as “{organisation.slug}”.")
