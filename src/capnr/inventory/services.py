"""Writes of the inventory: the import pipeline, counts entered by hand, footprint runs.

The import goes upload -> columns confirmed -> every row checked (background) -> devices to
confirm and the user's go -> stored in one transaction (background). Nothing is written to the
assets before the last step, and that step writes everything or nothing."""

from __future__ import annotations

import datetime as dt
import marshal
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import date
from itertools import chain
from operator import itemgetter
from pathlib import Path
from queue import Empty, Queue
from threading import Event, Thread
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from capnr.core.access import Access, OrganisationAccess
from capnr.core.owned import require_same_organisation
from capnr.engine.intake.columns import (
    mapping_from_saved,
    mapping_to_saved,
    saved_mapping_covers,
    suggest_mapping,
)
from capnr.engine.intake.files import OLE_MAGIC, ZIP_MAGIC, InventoryFileError
from capnr.engine.intake.reader import load_table, read_columns, save_table
from capnr.engine.intake.recognition import load_category_map
from capnr.engine.intake.table import ColumnTable
from capnr.engine.reference import reference_data
from capnr.organisations.models import Department, Organisation, Site, User

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
from .validation import check_import, group_key

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
    "country",
    "retirement_date",
    "annual_kwh",
)
DATE_FIELDS = ("purchase_date", "retirement_date")


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
        % {"mb": number_format(settings.CAPNR_IMPORT_MAX_MB)},
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


def failure_message(inventory_import: InventoryImport) -> str:
    """Why a failed import failed, worded now in the reader's language. Background jobs keep a
    code (``summary["failure"]``) rather than a sentence: the worker's language is not the
    reader's. Imports failed before the codes existed show the sentence they kept."""
    if inventory_import.status != ImportStatus.FAILED:
        return ""
    failure = inventory_import.summary.get("failure") or {}
    code, error = failure.get("code"), failure.get("error", "")
    if code == "refused":
        kept = inventory_import.error_message  # a refusal with no code of its own
        return refusal_message(InventoryFileError(failure.get("refusal", ""), kept))
    if code == "check":
        return _("Unexpected error while checking the file (%(error)s). You can try again.") % {
            "error": error
        }
    if code == "store":
        return _("Storing failed and nothing was changed (%(error)s). You can try again.") % {
            "error": error
        }
    if code == "interrupted":
        return _(
            "Interrupted: the background work stopped before the end, and nothing was "
            "stored. You can try again."
        )
    return inventory_import.error_message


def _read(path: Path) -> ColumnTable:
    """The file as encoded columns: the columnar reader when it can read the file exactly,
    else the careful one (``engine.intake.reader``)."""
    try:
        return read_columns(path, max_bytes=_max_bytes())
    except InventoryFileError as error:
        raise ImportRefused(refusal_message(error), error.code) from error


# A spreadsheet larger than this is read by the background worker, not inside the upload
# request (a 45 MB workbook takes seconds and about 1 GB to unpack): the upload answers at once
# and the import's page follows the reading. Delimited text files are read in the request.
BACKGROUND_READ_BYTES = 2 * 1024 * 1024


def import_upload(
    *, access: OrganisationAccess, user: User, uploaded: UploadedFile, full_reimport: bool = False
) -> InventoryImport:
    """Keep the file aside and propose a column mapping. A file that cannot be read is refused
    with a clear message and nothing is kept; a large spreadsheet is read in the background
    (status ``reading``), and refused there if it cannot be read."""
    access.require(Access.CONTRIBUTE)
    if uploaded.size is not None and uploaded.size > _max_bytes():
        raise ImportRefused(refusal_message(InventoryFileError("too_large", "")), "too_large")
    name = uploaded.name or "inventory.csv"
    path = _new_workdir() / f"upload{_suffix(name)}"
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    if _is_spreadsheet(path) and path.stat().st_size > BACKGROUND_READ_BYTES:
        item = InventoryImport.objects.create(
            organisation=access.organisation,
            uploaded_by=user,
            file_name=name[:255],
            file_size=path.stat().st_size,
            stored_path=str(path),
            full_reimport=full_reimport,
            status=ImportStatus.READING,
        )
        from .tasks import read_import

        read_import.enqueue(item.pk)
        item.refresh_from_db()
        return item
    return _import_create(
        access=access, user=user, path=path, file_name=name, full_reimport=full_reimport
    )


def _is_spreadsheet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8).startswith((ZIP_MAGIC, OLE_MAGIC))


