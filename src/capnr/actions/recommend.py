"""Which catalogue actions to recommend to an organisation, and why. Pure functions over the
catalogue, the diagnostic answers, the questions that apply, the simulated impacts and what the
roadmap already holds; the view reads those once and passes them in.

Rules:

- **Relevant**: an action is kept unless every question it answers is inapplicable (to the
  organisation's kind and size, or answered "not applicable"), or every applicable one is
  answered "yes". Unanswered questions keep it (nothing says it is done).
- **Quick wins**: actions flagged ``quick_win`` in the catalogue, and easy actions costing
  nothing or little whose payback is under a year when it can be computed (``payback_years``).
  Ranked quick-win flag first, then by the weight of the diagnostic gaps they close, then euros.
- **High impact**: the 8 largest yearly effects, computed with the organisation's pre-filled
  inputs; the effect is the larger of the action's share of the largest tCO2e and its share of
  the largest euros among the relevant actions, so that both carbon and money levers show.
- **Anticipate regulation**: actions helping meet an applicable legal obligation that is not
  answered "yes" and falls due within 24 months, is already due, or has no date (in force).
  Deadlines still ahead first (soonest first), then those already due, weightiest gaps first;
  the first 8 in full, the others listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from capnr.engine import impact as engine_impact
from capnr.engine.catalogue import Action, Catalogue
from capnr.engine.diagnostic import Question, Referential
from capnr.engine.planning import planning

from .prefill import Hotspot, Prefill

HIGH_IMPACT_SIZE = 5
QUICK_WIN_SIZE = 5
REGULATION_SIZE = 5
REGULATION_HORIZON_MONTHS = 24
# The spending of a "low" cost action (to test its payback) and what a diagnostic gap weighs by
# its answer are sourced planning assumptions: ``engine/data/actions/planning.toml``
# ([recommend]), read through ``capnr.engine.planning.planning()``.
# Status of a roadmap item, most advanced first: the mark an action gets.
STATUS_ORDER = ("done", "in_progress", "planned", "abandoned")
# The footprint categories an action acts upon (the hotspots that make it relevant) are those its
# impact model declares (``acts_on`` in engine/data/impact_models.toml), except for these
# actions, which act on only part of what their model covers.
ACTION_CATEGORIES: dict[str, tuple[str, ...]] = {
    "equipment.second_screens": ("monitor", "monitor_large"),
    "equipment.desk_phones": ("ip_phone",),
    "equipment.fewer_individual_printers": ("printer_small",),
    "equipment.allocation_profiles": ("desktop", "smartphone"),
}


@dataclass(frozen=True)
class DueObligation:
    question: Question
    due: dt.date | None  # None: in force, no date
    overdue: bool
    to_confirm: bool
    answer: str | None


@dataclass(frozen=True)
class Gap:
    question: Question
    answer: str | None  # None: not answered yet


@dataclass
class Entry:
    action: Action
    gaps: list[Gap]
    hotspots: list[Hotspot]
    impact: engine_impact.Impact | None
    status: str | None  # of the action's roadmap item, if any
    obligations: list[DueObligation] = field(default_factory=list)
    payback_years: float | None = None
    score: float = 0.0  # relative effect, 0–1 (1: the largest)
    number: int = 0  # its point on the matrix

    @property
    def tonnes(self) -> engine_impact.Bounds | None:
        if self.impact is None:
            return None
        total = self.impact.kgco2e_total
        return engine_impact.Bounds(total.value / 1000, total.low / 1000, total.high / 1000)

    @property
    def hotspot_share(self) -> float:
        return sum(spot.share for spot in self.hotspots)

    @property
    def hotspot_labels(self) -> list[str]:
        return [spot.label for spot in self.hotspots]

    @property
    def quantified(self) -> bool:
        return self.impact is not None and (
            self.impact.kgco2e_total.value > 0 or self.impact.eur.value > 0
        )


@dataclass
class Recommendations:
    quick_wins: list[Entry]
    high_impact: list[Entry]
    regulation: list[Entry]
    relevant: int  # actions kept
    skipped: int  # actions left out: done, or not for this organisation
    regulation_more: list[Entry] = field(default_factory=list)  # past the first ones

    def lists(self) -> dict[str, list[tuple[Entry, bool]]]:
        """The three lists as (entry, already shown in an earlier list): a page details an
        action once and refers back to it afterwards."""
        shown: set[str] = set()
        result: dict[str, list[tuple[Entry, bool]]] = {}
        for key, listed in (
            ("quick", self.quick_wins),
            ("high", self.high_impact),
            ("regulation", self.regulation),
        ):
            result[key] = [(entry, entry.action.id in shown) for entry in listed]
            shown.update(entry.action.id for entry in listed)
        return result

    @property
    def matrix(self) -> list[Entry]:
        """Every action of the three lists once, numbered in the order they appear."""
        seen: dict[str, Entry] = {}
        for entry in (*self.quick_wins, *self.high_impact, *self.regulation):
            seen.setdefault(entry.action.id, entry)
        return list(seen.values())


def considered_questions(
    action: Action, answers: Mapping[str, str], applicable: Iterable[str]
) -> list[str]:
    """The action's questions that apply and are not answered "not applicable"."""
    applies = set(applicable)
    return [qid for qid in action.questions if qid in applies and answers.get(qid) != "na"]


