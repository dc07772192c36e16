"""What the actions pages show of the roadmap: which catalogue actions it holds, and how far.

The roadmap builds on this app (its items name catalogue actions and keep scenarios), so this app
never imports it: the roadmap registers its reader and its status labels when Django starts
(``RoadmapConfig.ready``). Without one, no action is in the plan. The statuses are the roadmap's
("planned", "in_progress", "done", "abandoned"), ranked in ``recommend.STATUS_ORDER``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from capnr.core.access import OrganisationAccess

# Catalogue action id -> (pk, status, title) of its roadmap items, oldest first.
PlannedActions = dict[str, list[tuple[int, str, str]]]


@dataclass(frozen=True)
class _Source:
    reader: Callable[[OrganisationAccess], PlannedActions]
    status_labels: Mapping[str, str]


_registered: list[_Source] = []


def register(
    reader: Callable[[OrganisationAccess], PlannedActions], status_labels: Mapping[str, str]
) -> None:
    """Called once by the roadmap app; a second call replaces the first."""
    _registered[:] = [_Source(reader, status_labels)]


def planned_actions(access: OrganisationAccess) -> PlannedActions:
    return _registered[0].reader(access) if _registered else {}


def status_labels() -> dict[str, str]:
    return dict(_registered[0].status_labels) if _registered else {}
