"""`make bench`, inventory part: a 100,000-row GLPI-style import (parse, validate, store) on
SQLite (or on the PostgreSQL of ``DATABASE_URL``), and the footprint page's server time, each
beside a reference run in the same process.

Targets (issue 10): import ≤ 3 s in total (read, check, store with the footprint run); footprint
page ≤ 100 ms once computed. Prints figures; asserts none. Runs on a throwaway data
directory. The import runs three times, into three organisations of the same database: the
best is reported with all three."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS = 100_000
REFERENCE_ROWS = 5_000
RUNS = 3


def glpi_rows(count: int) -> tuple[list[str], list[list[str]]]:
    """The demo agency's generated GLPI fleet, repeated with fresh serial and inventory numbers
    until it has ``count`` rows (realistic values, no duplicates)."""
    from capnr.inventory.demo_fleet import generate_glpi_rows

    header, base = generate_glpi_rows()
    serial = header.index("Numéro de série")
    inventory = header.index("Numéro d'inventaire")
    name = header.index("Nom")
    rows = []
    copy = 0
    while len(rows) < count:
        for row in base:
            new = list(row)
            new[serial] = f"{row[serial]}-{copy}" if row[serial] else ""
            new[inventory] = f"{row[inventory]}-{copy}"
            new[name] = f"{row[name]}-{copy}"
            rows.append(new)
            if len(rows) == count:
                break
        copy += 1
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(";".join(header) + "\r\n")
        for row in rows:
            out.write(";".join(row) + "\r\n")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="capnr-bench-"))
    os.environ["CAPNR_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["CAPNR_DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from capnr.inventory import services
    from capnr.inventory.models import Asset
    from capnr.organisations.models import Membership, Organisation, Role, User
    from capnr.organisations.tenancy import Access, OrganisationAccess

    call_command("migrate", verbosity=0)
    database = "SQLite (WAL)" if connection.vendor == "sqlite" else connection.display_name
    print(f"Inventory benchmark · {database}, data in {folder}\n")
    header, rows = glpi_rows(ROWS)
    path = folder / "glpi-100k.csv"
    write_csv(path, header, rows)
    size_mb = path.stat().st_size / 1e6

    # A worker imports polars and compiles the recognition rules once, on its first import;
    # the figures below are those of a running worker. The one-time cost is printed apart.
    warm = Organisation.objects.create(name="Warm-up", slug="warm-up", kind="other")
    small = folder / "glpi-50.csv"
    write_csv(small, header, rows[:50])
    start = time.perf_counter()
    first = services.import_from_path(
        access=OrganisationAccess(warm, Access.ADMINISTER, "warm-up"), source=small
    )
    services.import_check(import_id=first.pk)
    first.refresh_from_db()
    services.import_store_now(first)
    warm_s = time.perf_counter() - start

    # Three first imports of the same file into three organisations of one database, the best
    # reported (the machine is shared: one run can be slowed by a neighbour); all three shown.
    runs = []
    for attempt in range(RUNS):
        slug = "bench" if attempt == 0 else f"bench-{attempt + 1}"
        organisation = Organisation.objects.create(
            name=f"Bench agency {attempt + 1}", slug=slug, kind="state_service", headcount=60000
        )
        access = OrganisationAccess(organisation, Access.ADMINISTER, slug)
        start = time.perf_counter()
        item = services.import_from_path(access=access, source=path)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        services.import_check(import_id=item.pk)
        item.refresh_from_db()
        check_s = time.perf_counter() - start
        start = time.perf_counter()
        item = services.import_store_now(item)  # stores, then computes the footprint run
        store_s = time.perf_counter() - start
        stored = Asset.objects.filter(organisation=organisation).count()
        runs.append((read_s + check_s + store_s, read_s, check_s, store_s, stored, item.status))
    organisation = Organisation.objects.get(slug="bench")
    total, read_s, check_s, store_s, stored, status = min(runs)
    print(f"1. GLPI-style CSV import, {ROWS:,} rows ({size_mb:.0f} MB), {database}, best of {RUNS}")
    print(f"   {'step':28} {'time':>8}   target")
    for label, seconds, target in (
        ("read + suggest columns", read_s, ""),
        ("check every row", check_s, ""),
        ("store + footprint run", store_s, ""),
        ("total", total, "≤ 3 s"),
    ):
        print(f"   {label:28} {seconds:6.2f} s   {target}")
    print(
        f"   {ROWS / total:,.0f} rows/s ({stored:,} assets stored, status {status}); "
        f"side by side: read {read_s:.2f} s | check {check_s:.2f} s | store {store_s:.2f} s "
        f"| total {total:.2f} s (target ≤ 3 s); the {RUNS} runs: "
        + " | ".join(f"{run[0]:.2f} s" for run in runs)
    )

    print(
        f"   one-time, first import of a fresh worker (50 rows: loads polars, compiles the "
        f"rules): {warm_s:.2f} s"
    )

    reference = Organisation.objects.create(name="Reference", slug="reference", kind="other")
    start = time.perf_counter()
    for row in rows[:REFERENCE_ROWS]:
        Asset.objects.create(
            organisation=reference,
            category="desktop",
            name=row[0],
            serial_number=row[header.index("Numéro de série")],
            inventory_number=row[header.index("Numéro d'inventaire")],
        )
    naive_s = time.perf_counter() - start
    print(
        f"   reference: one ORM insert per row, no checks, {REFERENCE_ROWS:,} rows: "
        f"{naive_s:.2f} s → {REFERENCE_ROWS / naive_s:,.0f} rows/s "
        f"(×{(ROWS / total) / (REFERENCE_ROWS / naive_s):.1f} for the import)\n"
    )

    user = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=user, organisation=organisation, role=Role.READER)
    setup_test_environment()
    client = Client()
    client.force_login(user)
    timings = {}
    for label, url in (
        ("footprint page", "/o/bench/footprint/"),
        ("inventory page", "/o/bench/inventory/"),
        ("reference: accessibility page", "/accessibility/"),
    ):
        client.get(url)  # warm
        samples = []
        for _ in range(30):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        samples.sort()
        timings[label] = (
            statistics.median(samples),
            samples[int(len(samples) * 0.95) - 1],
            len(response.content),
        )
    print(
        f"2. page server time for the {ROWS:,}-asset organisation (30 requests, in process), "
        "target p95 ≤ 100 ms"
    )
    for label, (median, p95, size) in timings.items():
        print(f"   {label:31}: median {median:6.1f} ms, p95 {p95:6.1f} ms, {size / 1024:5.1f} KB")
    print()
    recognition_section()


def recognition_section() -> None:
    """Category recognition on 50,000 distinct models (each guessed once), beside a reference:
    Python merely normalising the same texts."""
    import random

    from capnr.engine.assets import normalise_name
    from capnr.engine.intake import recognition

    rng = random.Random(1)
    bases = ["Latitude 54%d0", "OptiPlex 70%d0", "P24%d9H", "ProLiant DL3%d0", "XK-%d Pro"]
    n = 50_000
    models = [rng.choice(bases) % i for i in range(n)]
    types = [["Portable", "Écran", "", "Server", "Personal Computer"][i % 5] for i in range(n)]
    makers = [rng.choice(["Dell Inc.", "HP", "Lenovo", ""]) for _ in range(n)]
    recognition.category_rules()
    recognition._model_guess.cache_clear()
    start = time.perf_counter()
    recognition.infer_categories(types, models, None, makers)
    guess_s = time.perf_counter() - start
    start = time.perf_counter()
    for triple in zip(types, models, makers, strict=True):
        normalise_name(" ".join(triple))
    reference_s = time.perf_counter() - start
    print(
        f"3. category recognition, {n:,} distinct models: {guess_s:.2f} s | reference, "
        f"normalising the same texts: {reference_s:.2f} s (×{guess_s / reference_s:.1f})"
    )


if __name__ == "__main__":
    sys.exit(main())
