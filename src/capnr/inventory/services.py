"""Writes of the inventory: the import pipeline, counts entered by hand, footprint runs.

The import goes upload -> columns confirmed -> every row checked (background) -> devices to
confirm and the user's go -> stored in one transaction (background). Nothing is written to the
assets before the last step, and that step writes everything or nothing."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.engine.intake.columns import (
    mapping_from_saved,
    mapping_to_saved,
    saved_mapping_covers,
    suggest_mapping,
)
from capnr.engine.intake.files import InventoryFileError, read_inventory_file
from capnr.engine.reference import reference_data
from capnr.organisations.models import Department, Organisation, Site, User
from capnr.organisations.tenancy import Access, OrganisationAccess

from . import engine_adapter
from .models import (
    Asset,
    AssetOrigin,
    AssetStatus,
    ColumnMapping,
    FootprintRun,
    ImportStatus,
    InventoryImport,
)
from .validation import check_rows, group_key

FIELDS_FOR_CATEGORY = ("category", "type", "model", "name")
ASSET_FIELDS = (
    "category",
    "category_confidence",
    "quantity",
    "name",
    "manufacturer",
    "model",
    "site_id",
    "department_id",
    "purchase_date",
    "lifetime_years",
    "status",
    "os_name",
)


class ImportRefused(Exception):
    """The file cannot be imported; the message tells the user why and what to do."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


def imports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _workdir(inventory_import: InventoryImport) -> Path:
    return Path(inventory_import.stored_path).parent


def _max_bytes() -> int:
    return int(settings.CAPNR_IMPORT_MAX_MB * 1024 * 1024)


def refusal_message(error: InventoryFileError) -> str:
    """The reading layer's messages, in the user's language."""
    messages = {
        "too_large": _(
            "The file is larger than the limit of %(mb)s MB. Split it, or export only "
            "the columns you need."
        )
        % {"mb": settings.CAPNR_IMPORT_MAX_MB},
        "empty": _("The file is empty."),
        "headers_only": _("The file has a header row but no data rows."),
        "binary": _("This file is not a text table: save it as CSV or XLSX and try again."),
        "corrupt_spreadsheet": _(
            "This spreadsheet is damaged or not really a spreadsheet: "
            "open it, save it again as XLSX, and try again."
        ),
        "zip_bomb": _(
            "This spreadsheet would unpack to an unreasonable size; it was refused for safety."
        ),
        "external_entities": _(
            "This spreadsheet contains XML entity declarations, which are "
            "refused for safety. Save it again from your spreadsheet "
            "software."
        ),
        "too_many_columns": _("The file has too many columns. Export only the columns you need."),
        "too_many_rows": _("The file has too many rows for one import. Split it."),
        "sheet_too_large": _(
            "The spreadsheet's used area is far larger than its content: "
            "copy the useful cells into a new sheet, save, and try again."
        ),
        "encrypted": _(
            "This spreadsheet is protected by a password: save a copy without the "
            "password and try again."
        ),
        "not_a_table": _(
            "This file is a web page or an XML document, not a table: export your "
            "inventory as CSV or XLSX."
        ),
        "unreadable": _("The file could not be read. Try sending it again."),
    }
    return messages.get(error.code, str(error))


def _read(path: Path) -> Any:
    try:
        return read_inventory_file(path, max_bytes=_max_bytes())
    except InventoryFileError as error:
        raise ImportRefused(refusal_message(error), error.code) from error


def import_upload(
    *, access: OrganisationAccess, user: User, uploaded: UploadedFile, full_reimport: bool = False
) -> InventoryImport:
    """Keep the file aside and propose a column mapping. A file that cannot be read is refused
    with a clear message and nothing is kept."""
    access.require(Access.CONTRIBUTE)
    if uploaded.size is not None and uploaded.size > _max_bytes():
        raise ImportRefused(refusal_message(InventoryFileError("too_large", "")), "too_large")
    name = uploaded.name or "inventory.csv"
    path = _new_workdir() / f"upload{_suffix(name)}"
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    return _import_create(
        access=access, user=user, path=path, file_name=name, full_reimport=full_reimport
    )


