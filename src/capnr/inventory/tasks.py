"""Background jobs (django-tasks: the database worker `capnr db_worker` runs them)."""

from django_tasks import task

from . import services


@task()
def check_import(import_id: int) -> None:
    services.import_check(import_id=import_id)


@task()
def store_import(import_id: int) -> None:
    services.import_store(import_id=import_id)
