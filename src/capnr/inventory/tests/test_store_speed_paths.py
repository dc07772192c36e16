"""The fast storing path (issue 10) gives what the plain one gave: every row written with the
model's defaults and timestamps, the footprint run computed from the rows in memory equal to one
read back from the database, and still all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from capnr.inventory import services
from capnr.inventory.models import (
    Asset,
    AssetOrigin,
    AssetStatus,
    FootprintRun,
    ImportStatus,
    InventoryImport,
)
from capnr.organisations.models import Department, Role, Site

HEADER = "Nom;Entité;Lieu;Type;Fabricant;Modèle;Numéro de série;Numéro d'inventaire;Date d'achat"
DEVICES = (
    ("PC", "Org > SG > SI", "Siège", "Unité centrale", "Dell", "OptiPlex 7090", "2021-03-15"),
    ("LAP", "Org > SG", "Dépôt nord", "Ordinateur portable", "Dell", "Latitude 5420", ""),
    ("MON", "Org", "Siège", "Moniteur", "Dell", "P2422H", "2019-06-01"),
)


def glpi(count: int, *, start: int = 0, extra: str = "") -> str:
    """``count`` devices with their own serial and inventory numbers (more rows than one
    INSERT statement takes, to cross the batches)."""
    lines = [HEADER + (";Statut" if extra else "")]
    for i in range(start, start + count):
        name, entity, site, kind, maker, model, bought = DEVICES[i % len(DEVICES)]
        fields = [f"{name}-{i:04}", entity, site, kind, maker, model, f"SN{i:04}", f"INV{i:04}"]
        lines.append(";".join([*fields, bought] + ([extra] if extra else [])))
    return "\r\n".join(lines) + "\r\n"


def run_import(access, user, text: str, *, full: bool = False) -> InventoryImport:
    item = services.import_upload(
        access=access,
        user=user,
        full_reimport=full,
        uploaded=SimpleUploadedFile("glpi.csv", text.encode("utf-8")),
    )
    item = services.import_set_mapping(
        access=access, inventory_import=item, mapping={int(k): v for k, v in item.mapping.items()}
    )
    assert item.status == ImportStatus.TO_CONFIRM, item.problems
    choices = {str(g["key"]): str(g["suggested"]) for g in item.uncertain}
    services.import_confirm(access=access, inventory_import=item, category_choices=choices)
    item.refresh_from_db()
    assert item.status == ImportStatus.DONE, services.failure_message(item)
    return item


@pytest.fixture
def referent(org_a, member, access_of, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    user = member(org_a, Role.REFERENT)
    return user, access_of(user, org_a)


def assert_run_matches_the_database(organisation) -> None:
    """The run the import kept equals one computed now from the assets in the database."""
    stored = FootprintRun.objects.filter(organisation=organisation).first()
    fresh = services.footprint_run_create(organisation=organisation, user=None)
    assert (stored.asset_count, stored.device_count) == (fresh.asset_count, fresh.device_count)
    assert stored.inputs == pytest.approx(fresh.inputs)
    assert stored.results["totals"] == fresh.results["totals"] or _close(
        stored.results["totals"], fresh.results["totals"]
    )
    for by in ("category", "site", "department"):
        mine = {row["key"]: row for row in stored.results["breakdown"].get(by, [])}
        theirs = {row["key"]: row for row in fresh.results["breakdown"].get(by, [])}
        assert mine.keys() == theirs.keys(), by
        for key in mine:
            assert _close(mine[key], theirs[key]), (by, key)


def _close(a, b) -> bool:
    """Equal up to the last digits of a float sum taken in another order."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


