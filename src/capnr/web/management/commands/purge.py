"""`capnr purge`: the daily housekeeping, to run once a day from cron. It empties the roadmap's
bin of what was deleted more than 30 days ago, and cancels the inventory imports left
unconfirmed for more than 7 days, deleting their files.

By default the jobs are queued for the background worker (`capnr db_worker`); ``--now`` runs
them in this process instead, for a server without a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from capnr.inventory.tasks import purge_abandoned_imports
from capnr.roadmap.tasks import purge_bin


class Command(BaseCommand):
    help = (
        "Daily housekeeping: delete for good the roadmap items in the bin for more than 30 days, "
        "and cancel the inventory imports left unconfirmed for more than 7 days (their files "
        "are deleted)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="run the purges in this process, not the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            items = purge_bin.call()
            imports = purge_abandoned_imports.call()
            self.stdout.write(
                f"{items} roadmap item(s) purged from the bin; {imports} abandoned import(s) "
                "cancelled and their files deleted."
            )
            return
        for job in (purge_bin, purge_abandoned_imports):
            result = job.enqueue()
            self.stdout.write(f"{job.name} queued for the worker (job {result.id}).")