def import_from_path(
    *, access: OrganisationAccess, source: Path, mapping_name: str = "", full_reimport: bool = False
) -> InventoryImport:
    """The same as an upload, from a file on disk (the command line, scheduled imports)."""
    access.require(Access.CONTRIBUTE)
    if not source.is_file():
        raise ImportRefused(_("%(path)s: no such file.") % {"path": source}, "missing")
    if source.stat().st_size > _max_bytes():
        raise ImportRefused(refusal_message(InventoryFileError("too_large", "")), "too_large")
    path = _new_workdir() / f"upload{_suffix(source.name)}"
    shutil.copyfile(source, path)
    return _import_create(
        access=access,
        user=None,
        path=path,
        file_name=source.name,
        full_reimport=full_reimport,
        mapping_name=mapping_name,
    )


def _new_workdir() -> Path:
    folder = imports_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return folder


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()[:8] or ".csv"


def _import_create(
    *,
    access: OrganisationAccess,
    user: User | None,
    path: Path,
    file_name: str,
    full_reimport: bool,
    mapping_name: str = "",
) -> InventoryImport:
    try:
        table = _read(path)
    except ImportRefused:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    header = list(table.header)
    saved = ColumnMapping.objects.filter(organisation=access.organisation)
    if mapping_name:
        named = saved.filter(name=mapping_name).first()
        if named is None:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise ImportRefused(
                _("No saved column mapping is named “%(name)s”.") % {"name": mapping_name},
                "unknown_mapping",
            )
        saved = saved.filter(pk=named.pk)
    mapping: dict[int, str] = {}
    for candidate in saved.order_by("-updated_at"):
        if mapping_name or saved_mapping_covers(header, candidate.mapping):
            mapping = mapping_from_saved(header, candidate.mapping)
            break
    if not mapping:
        mapping = {s.column_index: s.field for s in suggest_mapping(header) if s.field}
    return InventoryImport.objects.create(
        organisation=access.organisation,
        uploaded_by=user,
        file_name=file_name[:255],
        file_size=path.stat().st_size,
        stored_path=str(path),
        header=header,
        detected={
            **asdict(table.detected),
            "header_line": table.header_line,
            "samples": [list(row) for row in table.rows[:5]],
        },
        mapping={str(k): v for k, v in mapping.items()},
        full_reimport=full_reimport,
        total_rows=len(table.rows),
    )


def _check_mapping(mapping: Mapping[int, str]) -> None:
    fields = [field for field in mapping.values() if field]
    duplicates = sorted({field for field in fields if fields.count(field) > 1})
    if duplicates:
        raise ValidationError(
            _("Each field can come from one column only: %(fields)s.")
            % {"fields": ", ".join(duplicates)}
        )
    if not any(field in fields for field in FIELDS_FOR_CATEGORY):
        raise ValidationError(
            _(
                "Map at least one column that tells what the device is: "
                "category, type, model or name."
            )
        )


def import_set_mapping(
    *,
    access: OrganisationAccess,
    inventory_import: InventoryImport,
    mapping: Mapping[int, str],
    save_as: str = "",
) -> InventoryImport:
    """Confirm the columns, optionally save them for next time, and check every row."""
    access.require(Access.CONTRIBUTE)
    _same_organisation(access, inventory_import)
    if inventory_import.status not in {
        ImportStatus.MAPPING,
        ImportStatus.REJECTED,
        ImportStatus.TO_CONFIRM,
        ImportStatus.FAILED,
    }:
        raise ValidationError(_("This import can no longer change its columns."))
    clean = {int(index): field for index, field in mapping.items() if field}
    _check_mapping(clean)
    if save_as.strip():
        ColumnMapping.objects.update_or_create(
            organisation=access.organisation,
            name=save_as.strip()[:100],
            defaults={"mapping": mapping_to_saved(inventory_import.header, clean)},
        )
    inventory_import.mapping = {str(k): v for k, v in clean.items()}
    inventory_import.status = ImportStatus.VALIDATING
    inventory_import.progress = 0
    inventory_import.problems = []
    inventory_import.uncertain = []
    inventory_import.error_message = ""
    inventory_import.save()
    from .tasks import check_import

    check_import.enqueue(inventory_import.pk)
    inventory_import.refresh_from_db()
    return inventory_import


