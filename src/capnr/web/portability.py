"""An organisation's data as one file, and back (issue 13: the GDPR right to portability, and
the way to leave an instance for another).

``export_organisation`` writes a ZIP holding ``manifest.json`` (format, Cap NR's migrations,
the date, row counts) and ``data.json``: the organisation and every row that hangs off it,
found by walking foreign keys from each model of the apps below back to ``Organisation``, in
Django's serialisation format; the people who took part appear as their email and name only
(no password, no token). ``import_organisation`` reads it into this instance under new ids:
every reference is carried to the new ids, people are matched by email (new ones are created
without a password: they set one through "forgotten password"), and nothing is stored unless
everything is.

Left out on purpose: pending invitations and calendar feeds (their links hold secrets bound to
the instance that made them), the hashed link of a question delegated by email (send it again),
the links of the collection boxes and of the hall screen (the imported campaign gets new ones:
print the posters again), a training session's trainer links and the secrets of the
self-assessment's and the satisfaction form's links (new ones are made), the public page of a
campaign's outcomes (it comes back unpublished), API tokens, and what the coalition holds
(cohorts, their memberships, what it publishes), which belongs to the coalition, not to the
organisation. Of peer exchange the organisation's own experience reports go (withdrawn ones
too), with the suggestions it received and its choices (benchmarks opt-out, public listing);
not the report of another organisation that inspired one of its roadmap items
(``peers.inspiration`` names a row that is not the organisation's). The only files an
organisation keeps, the collection's erasure certificates, are left out too (their references
stay); other uploads are working copies, deleted once an import ends. The training programme
goes with its trainees' names: the export is the référent's, who may read them (an erased name
stays erased)."""

from __future__ import annotations

import io
import json
import zipfile
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.migrations.loader import MigrationLoader

from capnr.core.tokens import hash_token, new_raw_token
from capnr.organisations.models import Organisation, User

FORMAT = "capnr-organisation-export"
FORMAT_VERSION = 1
APPS = (
    "organisations",
    "inventory",
    "diagnostics",
    "actions",
    "roadmap",
    "collection",
    "training",
    "peers",
)
LEFT_OUT = {
    "organisations.invitation",
    "roadmap.calendarfeed",
    "training.trainerlink",
    "peers.inspiration",
}
# An email delegate's link, the collection boxes' and hall screen's links, a self-assessment's
# link and the satisfaction links die with the move (send them again, print the posters
# again): the imported rows get new ones. The public page of a campaign's outcomes comes back
# unpublished (the référent publishes it again).
SECRET_FIELDS = {"token_hash", "token", "display_token", "link_token", "outcomes_token"}
# The files of the erasure certificates stay on the instance that holds them (this export is
# rows only): the erasures come back with their certificate references, without the files.
FILE_FIELDS = {"certificate_file", "certificate_file_name", "certificate_content_type"}
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # a ZIP bomb guard for the import


class _Encoder(DjangoJSONEncoder):
    """Django's JSON, with times to the microsecond (Django cuts them to the millisecond, and
    the row that comes back would not be the row that left)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class PortabilityError(Exception):
    """An export file that cannot be imported here; the message says why."""


def exported_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup from a row to its organisation) for every model of ``APPS`` that hangs
    off an organisation, parents before children (Django's dependency order)."""
    candidates = [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS
        and model not in (Organisation, User)
        and model._meta.label_lower not in LEFT_OUT
    ]
    paths = {model: path for model in candidates if (path := _path_to_organisation(model))}
    return [(model, paths[model]) for model in _parents_first(list(paths))]


