"""Optimistic locking: editable rows carry a ``version``; a save that started from an older
version is refused with :class:`StaleEditError`, and nothing is lost."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _


class Versioned(models.Model):
    """Optimistic locking: a save that started from an older version is refused, nothing lost."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StaleEditError(Exception):
    """Someone else saved this item after the user opened it; their save is refused."""

    def __init__(self, item: object) -> None:
        super().__init__(
            _(
                "“%(item)s” was changed by someone else while you were editing it. "
                "Your changes were not saved: reload the page to see the current version, "
                "then apply your changes again."
            )
            % {"item": item}
        )


def save_versioned(instance: Versioned, *, expected_version: int, fields: dict[str, Any]) -> None:
    """Write ``fields`` only if nobody saved ``instance`` since ``expected_version``."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["organisation"] if hasattr(instance, "organisation_id") else None)
    now = timezone.now()
    model: type[models.Model] = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise StaleEditError(instance)
    instance.version = expected_version + 1
    instance.updated_at = now
