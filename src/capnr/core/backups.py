"""Backups that restore everything: `capnr backup` and `capnr restore`.

A backup is one file, a gzipped tar archive: the database (``database.sqlite3``, copied page by
page with SQLite's online backup API, which gives a consistent copy while the application runs,
or ``database.pgdump``, PostgreSQL's ``pg_dump`` in its custom format), the folders of uploaded
files under ``files/<name>/`` (each app that keeps uploads registers its folder at start-up with
`register_uploads`: sessions' documents, erasure certificates) and ``manifest.json`` (Cap NR's
version, the database engine, when, how many files). The files are copied just after the
database: a file uploaded in between travels without its row (harmless), one deleted in between
may be missing.

PostgreSQL's client tools must be at least as new as what they talk to, which is checked first,
with a message saying which version to install. A restored database is then migrated, so a backup
made by an older Cap NR opens in this one; a backup made by a newer Cap NR is refused, and so is
a backup of the other kind of database.

A restore reads the whole archive and refuses it, before changing anything, if a member is not
what `backup` writes (an absolute path, ``..``, a link, a device: a crafted archive could
otherwise write anywhere), if the manifest does not match it or if the disk lacks room. The files
are unpacked beside their folders, the database is restored, then each folder is swapped with its
unpacked copy by renames; the old folders are deleted only once every new one is in place. A
bare database file, as Cap NR wrote backups before, still restores the database and leaves the
files as they are.

Files beside the database (the data directory's ``imports/``) are working copies of uploads in
progress, deleted once an import ends: they are not part of a backup, nor are ``backups/`` and
``static/``."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import capnr

FORMAT = 1  # of the archive: a Cap NR that changes its layout raises it
MANIFEST = "manifest.json"
FILES = "files"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MANIFEST_MAX_BYTES = 1 << 20
# What reading or unpacking a damaged archive raises.
ARCHIVE_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)

_FOLDER_NAME = re.compile(r"[a-z][a-z0-9-]*")
_UPLOADS: dict[str, Callable[[], Path]] = {}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size: int
    files: int  # uploaded files in it


@dataclass(frozen=True)
class Restored:
    engine: str
    # Uploaded files put back; None for a bare database file (an older backup): files untouched.
    files: int | None


def register_uploads(name: str, folder: Callable[[], Path]) -> None:
    """Carry the folder ``folder()`` in every backup, as ``files/<name>/``, and put it back on
    restore. Called from the ``AppConfig.ready`` of an app that keeps uploaded files (core never
    imports the apps); ``folder`` is asked at each backup and restore, so it follows the
    settings."""
    if not _FOLDER_NAME.fullmatch(name):
        raise ValueError(f"{name!r}: name it with lowercase letters, digits and hyphens.")
    _UPLOADS[name] = folder


def upload_folders() -> dict[str, Path]:
    """The folders of uploaded files, by their name in a backup (they may not exist yet)."""
    return {name: Path(folder()).resolve() for name, folder in sorted(_UPLOADS.items())}


def default_path() -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"capnr-{stamp}.tar.gz"


def engine_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in {"sqlite", "postgresql"}:  # pragma: no cover - the two supported ones
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


# --- Backup ----------------------------------------------------------------------------------


def backup(target: Path | None = None, *, using: str = "default") -> Backup:
    """Write a backup of the database and of the uploaded files to ``target`` (a new file)."""
    engine = engine_of(using)
    target = Path(target) if target else default_path()
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    folders = upload_folders()
    _refuse_inside(target, folders, "a folder the backup copies: write the backup elsewhere")
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    connection.ensure_connection()
    # Written beside the target, then renamed: an interrupted backup never looks like a backup.
    with tempfile.TemporaryDirectory(
        dir=target.parent, prefix=".capnr-backup-", ignore_cleanup_errors=True
    ) as work:
        database = Path(work) / DATABASE[engine]
        archive = Path(work) / "backup.tar.gz"
        try:
            _write_database(engine, connection, database)
            files = _write_archive(archive, engine, database, folders)
            archive.replace(target)
        except (OSError, sqlite3.Error, tarfile.TarError) as error:
            raise BackupError(
                f"The backup could not be written ({error}); nothing was kept."
            ) from error
    return Backup(target, engine, target.stat().st_size, files)


def _write_database(engine: str, connection: Any, target: Path) -> None:
    if engine == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _pg_dump(connection, target)


def _write_archive(archive: Path, engine: str, database: Path, folders: dict[str, Path]) -> int:
    """The database first, then the uploaded files, then the manifest (which counts them)."""
    files = 0
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        _add_file(tar, database, DATABASE[engine])
        for name, folder in folders.items():
            for path in _uploaded_files(folder):
                relative = path.relative_to(folder).as_posix()
                files += _add_file(tar, path, f"{FILES}/{name}/{relative}")
        manifest = {
            "format": FORMAT,
            "capnr_version": capnr.__version__,
            "engine": engine,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "folders": sorted(folders),
            "files": files,
        }
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(data))
    return files


def _uploaded_files(folder: Path) -> Iterator[Path]:
    """The regular files under ``folder``, in a stable order; links are not followed (the
    application never makes any) and nothing else is carried."""
    for root, directories, names in os.walk(folder):
        directories.sort()
        for name in sorted(names):
            path = Path(root, name)
            if path.is_file() and not path.is_symlink():
                yield path


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> bool:
    """Add ``path`` as ``name``, without its owner; False when it was deleted meanwhile."""
    try:
        source = path.open("rb")
    except FileNotFoundError:
        return False
    with source:
        status = os.fstat(source.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        tar.addfile(info, source)
    return True


def _refuse_inside(path: Path, folders: dict[str, Path], why: str) -> None:
    resolved = path.resolve()
    for folder in folders.values():
        if resolved.is_relative_to(folder):
            raise BackupError(f"{path} is inside {folder}, {why}.")


# --- Restore ---------------------------------------------------------------------------------


def restore(source: Path, *, using: str = "default") -> Restored:
    """Replace the whole database, and the folders of uploaded files the backup holds, with the
    backup ``source``; then migrate the database. A bare database file (a backup of an older
    Cap NR) restores the database alone."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    engine = engine_of(using)
    connection = connections[using]
    connection.ensure_connection()
    try:
        is_archive = tarfile.is_tarfile(source)
    except ARCHIVE_ERRORS as error:  # a compressed archive cut short, or an unreadable file
        raise BackupError(
            f"{source} is damaged or cannot be read ({error}): copy it again from where the "
            "backups are kept."
        ) from error
    files: int | None = None
    if is_archive:
        files = _restore_archive(engine, connection, source)
    else:
        _restore_database(engine, connection, source, source)
    call_command("migrate", database=using, interactive=False, verbosity=0)
    return Restored(engine, files)