def import_read(*, import_id: int) -> None:
    """The background reading of a large spreadsheet (job ``tasks.read_import``): the same
    reading and column suggestion as in the request; a file that cannot be read ends the import
    as failed, its message kept, its files deleted."""
    item = InventoryImport.objects.filter(pk=import_id, status=ImportStatus.READING).first()
    if item is None:
        return  # cancelled meanwhile, or already read
    path = Path(item.stored_path)
    try:
        table = _read(path)
    except ImportRefused as refusal:
        shutil.rmtree(path.parent, ignore_errors=True)
        InventoryImport.objects.filter(pk=item.pk).update(
            status=ImportStatus.FAILED,
            error_message=str(refusal),
            summary={
                **item.summary,
                "refusal": refusal.code,
                "failure": {"code": "refused", "refusal": refusal.code},
            },
            stored_path="",
            finished_at=timezone.now(),
        )
        return
    fields = _read_fields(OrganisationAccess(item.organisation, Access.CONTRIBUTE, ""), table, path)
    InventoryImport.objects.filter(pk=item.pk, status=ImportStatus.READING).update(
        status=ImportStatus.MAPPING, **fields
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


TABLE_FILE = "table.marshal"  # the file as read at upload, for the check not to read it again


def _checked_table(inventory_import: InventoryImport) -> ColumnTable:
    """The table read at upload, or the file read again when it was not kept."""
    kept = _workdir(inventory_import) / TABLE_FILE
    if kept.exists():
        try:
            return load_table(kept)
        except ValueError:
            pass
    return _read(Path(inventory_import.stored_path))


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
    try:
        fields = _read_fields(access, table, path, mapping_name)
    except ImportRefused:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    return InventoryImport.objects.create(
        organisation=access.organisation,
        uploaded_by=user,
        file_name=file_name[:255],
        file_size=path.stat().st_size,
        stored_path=str(path),
        full_reimport=full_reimport,
        **fields,
    )


def _read_fields(
    access: OrganisationAccess, table: ColumnTable, path: Path, mapping_name: str = ""
) -> dict[str, Any]:
    """What reading the file gives an import: its header, how it was read, a few sample rows,
    the suggested (or saved) column mapping and the row count. Keeps the table beside the file
    for the next steps."""
    save_table(table, path.parent / TABLE_FILE)
    header = list(table.header)
    saved = ColumnMapping.objects.for_access(access)
    if mapping_name:
        named = saved.filter(name=mapping_name).first()
        if named is None:
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
    return {
        "header": header,
        "detected": {
            **asdict(table.detected),
            "header_line": table.header_line,
            "samples": [
                [column.values[column.codes[row]] for column in table.columns]
                for row in range(min(5, len(table)))
            ],
        },
        "mapping": {str(k): v for k, v in mapping.items()},
        "total_rows": len(table),
    }


def _check_mapping(mapping: Mapping[int, str], header: Sequence[str]) -> None:
    outside = sorted(index for index in mapping if not 0 <= index < len(header))
    if outside:
        raise ValidationError(
            _("The file has no column %(columns)s: its columns are numbered 0 to %(last)s.")
            % {"columns": ", ".join(map(str, outside)), "last": len(header) - 1}
        )
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
    date_order: str = "auto",
) -> InventoryImport:
    """Confirm the columns (and, when the file's dates read both ways, their order), optionally
    save them for next time, and check every row."""
    access.require(Access.CONTRIBUTE)
    require_same_organisation(access, inventory_import)
    if inventory_import.status not in {
        ImportStatus.MAPPING,
        ImportStatus.REJECTED,
        ImportStatus.TO_CONFIRM,
        ImportStatus.FAILED,
    }:
        raise ValidationError(_("This import can no longer change its columns."))
    clean = {int(index): field for index, field in mapping.items() if field}
    _check_mapping(clean, inventory_import.header)
    if save_as.strip():
        ColumnMapping.objects.update_or_create(
            organisation=access.organisation,
            name=save_as.strip()[:100],
            defaults={"mapping": mapping_to_saved(inventory_import.header, clean)},
        )
    inventory_import.mapping = {str(k): v for k, v in clean.items()}
    if date_order not in {"auto", "dmy", "mdy", "ymd"}:
        raise ValidationError(_("Choose the order of the dates."))
    inventory_import.summary = {**inventory_import.summary, "date_order_chosen": date_order}
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
    InventoryImport.objects.filter(pk=inventory_import.pk).update(
        progress=percent, updated_at=timezone.now()
    )


ROWS_FILE = "rows.marshal"  # the checked rows, kept beside the file until they are stored
Columns = Mapping[str, Sequence[Any]]  # field -> one value per checked row


def _write_rows(path: Path, columns: Columns) -> None:
    """The checked rows, column by column, in Python's own ``marshal`` format: texts, numbers,
    None and lists only, written and read back about ten times faster than JSON (100,000 rows:
    0.2 s each way). The file is ours, in the import's working folder, never a user's upload."""
    path.write_bytes(marshal.dumps({name: list(column) for name, column in columns.items()}))