def _progress(inventory_import: InventoryImport, percent: int) -> None:
    InventoryImport.objects.filter(pk=inventory_import.pk).update(progress=percent)


def import_check(*, import_id: int) -> None:
    """Background: read the file again, apply the columns, check every row, keep the result
    beside the file. Never writes an asset."""
    inventory_import = InventoryImport.objects.select_related("organisation").get(pk=import_id)
    organisation = inventory_import.organisation
    try:
        _progress(inventory_import, 5)
        table = _read(Path(inventory_import.stored_path))
        _progress(inventory_import, 30)
        mapping = {int(k): v for k, v in inventory_import.mapping.items()}
        records = [
            {field: (row[index] if index < len(row) else "") for index, field in mapping.items()}
            for row in table.rows
        ]
        checked = check_rows(
            records,
            table.row_numbers,
            existing_sites=list(
                Site.objects.filter(organisation=organisation).values_list("name", flat=True)
            ),
            existing_departments=list(
                Department.objects.filter(organisation=organisation).values_list("name", flat=True)
            ),
            category_overrides=inventory_import.summary.get("category_choices", {}),
        )
        _progress(inventory_import, 80)
        (_workdir(inventory_import) / "rows.json").write_text(
            json.dumps(checked.rows, ensure_ascii=False), encoding="utf-8"
        )
        matched = _matches(organisation, checked.rows)
        inventory_import.problems = [problem.as_dict() for problem in checked.problems]
        inventory_import.uncertain = checked.uncertain
        inventory_import.summary = {
            **inventory_import.summary,
            "rows": len(checked.rows),
            "to_create": len(checked.rows) - matched,
            "to_update": matched,
            "sites_to_create": checked.sites_to_create,
            "departments_to_create": checked.departments_to_create,
            "category_counts": checked.category_counts,
            "skipped_virtual": checked.skipped_virtual,
            "to_retire": _retire_candidates(organisation, checked.rows)
            if inventory_import.full_reimport
            else 0,
        }
        inventory_import.status = (
            ImportStatus.REJECTED if checked.problems else ImportStatus.TO_CONFIRM
        )
        inventory_import.progress = 100
        inventory_import.save()
    except ImportRefused as error:
        _fail(inventory_import, str(error))
    except Exception as error:  # a job that fails says why and can be retried
        _fail(
            inventory_import,
            _("Unexpected error while checking the file (%(error)s). You can try again.")
            % {"error": type(error).__name__},
        )
        raise


def _fail(inventory_import: InventoryImport, message: str) -> None:
    InventoryImport.objects.filter(pk=inventory_import.pk).update(
        status=ImportStatus.FAILED, error_message=message, finished_at=timezone.now()
    )


def _identity(row: Mapping[str, Any]) -> tuple[str, str]:
    return str(row.get("serial_number") or ""), str(row.get("inventory_number") or "")


def _existing(organisation: Organisation) -> tuple[dict[str, int], dict[str, int]]:
    by_serial: dict[str, int] = {}
    by_inventory: dict[str, int] = {}
    for pk, serial, inventory in Asset.objects.filter(organisation=organisation).values_list(
        "pk", "serial_number", "inventory_number"
    ):
        if serial:
            by_serial[serial] = pk
        if inventory:
            by_inventory[inventory] = pk
    return by_serial, by_inventory


def _match(
    row: Mapping[str, Any], by_serial: dict[str, int], by_inventory: dict[str, int]
) -> int | None:
    serial, inventory = _identity(row)
    return by_serial.get(serial) if serial else (by_inventory.get(inventory) if inventory else None)


def _matches(organisation: Organisation, rows: list[dict[str, Any]]) -> int:
    by_serial, by_inventory = _existing(organisation)
    return sum(1 for row in rows if _match(row, by_serial, by_inventory) is not None)