def _restore_database(engine: str, connection: Any, path: Path, source: Path) -> None:
    """Replace the database with the dump ``path``, read from the backup ``source``."""
    if engine == "sqlite":
        applied = _sqlite_migrations(path, source)
        _refuse_newer(applied)
        backup_db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            backup_db.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(
                f"The database could not be restored ({error}): stop the application and its "
                "worker, then try again."
            ) from error
        finally:
            backup_db.close()
    else:
        _pg_restore(connection, path, source)


@dataclass(frozen=True)
class _Contents:
    """An archive's members, every one checked: the manifest, the database, each folder's files."""

    manifest: dict[str, Any]
    database: tarfile.TarInfo
    folders: dict[str, list[tarfile.TarInfo]]

    @property
    def size(self) -> int:
        return self.database.size + sum(m.size for files in self.folders.values() for m in files)


def _restore_archive(engine: str, connection: Any, source: Path) -> int:
    """Check the whole archive, unpack it beside where it goes, restore the database, then swap
    the folders of uploaded files. Nothing changes until the database restore starts; the
    folders change only once it succeeded."""
    folders = upload_folders()
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as cleanup:
        try:
            archive = cleanup.enter_context(tarfile.open(source, "r:*"))
        except ARCHIVE_ERRORS as error:
            raise BackupError(f"{source} is damaged ({error}): copy it again.") from error
        contents = _contents(archive, source, engine, set(folders))
        replaced = {name: folders[name] for name in contents.folders}
        _refuse_inside(source, replaced, "a folder the restore replaces: move the backup first")
        free = shutil.disk_usage(data_dir).free
        if contents.size > free:
            raise BackupError(
                f"Restoring {source} needs {contents.size:,} bytes of free disk space, there "
                f"are {free:,}: make room first. Nothing was restored."
            )

        def stage(parent: Path, prefix: str) -> Path:
            parent.mkdir(parents=True, exist_ok=True)
            return Path(
                cleanup.enter_context(
                    tempfile.TemporaryDirectory(
                        dir=parent, prefix=prefix, ignore_cleanup_errors=True
                    )
                )
            )

        database = stage(data_dir, ".capnr-restore-") / DATABASE[engine]
        stages = [
            (folder, stage(folder.parent, f".{folder.name}-restore-"))
            for folder in replaced.values()
        ]
        try:
            _unpack(archive, contents.database, database)
            for members, (_, work) in zip(contents.folders.values(), stages, strict=True):
                for member in members:
                    _unpack(archive, member, work / "new" / member.name.split("/", 2)[2])
                (work / "new").mkdir(exist_ok=True)
        except ARCHIVE_ERRORS as error:
            raise BackupError(
                f"{source} could not be unpacked ({error}); nothing was restored."
            ) from error
        _restore_database(engine, connection, database, source)
        _swap(stages)
    return int(contents.manifest["files"])