def _read_rows(path: Path) -> dict[str, list[Any]]:
    columns = marshal.loads(path.read_bytes())  # noqa: S302 - written by _write_rows above
    if not isinstance(columns, dict):
        raise ValueError(f"{path.name}: not checked rows")
    return columns


def import_check(*, import_id: int) -> None:
    """Background: read the file again, apply the columns, check every row, keep the result
    beside the file. Never writes an asset."""
    inventory_import = InventoryImport.objects.select_related("organisation").get(pk=import_id)
    organisation = inventory_import.organisation
    try:
        _progress(inventory_import, 5)
        table = _checked_table(inventory_import)
        _progress(inventory_import, 30)
        mapping = {int(k): v for k, v in inventory_import.mapping.items()}
        summary = inventory_import.summary
        checked = check_import(
            table,
            {index: field for index, field in mapping.items() if index < len(table.header)},
            existing_sites=list(
                Site.objects.filter(organisation=organisation).values_list("name", flat=True)
            ),
            existing_departments=list(
                Department.objects.filter(organisation=organisation).values_list("name", flat=True)
            ),
            category_overrides=summary.get("category_choices", {}),
            extra_rules=_category_map(inventory_import),
            unrecognised=summary.get("unrecognised", "ask"),
            date_order=summary.get("date_order_chosen", "auto"),
            file_name=inventory_import.file_name,
        )
        _progress(inventory_import, 80)
        _write_rows(_workdir(inventory_import) / ROWS_FILE, checked.columns)
        identities = _identities(checked.columns)
        matched = _matches(organisation, identities)
        inventory_import.problems = checked.problems
        inventory_import.uncertain = checked.uncertain
        inventory_import.summary = {
            **inventory_import.summary,
            "rows": len(checked),
            "to_create": len(checked) - matched,
            "to_update": matched,
            "sites_to_create": checked.sites_to_create,
            "departments_to_create": checked.departments_to_create,
            "category_counts": checked.category_counts,
            "skipped_virtual": checked.skipped_virtual,
            "excluded": checked.excluded,
            "warnings": checked.warnings,
            "date_order": checked.date_order,
            "to_retire": _retire_candidates(organisation, identities)
            if inventory_import.full_reimport
            else 0,
        }
        inventory_import.status = (
            ImportStatus.REJECTED if checked.problems else ImportStatus.TO_CONFIRM
        )
        inventory_import.progress = 100
        inventory_import.save()
    except ImportRefused as error:
        _fail(inventory_import, str(error), {"code": "refused", "refusal": error.code})
    except Exception as error:  # a job that fails says why and can be retried
        _fail(inventory_import, "", {"code": "check", "error": type(error).__name__})
        raise


CATEGORY_MAP_FILE = "category_map.csv"


def _category_map(inventory_import: InventoryImport) -> tuple[Any, ...]:
    """The user's own category rules (``import_inventory --category-map``), kept beside the
    file so that a re-check uses them too."""
    path = _workdir(inventory_import) / CATEGORY_MAP_FILE
    return load_category_map(path) if path.exists() else ()


def import_use_category_map(*, inventory_import: InventoryImport, source: Path) -> None:
    """Keep the user's category rules with the import (checked first: ValueError lists every
    bad line)."""
    load_category_map(source)
    shutil.copyfile(source, _workdir(inventory_import) / CATEGORY_MAP_FILE)


def _fail(inventory_import: InventoryImport, message: str, failure: dict[str, str]) -> None:
    """The import ends failed with the code of its failure (``failure_message`` words it) and,
    for a refusal whose code names no message, the sentence given."""
    InventoryImport.objects.filter(pk=inventory_import.pk).update(
        status=ImportStatus.FAILED,
        error_message=message,
        summary={**inventory_import.summary, "failure": failure},
        finished_at=timezone.now(),
    )


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


def _identities(columns: Mapping[str, Sequence[Any]]) -> list[tuple[str, str]]:
    """Each checked row's (serial number, inventory number), as ``_identity`` reads a row."""
    if not columns:
        return []
    return list(zip(columns["serial_number"], columns["inventory_number"], strict=True))


def _match_identity(
    identity: tuple[str, str], by_serial: dict[str, int], by_inventory: dict[str, int]
) -> int | None:
    serial, inventory = identity
    return by_serial.get(serial) if serial else (by_inventory.get(inventory) if inventory else None)


def _matches(organisation: Organisation, identities: Sequence[tuple[str, str]]) -> int:
    by_serial, by_inventory = _existing(organisation)
    if not by_serial and not by_inventory:
        return 0  # a first import: nothing to match
    return sum(
        1
        for identity in identities
        if _match_identity(identity, by_serial, by_inventory) is not None
    )


