"""`capnr purge_roadmap_bin`: empty the roadmap's bin of what was deleted more than 30 days ago,
to run once a day from cron.

By default the job is queued for the background worker (`capnr db_worker`), as `send_digests`
is; ``--now`` purges from this process instead, for a server without a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from capnr.roadmap.tasks import purge_bin


class Command(BaseCommand):
    help = (
        "Delete for good the roadmap items that have been in the bin for more than 30 days "
        "(they can no longer be restored), in every organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="purge from this process instead of the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            purged = purge_bin.call()
            self.stdout.write(f"{purged} roadmap item(s) purged from the bin.")
        else:
            result = purge_bin.enqueue()
            self.stdout.write(f"Bin purge queued for the worker (job {result.id}).")
