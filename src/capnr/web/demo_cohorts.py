"""The demo coalition's cohorts (invented organisations and people): the running cohort (the
story's 2025, moved to the real calendar by `core.demo_clock`) grows to eight organisations at
varied stages, and the closed one of the year before holds the alumni, so the
cohort dashboard tells a story at a glance: who leads, who stalls.

Each organisation's year is written as dated facts (its profile, counts of devices, a
diagnostic answered and perhaps submitted, a roadmap with done and late items, its approval,
the facilitator's by-hand milestones) and the rows are then dated on the day each thing
happened, the apps' own timestamps included: a dashboard reads "as of" a day, and rows stamped
with the day the demo was seeded would all look like yesterday's work. Created once per
organisation; a second run leaves what exists and dates it again (the seed refreshes the
organisations' profiles, which stamps them with today).

The people of the generated organisations are background: they own items and answer, but have
no usable password and are not printed among the demo accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from capnr.actions import services as action_services
from capnr.coalition.models import Coalition, Cohort, CohortMembership, Milestone
from capnr.core import demo_clock
from capnr.core.access import Access, OrganisationAccess
from capnr.diagnostics import services as diagnostic_services
from capnr.diagnostics.models import Answer, Diagnostic
from capnr.diagnostics.referential import questions_for
from capnr.inventory import services as inventory_services
from capnr.inventory.models import FootprintRun, InventoryImport
from capnr.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    PurchasingBracket,
    Role,
    Site,
    SiteKind,
    User,
)
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import PlanItem, RoadmapApproval

D = demo_clock.day  # a date of the story, moved to the real calendar
FACILITATOR_EMAIL = "facilitation@trois-rivieres.example"


@dataclass(frozen=True)
class Item:
    action_id: str
    status: str
    due: dt.date
    shutdown: bool = False  # costed with the night-shutdown simulator (savings with bounds)


@dataclass(frozen=True)
class Year:
    """One organisation's year in a cohort, as dated facts; None: not done."""

    joined: dt.date
    profile: dt.date | None  # the profile completed (a purchasing bracket given)
    counts: tuple[dt.date, dict[str, int]] | None = None  # devices counted: the rough footprint
    diagnostic_year: int | None = None
    answered_share: float = 0.0  # of the questions
    maturity: float = 0.4  # the chance an answer is "yes"
    submitted: dt.date | None = None
    approved: dt.date | None = None
    items: tuple[Item, ...] = ()
    by_hand: dict[str, dt.date] = field(default_factory=dict)
    last_seen: dt.date | None = None  # the latest answers or item changes


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    headcount: int
    city: str
    referent: str
    population: int | None = None
    years: dict[int, Year] = field(default_factory=dict)  # cohort's story year → its year there