def _retire_candidates(organisation: Organisation, identities: Sequence[tuple[str, str]]) -> int:
    """How many imported assets a full re-import would retire. Counted in Python: excluding
    every matched asset in SQL would take one variable per row, beyond SQLite's limit."""
    by_serial, by_inventory = _existing(organisation)
    seen = {_match_identity(identity, by_serial, by_inventory) for identity in identities}
    candidates = (
        Asset.objects.filter(organisation=organisation, origin=AssetOrigin.IMPORT)
        .exclude(status=AssetStatus.RETIRED)
        .values_list("pk", flat=True)
        .order_by()
    )
    return sum(1 for pk in candidates if pk not in seen)


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
    require_same_organisation(access, inventory_import)
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
    """Background: write every checked row, the sites and departments they need, the import's
    result and a new footprint run, in one transaction: everything or nothing."""
    inventory_import = InventoryImport.objects.select_related("organisation", "uploaded_by").get(
        pk=import_id
    )
    try:
        columns = _read_rows(_workdir(inventory_import) / ROWS_FILE)
        with _bulk_write_cache():
            _store(inventory_import, columns)
    except Exception as error:
        _fail(inventory_import, "", {"code": "store", "error": type(error).__name__})
        raise
    shutil.rmtree(_workdir(inventory_import), ignore_errors=True)


@contextmanager
def _bulk_write_cache(megabytes: int = 64) -> Iterator[None]:
    """A larger SQLite page cache while an import is written, then the previous one.

    SQLite keeps 2 MB of pages by default; the asset table's nine indexes for 100,000 new rows
    are about 30 MB, so with the default the same index pages are evicted, spilled to the WAL
    and read back again and again (about a third of the insert's time). Set outside the
    transaction, so that the commit still writes from the large cache."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class _Values(NamedTuple):
    """One asset's fields that an import sets, in ``ASSET_FIELDS`` order (the hot loops build
    plain tuples in the same order)."""

    category: str
    category_confidence: float
    quantity: int
    name: str
    manufacturer: str
    model: str
    site_id: int | None
    department_id: int | None
    purchase_date: date | None
    lifetime_years: float | None
    status: str
    os_name: str
    country: str
    retirement_date: date | None
    annual_kwh: float | None


class _Place(NamedTuple):
    pk: int
    name: str


class _Lookup(dict[Any, Any]):
    """A dictionary that computes a missing entry once. A fleet repeats few categories, dates,
    sites and departments: the per-row loop only indexes dictionaries, and each distinct text
    is parsed or looked up once."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value


def _place_id(places: Mapping[str, _Place], text: Any) -> int | None:
    place = places.get(str(text).casefold()) if text else None
    return place.pk if place else None


def _asset_values(
    columns: Columns,
    choices: Mapping[str, str],
    sites: Mapping[str, _Place],
    departments: Mapping[str, _Place],
) -> list[tuple[Any, ...]]:
    """Each checked row as asset values (``_Values`` order): the category the user chose for
    its (type, model) group, else the check's; its site and department; its typed dates."""
    categories = _Lookup(lambda key: choices.get(group_key(str(key[0]), str(key[1])), key[2]))
    site_ids = _Lookup(lambda text: _place_id(sites, text))
    department_ids = _Lookup(lambda text: _place_id(departments, text))
    days = _Lookup(lambda text: date.fromisoformat(text) if text else None)
    count = len(columns.get("row", ()))

    def column(name: str, default: Any = "") -> Sequence[Any]:
        return columns.get(name) or [default] * count  # rows checked before a field existed

    values = []
    for (
        guessed, confidence, quantity, name, manufacturer, model, type_text, site, department,
        purchase, lifetime, status, os_name, country, retirement, annual,
    ) in zip(
        *map(column, ("category", "confidence", "quantity", "name", "manufacturer", "model",
                      "type", "site", "department", "purchase_date", "lifetime_years", "status",
                      "os_name", "country", "retirement_date")),
        column("annual_kwh", None),
        strict=True,
    ):  # fmt: skip
        category = categories[type_text, model, guessed]
        values.append(
            (
                category,
                1.0 if category != guessed else confidence,
                quantity,
                name[:200],
                manufacturer[:120],
                model[:200],
                site_ids[site],
                department_ids[department],
                days[purchase],
                lifetime,
                status,
                os_name[:120],
                country,
                days[retirement],
                annual,
            )
        )
    return values


class _Current(NamedTuple):
    """An asset of the organisation as it is before the import (``_current_assets``)."""

    pk: int
    values: _Values
    serial_number: str
    inventory_number: str
    origin: str
    site_name: str | None
    department_name: str | None


def _current_assets(organisation: Organisation) -> dict[int, _Current]:
    """Every asset of the organisation, read once: for matching, comparing, retiring and the
    part of the footprint the import does not write. Empty for a first import."""
    rows = (
        Asset.objects.filter(organisation=organisation)
        .order_by()
        .values_list(
            "pk",
            *ASSET_FIELDS,
            "serial_number",
            "inventory_number",
            "origin",
            "site__name",
            "department__name",
        )
    )
    width = len(ASSET_FIELDS)
    return {
        row[0]: _Current(row[0], _Values(*row[1 : 1 + width]), *row[1 + width :]) for row in rows
    }


