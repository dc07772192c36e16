"""`capnr import_inventory --org SLUG FILE`: import an inventory file for IT teams and scheduled
imports. It reads through the same pipeline as `capnr footprint` and the web import, and takes
the same reading options (`--unrecognised`, `--category-map`, `--date-order`, `--lang`).

Exit 0 when stored (or checked with --dry-run), 2 when the file is refused (nothing stored). With
`--format json` the document goes to stdout in both cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from capnr.core.access import Access, OrganisationAccess
from capnr.engine.cli import add_intake_arguments, problem_line
from capnr.engine.intake import messages
from capnr.engine.intake.messages import Language
from capnr.engine.intake.recognition import load_category_map
from capnr.inventory import services
from capnr.inventory.models import ImportStatus, InventoryImport
from capnr.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import an inventory file (GLPI, OCS Inventory, Snipe-IT, G4IT, spreadsheet) into an "
        "organisation."
    )

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
        add_intake_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        lang = messages.language(options["lang"])
        with translation.override(lang):
            self._handle(lang, options)

    def _handle(self, lang: Language, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['org']!r}.")
        if options["category_map"] is not None:
            try:
                load_category_map(options["category_map"])
            except (OSError, ValueError) as error:
                self._fail(options, lang, [self._file_problem(options, str(error), lang)])
                return
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
            self._fail(options, lang, [self._file_problem(options, str(error), lang)])
            return
        item.summary = {
            **item.summary,
            "unrecognised": options["unrecognised"],
            "date_order_chosen": options["date_order"],
        }
        item.save(update_fields=["summary"])
        if options["category_map"] is not None:
            services.import_use_category_map(inventory_import=item, source=options["category_map"])
        services.import_check(import_id=item.pk)
        item.refresh_from_db()
        if item.status == ImportStatus.FAILED:
            self._fail(
                options, lang, [self._file_problem(options, services.failure_message(item), lang)]
            )
            return
        if item.status == ImportStatus.REJECTED:
            services.import_cancel(access=access, inventory_import=item)
            self._fail(options, lang, item.problems, item)
            return
        summary = item.summary
        if options["dry_run"]:
            services.import_cancel(access=access, inventory_import=item)
            self._report(
                options,
                lang,
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
        self._report(options, lang, item, item.summary.get("result", {}), dry_run=False)

    @staticmethod
    def _file_problem(options: dict[str, Any], message: str, lang: Language) -> dict[str, Any]:
        return {"row": 0, "column": "", "value": str(options["file"]), "message": message}

    @staticmethod
    def _reading(item: InventoryImport | None) -> dict[str, Any]:
        """What the pipeline said of the file: devices per category, left out, to check."""
        summary = item.summary if item is not None else {}
        return {
            "categories": summary.get("category_counts", {}),
            "excluded": summary.get("excluded", []),
            "warnings": summary.get("warnings", []),
        }

    def _report(
        self,
        options: dict[str, Any],
        lang: Language,
        item: InventoryImport,
        result: dict[str, Any],
        *,
        dry_run: bool,
    ) -> None:
        document = {
            "ok": True,
            "rows": item.summary.get("rows", item.total_rows),
            "created": result.get("created", 0),
            "updated": result.get("updated", 0),
            "unchanged": result.get("unchanged", 0),
            "retired": result.get("retired", 0),
            "sites_created": result.get("sites_created", []),
            "rejected": [],
            "dry_run": dry_run,
            **self._reading(item),
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
        en = lang == "en"
        verb = ("would be" if dry_run else "were") if en else ("seraient" if dry_run else "ont été")
        self.stdout.write(
            f"{document['rows']} rows read from {item.file_name}."
            if en
            else f"{document['rows']} lignes lues dans {item.file_name}."
        )
        self.stdout.write(
            f"  {document['created']} devices {verb} created, {document['updated']} updated, "
            f"{document['unchanged']} unchanged, {document['retired']} retired."
            if en
            else f"  Appareils : {document['created']} {verb} créés, {document['updated']} mis à "
            f"jour, {document['unchanged']} inchangés, {document['retired']} retirés."
        )
        if document["sites_created"]:
            sites = ", ".join(document["sites_created"])
            self.stdout.write(
                f"  Sites {verb} created: {sites}" if en else f"  Sites {verb} créés : {sites}"
            )
        from capnr.engine.cli import write_summary

        stream = _Lines(self.stdout)
        write_summary(document, stream, lang)  # type: ignore[arg-type]

    def _fail(
        self,
        options: dict[str, Any],
        lang: Language,
        problems: list[dict[str, Any]],
        item: InventoryImport | None = None,
    ) -> None:
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "ok": False,
                        "rows": 0,
                        "created": 0,
                        "updated": 0,
                        "unchanged": 0,
                        "sites_created": [],
                        "rejected": problems,
                        **self._reading(item),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stderr.write(
                messages.text("cli.refused_import", lang, count=len(problems), file=options["file"])
            )
            for problem in problems:
                self.stderr.write("  " + problem_line(problem, lang))
        raise SystemExit(2)


class _Lines:
    """A text stream over a command's output (``write_summary`` writes lines)."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(text, ending="")
        return len(text)
