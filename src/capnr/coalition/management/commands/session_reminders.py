"""`capnr session_reminders`: the day-before reminder of each cohort session, to run daily from
cron. Each session is reminded once, to the référents of the organisations expected.

By default the job is queued for the background worker (`capnr db_worker`); ``--now`` sends the
emails from this process instead, for a server without a worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from capnr.coalition.tasks import send_session_reminders


def default_base_url() -> str:
    """The site's public address, as `capnr send_digests` takes it (the roadmap's command; a
    feature app does not import another's): the first trusted origin, else the development
    server."""
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins[0] if origins else "http://localhost:8000"


class Command(BaseCommand):
    help = "Email the référents of the organisations expected at tomorrow's cohort sessions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's public address for the links (default: the first of "
            "CAPNR_CSRF_TRUSTED_ORIGINS)",
        )
        parser.add_argument(
            "--now", action="store_true", help="send from this process instead of the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = (options["base_url"] or default_base_url()).rstrip("/")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(f"--base-url must start with https:// or http://: {base_url!r}")
        today = timezone.localdate().isoformat()
        if options["now"]:
            sent = send_session_reminders.call(today, base_url)
            self.stdout.write(f"{sent} reminder email(s) sent.")
        else:
            result = send_session_reminders.enqueue(today, base_url)
            self.stdout.write(f"Session reminders queued for the worker (job {result.id}).")
