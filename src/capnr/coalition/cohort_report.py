"""The cohort report for funders and elected officials: what a cohort's year amounted to.

1. the participating organisations, counted by kind and by size bracket (headcount);
2. the sessions held, each with the organisations expected and present and the people present;
   the attendance rate is the expected organisations present over the expected ones, counted
   on the sessions held whose attendance was recorded (a session whose attendance nobody
   recorded says nothing of who came);
3. the diagnostics of the cohort's year submitted, and the average score of each theme over
   them, against the previous cohort of the same coalition (the one of the latest earlier
   year): a theme's average is the mean of the organisations' unrounded theme scores where the
   theme has a score; the change is the difference of the two rounded averages, so the three
   columns add up, as on the results page;
4. the roadmap items done across the cohort and the yearly savings of their simulations, with
   bounds: each organisation's savings as its roadmap sums them (``roadmap.selectors
   .roadmap_effect``: a scenario counted once, abandoned items aside), then added up over the
   organisations, low bounds with low bounds and high with high, i.e. every estimate at its low
   end at once, and at its high end at once (no compensation between actions is assumed, so the
   range is wide rather than falsely narrow); beside them, what the indicators of the items
   done measured, where they measured kWh or € a year (``roadmap.selectors.measured_savings``);
5. the testimonies the organisations chose to make public (``coalition.testimonies``).

Every figure is read through the other apps' selectors, from the access tenancy gives the
facilitator to each organisation (``tenancy.cohorts.cohort_accesses``), and records where it comes
from: the questions' versions of the diagnostics averaged, the method and data versions of the
simulations summed, and the day the report was made."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from statistics import fmean
from typing import TYPE_CHECKING

from django.utils import timezone

from capnr.core.access import OrganisationAccess
from capnr.core.i18n import english
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.engine import ENGINE_VERSION
from capnr.engine import diagnostic as engine_diagnostic
from capnr.engine.reference import data_version as reference_data_version
from capnr.organisations import sizes
from capnr.organisations.models import OrganisationKind
from capnr.organisations.tenancy.cohorts import cohort_accesses
from capnr.roadmap import selectors as roadmap_selectors
from capnr.roadmap.models import ItemStatus, PlanItem

from . import testimonies as testimony_source
from .models import AttendanceStatus, Cohort, CohortMembership, Session, SessionKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from capnr.organisations.models import User

Accesses = list[tuple[CohortMembership, OrganisationAccess]]


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Participant:
    name: str
    kind: str  # in words
    headcount: int | None
    size: str  # in words
    diagnostic_submitted: bool
    items_done: int


@dataclass(frozen=True)
class SessionLine:
    day: dt.date
    kind: str  # in words
    title: str
    held: bool  # ended before the report was made
    recorded: bool  # someone recorded its attendance
    expected: int  # organisations expected
    present: int  # organisations present, expected or not
    expected_present: int  # of the expected organisations, those present
    people: int  # people present


@dataclass(frozen=True)
class AttendanceTotals:
    held: int
    recorded: int  # sessions held whose attendance was recorded: the rate counts these
    upcoming: int
    expected: int
    present: int
    expected_present: int
    people: int

    @property
    def rate(self) -> float | None:
        """Expected organisations present over expected ones, in %; None when none expected."""
        return 100 * self.expected_present / self.expected if self.expected else None


@dataclass(frozen=True)
class ThemeAverage:
    theme_id: str
    title: str
    average: float | None  # mean of the organisations' theme scores, out of 100
    count: int  # organisations whose theme has a score
    previous: float | None = None
    previous_count: int = 0

    @property
    def rounded(self) -> int | None:
        return None if self.average is None else engine_diagnostic.rounded_score(self.average)

    @property
    def previous_rounded(self) -> int | None:
        return None if self.previous is None else engine_diagnostic.rounded_score(self.previous)

    @property
    def change(self) -> int | None:
        if self.rounded is None or self.previous_rounded is None:
            return None
        return self.rounded - self.previous_rounded


@dataclass(frozen=True)
class DiagnosticScores:
    """The submitted diagnostics of one cohort's year: each theme's scores, the global ones."""

    year: int
    members: int
    submitted: int
    themes: dict[str, list[float]]
    overall: list[float]
    versions: tuple[str, ...]  # the questions' versions they were answered against
    organisation_ids: frozenset[int] = frozenset()  # the organisations that submitted


@dataclass(frozen=True)
class DiagnosticsSection:
    current: DiagnosticScores
    previous_cohort: Cohort | None
    previous: DiagnosticScores | None
    themes: list[ThemeAverage]
    overall: ThemeAverage


@dataclass
class Savings:
    """Yearly savings, central figure and bounds (kg CO2e, kWh, €), over ``items`` items."""

    items: int = 0
    kgco2e: float = 0.0
    low_kgco2e: float = 0.0
    high_kgco2e: float = 0.0
    kwh: float = 0.0
    low_kwh: float = 0.0
    high_kwh: float = 0.0
    eur: float = 0.0
    low_eur: float = 0.0
    high_eur: float = 0.0

    def add(self, effect: roadmap_selectors.Effect) -> None:
        """Adds an organisation's savings: central with central, low with low, high with high."""
        for name in (
            "items",
            "kgco2e",
            "low_kgco2e",
            "high_kgco2e",
            "kwh",
            "low_kwh",
            "high_kwh",
            "eur",
            "low_eur",
            "high_eur",
        ):
            setattr(self, name, getattr(self, name) + getattr(effect, name))


