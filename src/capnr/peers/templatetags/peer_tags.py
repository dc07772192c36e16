"""``{% load peer_tags %}``: what other apps' pages show of peer exchange. The actions,
diagnostics and inventory apps never import this one; their pages include a small template of
it (``peers/_who_did_this.html``, ``peers/_own_position.html``), which reads through these
tags."""

from __future__ import annotations

from typing import Any

from django import template

from capnr.core.access import OrganisationAccess
from capnr.organisations.models import OrganisationKind
from capnr.organisations.sizes import size_labels
from capnr.organisations.tenancy import peers as visibility

from .. import benchmark_page, figures, selectors
from ..models import Outcome

register = template.Library()

SHOWN = 5  # the nearest few; the library lists them all
BY_ACTION = "capnr_peers_by_action"  # the request's attribute keeping every action's reports


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


# The figures each page places the organisation on, by the name the page includes it with.
POSITION_METRICS = {
    "diagnostic": [figures.GLOBAL_SCORE],
    "footprint": [figures.FOOTPRINT, figures.PAST_LIFETIME],
}


@register.inclusion_tag("peers/_own_position_list.html", takes_context=True)
def own_position(context: Any, access: OrganisationAccess, page: str) -> dict[str, Any]:
    """The organisation's own quartile among its peers, on its diagnostic's results page (the
    latest submitted diagnostic, which the benchmarks compare) and its footprint page."""
    if page == "diagnostic" and not selectors.is_latest_submitted(
        access=access, diagnostic=context.get("diagnostic")
    ):
        return {"shown": False}
    rows = benchmark_page.positions(access.organisation, POSITION_METRICS[page])
    return {"shown": True, "access": access, "opted_out": rows is None, "rows": rows or []}


@register.inclusion_tag("peers/_recommendation_peers_list.html", takes_context=True)
def recommendation_peers(
    context: Any, access: OrganisationAccess, action_id: str
) -> dict[str, Any]:
    """On a recommendation: the nearest few organisations that shared a report on its action,
    as one line of links. The reports of every action are read once per page (kept on the
    request), not once per recommendation."""
    request = context.get("request")
    found = getattr(request, BY_ACTION, None)
    if found is None:
        found = selectors.who_already_did_each(organisation=access.organisation)
        if request is not None:
            setattr(request, BY_ACTION, found)
    reports = found.get(action_id, [])
    return {
        "access": access,
        "action_id": action_id,
        "reports": reports[:3],
        "more": len(reports) > 3,
        "outcome_labels": dict(Outcome.choices),
    }
