"""`capnr import_inventory --org SLUG FILE`: import an inventory file for IT teams and scheduled
imports. Exit 0 when stored (or checked with --dry-run), 2 when any row is rejected or the file
cannot be read (nothing stored)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capnr.inventory import services
from capnr.inventory.models import ImportStatus, InventoryImport
from capnr.organisations.models import Organisation
from capnr.organisations.tenancy import Access, OrganisationAccess


class Command(BaseCommand):
    help = "Import an inventory file (GLPI, OCS Inventory, spreadsheet) into an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--mapping", default="", help="name of a saved column mapping")
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the complete inventory: devices imported before "
            "and missing from it are marked as retired",
        )
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['org']!r}.")
        # The command line acts for the organisation's IT team, with full rights on it.
        access = OrganisationAccess(organisation, Access.ADMINISTER, "command_line")
        try:
            item = services.import_from_path(
                access=access,
                source=options["file"],
                mapping_name=options["mapping"],
                full_reimport=options["full"],
            )
        except services.ImportRefused as error:
            self._fail(
                options,
                [{"row": 0, "column": "", "value": str(options["file"]), "message": str(error)}],
            )
            return
        services.import_check(import_id=item.pk)
        item.refresh_from_db()
        if item.status == ImportStatus.FAILED:
            self._fail(
                options, [{"row": 0, "column": "", "value": "", "message": item.error_message}]
            )
            return
        if item.status == ImportStatus.REJECTED:
            services.import_cancel(access=access, inventory_import=item)
            self._fail(options, item.problems)
            return
        unknown = [group for group in item.uncertain if not group["suggested"]]
        if unknown:
            services.import_cancel(access=access, inventory_import=item)
            self._fail(
                options,
                [
                    {
                        "row": group["first_row"],
                        "column": "category",
                        "value": f"{group['type']} {group['model']}".strip(),
                        "message": f"Category not recognised ({group['count']} row(s)): add a "
                        "'category' column or import from the web page to choose it.",
                    }
                    for group in unknown
                ],
            )
            return
        summary = item.summary
        if options["dry_run"]:
            services.import_cancel(access=access, inventory_import=item)
            self._report(
                options,
                item,
                {
                    "created": summary.get("to_create", 0),
                    "updated": summary.get("to_update", 0),
                    "unchanged": 0,
                    "retired": summary.get("to_retire", 0),
                    "sites_created": summary.get("sites_to_create", []),
                },
                dry_run=True,
            )
            return
        item = services.import_store_now(item)
        self._report(options, item, item.summary.get("result", {}), dry_run=False)

    def _report(
        self,
        options: dict[str, Any],
        item: InventoryImport,
        result: dict[str, Any],
        *,
        dry_run: bool,
    ) -> None:
        document = {
            "rows": item.summary.get("rows", item.total_rows),
            "created": result.get("created", 0),
            "updated": result.get("updated", 0),
            "unchanged": result.get("unchanged", 0),
            "retired": result.get("retired", 0),
            "sites_created": result.get("sites_created", []),
            "rejected": [],
            "dry_run": dry_run,
            "uncertain_categories": [
                {
                    "type": g["type"],
                    "model": g["model"],
                    "category": g["suggested"],
                    "rows": g["count"],
                }
                for g in item.uncertain
            ],
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            return
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{document['rows']} rows read from {item.file_name}.")
        self.stdout.write(
            f"  {document['created']} devices {verb} created, "
            f"{document['updated']} updated, {document['unchanged']} unchanged, "
            f"{document['retired']} retired."
        )
        if document["sites_created"]:
            self.stdout.write(f"  Sites {verb} created: {', '.join(document['sites_created'])}")
        for group in document["uncertain_categories"]:
            self.stdout.write(
                f"  Check: {group['rows']} × {group['type']} {group['model']} "
                f"counted as {group['category']}"
            )

    def _fail(self, options: dict[str, Any], problems: list[dict[str, Any]]) -> None:
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "rows": 0,
                        "created": 0,
                        "updated": 0,
                        "unchanged": 0,
                        "sites_created": [],
                        "rejected": problems,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stderr.write(f"{len(problems)} problem(s); nothing was stored.")
            for problem in problems:
                where = (
                    f"row {problem['row']}, column {problem['column']!r}, "
                    f"value {problem['value']!r}: "
                    if problem["row"]
                    else ""
                )
                self.stderr.write(f"  {where}{problem['message']}")
        raise SystemExit(2)