@dataclass
class ActionsSection:
    done: int = 0
    in_progress: int = 0
    planned: int = 0
    organisations_with_done: int = 0
    expected: Savings = field(default_factory=Savings)  # every item kept, done or not
    achieved: Savings = field(default_factory=Savings)  # the items done
    # What the indicators of the items done measured (kWh and € a year), where they did.
    measured: roadmap_selectors.MeasuredSavings = field(
        default_factory=roadmap_selectors.MeasuredSavings
    )
    method_versions: tuple[str, ...] = ()  # of the simulations summed
    data_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    generated_at: dt.datetime
    participants: list[Participant]
    by_kind: list[Count]
    by_size: list[Count]
    sessions: list[SessionLine]
    attendance: AttendanceTotals
    diagnostics: DiagnosticsSection
    actions: ActionsSection
    testimonies: list[testimony_source.Testimony]
    testimonies_available: bool
    engine_version: str = ENGINE_VERSION
    data_version: str = field(default_factory=reference_data_version)

    @property
    def generated_on(self) -> dt.date:
        return self.generated_at.date()


# --- 1. Organisations ---------------------------------------------------------------------------


def _counts(keys: list[str], labels: dict[str, str], order: list[str]) -> list[Count]:
    """Each key present, counted, in ``order`` (keys outside it last, by label)."""
    counted = Counter(keys)
    rank = {key: position for position, key in enumerate(order)}
    found = sorted(counted, key=lambda key: (rank.get(key, len(rank)), labels.get(key, key)))
    return [Count(key, labels.get(key, key), counted[key]) for key in found]


def _by_kind(accesses: Accesses) -> list[Count]:
    labels = {key: str(label) for key, label in OrganisationKind.choices}
    return _counts(
        [access.organisation.kind for _membership, access in accesses],
        labels,
        list(OrganisationKind.values),
    )


def _by_size(accesses: Accesses) -> list[Count]:
    labels = {key: str(label) for key, label in sizes.size_labels().items()}
    return _counts(
        [sizes.size_bracket(access.organisation.headcount) for _membership, access in accesses],
        labels,
        [*sizes.SIZE_BRACKET_IDS, sizes.UNKNOWN],
    )


# --- 2. Sessions and attendance -----------------------------------------------------------------


def _session_line(session: Session, now: dt.datetime) -> SessionLine:
    expected = {organisation.pk for organisation in session.expected.all()}
    present = [a for a in session.attendances.all() if a.status == AttendanceStatus.PRESENT]
    return SessionLine(
        day=session.day,
        kind=str(SessionKind(session.kind).label),
        title=session.title,
        held=session.ends_at < now,
        recorded=bool(session.attendances.all()),
        expected=len(expected),
        present=len(present),
        expected_present=sum(a.organisation_id in expected for a in present),
        people=sum(len(a.people.all()) for a in present),
    )


def _sessions(cohort: Cohort, now: dt.datetime) -> tuple[list[SessionLine], AttendanceTotals]:
    sessions = (
        Session.objects.filter(cohort=cohort)
        .order_by("starts_at", "pk")
        .prefetch_related("expected", "attendances__people")
    )
    lines = [_session_line(session, now) for session in sessions]
    counted = [line for line in lines if line.held and line.recorded]
    totals = AttendanceTotals(
        held=sum(line.held for line in lines),
        recorded=len(counted),
        upcoming=sum(not line.held for line in lines),
        expected=sum(line.expected for line in counted),
        present=sum(line.present for line in counted),
        expected_present=sum(line.expected_present for line in counted),
        people=sum(line.people for line in counted),
    )
    return lines, totals


# --- 3. Diagnostics -----------------------------------------------------------------------------


def diagnostic_scores(accesses: Accesses, year: int) -> DiagnosticScores:
    """The scores of the diagnostics of ``year`` these organisations submitted."""
    themes: dict[str, list[float]] = {}
    overall: list[float] = []
    versions: set[str] = set()
    submitted: set[int] = set()
    for _membership, access in accesses:
        diagnostic = diagnostic_selectors.diagnostic_list(access=access).filter(year=year).first()
        if diagnostic is None or not diagnostic.is_submitted:
            continue
        submitted.add(access.organisation.pk)
        versions.add(diagnostic.referential_version)
        result = diagnostic_selectors.results(diagnostic)
        for theme_id, score in result.themes.items():
            if score.percent is not None:
                themes.setdefault(theme_id, []).append(score.percent)
        if result.overall.percent is not None:
            overall.append(result.overall.percent)
    return DiagnosticScores(
        year,
        len(accesses),
        len(submitted),
        themes,
        overall,
        tuple(sorted(versions)),
        frozenset(submitted),
    )


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def _theme_title(theme: engine_diagnostic.Theme) -> str:
    return theme.title_en if english() else theme.title_fr