def _counts(workstations: int) -> dict[str, int]:
    return {
        "desktop": round(workstations * 0.6),
        "laptop": round(workstations * 0.4),
        "monitor": round(workstations * 1.1),
        "printer_mfp": max(1, workstations // 25),
        "smartphone": round(workstations * 0.3),
    }


# The cohorts by their story year ("Promotion 2025" is named after the real year it runs in).
P2025, P2024 = 2025, 2024


def _generated() -> tuple[DemoOrganisation, ...]:
    """The five generated organisations, their years dated when called: the story moves with
    the calendar."""
    return (
        DemoOrganisation(
            "cc-val-d-orbe",
            "Communauté de communes du Val d'Orbe",
            OrganisationKind.EPCI,
            320,
            "Orbec-la-Rivière",
            "Agnès Morvan",
            population=41200,
            years={
                P2025: Year(
                    joined=D(2025, 1, 20),
                    profile=D(2025, 1, 29),
                    counts=(D(2025, 2, 18), _counts(260)),
                    diagnostic_year=demo_clock.year(2025),
                    answered_share=1.0,
                    maturity=0.55,
                    submitted=D(2025, 4, 10),
                    approved=D(2025, 6, 5),
                    items=(
                        Item("use.auto_shutdown", "done", D(2025, 6, 30), shutdown=True),
                        Item("purchasing.environmental_criterion", "done", D(2025, 9, 30)),
                        Item("end_of_use.collection_challenge", "done", D(2025, 11, 15)),
                        Item("equipment.lifetime_policy", "in_progress", D(2026, 3, 31)),
                        Item("awareness.field_staff_training", "in_progress", D(2026, 2, 28)),
                        Item("data.retention_cleanup", "planned", D(2026, 6, 30)),
                    ),
                    by_hand={Milestone.Kind.SIX_MONTH_REVIEW: D(2025, 7, 10)},
                    last_seen=D(2025, 12, 1),
                )
            },
        ),
        DemoOrganisation(
            "ch-lanvaux",
            "Centre hospitalier de Lanvaux",
            OrganisationKind.HOSPITAL,
            1400,
            "Lanvaux",
            "Yann Le Goff",
            years={
                P2025: Year(
                    joined=D(2025, 1, 20),
                    profile=D(2025, 2, 12),
                    counts=(D(2025, 3, 14), _counts(900)),
                    diagnostic_year=demo_clock.year(2025),
                    answered_share=1.0,
                    maturity=0.35,
                    submitted=D(2025, 7, 3),
                    items=(
                        Item("use.auto_shutdown", "done", D(2025, 10, 31), shutdown=True),
                        Item("equipment.lifetime_policy", "planned", D(2025, 9, 30)),
                        Item("purchasing.refurbished_sourcing", "planned", D(2025, 11, 30)),
                        Item("hosting.raise_setpoint", "in_progress", D(2026, 1, 31)),
                    ),
                    by_hand={Milestone.Kind.SIX_MONTH_REVIEW: D(2025, 7, 24)},
                    last_seen=D(2025, 11, 20),
                )
            },
        ),
        DemoOrganisation(
            "lycee-jean-rostand",
            "Lycée des métiers Jean-Rostand",
            OrganisationKind.EDUCATION,
            150,
            "Briance",
            "Sylvie Perrot",
            years={
                P2025: Year(
                    joined=D(2025, 1, 20),
                    profile=D(2025, 2, 4),
                    diagnostic_year=demo_clock.year(2025),
                    answered_share=0.4,
                    maturity=0.3,
                    last_seen=D(2025, 9, 2),
                )
            },
        ),
        DemoOrganisation(
            "eaux-sarre-haute",
            "Syndicat des eaux de la Sarre-Haute",
            OrganisationKind.PUBLIC_ESTABLISHMENT,
            85,
            "Valmont",
            "Olivier Brunet",
            years={
                P2025: Year(
                    joined=D(2025, 1, 20),
                    profile=D(2025, 2, 17),
                    counts=(D(2025, 3, 3), _counts(70)),
                    diagnostic_year=demo_clock.year(2025),
                    answered_share=1.0,
                    maturity=0.5,
                    submitted=D(2025, 5, 14),
                    approved=D(2025, 9, 16),
                    items=(
                        Item("use.auto_shutdown", "done", D(2025, 10, 15), shutdown=True),
                        Item("communication.internal_plan", "done", D(2025, 11, 30)),
                        Item("accessibility.rgaa_audit", "in_progress", D(2026, 4, 30)),
                        Item("data.retention_cleanup", "in_progress", D(2026, 1, 31)),
                    ),
                    by_hand={Milestone.Kind.SIX_MONTH_REVIEW: D(2025, 7, 17)},
                    last_seen=D(2025, 12, 1),
                )
            },
        ),
        DemoOrganisation(
            "mission-locale-trois-rivieres",
            "Mission locale des Trois Rivières",
            OrganisationKind.ASSOCIATION,
            35,
            "Lorcy",
            "Rachid Haddad",
            years={P2025: Year(joined=D(2025, 4, 14), profile=None, last_seen=D(2025, 4, 22))},
        ),
        DemoOrganisation(
            "saint-aubin-des-pres",
            "Commune de Saint-Aubin-des-Prés",
            OrganisationKind.COMMUNE,
            95,
            "Saint-Aubin-des-Prés",
            "Martine Collet",
            population=6800,
            years={
                P2024: Year(
                    joined=D(2024, 1, 15),
                    profile=D(2024, 1, 30),
                    counts=(D(2024, 2, 27), _counts(80)),
                    diagnostic_year=demo_clock.year(2024),
                    answered_share=1.0,
                    maturity=0.45,
                    submitted=D(2024, 4, 11),
                    approved=D(2024, 6, 20),
                    items=(
                        Item("use.auto_shutdown", "done", D(2024, 9, 30), shutdown=True),
                        Item("end_of_use.collection_challenge", "done", D(2024, 11, 30)),
                        Item("purchasing.environmental_criterion", "in_progress", D(2025, 6, 30)),
                    ),
                    by_hand={
                        Milestone.Kind.SIX_MONTH_REVIEW: D(2024, 7, 11),
                        Milestone.Kind.CLOSING: D(2024, 12, 13),
                    },
                    last_seen=D(2024, 12, 5),
                )
            },
        ),
        DemoOrganisation(
            "office-tourisme-trois-rivieres",
            "Office de tourisme du Pays des Trois Rivières",
            OrganisationKind.ASSOCIATION,
            12,
            "Valmont",
            "Chloé Besnard",
            years={
                P2024: Year(
                    joined=D(2024, 1, 15),
                    profile=D(2024, 2, 8),
                    counts=(D(2024, 3, 19), _counts(12)),
                    diagnostic_year=demo_clock.year(2024),
                    answered_share=1.0,
                    maturity=0.4,
                    submitted=D(2024, 6, 4),
                    by_hand={Milestone.Kind.CLOSING: D(2024, 12, 13)},
                    last_seen=D(2024, 11, 7),
                )
            },
        ),
    )


def _existing() -> dict[str, dict[str, Any]]:
    """The three organisations of the first demo, dated the same way when called (their data
    is seeded by the apps' own demo modules; only the days are set here)."""
    return {
        "routes-haut-vallon": {
            "profile": D(2024, 1, 30),
            "footprint": D(2025, 2, 10),
            "answers": D(2025, 12, 4),
            "roadmap": D(2025, 12, 3),
            "approval": D(2025, 10, 2),
            "cohorts": {P2025: D(2025, 1, 20)},
            "by_hand": {(P2025, Milestone.Kind.SIX_MONTH_REVIEW): D(2025, 7, 21)},
        },
        "belrive-sur-lanne": {
            "profile": D(2025, 2, 3),
            "footprint": D(2025, 3, 5),
            "answers": D(2025, 10, 9),
            "cohorts": {P2025: D(2025, 1, 20)},
        },
        "ateliers-du-lien": {"profile": D(2025, 1, 22), "cohorts": {P2025: D(2025, 1, 20)}},
    }


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_demo_cohorts(coalition: Coalition) -> None:
    """The closed cohort of the story's previous year and the eight organisations of the
    running one, dated."""
    cohorts = {}
    for story_year in (P2025, P2024):
        fields = demo_clock.cohort(story_year)
        cohorts[story_year] = Cohort.objects.update_or_create(
            coalition=coalition, name=fields.pop("name"), defaults=fields
        )[0]
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    for spec in _generated():
        organisation = _organisation(spec)
        for story_year, year in spec.years.items():
            membership = _join(cohorts[story_year], organisation, year.joined)
            _by_hand(membership, year.by_hand, facilitator)
            _live(organisation, spec, year)
    for slug, days in _existing().items():
        organisation = Organisation.objects.get(slug=slug)
        for cohort_name, joined in days["cohorts"].items():
            membership = _join(cohorts[cohort_name], organisation, joined)
            for (name, kind), day in days.get("by_hand", {}).items():
                if name == cohort_name:
                    _by_hand(membership, {kind: day}, facilitator)
        _date_existing(organisation, days)


def _organisation(spec: DemoOrganisation) -> Organisation:
    years = list(spec.years.values())
    complete = any(year.profile for year in years)
    organisation, _created = Organisation.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "headcount": spec.headcount,
            "workstation_count": round(spec.headcount * 0.8),
            "population": spec.population,
            "city": spec.city,
            "purchasing_bracket": (
                PurchasingBracket.FROM_1M_TO_10M if complete else PurchasingBracket.UNKNOWN
            ),
        },
    )
    Site.objects.update_or_create(
        organisation=organisation,
        name=f"Siège — {spec.city}",
        defaults={"commune": spec.city, "kind": SiteKind.HEADQUARTERS},
    )
    local_part = spec.referent.split()[0].lower().replace("è", "e").replace("é", "e")
    referent, _created = User.objects.get_or_create(
        email=f"{local_part}@{spec.slug}.example", defaults={"full_name": spec.referent}
    )
    if referent.has_usable_password():
        referent.set_unusable_password()
        referent.save()
    Membership.objects.get_or_create(
        user=referent, organisation=organisation, defaults={"role": Role.REFERENT}
    )
    profile_day = min((year.profile for year in years if year.profile), default=years[0].joined)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=_at(profile_day))
    return organisation