def _contents(
    archive: tarfile.TarFile, source: Path, engine: str, registered: set[str]
) -> _Contents:
    """Every member checked before anything is written: a crafted archive could otherwise write
    outside the data directory (absolute names, ``..``, links) or make devices."""
    try:
        members = archive.getmembers()
        # Read on to the end of the compressed stream, whose checksum tells a cut-off file.
        while archive.fileobj is not None and archive.fileobj.read(1 << 20):
            pass
    except ARCHIVE_ERRORS as error:
        raise BackupError(
            f"{source} is damaged or incomplete ({error}): copy it again from where the "
            "backups are kept."
        ) from error
    names: set[str] = set()
    for member in members:
        refusal = _refusal(member) or ("twice" if member.name in names else None)
        if refusal:
            raise BackupError(
                f"{source} is not a backup made by `capnr backup`: it holds {member.name!r}, "
                f"{refusal}. Nothing was restored."
            )
        names.add(member.name)
    by_name = {member.name: member for member in members}
    manifest = _manifest(archive, by_name.get(MANIFEST), source, engine, registered)
    database = by_name.get(DATABASE[engine])
    if database is None or not database.isfile():
        raise BackupError(f"{source} is incomplete: it holds no database. Nothing was restored.")
    folders: dict[str, list[tarfile.TarInfo]] = {name: [] for name in manifest["folders"]}
    for member in members:
        parts = member.name.split("/")
        if member.name in (MANIFEST, database.name) or member.name == FILES:
            continue
        if parts[0] != FILES or parts[1] not in folders:
            raise BackupError(
                f"{source} is not a backup made by `capnr backup`: it holds {member.name!r}, "
                "which a backup does not hold. Nothing was restored."
            )
        if member.isfile():
            if len(parts) < 3:  # pragma: no cover - a file named like a folder
                raise BackupError(f"{source}: {member.name!r} is not in a folder.")
            folders[parts[1]].append(member)
    count = sum(map(len, folders.values()))
    if count != manifest["files"]:
        raise BackupError(
            f"{source} is incomplete: its manifest counts {manifest['files']} files, it holds "
            f"{count}. Nothing was restored."
        )
    return _Contents(manifest, database, folders)