class _Plan(NamedTuple):
    """What storing the rows does to the assets."""

    new: list[tuple[Any, ...]]  # INSERT_COLUMNS values, without the timestamps
    updates: list[tuple[int, tuple[Any, ...], str, str]]  # pk, values, serial, inventory
    unchanged: int
    seen: set[int]  # existing assets that a row matched


def _plan(
    inventory_import: InventoryImport,
    columns: Columns,
    values: list[tuple[Any, ...]],
    current: Mapping[int, _Current],
) -> _Plan:
    """Match each row to an existing asset (serial number, else inventory number) and sort the
    rows into new assets, changed assets (in row order: the last row wins) and unchanged ones."""
    by_serial = {a.serial_number: a.pk for a in current.values() if a.serial_number}
    by_inventory = {a.inventory_number: a.pk for a in current.values() if a.inventory_number}
    latest: dict[int, tuple[tuple[Any, ...], str, str]] = {}  # after the rows applied so far
    new: list[tuple[Any, ...]] = []
    updates: list[tuple[int, tuple[Any, ...], str, str]] = []
    seen: set[int] = set()
    unchanged = 0
    organisation_id, import_id = inventory_import.organisation_id, inventory_import.pk
    origin = AssetOrigin.IMPORT.value
    for identity, asset_values in zip(_identities(columns), values, strict=True):
        serial, inventory = identity[0][:120], identity[1][:120]
        pk = _match_identity(identity, by_serial, by_inventory) if current else None
        if pk is None:
            new.append((organisation_id, *asset_values, serial, inventory, origin, import_id))
            continue
        seen.add(pk)
        asset = current[pk]
        before = latest.get(pk, (asset.values, asset.serial_number, asset.inventory_number))
        if before[0] == asset_values:
            unchanged += 1
            continue
        latest[pk] = (asset_values, before[1] or serial, before[2] or inventory)
        updates.append((pk, *latest[pk]))
    return _Plan(new, updates, unchanged, seen)


@transaction.atomic
def _store(inventory_import: InventoryImport, columns: Columns) -> dict[str, Any]:
    """Sites, departments, assets, retirements, the footprint run and the import's result."""
    organisation = inventory_import.organisation
    sites, sites_created = _sites(inventory_import)
    departments, departments_created = _departments(inventory_import)
    current = _current_assets(organisation)
    choices = inventory_import.summary.get("category_choices", {})
    values = _asset_values(columns, choices, sites, departments)
    plan = _plan(inventory_import, columns, values, current)
    retired = _to_retire(current, plan.seen) if inventory_import.full_reimport else set()
    now = timezone.now()
    # The footprint is computed from what is being written, in a second thread while the
    # database writes: SQLite and PostgreSQL's drivers let go of the interpreter while a
    # statement runs, so the two overlap (about 0.3 s of 2.5 s for 100,000 assets).
    with ThreadPoolExecutor(max_workers=1) as pool:
        footprint = pool.submit(
            _footprint_of, _engine_columns(current, plan, retired, sites, departments)
        )
        _insert_assets(plan.new)
        _update_assets(plan.updates, inventory_import, now)
        _retire(retired)
        table, summary, results = footprint.result()
    _footprint_run_save(organisation, inventory_import.uploaded_by, table, summary, results)
    counts = {
        "rows": len(values),
        "created": len(plan.new),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "retired": len(retired),
        "sites_created": sites_created,
        "departments_created": departments_created,
    }
    inventory_import.summary = {**inventory_import.summary, "result": counts}
    inventory_import.status = ImportStatus.DONE
    inventory_import.progress = 100
    inventory_import.finished_at = now
    inventory_import.save()
    return counts


def _sites(inventory_import: InventoryImport) -> tuple[dict[str, _Place], list[str]]:
    """The organisation's sites by case-folded name, with the locations the user matched to a
    site and the new ones created; and the names created."""
    organisation = inventory_import.organisation
    existing = Site.objects.filter(organisation=organisation).values_list("pk", "name")
    sites = {name.casefold(): _Place(pk, name) for pk, name in existing}
    by_pk = {site.pk: site for site in sites.values()}
    for location, site_id in inventory_import.summary.get("site_choices", {}).items():
        sites[location.casefold()] = by_pk[site_id]
    created = []
    for name in inventory_import.summary.get("sites_to_create", []):
        if name.casefold() not in sites:
            site = Site.objects.create(organisation=organisation, name=name)
            sites[name.casefold()] = _Place(site.pk, site.name)
            created.append(name)
    return sites, created