def is_relevant(action: Action, answers: Mapping[str, str], applicable: Iterable[str]) -> bool:
    questions = considered_questions(action, answers, applicable)
    return bool(questions) and not all(answers.get(qid) == "yes" for qid in questions)


def gaps(
    action: Action, answers: Mapping[str, str], applicable: Iterable[str], data: Referential
) -> list[Gap]:
    """The action's considered questions not answered "yes", heaviest first (priority × how
    far the answer is from "yes")."""
    found = [
        Gap(data.question(qid), answers.get(qid))
        for qid in considered_questions(action, answers, applicable)
        if answers.get(qid) != "yes"
    ]
    weights = planning().gap_weights
    return sorted(found, key=lambda gap: -gap.question.priority * weights.of(gap.answer))


def gap_weight(found: Sequence[Gap]) -> float:
    weights = planning().gap_weights
    return sum(gap.question.priority * weights.of(gap.answer) for gap in found)


def payback_years(action: Action, impact: engine_impact.Impact | None) -> float | None:
    """Years to earn back the spending from the yearly euros saved: 0 for an action costing
    nothing beyond staff time; the low cost of ``planning.toml`` ÷ euros for a "low" cost; None
    when it cannot be computed (no euro figure, no saving, or a larger cost level)."""
    if impact is None or impact.eur.value <= 0:
        return None
    if action.cost == "none":
        return 0.0
    if action.cost == "low":
        return planning().low_cost_eur.value / impact.eur.value
    return None


def is_quick_win(action: Action, payback: float | None) -> bool:
    if action.quick_win:
        return True
    if action.effort != "easy" or action.cost not in ("none", "low"):
        return False
    return payback is None or payback < 1.0


def due_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def due_obligations(
    action: Action,
    answers: Mapping[str, str],
    applicable: Iterable[str],
    data: Referential,
    *,
    today: dt.date,
    horizon_months: int = REGULATION_HORIZON_MONTHS,
) -> list[DueObligation]:
    """The action's applicable obligations not met ("yes") or set aside ("na") that fall due
    within the horizon, are overdue, or are in force without a date; soonest first."""
    applies = set(applicable)
    limit = _add_months(today, horizon_months)
    found: list[DueObligation] = []
    seen: set[tuple[str, str]] = set()
    for qid in action.obligations:
        question = data.question(qid)
        obligation = question.obligation
        if obligation is None or qid not in applies or answers.get(qid) in ("yes", "na"):
            continue
        due = due_date(obligation.due)
        if (due is not None and due > limit) or (obligation.reference, obligation.due) in seen:
            continue  # too far ahead, or the same text and date as another question of it
        seen.add((obligation.reference, obligation.due))
        found.append(
            DueObligation(
                question=question,
                due=due,
                overdue=due is not None and due < today,
                to_confirm=obligation.to_confirm,
                answer=answers.get(qid),
            )
        )
    return sorted(found, key=lambda item: item.due or dt.date.min)


