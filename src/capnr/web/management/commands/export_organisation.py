"""`capnr export_organisation SLUG [FILE]`: all of an organisation's data as one ZIP (JSON), to
hand over (the GDPR right to portability) or to move to another Cap NR instance with
`capnr import_organisation`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capnr.organisations.models import Organisation
from capnr.web.portability import export_organisation


class Command(BaseCommand):
    help = "Export all of an organisation's data as a ZIP of JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the organisation's short name in addresses")
        parser.add_argument("file", nargs="?", type=Path, help="default: SLUG-export.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["slug"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has the short name {options['slug']!r}.")
        target: Path = options["file"] or Path(f"{organisation.slug}-export.zip")
        if target.exists():
            raise CommandError(f"{target} already exists: choose a new file name.")
        target.write_bytes(export_organisation(organisation))
        self.stdout.write(f"{organisation.name}: exported to {target}.")