def _departments(inventory_import: InventoryImport) -> tuple[dict[str, _Place], list[str]]:
    """The organisation's departments by case-folded name, with the paths the file needs
    created (each part under the one before); and the names created."""
    organisation = inventory_import.organisation
    existing = Department.objects.filter(organisation=organisation).values_list("pk", "name")
    departments = {name.casefold(): _Place(pk, name) for pk, name in existing}
    created = []
    for path in inventory_import.summary.get("departments_to_create", []):
        parent_id = None
        for part in path:
            found = departments.get(part.casefold())
            if found is None:
                made = Department.objects.create(
                    organisation=organisation, name=part, parent_id=parent_id
                )
                found = departments[part.casefold()] = _Place(made.pk, made.name)
                created.append(part)
            parent_id = found.pk
    return departments, created


INSERT_COLUMNS = (
    "organisation_id",
    *ASSET_FIELDS,
    "serial_number",
    "inventory_number",
    "origin",
    "last_import_id",
)


def _insert_assets(rows: list[tuple[Any, ...]]) -> None:
    """Insert new assets (tuples of ``INSERT_COLUMNS``), straight to the driver.

    Model instances, even through bulk_create, spend most of the time preparing values the
    check has already typed. Here the model's ``auto_now_add``/``auto_now`` timestamps are
    added and each statement inserts as many rows as the database takes parameters (fewer
    statement runs: about 15% faster on SQLite than one row per run). The rows go in by
    category and name, the order of the asset list and of two of the table's indexes, which
    SQLite then appends to instead of inserting all over them (about a third faster).
    Inside the caller's transaction: all or nothing still holds."""
    if not rows:
        return
    category, name = INSERT_COLUMNS.index("category"), INSERT_COLUMNS.index("name")
    rows = sorted(rows, key=itemgetter(category, name))  # stable: file order among equals
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [*INSERT_COLUMNS, "created_at", "updated_at"]
    if connection.vendor == "postgresql":
        _copy_assets(columns, rows, now)
        return
    per_statement = _rows_per_statement(len(columns))
    whole = len(rows) - len(rows) % per_statement
    adapt = _date_adapter(rows, INSERT_COLUMNS)

    def statements() -> Iterator[tuple[Any, ...]]:
        for start in range(0, whole, per_statement):
            chunk = adapt(rows[start : start + per_statement])
            yield tuple(chain.from_iterable((*row, now, now) for row in chunk))

    with connection.cursor() as cursor:
        if whole:
            cursor.executemany(_insert_sql(columns, per_statement), _ahead(statements()))
        if rows[whole:]:
            cursor.executemany(
                _insert_sql(columns, 1), [(*row, now, now) for row in adapt(rows[whole:])]
            )


def _copy_assets(columns: list[str], rows: list[tuple[Any, ...]], now: Any) -> None:
    """PostgreSQL: the rows go in through one ``COPY ... FROM STDIN``, which psycopg feeds with
    its compiled adapters, instead of multi-row INSERTs whose 4,000-odd parameters a statement
    are adapted one by one in Python. Storing 100,000 assets with their footprint run (the
    inventory benchmark on PostgreSQL, quiet machine): 6.65 s with INSERTs, 4.00 s this way.
    Still inside the caller's transaction: all or nothing holds."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(Asset._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, now, now))


def _ahead(items: Iterator[Any], depth: int = 4) -> Iterator[Any]:
    """The same items, made in a second thread a few ahead of their use: the database driver
    lets go of the interpreter while it runs a statement, so the next statement's parameters are
    prepared meanwhile. An error in the making is raised here, where the items are used."""
    done = object()
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = Event()

    def make() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                queue.put(item)
        except BaseException as error:  # handed to the consuming thread, raised there
            queue.put(_Failure(error))
            return
        queue.put(done)

    worker = Thread(target=make, name="capnr-insert-ahead", daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not done:
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a maker waiting on a full queue
            with suppress(Empty):
                queue.get_nowait()
            worker.join(timeout=0.01)


class _Failure(NamedTuple):
    error: BaseException


def _date_adapter(
    rows: list[tuple[Any, ...]], columns: Sequence[str]
) -> Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """A function giving some of these rows with their dates as the database driver takes
    them (each distinct date converted once, here)."""
    adapt = connection.ops.adapt_datefield_value
    positions = [columns.index(name) for name in DATE_FIELDS]
    days = {value: adapt(value) for p in positions for value in {row[p] for row in rows}}

    def adapted(some: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        out = []
        for row in some:
            cells = list(row)
            for position in positions:
                cells[position] = days[cells[position]]
            out.append(tuple(cells))
        return out

    return adapted


def _adapt_dates(rows: list[tuple[Any, ...]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows with their dates as the database driver takes them."""
    return _date_adapter(rows, columns)(rows)


