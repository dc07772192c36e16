"""An import whose background job was interrupted is marked as failed by the housekeeping
(`capnr purge`: no progress for 30 minutes), and "Try again" starts it afresh: the housekeeping
must not take the job tried again for the interrupted one (found by `make bench`'s fault phase,
benchmarks/bench_load.py, where the retried store kept the failed one's last change)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from capnr.inventory import services, tasks
from capnr.inventory.models import ImportStatus, InventoryImport
from capnr.organisations.models import Role

from .test_import_services import GLPI_FR, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent(org_a, member, access_of, settings, tmp_path, monkeypatch):
    """A référent, and the background jobs queued but not run (as when the worker is busy)."""
    settings.DATA_DIR = tmp_path
    queued: list[tuple[str, int]] = []
    for name in ("read_import", "store_import"):
        job = SimpleNamespace(enqueue=lambda pk, name=name: queued.append((name, pk)))
        monkeypatch.setattr(tasks, name, job)
    user = member(org_a, Role.REFERENT)
    return user, access_of(user, org_a), queued


def interrupted(item: InventoryImport, step: str) -> InventoryImport:
    """The import as the housekeeping leaves it when its job stopped without a word an hour
    ago, in the middle of ``step``."""
    InventoryImport.objects.filter(pk=item.pk).update(
        status=step, updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert services.recover_interrupted_imports() == 1
    item.refresh_from_db()
    assert item.status == ImportStatus.FAILED and item.summary["interrupted"] == step
    return item


def checked(access, user) -> InventoryImport:
    item = upload(access, user, GLPI_FR)
    item = services.import_set_mapping(
        access=access, inventory_import=item, mapping={int(k): v for k, v in item.mapping.items()}
    )
    assert item.status == ImportStatus.TO_CONFIRM, item.problems
    return item


def test_a_store_tried_again_is_not_marked_interrupted_while_it_waits_or_runs(referent):
    user, access, queued = referent
    item = checked(access, user)
    services.import_confirm(access=access, inventory_import=item, category_choices={})
    item = interrupted(item, ImportStatus.STORING)

    item = services.import_retry(access=access, inventory_import=item)
    assert item.status == ImportStatus.STORING and queued[-1] == ("store_import", item.pk)
    # The cron's next housekeeping, a few minutes later: the new job has only just started.
    assert services.recover_interrupted_imports() == 0
    item.refresh_from_db()
    assert item.status == ImportStatus.STORING
    # Still told apart from a job that stops again without a word.
    later = timezone.now() + services.INTERRUPTED_AFTER + dt.timedelta(minutes=1)
    assert services.recover_interrupted_imports(now=later) == 1


def test_a_reading_tried_again_is_not_marked_interrupted_while_it_waits_or_runs(referent):
    user, access, queued = referent
    item = interrupted(upload(access, user, GLPI_FR), ImportStatus.READING)

    item = services.import_retry(access=access, inventory_import=item)
    assert item.status == ImportStatus.READING and queued[-1] == ("read_import", item.pk)
    assert services.recover_interrupted_imports() == 0
    item.refresh_from_db()
    assert item.status == ImportStatus.READING
