"""What the results page and the PDF report show: scores, radar, gaps, follow-ups and stakes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.charts import format_number
from capnr.engine import diagnostic as engine
from capnr.inventory import presentation as footprint_presentation
from capnr.inventory.engine_adapter import estimate_results
from capnr.inventory.models import FootprintRun
from capnr.inventory.selectors import latest_footprint

from . import referential, selectors
from .charts import radar_chart
from .models import AnswerValue, Diagnostic

# A theme is a stake when its score is below this and it carries essential questions.
WEAK_THEME = 50.0
MAX_STAKES = 3


@dataclass
class ThemeRow:
    theme: engine.Theme
    number: int
    title: str
    score: engine.Score
    previous: float | None
    weight: int  # sum of the priorities of its applicable questions

    @property
    def change(self) -> float | None:
        if self.score.percent is None or self.previous is None:
            return None
        return self.score.percent - self.previous


def _svg(markup: str) -> SafeString:
    """Chart markup from ``charts``, which escapes every label it writes."""
    return mark_safe(markup)  # noqa: S308


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _percent(value: float | None) -> str:
    return "–" if value is None else format_number(round(value))


def _footprint(access: OrganisationAccess) -> dict[str, Any] | None:
    """The inventory's footprint, or a rough estimate from the headcount when there is none."""
    organisation = access.organisation
    run = latest_footprint(access=access)
    if run is None:
        results = estimate_results(
            kind=organisation.kind,
            headcount=organisation.headcount,
            workstations=organisation.workstation_count,
        )
        if results is None:
            return None
        run = FootprintRun(organisation=organisation, results=results)
        summary = footprint_presentation.summary(run, organisation)
        summary["estimated"] = True
        return summary
    summary = footprint_presentation.summary(run, organisation)
    return None if summary.get("empty") else summary


def _theme_rows(
    result: engine.Results,
    previous_result: engine.Results | None,
    questions: list[engine.Question],
) -> list[ThemeRow]:
    """One row per theme that has applicable questions, numbered in that order (the radar's
    axes and the table share the numbers)."""
    rows: list[ThemeRow] = []
    for theme in engine.referential().themes:
        theme_questions = [q for q in questions if q.theme == theme.id]
        if not theme_questions:
            continue
        rows.append(
            ThemeRow(
                theme=theme,
                number=len(rows) + 1,
                title=referential.theme_title(theme),
                score=result.themes[theme.id],
                previous=previous_result.themes[theme.id].percent if previous_result else None,
                weight=sum(q.priority for q in theme_questions),
            )
        )
    return rows


def _radar(
    diagnostic: Diagnostic,
    result: engine.Results,
    previous_result: engine.Results | None,
    rows: list[ThemeRow],
) -> SafeString | None:
    """The radar of this year's scores per theme (and last year's when there is one), or None
    when nothing is scored yet or there are too few themes for a radar."""
    if result.overall.percent is None or len(rows) < 3:
        return None
    series: list[tuple[str, list[float | None]]] = [
        (str(diagnostic.year), [row.score.percent for row in rows])
    ]
    if previous_result is not None and diagnostic.previous is not None:
        series.append((str(diagnostic.previous.year), [row.previous for row in rows]))
    return _svg(
        radar_chart(
            "radar",
            _("Score per theme, %(year)s") % {"year": diagnostic.year},
            _("Score out of 100 for each theme, numbered as in the table below."),
            [row.title for row in rows],
            series,
            key=False,
            not_scored_label=_("Not scored"),
        )
    )


def _compliance_gaps(
    result: engine.Results, questions: list[engine.Question]
) -> list[dict[str, Any]]:
    """The gaps, the soonest legal deadline first (those without one last)."""
    value_labels = dict(AnswerValue.choices)
    return [
        {
            "question": gap.question,
            "number": referential.number(gap.question, questions),
            "text": referential.text(gap.question),
            "answer": value_labels.get(gap.answer or "", _("not answered yet")),
            "obligation": gap.question.obligation,
            "due": _date(gap.question.obligation.due) if gap.question.obligation else None,
            "applies": (
                gap.question.obligation.applies_en
                if referential.english()
                else gap.question.obligation.applies_fr
            )
            if gap.question.obligation
            else "",
        }
        for gap in sorted(
            result.gaps,
            key=lambda g: (
                (g.question.obligation.due or "9999") if g.question.obligation else "9999"
            ),
        )
    ]


def _follow_ups(result: engine.Results, questions: list[engine.Question]) -> list[dict[str, Any]]:
    return [
        {
            "question": question,
            "number": referential.number(question, questions),
            "text": referential.text(question),
            "who": referential.who(question),
        }
        for question in result.follow_ups
    ]


def _weak_themes(rows: list[ThemeRow]) -> list[ThemeRow]:
    """The stakes: themes scored under WEAK_THEME, the weakest and weightiest first."""
    return sorted(
        (row for row in rows if row.score.percent is not None and row.score.percent < WEAK_THEME),
        key=lambda row: (row.score.percent or 0.0) - row.weight,
    )[:MAX_STAKES]


def results_context(access: OrganisationAccess, diagnostic: Diagnostic) -> dict[str, Any]:
    answers = selectors.answers_by_question(diagnostic)
    result = selectors.results(diagnostic, answers)
    questions = referential.questions_for(diagnostic.organisation)
    previous_result = None
    if diagnostic.previous is not None:
        previous_result = selectors.results(diagnostic.previous)
    rows = _theme_rows(result, previous_result, questions)
    radar = _radar(diagnostic, result, previous_result, rows)
    gaps = _compliance_gaps(result, questions)
    follow_ups = _follow_ups(result, questions)
    weak = _weak_themes(rows)
    footprint = _footprint(access)
    levels = engine.referential().label_levels
    progress = selectors.progress(diagnostic, answers)
    return {
        "diagnostic": diagnostic,
        "results": result,
        "overall": _percent(result.overall.percent),
        "out_of_1000": None if result.out_of_1000 is None else round(result.out_of_1000),
        "label_levels": [{"name": name, "bound": round(bound)} for name, bound in levels],
        "rows": rows,
        "radar": radar,
        "previous": diagnostic.previous if previous_result else None,
        "previous_overall": _percent(previous_result.overall.percent) if previous_result else None,
        "gaps": gaps,
        "follow_ups": follow_ups,
        "weak_themes": weak,
        "footprint": footprint,
        "progress": progress,
    }
