import json
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from capnr.web.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo coalition, its running cohort, its organisations and accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="Password of every demo account (default: a random one, printed)."
        )
        parser.add_argument("--json", action="store_true", help="Print the accounts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        accounts = seed_demo(password=password)
        if options["json"]:
            if not options["password"]:
                self.stderr.write(f"Password for every demo account: {password}")
            self.stdout.write(
                json.dumps(
                    [
                        {
                            key: value
                            for key, value in account.as_dict().items()
                            if key != "full_name"
                        }
                        for account in accounts
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        rows = [("ROLE", "ORGANISATION", "EMAIL")] + [
            (a.role, a.organisation or "—", a.email) for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"Demo accounts (password for all: {password})")
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            )
