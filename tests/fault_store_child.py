"""A child process for tests/test_store_fault.py: `prepare` makes an organisation and an import
checked and ready to store; `store` stores it but, once its first rows are written inside the
transaction, says so (a marker file) and waits to be killed; `recover` runs the housekeeping an
hour later, then tries the import again. Runs on its own SQLite database (CAPNR_DATA_DIR)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path


def main(mode: str, folder: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from capnr.core.access import Access, OrganisationAccess
    from capnr.inventory import services
    from capnr.inventory.models import Asset, ImportStatus, InventoryImport
    from capnr.organisations.models import Organisation

    if mode == "prepare":
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(name="Fault", slug="fault", kind="other")
        access = OrganisationAccess(organisation, Access.ADMINISTER, "fault")
        source = folder / "fleet.csv"
        rows = [f"PC-{i};Ordinateur portable;Dell;Latitude 5420;SN{i}" for i in range(3000)]
        source.write_text("Nom;Type;Fabricant;Modèle;Numéro de série\n" + "\n".join(rows) + "\n")
        item = services.import_from_path(access=access, source=source)
        item.status = ImportStatus.VALIDATING
        item.save(update_fields=["status"])
        services.import_check(import_id=item.pk)
        item.refresh_from_db()
        assert item.status == ImportStatus.TO_CONFIRM, item.problems
        item.summary = {**item.summary, "category_choices": {}}
        item.status = ImportStatus.STORING
        item.save(update_fields=["summary", "status"])
        print(item.pk)
    elif mode == "store":
        original = services._insert_assets

        def insert_then_wait(rows):  # type: ignore[no-untyped-def]
            original(rows)  # written inside the store's transaction, not committed
            (folder / "inside-the-transaction").write_text("")
            time.sleep(120)  # the test kills this process meanwhile

        services._insert_assets = insert_then_wait
        services.import_store(import_id=int(sys.argv[3]))
    elif mode == "recover":
        item = InventoryImport.objects.get()
        before = {"status": item.status, "assets": Asset.objects.count()}
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        recovered = services.recover_interrupted_imports(now=later)
        item.refresh_from_db()
        failed = {
            "status": item.status,
            "message": services.failure_message(item),
            "recovered": recovered,
        }
        access = OrganisationAccess(item.organisation, Access.ADMINISTER, "fault")
        item = services.import_retry(access=access, inventory_import=item)
        services.import_store(import_id=item.pk)  # what the worker does with the queued job
        item.refresh_from_db()
        after = {"status": item.status, "assets": Asset.objects.count()}
        print(json.dumps({"before": before, "failed": failed, "after": after}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
