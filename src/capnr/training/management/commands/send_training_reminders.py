"""`capnr send_training_reminders`: email the people with an account and a place in a session
that starts tomorrow (once each). Run it daily from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from capnr.training.services import send_session_reminders


class Command(BaseCommand):
    help = "Email tomorrow's trainees (those with an account) a reminder of their session."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_session_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