def _rows_per_statement(columns: int) -> int:
    """Rows per INSERT within the database's parameter limit. Django assumes SQLite's historic
    999; SQLite 3.32 and later take 32,766 or more, which the driver reports: 200 rows a
    statement instead of 39 store 100,000 assets about 15 % faster."""
    limit = connection.features.max_query_params or 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(200, limit // columns))


def _insert_sql(columns: list[str], rows: int) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * rows)
    table = quote(Asset._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES {placeholders}"  # noqa: S608


def _update_assets(
    updates: list[tuple[int, tuple[Any, ...], str, str]],
    inventory_import: InventoryImport,
    now: Any,
) -> None:
    """Write the changed assets with one prepared UPDATE (and bump ``updated_at``, which the
    ORM's bulk_update would leave as it was)."""
    if not updates:
        return
    quote = connection.ops.quote_name
    columns = [*ASSET_FIELDS, "serial_number", "inventory_number", "last_import_id", "updated_at"]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    table = quote(Asset._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    stamp = connection.ops.adapt_datetimefield_value(now)
    last_import = inventory_import.pk
    adapted = _adapt_dates([values for _pk, values, _s, _i in updates], ASSET_FIELDS)
    rows = [
        (*values, serial, inventory, last_import, stamp, pk)
        for values, (pk, _values, serial, inventory) in zip(adapted, updates, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _to_retire(current: Mapping[int, _Current], seen: set[int]) -> set[int]:
    """Full re-import: the imported assets, not yet retired, that no row matched."""
    return {
        pk
        for pk, asset in current.items()
        if asset.origin == AssetOrigin.IMPORT
        and asset.values.status != AssetStatus.RETIRED
        and pk not in seen
    }


def _retire(gone: set[int]) -> None:
    """Retire these assets, by batches of ids under every database's parameter limit."""
    ordered = sorted(gone)
    for start in range(0, len(ordered), 500):
        batch = ordered[start : start + 500]
        Asset.objects.filter(pk__in=batch).update(status=AssetStatus.RETIRED)


def _footprint_of(
    columns: Mapping[str, Sequence[Any]],
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The engine table, its summary and the footprint results: pure computation, no database
    (``_store`` runs it in a second thread)."""
    table, summary = engine_adapter.engine_table_from_columns(columns)
    return table, summary, engine_adapter.footprint_results(table)


def _engine_columns(
    current: Mapping[int, _Current],
    plan: _Plan,
    retired: set[int],
    sites: Mapping[str, _Place],
    departments: Mapping[str, _Place],
) -> dict[str, tuple[Any, ...]]:
    """The organisation's assets after the import, not retired, as columns named by
    ``engine_adapter.ENGINE_VALUES``: made from what was read before and written, which gives
    the table that reading the assets back would, without reading 100,000 rows again."""
    site_names = {place.pk: place.name for place in sites.values()}
    department_names = {place.pk: place.name for place in departments.values()}
    written = {pk: values for pk, values, _serial, _inventory in plan.updates}
    kept = []  # assets the import did not insert, as they are after it
    for pk, asset in current.items():
        values = _Values(*written.get(pk, asset.values))
        if pk in retired or values.status == AssetStatus.RETIRED:
            continue
        site, department = asset.site_name, asset.department_name
        if pk in written:
            site = site_names.get(values.site_id) if values.site_id else None
            department = (
                department_names.get(values.department_id) if values.department_id else None
            )
        kept.append(
            (
                values.category,
                values.quantity,
                values.lifetime_years,
                values.purchase_date,
                site,
                department,
                asset.origin,
                values.country,
                values.annual_kwh,
            )
        )
    status = INSERT_COLUMNS.index("status")
    inserted = [row for row in plan.new if row[status] != AssetStatus.RETIRED]

    def column(name: str) -> tuple[Any, ...]:
        return tuple(map(itemgetter(INSERT_COLUMNS.index(name)), inserted))

    new_columns = (
        column("category"),
        column("quantity"),
        column("lifetime_years"),
        column("purchase_date"),
        tuple(map(site_names.get, column("site_id"))),
        tuple(map(department_names.get, column("department_id"))),
        column("origin"),
        column("country"),
        column("annual_kwh"),
    )
    kept_columns = tuple(zip(*kept, strict=True)) if kept else ((),) * len(new_columns)
    return {
        name: kept_column + new_column
        for name, kept_column, new_column in zip(
            engine_adapter.ENGINE_VALUES, kept_columns, new_columns, strict=True
        )
    }


def import_cancel(*, access: OrganisationAccess, inventory_import: InventoryImport) -> None:
    access.require(Access.CONTRIBUTE)
    require_same_organisation(access, inventory_import)
    if inventory_import.status in {ImportStatus.DONE, ImportStatus.STORING}:
        raise ValidationError(_("This import is already stored or being stored."))
    inventory_import.status = ImportStatus.CANCELLED
    inventory_import.finished_at = timezone.now()
    inventory_import.save(update_fields=["status", "finished_at"])
    if inventory_import.stored_path:
        shutil.rmtree(_workdir(inventory_import), ignore_errors=True)


# An import left unconfirmed (or failed) this long is abandoned: its copy of the file and its
# checked rows are deleted by the daily purge (``capnr purge``), and it shows as cancelled.
ABANDONED_IMPORT_DAYS = 7
ABANDONABLE = (
    ImportStatus.READING,
    ImportStatus.MAPPING,
    ImportStatus.VALIDATING,
    ImportStatus.TO_CONFIRM,
    ImportStatus.REJECTED,
    ImportStatus.FAILED,
)


def purge_abandoned_imports(*, now: dt.datetime | None = None) -> int:
    """Cancel the imports of every organisation left unconfirmed for more than
    ``ABANDONED_IMPORT_DAYS`` days and delete their files; returns how many. Run daily by the
    job ``tasks.purge_abandoned_imports`` (``capnr purge`` from cron)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=ABANDONED_IMPORT_DAYS)
    purged = 0
    for item in InventoryImport.objects.filter(status__in=ABANDONABLE, created_at__lt=limit):
        claimed = InventoryImport.objects.filter(pk=item.pk, status=item.status).update(
            status=ImportStatus.CANCELLED,
            finished_at=now,
            summary={**item.summary, "abandoned": True},
        )
        if claimed and item.stored_path:  # a job that moved on meanwhile keeps its files
            shutil.rmtree(_workdir(item), ignore_errors=True)
        purged += claimed
    return purged


# A reading, check or store that has not moved for this long was interrupted (the worker was
# stopped or killed): a store writes in one transaction, so nothing of it was kept.
INTERRUPTED_AFTER = dt.timedelta(minutes=30)
RUNNING = (ImportStatus.READING, ImportStatus.VALIDATING, ImportStatus.STORING)


def recover_interrupted_imports(*, now: dt.datetime | None = None) -> int:
    """Mark as failed, in every organisation, the imports whose job stopped without a word
    (no progress for ``INTERRUPTED_AFTER``); their page then offers to try again. Returns how
    many. Run by ``capnr purge`` in its own process, so that it works while no worker does."""
    limit = (now or timezone.now()) - INTERRUPTED_AFTER
    recovered = 0
    for item in InventoryImport.objects.filter(status__in=RUNNING, updated_at__lt=limit):
        recovered += InventoryImport.objects.filter(pk=item.pk, status=item.status).update(
            status=ImportStatus.FAILED,
            error_message="",
            summary={
                **item.summary,
                "interrupted": item.status,
                "failure": {"code": "interrupted"},
            },
            finished_at=now or timezone.now(),
        )
    return recovered


def import_retry(
    *,
    access: OrganisationAccess,
    inventory_import: InventoryImport,
) -> InventoryImport:
    """Run the failed step again."""
    access.require(Access.CONTRIBUTE)
    require_same_organisation(access, inventory_import)
    if inventory_import.status != ImportStatus.FAILED:
        raise ValidationError(_("Only a failed import can be retried."))
    if inventory_import.summary.get("refusal"):
        raise ValidationError(_("This file could not be read: upload a corrected file."))
    # A job tried again starts its clock afresh (``updated_at``): the housekeeping takes a
    # running import whose row has not changed for INTERRUPTED_AFTER for an interrupted one.
    if inventory_import.summary.get("interrupted") == ImportStatus.READING:
        InventoryImport.objects.filter(pk=inventory_import.pk).update(
            status=ImportStatus.READING, error_message="", updated_at=timezone.now()
        )
        from .tasks import read_import

        read_import.enqueue(inventory_import.pk)
        inventory_import.refresh_from_db()
        return inventory_import
    if (_workdir(inventory_import) / ROWS_FILE).exists() and inventory_import.summary.get(
        "category_choices"
    ) is not None:
        inventory_import.status = ImportStatus.STORING
        inventory_import.save(update_fields=["status", "updated_at"])
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
        rows = Asset.objects.for_access(access).filter(origin=AssetOrigin.COUNTS, category=category)
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
    """Compute the organisation's footprint from its assets in the database and keep it."""
    table, summary = engine_adapter.engine_table(Asset.objects.filter(organisation=organisation))
    return _footprint_run_save(organisation, user, table, summary)


def _footprint_run_save(
    organisation: Organisation,
    user: User | None,
    table: Any,
    summary: dict[str, Any],
    results: dict[str, Any] | None = None,
) -> FootprintRun:
    if results is None:
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
        raise ImportRefused(failure_message(item) or f"{len(item.problems)} problem(s) in the file")
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