def _parents_first(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """The models in an order where each comes after those its foreign keys point to (a key to
    its own table aside: those rows are linked in a second pass)."""
    ordered: list[type[models.Model]] = []
    pending = sorted(models_, key=lambda model: model._meta.label_lower)
    while pending:
        for model in pending:
            needs = {
                field.related_model
                for field in model._meta.get_fields()
                if field.concrete and field.is_relation and field.related_model is not model
            }
            if not needs & (set(pending) - {model}):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # pragma: no cover - the schema has no cycle between tables
            raise PortabilityError(f"Foreign keys in a cycle: {pending}")
    return ordered


def _is_key(field: Any) -> bool:
    """A key to another row: a foreign key, or a one-to-one one (a report's roadmap item, an
    organisation's benchmarks opt-out, a training policy, a satisfaction link), whose id changes
    with the move."""
    return bool(field.many_to_one or field.one_to_one)


def _path_to_organisation(model: type[models.Model]) -> str | None:
    """The shortest lookup through foreign keys (not through people) to the organisation."""
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not _is_key(field) or field.related_model in (User, None):
                continue
            target = field.related_model
            lookup = f"{path}__{field.name}" if path else field.name
            if target is Organisation:
                return lookup
            if target not in seen and target._meta.app_label in APPS:  # type: ignore[union-attr]
                seen.add(target)  # type: ignore[arg-type]
                queue.append((target, lookup))  # type: ignore[arg-type]
    return None


def _migrations() -> list[list[str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.disk_migrations if app in APPS)


def export_organisation(organisation: Organisation) -> bytes:
    """The ZIP of ``organisation``'s data (see the module docstring)."""
    records: list[dict[str, Any]] = serializers.serialize("python", [organisation])
    people: set[int] = set()
    counts: dict[str, int] = {"organisations.organisation": 1}
    for model, path in exported_models():
        rows = model._default_manager.filter(**{path: organisation}).order_by("pk")
        serialised = serializers.serialize("python", rows)
        for record in serialised:
            for name in (SECRET_FIELDS | FILE_FIELDS) & set(record["fields"]):
                del record["fields"][name]
        records += serialised
        counts[model._meta.label_lower] = len(serialised)
        for field in _user_fields(model):
            people.update(value for value in rows.values_list(field.attname, flat=True) if value)
    users = [
        {"model": "organisations.user", "pk": pk, "fields": {"email": email, "full_name": name}}
        for pk, email, name in User.objects.filter(pk__in=people)
        .order_by("pk")
        .values_list("pk", "email", "full_name")
    ]
    counts["organisations.user"] = len(users)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "organisation": organisation.slug,
        "migrations": _migrations(),
        "counts": counts,
        "left_out": sorted(LEFT_OUT),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr(
            "data.json",
            json.dumps(users + records, cls=_Encoder, indent=1, ensure_ascii=False),
        )
    return buffer.getvalue()


def _new_secrets(model: type[models.Model], values: dict[str, Any]) -> dict[str, str]:
    """A fresh secret for each secret field the export left out and the model gives no default
    (a self-assessment's link, a satisfaction link's hash): nobody holds the old ones here."""
    fresh = {}
    for name in SECRET_FIELDS - set(values):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.unique and not field.has_default():  # type: ignore[union-attr]
            raw = new_raw_token()
            fresh[name] = hash_token(raw) if name.endswith("_hash") else raw
    return fresh


def _user_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if _is_key(field) and field.related_model is User
    ]


def read_export(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(manifest, records) of an export file; PortabilityError when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            if set(sizes) != {"manifest.json", "data.json"}:
                raise PortabilityError("This file is not a Cap NR organisation export.")
            if sum(sizes.values()) > MAX_ARCHIVE_BYTES:
                raise PortabilityError("This export unpacks to an unreasonable size.")
            manifest = json.loads(archive.read("manifest.json"))
            records = json.loads(archive.read("data.json"))
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError) as error:
        raise PortabilityError("This file is not a Cap NR organisation export.") from error
    if manifest.get("format") != FORMAT:
        raise PortabilityError("This file is not a Cap NR organisation export.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise PortabilityError("This export was made by a newer version of Cap NR.")
    newer = {tuple(m) for m in manifest.get("migrations", [])} - {tuple(m) for m in _migrations()}
    if newer:
        raise PortabilityError(
            "This export was made by a newer version of Cap NR: update this instance first."
        )
    return manifest, records


@transaction.atomic
def import_organisation(path: Path, *, slug: str | None = None) -> Organisation:
    """Create the organisation of the export ``path`` here, under new ids; ``slug`` renames it
    (its short name in addresses must be free). All or nothing."""
    _manifest, records = read_export(path)
    by_model: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(record)
    users = _match_people(by_model.pop("organisations.user", []))
    (organisation_record,) = by_model.pop("organisations.organisation")
    fields = dict(organisation_record["fields"])
    fields["slug"] = slug or fields["slug"]
    if Organisation.objects.filter(slug=fields["slug"]).exists():
        raise PortabilityError(
            f"An organisation with the short name “{fields['slug']}” already exists here: "
            "choose another one."
        )
    organisation = _save(Organisation, fields)
    new_ids: dict[type[models.Model], dict[Any, Any]] = {
        Organisation: {organisation_record["pk"]: organisation.pk},
        User: users,
    }
    known = {model._meta.label_lower: model for model, _path in exported_models()}
    unknown = set(by_model) - set(known)
    if unknown:
        raise PortabilityError(f"This export holds rows this instance cannot read: {unknown}.")
    later: list[tuple[models.Model, str, Any]] = []  # (row, key to its own table, old id)
    many: list[tuple[models.Model, str, list[Any]]] = []  # (row, many-to-many field, old ids)
    for label, model in known.items():
        ids = new_ids.setdefault(model, {})
        for record in by_model.get(label, []):
            values, own, sets = {}, {}, {}
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    sets[name] = value
                elif _is_key(field) and value is not None and field.related_model is model:
                    own[field.attname] = value  # a row of the same table: second pass
                    values[name] = None
                elif _is_key(field) and value is not None:
                    values[name] = new_ids[field.related_model][value]  # type: ignore[index]
                else:
                    values[name] = value
            values.update(_new_secrets(model, values))
            row = _save(model, values)
            ids[record["pk"]] = row.pk
            later += [(row, attname, old) for attname, old in own.items()]
            many += [(row, name, old_ids) for name, old_ids in sets.items()]
    for row, attname, old in later:
        type(row)._default_manager.filter(pk=row.pk).update(**{attname: new_ids[type(row)][old]})
    for row, name, old_ids in many:
        field = row._meta.get_field(name)
        related = new_ids[field.related_model]  # type: ignore[index]
        getattr(row, name).set([related[old] for old in old_ids])
    return organisation


def _save(model: type[models.Model], fields: dict[str, Any]) -> models.Model:
    """Insert one row as given (timestamps and versions kept: a raw save), under a new id."""
    (obj,) = serializers.deserialize("python", [{"model": model._meta.label_lower, "pk": None,
                                                 "fields": fields}])  # fmt: skip
    obj.save()
    return obj.object


def _match_people(records: Iterable[dict[str, Any]]) -> dict[int, int]:
    """Old user id -> this instance's user with the same email (created without a password
    when there is none)."""
    ids = {}
    for record in records:
        email = record["fields"]["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=record["fields"]["full_name"])
        ids[record["pk"]] = user.pk
    return ids