def test_a_first_import_writes_every_row_with_defaults_timestamps_and_its_places(referent, org_a):
    user, access = referent
    count = services._rows_per_statement(len(services.INSERT_COLUMNS) + 2) * 2 + 7
    item = run_import(access, user, glpi(count))
    assets = Asset.objects.filter(organisation=org_a)
    assert assets.count() == count == item.summary["result"]["created"]
    laptop = assets.get(serial_number="SN0001")
    assert (laptop.category, laptop.model, laptop.inventory_number) == (
        "laptop",
        "Latitude 5420",
        "INV0001",
    )
    assert laptop.site.name == "Dépôt nord" and laptop.department.name == "SG"
    assert laptop.department.parent is None
    assert Department.objects.get(organisation=org_a, name="SI").parent.name == "SG"
    assert laptop.purchase_date is None and laptop.quantity == 1
    assert laptop.origin == AssetOrigin.IMPORT and laptop.status == AssetStatus.IN_USE
    assert laptop.last_import_id == item.pk
    assert laptop.created_at is not None and laptop.created_at == laptop.updated_at
    assert str(assets.get(serial_number="SN0000").purchase_date) == "2021-03-15"
    # The listing order (category, name, id) is the file's order within equal names.
    names = list(assets.filter(category="monitor").values_list("name", flat=True))
    assert names == sorted(names)
    assert_run_matches_the_database(org_a)


def test_a_reimport_updates_bumps_updated_at_and_its_run_counts_what_it_did_not_touch(
    referent, org_a
):
    user, access = referent
    services.counts_save(access=access, counts={"desktop": 4})  # in no file
    run_import(access, user, glpi(12))
    before = Asset.objects.get(serial_number="SN0004")
    changed = glpi(12).replace("Latitude 5420", "Latitude 5430")  # SN0001, SN0004, …
    second = run_import(access, user, changed + glpi(3, start=50).split("\r\n", 1)[1])
    result = second.summary["result"]
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 4, 8)
    after = Asset.objects.get(serial_number="SN0004")
    assert after.model == "Latitude 5430" and after.last_import_id == second.pk
    assert after.created_at == before.created_at and after.updated_at > before.updated_at
    assert Asset.objects.get(serial_number="SN0000").last_import_id != second.pk  # unchanged
    assert_run_matches_the_database(org_a)


def test_a_full_reimport_retires_the_missing_in_batches(referent, org_a):
    user, access = referent
    run_import(access, user, glpi(20))
    Asset.objects.bulk_create(  # more than one batch of ids to retire
        Asset(organisation=org_a, category="desktop", serial_number=f"OLD{i}") for i in range(1203)
    )
    second = run_import(access, user, glpi(5), full=True)
    assert second.summary["to_retire"] == 15 + 1203
    assert second.summary["result"]["retired"] == 15 + 1203
    live = Asset.objects.filter(organisation=org_a).exclude(status=AssetStatus.RETIRED)
    assert sorted(live.values_list("serial_number", flat=True)) == [f"SN{i:04}" for i in range(5)]
    assert_run_matches_the_database(org_a)


def test_devices_listed_as_retired_are_stored_but_left_out_of_the_footprint(referent, org_a):
    user, access = referent
    run_import(access, user, glpi(6, extra="Rebut"))
    assert Asset.objects.filter(organisation=org_a, status=AssetStatus.RETIRED).count() == 6
    run = FootprintRun.objects.filter(organisation=org_a).first()
    assert run.asset_count == 0 and run.device_count == 0
    assert_run_matches_the_database(org_a)


def test_a_failing_footprint_run_rolls_the_whole_import_back(referent, org_a, monkeypatch):
    user, access = referent

    def broken(*args, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services, "_footprint_run_save", broken)
    with pytest.raises(AssertionError, match=r"engine down|RuntimeError"):
        run_import(access, user, glpi(10))
    item = InventoryImport.objects.get(organisation=org_a)
    assert item.status == ImportStatus.FAILED and "RuntimeError" in services.failure_message(item)
    assert not Asset.objects.filter(organisation=org_a).exists()
    assert not Site.objects.filter(organisation=org_a, name__in=["Siège", "Dépôt nord"]).exists()
    assert not Department.objects.filter(organisation=org_a, name__in=["SG", "SI"]).exists()
    assert not FootprintRun.objects.filter(organisation=org_a).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite page cache")