def _join(cohort: Cohort, organisation: Organisation, day: dt.date) -> CohortMembership:
    membership, _created = CohortMembership.objects.get_or_create(
        cohort=cohort, organisation=organisation
    )
    CohortMembership.objects.filter(pk=membership.pk).update(joined_at=day)
    membership.joined_at = day
    return membership


def _by_hand(membership: CohortMembership, days: dict[str, dt.date], facilitator: User) -> None:
    for kind, day in days.items():
        Milestone.objects.update_or_create(
            membership=membership,
            kind=kind,
            defaults={"reached_on": day, "recorded_by": facilitator},
        )


def _live(organisation: Organisation, spec: DemoOrganisation, year: Year) -> None:
    """The organisation's year, created once, then dated."""
    access = OrganisationAccess(organisation, Access.ADMINISTER, "demo")
    referent = Membership.objects.get(organisation=organisation, role=Role.REFERENT).user
    if year.counts and not FootprintRun.objects.filter(organisation=organisation).exists():
        inventory_services.counts_save(access=access, counts=year.counts[1])
    if year.counts:
        FootprintRun.objects.filter(organisation=organisation).update(
            created_at=_at(year.counts[0])
        )
    if year.diagnostic_year:
        _diagnostic(access, referent, spec, year)
    if year.items and not PlanItem.objects.filter(organisation=organisation).exists():
        _roadmap(access, referent, year)
    last = _at(year.last_seen or year.joined, 16)
    PlanItem.objects.filter(organisation=organisation).update(
        updated_at=last, last_activity_at=last
    )
    if year.approved:
        RoadmapApproval.objects.filter(organisation=organisation).update(
            created_at=_at(year.approved)
        )


