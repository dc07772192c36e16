"""`capnr send_digests`: the weekly roadmap reminders, to run once a week from cron.

By default the job is queued for the background worker (`capnr db_worker`); ``--now`` sends the
emails from this process instead, for a server without a worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from capnr.roadmap.tasks import send_digests


def default_base_url() -> str:
    """The public address of the site: the first trusted origin (set in production), else the
    development server."""
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins[0] if origins else "http://localhost:8000"


class Command(BaseCommand):
    help = (
        "Email to each person who asked for it their own roadmap items due within 14 days or "
        "without news for 60 days (at most once a week)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's public address for the links, e.g. https://capnr.example.org "
            "(default: the first of CAPNR_CSRF_TRUSTED_ORIGINS)",
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
            sent = send_digests.call(today, base_url)
            self.stdout.write(f"{sent} reminder email(s) sent.")
        else:
            result = send_digests.enqueue(today, base_url)
            self.stdout.write(f"Reminders queued for the worker (job {result.id}).")