def previous_cohort(cohort: Cohort) -> Cohort | None:
    """The coalition's cohort of the latest year before ``cohort``'s (several that year: the
    latest started)."""
    return (
        Cohort.objects.filter(coalition_id=cohort.coalition_id, year__lt=cohort.year)
        .order_by("-year", "-start_date", "-pk")
        .first()
    )


def _diagnostics(
    user: User | AnonymousUser, cohort: Cohort, accesses: Accesses
) -> DiagnosticsSection:
    current = diagnostic_scores(accesses, cohort.year)
    before_cohort = previous_cohort(cohort)
    before = (
        diagnostic_scores(cohort_accesses(user, before_cohort), before_cohort.year)
        if before_cohort is not None
        else None
    )
    themes = []
    for theme in engine_diagnostic.referential().themes:
        now = current.themes.get(theme.id, [])
        then = before.themes.get(theme.id, []) if before else []
        if not now and not then:
            continue
        themes.append(
            ThemeAverage(
                theme.id, _theme_title(theme), _mean(now), len(now), _mean(then), len(then)
            )
        )
    then_overall = before.overall if before else []
    overall = ThemeAverage(
        "overall",
        "",
        _mean(current.overall),
        len(current.overall),
        _mean(then_overall),
        len(then_overall),
    )
    return DiagnosticsSection(current, before_cohort, before, themes, overall)


# --- 4. Actions ---------------------------------------------------------------------------------


def _actions(accesses: Accesses) -> tuple[ActionsSection, dict[int, int]]:
    section = ActionsSection()
    done_by_organisation: dict[int, int] = {}
    methods: set[str] = set()
    data: set[str] = set()
    for _membership, access in accesses:
        items: list[PlanItem] = list(
            roadmap_selectors.item_list(access=access).prefetch_related(None)
        )
        statuses = Counter(item.status for item in items)
        section.done += statuses[ItemStatus.DONE]
        section.in_progress += statuses[ItemStatus.IN_PROGRESS]
        section.planned += statuses[ItemStatus.PLANNED]
        section.organisations_with_done += statuses[ItemStatus.DONE] > 0
        done_by_organisation[access.organisation.pk] = statuses[ItemStatus.DONE]
        effect = roadmap_selectors.roadmap_effect(items)
        section.expected.add(effect.expected)
        section.achieved.add(effect.done)
        measured = roadmap_selectors.measured_savings(items)
        section.measured.kwh += measured.kwh
        section.measured.eur += measured.eur
        section.measured.items += measured.items
        for item in items:
            if item.scenario is not None and item.status != ItemStatus.ABANDONED:
                methods.add(f"{item.scenario.model_id} {item.scenario.method_version}")
                data.add(item.scenario.data_version)
    section.method_versions = tuple(sorted(methods))
    section.data_versions = tuple(sorted(data))
    return section, done_by_organisation


# --- The report ---------------------------------------------------------------------------------


def _participants(
    accesses: Accesses, submitted: set[int], done: dict[int, int]
) -> list[Participant]:
    kinds = {key: str(label) for key, label in OrganisationKind.choices}
    size_words = {key: str(label) for key, label in sizes.size_labels().items()}
    return [
        Participant(
            name=access.organisation.name,
            kind=kinds.get(access.organisation.kind, access.organisation.kind),
            headcount=access.organisation.headcount,
            size=size_words[sizes.size_bracket(access.organisation.headcount)],
            diagnostic_submitted=access.organisation.pk in submitted,
            items_done=done.get(access.organisation.pk, 0),
        )
        for _membership, access in accesses
    ]


def cohort_report(
    *, user: User | AnonymousUser, cohort: Cohort, now: dt.datetime | None = None
) -> CohortReport:
    """The report of ``cohort`` as ``user`` (one of its facilitators) may read it, as of
    ``now``."""
    now = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    accesses = cohort_accesses(user, cohort)
    sessions, attendance = _sessions(cohort, now)
    actions, done = _actions(accesses)
    diagnostics = _diagnostics(user, cohort, accesses)
    organisation_ids = [access.organisation.pk for _membership, access in accesses]
    return CohortReport(
        cohort=cohort,
        generated_at=now,
        participants=_participants(accesses, set(diagnostics.current.organisation_ids), done),
        by_kind=_by_kind(accesses),
        by_size=_by_size(accesses),
        sessions=sessions,
        attendance=attendance,
        diagnostics=diagnostics,
        actions=actions,
        testimonies=testimony_source.shared_testimonies(organisation_ids),
        testimonies_available=testimony_source.is_available(),
    )
