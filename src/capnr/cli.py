"""The ``capnr`` console command: Django's management commands with our settings preselected."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["footprint"]:
        # The footprint engine needs no database or settings: run it directly, it starts faster.
        from capnr.engine.cli import main as footprint

        raise SystemExit(footprint(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["capnr", *sys.argv[1:]])


if __name__ == "__main__":
    main()
