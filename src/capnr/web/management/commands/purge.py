"""`capnr purge`: the housekeeping, to run from cron (every 10 minutes is fine: it is cheap). It
empties the roadmap's bin of what was deleted more than 30 days ago, cancels the inventory
imports left unconfirmed for more than 7 days, deleting their files, and marks as failed the
imports whose background job stopped without a word (no progress for 30 minutes: the worker was
stopped or killed), so that their page offers to try again. That last step always runs in this
process, since it is for when the worker does not.

By default the jobs are queued for the background worker (`capnr db_worker`); ``--now`` runs
them in this process instead, for a server without a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from capnr.inventory.services import recover_interrupted_imports
from capnr.inventory.tasks import purge_abandoned_imports
from capnr.roadmap.tasks import purge_bin


class Command(BaseCommand):
    help = (
        "Housekeeping: delete for good the roadmap items in the bin for more than 30 days, "
        "cancel the inventory imports left unconfirmed for more than 7 days (their files are "
        "deleted), and mark as failed the imports whose job stopped without a word."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="run the purges in this process, not the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = recover_interrupted_imports()
        if recovered:
            self.stdout.write(f"{recovered} interrupted import(s) marked as failed.")
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
