"""Writes of the actions app: a simulator run kept as a scenario. Every function receives an
already-checked OrganisationAccess and checks the level it needs here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from capnr.core.access import Access, OrganisationAccess
from capnr.engine import impact as engine_impact
from capnr.engine.reference import data_version

from .models import Scenario

if TYPE_CHECKING:
    from capnr.organisations.models import User


def scenario_save(
    *,
    access: OrganisationAccess,
    model_id: str,
    inputs: Mapping[str, Any],
    input_sources: Mapping[str, str],
    name: str,
    user: User,
    action_id: str = "",
) -> Scenario:
    """Keep a simulator run: the inputs are checked and the results computed again here."""
    access.require(Access.CONTRIBUTE)
    if model_id not in engine_impact.MODELS:
        raise ValidationError(_("Unknown impact model."))
    try:
        checked = engine_impact.validate(model_id, inputs)
    except engine_impact.InvalidInputs as error:
        raise ValidationError(list(error.messages())) from None
    result = engine_impact.compute(model_id, checked, **price_for(access))
    return Scenario.objects.create(
        organisation=access.organisation,
        model_id=model_id,
        action_id=action_id,
        name=name.strip() or engine_impact.MODELS[model_id].title_en,
        inputs=dict(checked),
        input_sources=dict(input_sources),
        results=result.as_dict(),
        method_version=result.method_version,
        data_version=data_version(),
        created_by=user,
    )


def price_for(access: OrganisationAccess) -> dict[str, Any]:
    """The organisation's electricity price, when its profile gives one."""
    price = access.organisation.electricity_price_eur_per_kwh
    if price is None:
        return {}
    value = float(price)
    return {"price": engine_impact.Bounds(value, value, value)}