def _refusal(member: tarfile.TarInfo) -> str | None:
    """Why ``member`` cannot be in a backup, or None. `backup` writes plain relative names of
    regular files only."""
    name = member.name
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:
        return "an absolute path"
    parts = name.split("/")
    if ".." in parts:
        return "a path going up (..)"
    if "\\" in name or "\x00" in name or any(part in ("", ".") for part in parts):
        return "an unusual name"
    if member.issym() or member.islnk():
        return "a link"
    if not (member.isfile() or member.isdir()):
        return "a device or another special file"
    return None


def _manifest(
    archive: tarfile.TarFile,
    member: tarfile.TarInfo | None,
    source: Path,
    engine: str,
    registered: set[str],
) -> dict[str, Any]:
    if member is None or not member.isfile() or member.size > MANIFEST_MAX_BYTES:
        raise BackupError(f"{source} is not a Cap NR backup (no manifest.json in it).")
    try:
        content = archive.extractfile(member)
        data = json.loads(content.read() if content else b"")
    except (*ARCHIVE_ERRORS, ValueError) as error:
        raise BackupError(f"{source}: its manifest.json cannot be read ({error}).") from error
    shape = {"format": int, "capnr_version": str, "engine": str, "folders": list, "files": int}
    if not isinstance(data, dict) or any(
        not isinstance(data.get(key), kind) for key, kind in shape.items()
    ):
        raise BackupError(f"{source}: its manifest.json is not one `capnr backup` writes.")
    if data["format"] > FORMAT:
        raise BackupError(
            f"This backup was made by a newer version of Cap NR ({data['capnr_version']}). "
            "Install a version of Cap NR at least as new to restore it."
        )
    if data["engine"] != engine:
        made_on = ENGINE_NAMES.get(data["engine"], data["engine"])
        raise BackupError(
            f"This backup holds a {made_on} database and this Cap NR uses "
            f"{ENGINE_NAMES[engine]}: restore it on a Cap NR that uses {made_on}."
        )
    unknown = sorted(set(map(str, data["folders"])) - registered)
    if unknown:
        raise BackupError(
            f"This backup holds uploaded files this version of Cap NR does not keep "
            f"({', '.join(unknown)}): it was made by a newer version. Install a version of Cap "
            "NR at least as new to restore it."
        )
    return data


def _unpack(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """Copy one checked regular member to ``target``, a new file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(member)
    if source is None:  # pragma: no cover - a regular member always has content
        raise tarfile.ExtractError(f"{member.name} has no content")
    with source, target.open("xb") as copy:
        shutil.copyfileobj(source, copy)


def _swap(stages: list[tuple[Path, Path]]) -> None:
    """Put each unpacked folder (``work/new``) in place of its live folder, which moves to
    ``work/old`` and goes when ``work`` is cleaned up, after every folder is in place. If a
    rename fails, the folders already swapped are put back as they were."""
    done: list[tuple[Path, Path]] = []
    try:
        for live, work in stages:
            if live.exists():
                live.rename(work / "old")
            done.append((live, work))
            (work / "new").rename(live)
    except OSError as error:
        for live, work in reversed(done):
            if not (work / "new").exists() and live.exists():
                live.rename(work / "new")
            if (work / "old").exists():
                (work / "old").rename(live)
        raise BackupError(
            f"The database was restored, but the uploaded files could not be put in place "
            f"({error}); they are as they were. Fix the cause and restore the backup again."
        ) from error


def _sqlite_migrations(path: Path, source: Path) -> set[tuple[str, str]]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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


def _pg_restore(connection: Any, path: Path, source: Path) -> None:
    """Restore the dump ``path``, read from the backup ``source`` (named in the messages)."""
    tool = _tool("pg_restore")
    listing = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--list", str(path)], capture_output=True, text=True, check=False
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
        [tool, "--data-only", "--table=django_migrations", "--file=-", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    _refuse_newer(_copied_rows(migrations.stdout, "django_migrations"))
    arguments, env = _environment(connection.settings_dict)
    connection.close()  # pg_restore drops the tables: hold no lock on them
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, no shell
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", *arguments, "--dbname", connection.settings_dict["NAME"], str(path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
