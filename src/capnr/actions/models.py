"""Simulator runs kept as scenarios. The action catalogue and the impact models live in the engine
(``capnr.engine.catalogue``, ``capnr.engine.impact``); rows here only name them by id."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.organisations.models import Organisation


class Scenario(models.Model):
    """A simulator run kept: its inputs (with where each came from) and its results."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scenarios"
    )
    model_id = models.CharField(max_length=32)
    action_id = models.CharField(max_length=64, blank=True)  # the catalogue action simulated
    name = models.CharField(_("name"), max_length=160)
    inputs = models.JSONField(default=dict)
    input_sources = models.JSONField(default=dict)
    results = models.JSONField(default=dict)
    method_version = models.CharField(max_length=32)
    data_version = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        db_table = "roadmap_scenario"  # the table kept when the model left the roadmap app
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
