"""``{% load peer_tags %}``: what other apps' pages show of peer exchange. The actions app sits
below this one and never imports it; its action page includes ``peers/_who_did_this.html``,
which reads through this tag."""

from __future__ import annotations

from typing import Any

from django import template

from capnr.core.access import OrganisationAccess
from capnr.organisations.models import OrganisationKind

from .. import selectors, visibility
from ..forms import size_labels
from ..models import Outcome

register = template.Library()

SHOWN = 5  # the nearest few; the library lists them all


@register.inclusion_tag("peers/_who_did_this_list.html")
def who_already_did_this(access: OrganisationAccess, action_id: str) -> dict[str, Any]:
    reports = selectors.who_already_did(organisation=access.organisation, action_id=action_id)
    return {
        "access": access,
        "action_id": action_id,
        "reports": [
            {"report": report, "size": selectors.organisation_bracket(report.organisation)}
            for report in reports[:SHOWN]
        ],
        "more": len(reports) > SHOWN,
        "kind_labels": dict(OrganisationKind.choices),
        "size_labels": size_labels(),
        "outcome_labels": dict(Outcome.choices),
    }


@register.inclusion_tag("peers/_roadmap_item_list.html", takes_context=True)
def roadmap_item_peers(
    context: Any, access: OrganisationAccess, item: Any, user: Any
) -> dict[str, Any]:
    """On a roadmap item: who already did its action, the report that inspired it (only while
    its organisation still shares it) and the form to name one, and a link to share the item's
    own report once it is finished."""
    reports = (
        selectors.who_already_did(organisation=access.organisation, action_id=item.action_id)
        if item.action_id
        else []
    )
    inspiration = selectors.inspiration_of(access=access, item=item)
    inspired_by = (
        selectors.visible_report_or_none(organisation=access.organisation, pk=inspiration.report_id)
        if inspiration is not None
        else None
    )
    return {
        "access": access,
        "item": item,
        "reports": [
            {"report": report, "size": selectors.organisation_bracket(report.organisation)}
            for report in reports[:SHOWN]
        ],
        "more": len(reports) > SHOWN,
        "inspired_by": inspired_by,
        "may_name": visibility.may_name_inspiration(access, item, user),
        # The naming form opens on request (?inspiration=1): the item page stays light.
        "naming": getattr(context.get("request"), "GET", {}).get("inspiration") == "1",
        "may_share": visibility.may_write_reports(access)
        and item.status in ("done", "abandoned")
        and not selectors.has_report(item),
        "kind_labels": dict(OrganisationKind.choices),
        "size_labels": size_labels(),
        "outcome_labels": dict(Outcome.choices),
    }