def _retire_candidates(organisation: Organisation, rows: list[dict[str, Any]]) -> int:
    by_serial, by_inventory = _existing(organisation)
    seen = {_match(row, by_serial, by_inventory) for row in rows}
    return (
        Asset.objects.filter(organisation=organisation, origin=AssetOrigin.IMPORT)
        .exclude(status=AssetStatus.RETIRED)
        .exclude(pk__in=[pk for pk in seen if pk])
        .count()
    )


def import_confirm(
    *,
    access: OrganisationAccess,
    inventory_import: InventoryImport,
    category_choices: Mapping[str, str],
    site_choices: Mapping[str, int] | None = None,
) -> InventoryImport:
    """The user's go, with the categories chosen for the uncertain devices and, for locations
    that match no site by name, the existing site each one is (the others are created)."""
    access.require(Access.CONTRIBUTE)
    _same_organisation(access, inventory_import)
    if inventory_import.status != ImportStatus.TO_CONFIRM:
        raise ValidationError(_("This import is not waiting for a confirmation."))
    codes = set(reference_data().category_codes)
    choices = {}
    for group in inventory_import.uncertain:
        key = str(group["key"])
        choice = category_choices.get(key) or str(group.get("suggested") or "")
        if choice not in codes:
            raise ValidationError(_("Choose a category for “%(key)s”.") % {"key": key})
        choices[key] = choice
    known = set(Site.objects.filter(organisation=access.organisation).values_list("pk", flat=True))
    new_sites = set(inventory_import.summary.get("sites_to_create", []))
    sites = {}
    for location, site_id in (site_choices or {}).items():
        if location not in new_sites or site_id not in known:
            raise ValidationError(
                _("Choose one of this organisation's sites for “%(site)s”.") % {"site": location}
            )
        sites[location] = site_id
    inventory_import.summary = {
        **inventory_import.summary,
        "category_choices": choices,
        "site_choices": sites,
    }
    inventory_import.status = ImportStatus.STORING
    inventory_import.progress = 0
    inventory_import.save()
    from .tasks import store_import

    store_import.enqueue(inventory_import.pk)
    inventory_import.refresh_from_db()
    return inventory_import


def import_store(*, import_id: int) -> None:
    """Background: write every checked row, or nothing."""
    inventory_import = InventoryImport.objects.select_related("organisation", "uploaded_by").get(
        pk=import_id
    )
    try:
        rows = json.loads((_workdir(inventory_import) / "rows.json").read_text("utf-8"))
        counts = _store(inventory_import, rows)
    except Exception as error:
        _fail(
            inventory_import,
            _("Storing failed and nothing was changed (%(error)s). You can try again.")
            % {"error": type(error).__name__},
        )
        raise
    inventory_import.summary = {**inventory_import.summary, "result": counts}
    inventory_import.status = ImportStatus.DONE
    inventory_import.progress = 100
    inventory_import.finished_at = timezone.now()
    inventory_import.save()
    shutil.rmtree(_workdir(inventory_import), ignore_errors=True)
    footprint_run_create(
        organisation=inventory_import.organisation, user=inventory_import.uploaded_by
    )


