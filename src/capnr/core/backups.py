"""Backups of the whole database that restore: `capnr backup` and `capnr restore`.

SQLite (the embedded default) is copied page by page with SQLite's online backup API, which
gives a consistent copy while the application runs, and restored the same way. PostgreSQL is
dumped with ``pg_dump`` in its custom format and restored with ``pg_restore``; the client tools
must be at least as new as what they talk to, which is checked first, with a message saying
which version to install. A restored database is then migrated, so a backup made by an older
Cap NR opens in this one; a backup made by a newer Cap NR is refused.

Files beside the database (the data directory's ``imports/``) are working copies of uploads in
progress, deleted once an import ends: they are not part of a backup."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size: int


def default_path(engine: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if engine == "sqlite" else "pgdump"
    return Path(settings.DATA_DIR) / "backups" / f"capnr-{stamp}.{suffix}"


def engine_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in {"sqlite", "postgresql"}:  # pragma: no cover - the two supported ones
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup(target: Path | None = None, *, using: str = "default") -> Backup:
    """Write a backup of the database to ``target`` (a new file) and return it."""
    engine = engine_of(using)
    target = Path(target) if target else default_path(engine)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    connection.ensure_connection()
    if engine == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _pg_dump(connection, target)
    return Backup(target, engine, target.stat().st_size)


def restore(source: Path, *, using: str = "default") -> None:
    """Replace the whole database with the backup ``source``, then migrate it."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    engine = engine_of(using)
    connection = connections[using]
    connection.ensure_connection()
    if engine == "sqlite":
        applied = _sqlite_migrations(source)
        _refuse_newer(applied)
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()
    else:
        _pg_restore(connection, source)
    call_command("migrate", database=using, interactive=False, verbosity=0)


def _sqlite_migrations(source: Path) -> set[tuple[str, str]]:
    try:
        db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            return set(db.execute("SELECT app, name FROM django_migrations").fetchall())
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a Cap NR SQLite backup ({error}).") from error


def _refuse_newer(applied: set[tuple[str, str]]) -> None:
    """A backup holding migrations this code does not know was made by a newer Cap NR."""
    if not any(app == "organisations" for app, _ in applied):
        raise BackupError("This file is not a Cap NR backup (no Cap NR tables in it).")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in applied - known)
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Cap NR (migrations "
            f"{', '.join(unknown[:5])}{'…' if len(unknown) > 5 else ''}). Install a version of "
            "Cap NR at least as new to restore it."
        )


# --- PostgreSQL ------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools (Debian: "
            "postgresql-client) at least as new as the server."
        )
    return found


def _tool_major(tool: str) -> int:
    output = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:  # pragma: no cover - every PostgreSQL tool prints its version
        raise BackupError(f"Cannot tell the version of {tool}: {output!r}")
    return int(match.group(1))


def _environment(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, env


def _pg_dump(connection: Any, target: Path) -> None:
    tool = _tool("pg_dump")
    server = connection.pg_version // 10000
    client = _tool_major(tool)
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot back up a PostgreSQL {server} server: install the client "
            f"tools of version {server} or newer."
        )
    arguments, env = _environment(connection.settings_dict)
    name = connection.settings_dict["NAME"]
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
         *arguments, name],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def _copied_rows(sql: str, table: str) -> set[tuple[str, str]]:
    """(app, name) of each row of a plain-SQL dump's ``COPY … django_migrations`` block."""
    rows: set[tuple[str, str]] = set()
    inside = False
    for line in sql.splitlines():
        if line.startswith("COPY ") and f".{table} " in line:
            inside = True
        elif inside and line == "\\.":
            break
        elif inside:
            cells = line.split("\t")
            rows.add((cells[1], cells[2]))
    return rows


def _pg_restore(connection: Any, source: Path) -> None:
    tool = _tool("pg_restore")
    listing = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--list", str(source)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"{source} is not a PostgreSQL backup made by `capnr backup`.")
    dumped_by = re.search(r"Dumped by pg_dump version (\d+)", listing.stdout)
    client = _tool_major(tool)
    if dumped_by and int(dumped_by.group(1)) > client:
        raise BackupError(
            f"This backup was written by pg_dump {dumped_by.group(1)}; pg_restore {client} "
            f"cannot read it: install the client tools of version {dumped_by.group(1)} or newer."
        )
    migrations = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--data-only", "--table=django_migrations", "--file=-", str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    _refuse_newer(_copied_rows(migrations.stdout, "django_migrations"))
    arguments, env = _environment(connection.settings_dict)
    connection.close()  # pg_restore drops the tables: hold no lock on them
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", *arguments, "--dbname", connection.settings_dict["NAME"], str(source)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
