"""Background jobs (django-tasks: the database worker `capnr db_worker` runs them)."""

import datetime as dt

from django_tasks import task

from . import digest


@task()
def send_digests(today_iso: str, base_url: str) -> int:
    """The weekly reminders of ``today_iso`` (YYYY-MM-DD); links start with ``base_url``."""
    return digest.send_digests(today=dt.date.fromisoformat(today_iso), base_url=base_url)
