"""Which organisations share a cohort or a coalition with another: what peer exchange
(``capnr.peers``) needs to know of coalitions, and nothing more. Answers are ids and plain
values, so the caller never handles another organisation's rows from here. Who reads another
organisation's report is tenancy's (``organisations.tenancy.peers``). A pending invitation
into a cohort counts nowhere: the organisation is not in the cohort yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Coalition, CohortMembership


@dataclass(frozen=True)
class Scope:
    """A cohort or a coalition seen as a group of organisations."""

    kind: str  # "cohort" or "coalition"
    id: int
    name: str
    organisation_ids: frozenset[int]
    coalition_id: int  # the cohort's coalition, or the coalition itself
    slug: str = ""  # the coalition's


def scopes_of(organisation_id: int) -> list[Scope]:
    """The cohorts and coalitions ``organisation_id`` belongs to, each with its organisations."""
    memberships = list(
        CohortMembership.objects.filter(
            pending=False,
            cohort__coalition__cohorts__memberships__organisation_id=organisation_id,
            cohort__coalition__cohorts__memberships__pending=False,
        )
        .values_list(
            "organisation_id", "cohort_id", "cohort__name", "cohort__year", "cohort__coalition_id"
        )
        .distinct()
    )
    return _scopes(memberships, only_for=organisation_id)


def all_scopes() -> list[Scope]:
    """Every cohort and coalition of the instance, with its organisations."""
    memberships = list(
        CohortMembership.objects.filter(pending=False).values_list(
            "organisation_id", "cohort_id", "cohort__name", "cohort__year", "cohort__coalition_id"
        )
    )
    return _scopes(memberships, only_for=None)


def _scopes(
    memberships: Iterable[tuple[int, int, str, int, int]], only_for: int | None
) -> list[Scope]:
    cohorts: dict[int, tuple[str, set[int]]] = {}
    coalitions: dict[int, set[int]] = {}
    cohort_coalition: dict[int, int] = {}
    for organisation_id, cohort_id, name, year, coalition_id in memberships:
        cohorts.setdefault(cohort_id, (f"{name} ({year})", set()))[1].add(organisation_id)
        coalitions.setdefault(coalition_id, set()).add(organisation_id)
        cohort_coalition[cohort_id] = coalition_id
    names = {
        pk: (name, slug)
        for pk, name, slug in Coalition.objects.filter(pk__in=coalitions).values_list(
            "pk", "name", "slug"
        )
    }
    scopes = [
        Scope("cohort", cohort_id, name, frozenset(members), cohort_coalition[cohort_id])
        for cohort_id, (name, members) in sorted(cohorts.items())
        if only_for is None or only_for in members
    ]
    scopes += [
        Scope(
            "coalition",
            coalition_id,
            names.get(coalition_id, ("", ""))[0],
            frozenset(members),
            coalition_id,
            names.get(coalition_id, ("", ""))[1],
        )
        for coalition_id, members in sorted(coalitions.items())
        if only_for is None or only_for in members
    ]
    return scopes


def coalition_scopes(coalition_id: int) -> list[Scope]:
    """The coalition and its cohorts, each with its organisations."""
    return [scope for scope in all_scopes() if scope.coalition_id == coalition_id]


def coalition_get(slug: str) -> Coalition | None:
    return Coalition.objects.filter(slug=slug).first()
