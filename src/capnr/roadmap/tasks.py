"""Background jobs (django-tasks: the database worker `capnr db_worker` runs them)."""

import datetime as dt
import logging

from django_tasks import task

from . import digest, services

logger = logging.getLogger(__name__)


@task()
def send_digests(today_iso: str, base_url: str) -> int:
    """The weekly reminders of ``today_iso`` (YYYY-MM-DD); links start with ``base_url``."""
    return digest.send_digests(today=dt.date.fromisoformat(today_iso), base_url=base_url)


@task()
def purge_bin() -> int:
    """Delete for good the roadmap items in the bin for more than 30 days, in every organisation.

    Queued each day by ``capnr purge`` (or ``capnr purge_roadmap_bin``) from cron; the cut-off
    is taken when the job runs, so a job that waited in the queue purges nothing still
    restorable."""
    purged = services.purge_bin()
    logger.info("Roadmap bin purged: %s item(s)", purged)
    return purged