def _draw(salt: str, question_id: str) -> float:
    digest = hashlib.sha256(f"{salt}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _diagnostic(
    access: OrganisationAccess, referent: User, spec: DemoOrganisation, year: Year
) -> None:
    organisation = access.organisation
    assert year.diagnostic_year is not None
    diagnostic = Diagnostic.objects.filter(
        organisation=organisation, year=year.diagnostic_year
    ).first()
    if diagnostic is None:
        diagnostic = diagnostic_services.diagnostic_start(
            access=access, year=year.diagnostic_year, user=referent
        )
        questions = questions_for(organisation)
        kept = [q for q in questions if _draw(spec.slug + ":kept", q.id) < year.answered_share]
        # In one statement: the service checks and versions each answer on its own, which
        # costs seconds over six diagnostics; these are valid by construction (the
        # referential's questions, the answer choices).
        Answer.objects.bulk_create(
            Answer(
                diagnostic=diagnostic,
                question_id=q.id,
                value=_answer(spec.slug, q.id, year.maturity),
                answered_by=referent,
            )
            for q in kept
        )
        if year.submitted:
            diagnostic_services.diagnostic_submit(
                access=access, diagnostic=diagnostic, user=referent
            )
    last = _at(year.submitted or year.last_seen or year.joined, 15)
    Answer.objects.filter(diagnostic=diagnostic).update(updated_at=last)
    if year.submitted:
        Diagnostic.objects.filter(pk=diagnostic.pk).update(submitted_at=last)


def _answer(salt: str, question_id: str, maturity: float) -> str:
    roll = _draw(salt, question_id)
    if roll < maturity:
        return "yes"
    if roll < maturity + 0.2:
        return "partly"
    if roll < maturity + 0.25:
        return "unknown"
    return "no"


def _roadmap(access: OrganisationAccess, referent: User, year: Year) -> None:
    counts = year.counts[1] if year.counts else _counts(20)
    for item in year.items:
        scenario = None
        if item.shutdown:
            scenario = action_services.scenario_save(
                access=access,
                model_id="auto_shutdown",
                inputs={
                    "desktops": counts["desktop"],
                    "laptops": counts["laptop"],
                    "monitors": counts["monitor"],
                    "share_left_on": 0.3,
                },
                input_sources={"desktops": "user", "laptops": "user", "monitors": "user"},
                name="Chiffrage de l'extinction la nuit",
                user=referent,
                action_id=item.action_id,
            )
        roadmap_services.item_create(
            access=access,
            action_id=item.action_id,
            fields={
                "owner": referent,
                "due_date": item.due,
                "start_date": item.due - dt.timedelta(days=90),
                "status": item.status,
                "scenario": scenario,
            },
        )
    if year.approved:
        roadmap_services.approval_record(
            access=access,
            user=referent,
            approved_on=year.approved,
            approved_by="Bureau communautaire"
            if access.organisation.kind == OrganisationKind.EPCI
            else "Comité de direction",
        )


def _date_existing(organisation: Organisation, days: dict[str, Any]) -> None:
    """Date the first demo's rows on the days the story gives them."""
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=_at(days["profile"]))
    if "footprint" in days:
        moment = _at(days["footprint"])
        FootprintRun.objects.filter(organisation=organisation).update(created_at=moment)
        InventoryImport.objects.filter(organisation=organisation).update(
            created_at=moment, updated_at=moment
        )
    if "answers" in days:
        Answer.objects.filter(
            diagnostic__organisation=organisation, diagnostic__submitted_at__isnull=True
        ).update(updated_at=_at(days["answers"], 16))
    if "roadmap" in days:
        moment = _at(days["roadmap"], 16)
        PlanItem.objects.filter(organisation=organisation).update(
            updated_at=moment, last_activity_at=moment
        )
    if "approval" in days:
        RoadmapApproval.objects.filter(organisation=organisation).update(
            created_at=_at(days["approval"])
        )
