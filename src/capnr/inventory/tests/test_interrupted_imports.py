"""An import whose background job was interrupted is marked as failed by the housekeeping
(`capnr purge`: no progress for 30 minutes), and "Try again" starts it afresh: the housekeeping
must not take the job tried again for the interrupted one (found by `make bench`'s fault phase,
benchmarks/bench_load.py, where the retried store kept the failed one's last change)."""

from __future__ import annotations

import datetime as dt
import shutil
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from capnr.api.services import api_token_create
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


def test_why_an_import_failed_is_worded_in_the_readers_language_not_the_workers(referent, client):
    """The housekeeping runs in French (the instance's language); a reader who chose English
    reads why the import failed in English, on its page and through the API."""
    user, access, _queued = referent
    item = checked(access, user)
    services.import_confirm(access=access, inventory_import=item, category_choices={})
    with translation.override("fr"):
        item = interrupted(item, ImportStatus.STORING)
    assert item.summary["failure"] == {"code": "interrupted"}
    with translation.override("fr"):
        assert services.failure_message(item).startswith("Interrompu")
    with translation.override("en"):
        assert services.failure_message(item).startswith("Interrupted: the background work")

    url = f"/o/{access.organisation.slug}/inventory/imports/{item.pk}/"
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Interrupted: the background work stopped before the end" in page
    assert "Interrompu" not in page
    _, raw = api_token_create(user=user, name="script")
    answer = client.get(
        f"/api/v1/organisations/{access.organisation.slug}/inventory/imports/{item.pk}",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert answer.json()["error_message"].startswith("Interrupted: the background work")
    client.cookies["django_language"] = "fr"
    assert "Interrompu" in client.get(url).content.decode()


def test_a_failed_store_keeps_the_code_of_its_failure_and_words_it_at_reading(referent):
    user, access, _queued = referent
    item = checked(access, user)
    InventoryImport.objects.filter(pk=item.pk).update(status=ImportStatus.STORING)
    with translation.override("fr"), pytest.raises(FileNotFoundError):
        shutil.rmtree(services._workdir(item))  # the rows kept beside the file are gone
        services.import_store(import_id=item.pk)
    item.refresh_from_db()
    assert item.status == ImportStatus.FAILED
    assert item.summary["failure"] == {"code": "store", "error": "FileNotFoundError"}
    with translation.override("en"):
        assert services.failure_message(item) == (
            "Storing failed and nothing was changed (FileNotFoundError). You can try again."
        )
    with translation.override("fr"):
        assert "(FileNotFoundError)" in services.failure_message(item)
        assert not services.failure_message(item).startswith("Storing")