@transaction.atomic
def _store(inventory_import: InventoryImport, rows: list[dict[str, Any]]) -> dict[str, Any]:
    organisation = inventory_import.organisation
    choices = inventory_import.summary.get("category_choices", {})
    sites = {site.name.casefold(): site for site in Site.objects.filter(organisation=organisation)}
    sites_created = []
    by_pk = {site.pk: site for site in sites.values()}
    for location, site_id in inventory_import.summary.get("site_choices", {}).items():
        sites[location.casefold()] = by_pk[site_id]  # a location the user matched to a site
    for name in inventory_import.summary.get("sites_to_create", []):
        if name.casefold() not in sites:
            sites[name.casefold()] = Site.objects.create(organisation=organisation, name=name)
            sites_created.append(name)
    departments = {
        d.name.casefold(): d for d in Department.objects.filter(organisation=organisation)
    }
    departments_created = []
    for path in inventory_import.summary.get("departments_to_create", []):
        parent = None
        for part in path:
            found = departments.get(part.casefold())
            if found is None:
                found = Department.objects.create(
                    organisation=organisation, name=part, parent=parent
                )
                departments[part.casefold()] = found
                departments_created.append(part)
            parent = found
    by_serial, by_inventory = _existing(organisation)
    existing = Asset.objects.in_bulk([pk for pk in {*by_serial.values(), *by_inventory.values()}])
    to_create: list[dict[str, Any]] = []
    to_update: list[Asset] = []
    unchanged = 0
    seen: set[int] = set()
    for row in rows:
        category = choices.get(group_key(str(row["type"]), str(row["model"])), row["category"])
        site = sites.get(str(row["site"]).casefold()) if row["site"] else None
        department = (
            departments.get(str(row["department"]).casefold()) if row["department"] else None
        )
        values = {
            "category": category,
            "category_confidence": 1.0 if category != row["category"] else row["confidence"],
            "quantity": row["quantity"],
            "name": row["name"][:200],
            "manufacturer": row["manufacturer"][:120],
            "model": row["model"][:200],
            "site_id": site.pk if site else None,
            "department_id": department.pk if department else None,
            "purchase_date": date.fromisoformat(row["purchase_date"])
            if row["purchase_date"]
            else None,
            "lifetime_years": row["lifetime_years"],
            "status": row["status"],
            "os_name": row["os_name"][:120],
        }
        pk = _match(row, by_serial, by_inventory)
        if pk is not None and pk in existing:
            seen.add(pk)
            asset = existing[pk]
            if all(getattr(asset, field) == values[field] for field in ASSET_FIELDS):
                unchanged += 1
                continue
            for field in ASSET_FIELDS:
                setattr(asset, field, values[field])
            asset.serial_number = asset.serial_number or row["serial_number"]
            asset.inventory_number = asset.inventory_number or row["inventory_number"]
            asset.last_import = inventory_import
            to_update.append(asset)
        else:
            to_create.append(
                {
                    **values,
                    "organisation_id": organisation.pk,
                    "serial_number": row["serial_number"][:120],
                    "inventory_number": row["inventory_number"][:120],
                    "origin": AssetOrigin.IMPORT,
                    "last_import_id": inventory_import.pk,
                }
            )
    _insert_assets(to_create)
    Asset.objects.bulk_update(
        to_update,
        [*ASSET_FIELDS, "serial_number", "inventory_number", "last_import"],
        batch_size=2000,
    )
    retired = 0
    if inventory_import.full_reimport:
        retired = (
            Asset.objects.filter(organisation=organisation, origin=AssetOrigin.IMPORT)
            .exclude(status=AssetStatus.RETIRED)
            .exclude(pk__in=seen)
            .exclude(last_import=inventory_import)
            .update(status=AssetStatus.RETIRED)
        )
    return {
        "rows": len(rows),
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "retired": retired,
        "sites_created": sites_created,
        "departments_created": departments_created,
    }


INSERT_COLUMNS = (
    "organisation_id",
    "category",
    "category_confidence",
    "quantity",
    "name",
    "manufacturer",
    "model",
    "serial_number",
    "inventory_number",
    "site_id",
    "department_id",
    "purchase_date",
    "lifetime_years",
    "status",
    "os_name",
    "origin",
    "last_import_id",
)


def _insert_assets(values: list[dict[str, Any]]) -> None:
    """Insert new assets with one prepared statement run over all rows.

    The ORM's bulk_create prepares every value of every object in Python (about ten seconds for
    100,000 rows on SQLite); the rows here are already checked and typed, so they go straight to
    the driver. Inside the caller's transaction: all or nothing still holds."""
    if not values:
        return
    table = connection.ops.quote_name(Asset._meta.db_table)
    columns = [*INSERT_COLUMNS, "created_at", "updated_at"]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapt_date = connection.ops.adapt_datefield_value
    rows = [
        (
            *(
                adapt_date(item[column]) if column == "purchase_date" else item[column]
                for column in INSERT_COLUMNS
            ),
            now,
            now,
        )
        for item in values
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
                rows[start : start + 5000],
            )