def test_the_larger_page_cache_is_given_back(referent):
    user, access = referent
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        run_import(access, user, glpi(5))
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_checked_rows_kept_column_by_column_read_back_as_they_were(tmp_path) -> None:
    rows = [
        {"row": 2, "site": "Siège", "department_path": ["SG", "SI"], "lifetime_years": None,
         "confidence": 0.9, "quantity": 1},
        {"row": 3, "site": "Siège", "department_path": ["SG", "SI"], "lifetime_years": 5.5,
         "confidence": 1.0, "quantity": 3},
        {"row": 4, "site": "", "department_path": [], "lifetime_years": None,
         "confidence": 0.5, "quantity": 1},
    ]  # fmt: skip
    path = tmp_path / services.ROWS_FILE
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    services._write_rows(path, columns)
    assert services._read_rows(path) == columns
    services._write_rows(path, {})
    assert services._read_rows(path) == {}


def test_a_failing_footprint_in_its_thread_rolls_the_whole_import_back(
    referent, org_a, monkeypatch
):
    user, access = referent

    def broken(*args, **kwargs):
        raise RuntimeError("engine down in its thread")

    monkeypatch.setattr(services.engine_adapter, "footprint_results", broken)
    with pytest.raises(AssertionError, match=r"RuntimeError"):
        run_import(access, user, glpi(450))
    assert InventoryImport.objects.get(organisation=org_a).status == ImportStatus.FAILED
    assert not Asset.objects.filter(organisation=org_a).exists()
    assert not FootprintRun.objects.filter(organisation=org_a).exists()


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL stores new assets with COPY"
)
def test_a_failing_statement_maker_fails_the_import_and_stores_nothing(
    referent, org_a, monkeypatch
):
    """The INSERT parameters are made in a second thread: an error there reaches the import."""
    user, access = referent
    real = services._date_adapter

    def adapter(rows, columns):
        adapt = real(rows, columns)
        calls = []

        def failing(some):
            calls.append(1)
            if len(calls) == 2:  # the second statement's rows
                raise ValueError("bad date")
            return adapt(some)

        return failing

    monkeypatch.setattr(services, "_date_adapter", adapter)
    with pytest.raises(AssertionError, match=r"ValueError"):
        run_import(access, user, glpi(900))
    assert InventoryImport.objects.get(organisation=org_a).status == ImportStatus.FAILED
    assert not Asset.objects.filter(organisation=org_a).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_row_the_database_refuses_in_the_middle_of_the_copy_stores_nothing(
    referent, org_a, monkeypatch
):
    """The database itself refuses the 450th row of the COPY (a name longer than its column):
    the import fails and not one of the rows before it is kept."""
    user, access = referent
    real = services._copy_assets
    name = services.INSERT_COLUMNS.index("name")

    def copy_with_a_bad_row(columns, rows, now):
        rows = list(rows)
        rows[449] = tuple("x" * 500 if i == name else v for i, v in enumerate(rows[449]))
        real(columns, rows, now)

    monkeypatch.setattr(services, "_copy_assets", copy_with_a_bad_row)
    with pytest.raises(AssertionError, match=r"StringDataRightTruncation"):
        run_import(access, user, glpi(900))
    assert InventoryImport.objects.get(organisation=org_a).status == ImportStatus.FAILED
    assert not Asset.objects.filter(organisation=org_a).exists()


def test_items_made_ahead_come_in_order_and_the_maker_stops_when_the_user_does() -> None:
    made = []

    def items():
        for i in range(1000):
            made.append(i)
            yield i

    assert list(services._ahead(iter(range(500)))) == list(range(500))
    stream = services._ahead(items(), depth=3)
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    stream.close()  # the consumer gives up: the maker thread ends, far from the 1,000
    assert len(made) < 20
    received = []
    with pytest.raises(ZeroDivisionError):
        for item in services._ahead(1 / x for x in [1, 2, 0, 4]):
            received.append(item)
    assert received == [1.0, 0.5]  # what came before the error, then the error itself
