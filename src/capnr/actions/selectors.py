"""Reads of the actions app (the scenarios kept), always from an already-checked
OrganisationAccess."""

from __future__ import annotations

from django.db.models import QuerySet

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access

from .models import Scenario


def scenario_list(*, access: OrganisationAccess) -> QuerySet[Scenario]:
    return Scenario.objects.for_access(access)


def scenarios_for_model(*, access: OrganisationAccess, model_id: str) -> list[Scenario]:
    """The scenarios kept from one simulator, newest first (the ten latest)."""
    return list(scenario_list(access=access).filter(model_id=model_id)[:10])


def scenario_get(*, access: OrganisationAccess, pk: int) -> Scenario:
    return get_for_access(Scenario, pk, access)