def import_cancel(*, access: OrganisationAccess, inventory_import: InventoryImport) -> None:
    access.require(Access.CONTRIBUTE)
    _same_organisation(access, inventory_import)
    if inventory_import.status in {ImportStatus.DONE, ImportStatus.STORING}:
        raise ValidationError(_("This import is already stored or being stored."))
    inventory_import.status = ImportStatus.CANCELLED
    inventory_import.finished_at = timezone.now()
    inventory_import.save(update_fields=["status", "finished_at"])
    if inventory_import.stored_path:
        shutil.rmtree(_workdir(inventory_import), ignore_errors=True)


def import_retry(
    *,
    access: OrganisationAccess,
    inventory_import: InventoryImport,
) -> InventoryImport:
    """Run the failed step again."""
    access.require(Access.CONTRIBUTE)
    _same_organisation(access, inventory_import)
    if inventory_import.status != ImportStatus.FAILED:
        raise ValidationError(_("Only a failed import can be retried."))
    if (_workdir(inventory_import) / "rows.json").exists() and inventory_import.summary.get(
        "category_choices"
    ) is not None:
        inventory_import.status = ImportStatus.STORING
        inventory_import.save(update_fields=["status"])
        from .tasks import store_import

        store_import.enqueue(inventory_import.pk)
    else:
        return import_set_mapping(
            access=access,
            inventory_import=inventory_import,
            mapping={int(k): v for k, v in inventory_import.mapping.items()},
        )
    inventory_import.refresh_from_db()
    return inventory_import


def _same_organisation(access: OrganisationAccess, inventory_import: InventoryImport) -> None:
    if inventory_import.organisation_id != access.organisation.pk:
        raise ValidationError("This import belongs to another organisation.")


@transaction.atomic
def counts_save(*, access: OrganisationAccess, counts: Mapping[str, int]) -> int:
    """Devices entered as counts ("480 desktops"), for organisations without an inventory.
    One row per category; entering 0 removes it. Returns the number of devices."""
    access.require(Access.CONTRIBUTE)
    codes = set(reference_data().category_codes)
    for category, count in counts.items():
        if category not in codes:
            raise ValidationError(_("Unknown category %(category)s.") % {"category": category})
        if count < 0:
            raise ValidationError(_("A count cannot be negative."))
        rows = Asset.objects.filter(
            organisation=access.organisation, origin=AssetOrigin.COUNTS, category=category
        )
        if count == 0:
            rows.delete()
        elif not rows.update(quantity=count):
            Asset.objects.create(
                organisation=access.organisation,
                origin=AssetOrigin.COUNTS,
                category=category,
                quantity=count,
                name=reference_data()
                .categories[reference_data().category_index(category)]
                .label_fr,
            )
    footprint_run_create(organisation=access.organisation, user=None)
    return sum(counts.values())


def footprint_run_create(*, organisation: Organisation, user: User | None) -> FootprintRun:
    table, summary = engine_adapter.engine_table(Asset.objects.filter(organisation=organisation))
    results = engine_adapter.footprint_results(table)
    return FootprintRun.objects.create(
        organisation=organisation,
        created_by=user,
        method=results["method"],
        engine_version=results["engine_version"],
        data_version=results["data_version"],
        duration_years=results["duration_years"],
        asset_count=summary["rows"],
        device_count=int(summary["devices"]),
        inputs=summary,
        results=results,
    )


def import_now(*, access: OrganisationAccess, source: Path) -> InventoryImport:
    """Run the whole import at once, accepting the proposed columns and categories: for the
    demo data and tests. Raises ImportRefused when the file is refused or any row is rejected."""
    item = import_from_path(access=access, source=source)
    item.status = ImportStatus.VALIDATING
    item.save(update_fields=["status"])
    import_check(import_id=item.pk)
    item.refresh_from_db()
    if item.status != ImportStatus.TO_CONFIRM:
        raise ImportRefused(item.error_message or f"{len(item.problems)} problem(s) in the file")
    return import_store_now(item)


def import_store_now(item: InventoryImport) -> InventoryImport:
    """Store a checked import at once (no background job), taking the proposed categories."""
    choices = {str(group["key"]): str(group["suggested"]) for group in item.uncertain}
    item.summary = {**item.summary, "category_choices": choices}
    item.status = ImportStatus.STORING
    item.save(update_fields=["summary", "status"])
    import_store(import_id=item.pk)
    item.refresh_from_db()
    return item
