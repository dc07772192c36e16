"""What the benchmarks page shows an organisation: for its cohorts, its coalitions and the whole
instance, narrowed by the kind and size it chose, the quartiles of each figure or why they are
withheld, and its own quartile. An organisation that opted out sees none of it.

:func:`positions` is the short form the diagnostic's results page and the footprint page show:
the organisation's own quartile (never a rank) in each of its groups, or why it is withheld."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from capnr.organisations.models import Organisation, OrganisationKind
from capnr.organisations.sizes import size_labels

from . import figures, selectors
from .benchmarks import (
    ANY,
    DIFFERENCING,
    MINIMUM_GROUP,
    SIZE_BRACKET_IDS,
    GroupKey,
    Release,
)


@dataclass(frozen=True)
class Row:
    metric: figures.Metric
    release: Release
    own: float | None
    own_quartile: int | None
    reason: str


def _reason(release: Release, names: Mapping[str, str]) -> str:
    if release.released:
        return ""
    if release.withheld == DIFFERENCING and release.compared_with is not None:
        return _(
            "Withheld: compared with the figures of “%(group)s”, it would reveal those of fewer "
            "than %(minimum)s organisations."
        ) % {"group": group_name(release.compared_with, names), "minimum": MINIMUM_GROUP}
    return _("Withheld: fewer than %(minimum)s organisations have this figure (%(count)s).") % {
        "minimum": MINIMUM_GROUP,
        "count": release.count,
    }


def group_name(key: GroupKey, names: Mapping[str, str]) -> str:
    parts = [names.get(key.scope, key.scope)]
    if key.kind != ANY:
        parts.append(str(dict(OrganisationKind.choices).get(key.kind, key.kind)))
    if key.size != ANY:
        parts.append(str(size_labels().get(key.size, key.size)))
    return " · ".join(parts)


def _choice(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = query.get(name, ANY)
    return value if value in allowed else ANY


def context(organisation: Organisation, query: Mapping[str, str]) -> dict[str, Any]:
    kinds = tuple(OrganisationKind.values)
    filters: dict[str, str] = {
        "kind": _choice(query, "kind", kinds),
        "size": _choice(query, "size", SIZE_BRACKET_IDS),
    }
    base = {
        "filters": filters,
        "kind_choices": list(OrganisationKind.choices),
        "size_choices": [(key, size_labels()[key]) for key in SIZE_BRACKET_IDS],
        "minimum": MINIMUM_GROUP,
    }
    if selectors.has_opted_out(organisation):
        return {**base, "opted_out": True, "sections": []}
    population = figures.population()
    own = population.figures.get(organisation.pk, {})
    metrics = figures.metrics()
    releases = {metric.id: population.releases(metric.id) for metric in metrics}
    scopes = figures.scopes_for(organisation)
    chosen = query.get("scope", "")
    filters["scope"] = chosen if chosen in scopes else scopes[0]
    sections = []
    # One scope at a time: the page stays short (a scope's table has a row per figure).
    for scope in [filters["scope"]]:
        key = GroupKey(scope, filters["kind"], filters["size"])
        rows = []
        for metric in metrics:
            release = releases[metric.id].get(key) or Release(key, 0, withheld="too_few")
            value = own.get(metric.id)
            quartile = (
                release.quartiles.quartile_of(value)
                if release.quartiles is not None and value is not None
                else None
            )
            rows.append(
                Row(metric, release, value, quartile, _reason(release, population.scope_names))
            )
        sections.append({"name": group_name(key, population.scope_names), "rows": rows})
    scope_choices = [(scope, population.scope_names.get(scope, scope)) for scope in scopes]
    return {**base, "opted_out": False, "sections": sections, "scope_choices": scope_choices}


def scope_rows(scope: str) -> list[Row]:
    """The figures of one whole scope ("coalition:3"), unfiltered, as anyone may see them: the
    public coalition page (no organisation's own quartile)."""
    population = figures.population()
    key = GroupKey(scope)
    rows = []
    for metric in figures.metrics():
        release = population.releases(metric.id).get(key) or Release(key, 0, withheld="too_few")
        rows.append(Row(metric, release, None, None, _reason(release, population.scope_names)))
    return rows


@dataclass(frozen=True)
class Position:
    """An organisation's place in one of its groups for one figure: its quartile (1 to 4), or
    why there is none (the group is withheld, or the organisation has no such figure)."""

    group: str
    count: int
    quartile: int | None
    reason: str


@dataclass(frozen=True)
class MetricPositions:
    metric: figures.Metric
    positions: list[Position]


def positions(organisation: Organisation, metric_ids: list[str]) -> list[MetricPositions] | None:
    """The organisation's quartile for each of ``metric_ids`` in each group it belongs to (its
    cohorts, its coalitions, the instance; never narrowed), under the same threshold and
    differencing guard as the benchmarks page. None when it opted out: it sees nothing."""
    if selectors.has_opted_out(organisation):
        return None
    population = figures.population()
    own = population.figures.get(organisation.pk, {})
    scopes = figures.scopes_for(organisation)
    found = []
    for metric in figures.metrics():
        if metric.id not in metric_ids:
            continue
        releases = population.releases(metric.id)
        value = own.get(metric.id)
        rows = []
        for scope in scopes:
            key = GroupKey(scope)
            release = releases.get(key) or Release(key, 0, withheld="too_few")
            name = group_name(key, population.scope_names)
            if release.quartiles is None:
                reason = _reason(release, population.scope_names)
                rows.append(Position(name, release.count, None, reason))
            elif value is None:
                reason = _("Your organisation has no such figure yet.")
                rows.append(Position(name, release.count, None, reason))
            else:
                quartile = release.quartiles.quartile_of(value)
                rows.append(Position(name, release.count, quartile, ""))
        found.append(MetricPositions(metric, rows))
    return found
