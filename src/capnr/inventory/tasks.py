"""Background jobs (django-tasks: the database worker `capnr db_worker` runs them)."""

import gc

from django_tasks import task

from . import services


@task()
def read_import(import_id: int) -> None:
    try:
        services.import_read(import_id=import_id)
    finally:
        gc.unfreeze()


@task()
def check_import(import_id: int) -> None:
    try:
        services.import_check(import_id=import_id)
    finally:
        # Reading a large file pauses the collector and freezes what it made (see
        # capnr.engine.tabular.bulk_allocation); a long-lived worker gives those objects back.
        gc.unfreeze()


@task()
def store_import(import_id: int) -> None:
    try:
        services.import_store(import_id=import_id)
    finally:
        gc.unfreeze()


@task()
def purge_abandoned_imports() -> int:
    """Cancel the imports left unconfirmed for more than a week and delete their files, in
    every organisation. Queued each day by ``capnr purge`` from cron."""
    return services.purge_abandoned_imports()