def regulation_rank(entry: Entry, today: dt.date) -> tuple[int, float, str]:
    """Deadlines still ahead first, soonest first; then obligations already due or in force,
    the weightiest diagnostic gaps first."""
    ahead = [o.due for o in entry.obligations if o.due is not None and o.due >= today]
    if ahead:
        return (0, float(min(ahead).toordinal()), entry.action.id)
    return (1, -gap_weight(entry.gaps), entry.action.id)


def hotspots_for(action: Action, hotspots: Sequence[Hotspot]) -> list[Hotspot]:
    categories = ACTION_CATEGORIES.get(action.id) or (
        engine_impact.MODELS[action.model].acts_on if action.model else ()
    )
    return [spot for spot in hotspots if spot.category in categories]


def plan_status(statuses: Iterable[str]) -> str | None:
    """The most advanced status among an action's roadmap items."""
    present = set(statuses)
    return next((status for status in STATUS_ORDER if status in present), None)


def recommend(
    catalogue: Catalogue,
    *,
    data: Referential,
    answers: Mapping[str, str],
    applicable: Iterable[str],
    impacts: Mapping[str, engine_impact.Impact],
    planned: Mapping[str, str],
    hotspots: Sequence[Hotspot] = (),
    today: dt.date,
) -> Recommendations:
    """The three ranked lists. ``impacts``: action id → its simulated yearly effect (modelled
    actions only); ``planned``: action id → the status of its roadmap item."""
    applicable = frozenset(applicable)
    entries: list[Entry] = []
    skipped = 0
    for action in catalogue.actions:
        if not is_relevant(action, answers, applicable):
            skipped += 1
            continue
        impact = impacts.get(action.id)
        entries.append(
            Entry(
                action=action,
                gaps=gaps(action, answers, applicable, data),
                hotspots=hotspots_for(action, hotspots),
                impact=impact,
                status=planned.get(action.id),
                obligations=due_obligations(action, answers, applicable, data, today=today),
                payback_years=payback_years(action, impact),
            )
        )
    quantified = [entry for entry in entries if entry.quantified]
    top_carbon = max((e.impact.kgco2e_total.value for e in quantified if e.impact), default=0.0)
    top_euros = max((e.impact.eur.value for e in quantified if e.impact), default=0.0)
    for entry in quantified:
        assert entry.impact is not None
        carbon = entry.impact.kgco2e_total.value / top_carbon if top_carbon > 0 else 0.0
        euros = entry.impact.eur.value / top_euros if top_euros > 0 else 0.0
        entry.score = max(carbon, euros, 0.0)

    quick = [e for e in entries if is_quick_win(e.action, e.payback_years)]
    quick.sort(
        key=lambda e: (
            not e.action.quick_win,
            -gap_weight(e.gaps),
            -(e.impact.eur.value if e.impact else 0.0),
            e.action.id,
        )
    )
    high = sorted(
        (e for e in quantified if e.score > 0),
        key=lambda e: (-e.score, -(e.impact.kgco2e_total.value if e.impact else 0), e.action.id),
    )[:HIGH_IMPACT_SIZE]
    regulation = [e for e in entries if e.obligations]
    regulation.sort(key=lambda e: regulation_rank(e, today))
    result = Recommendations(
        quick_wins=quick[:QUICK_WIN_SIZE],
        high_impact=high,
        regulation=regulation[:REGULATION_SIZE],
        regulation_more=regulation[REGULATION_SIZE:],
        relevant=len(entries),
        skipped=skipped,
    )
    for number, entry in enumerate(result.matrix, start=1):
        entry.number = number
    return result


def modelled(action: Action) -> bool:
    """An action with a simulator that gives figures (not only KPIs)."""
    return action.model != "" and engine_impact.MODELS[action.model].quantified


def impacts_for(actions: Iterable[Action], prefill: Prefill) -> dict[str, engine_impact.Impact]:
    """Each modelled action's yearly effect with the organisation's pre-filled inputs (and the
    action's typical target), computed once per action."""
    result = {}
    for action in actions:
        if not modelled(action):
            continue
        values = prefill.values(action.model, action.id)
        result[action.id] = engine_impact.compute(action.model, values, **prefill.price)
    return result
