"""`capnr purge_trainees`: erase the names of trainees whose last session ended longer ago than
their organisation's retention period (36 months unless it set another). Their registrations
and attendance stay, without a name, so the programme's figures stay true. Run it daily from
cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from capnr.training.services import erase_expired_trainees


class Command(BaseCommand):
    help = "Erase the names of trainees kept longer than their organisation's retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = erase_expired_trainees()
        self.stdout.write(f"{erased} trainee name(s) erased.")
