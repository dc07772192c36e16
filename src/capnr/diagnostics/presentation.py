"""What the results page and the PDF report show: scores, radar, gaps, follow-ups and stakes.

One score, one way: every page, report and the API give the global score as its rounded figure
out of 100 with its grade, "40/100 · C" (``headline``); the indicative Label NR level is said
beside it, once, with what it is (``label_nr``). A theme scored on fewer than
``engine.MIN_COUNTED_ANSWERS`` answers is marked, drawn apart on the radar and not a stake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
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
# The results page leads with the gaps due soonest; the others are one link away (issue 12: a
# page short enough for an EcoIndex of 85, with some twenty obligations unmet in the demo).
TOP_GAPS = 3


@dataclass
class ThemeRow:
    theme: engine.Theme
    title: str
    short_title: str
    score: engine.Score
    previous_score: engine.Score | None
    weight: int  # sum of the priorities of its applicable questions

    @property
    def previous(self) -> float | None:
        return None if self.previous_score is None else self.previous_score.percent

    @property
    def too_few_answers(self) -> bool:
        return self.score.too_few_answers

    @property
    def change(self) -> int | None:
        """This year's shown figure minus last year's, so that the three columns add up; none
        when either rests on too few answers."""
        before = self.previous_score
        if before is None or self.score.too_few_answers or before.too_few_answers:
            return None
        if self.score.rounded is None or before.rounded is None:
            return None
        return self.score.rounded - before.rounded


def headline(result: engine.Results) -> str | None:
    """THE global figure, the same everywhere: "40/100 · C" (None while nothing counts)."""
    if result.score is None:
        return None
    return f"{result.score}/100 · {result.grade}"


def grades_sentence() -> str:
    """What the grade letters mean, from the referential's bounds."""
    bounds = [
        _("%(letter)s from %(bound)s") % {"letter": letter, "bound": round(bound)}
        for letter, bound in engine.referential().grades
        if bound > 0
    ]
    return _("Grade from A (best) to E: %(bounds)s.") % {"bounds": ", ".join(bounds)}


def label_level_name(number: int | None) -> str | None:
    """The indicative Label NR level's name in the reader's language ("Level 2 (indicative)");
    the referential names its levels in French only."""
    if number is None:
        return None
    return _("Level %(number)s (indicative)") % {"number": number}


def label_nr(result: engine.Results) -> dict[str, Any] | None:
    """The indicative Label NR level beside the headline: the level reached (or not yet) in
    one sentence, and, once, what it is with every level's threshold. The label's own scale
    is out of 1000; its levels are given on the score's /100 scale, their /1000 bound in
    brackets."""
    if result.score is None:
        return None
    ascending = sorted(engine.referential().label_levels, key=lambda level: level[1])
    if not ascending:
        return None
    levels = [
        {"number": number, "score": round(bound / 10), "out_of_1000": round(bound)}
        for number, (_name, bound) in enumerate(ascending, start=1)
    ]
    reached = result.label_level_number
    if reached is None:
        sentence = _("Label NR, indicative level: not reached yet.")
    else:
        sentence = _("Label NR, indicative level: level %(number)s.") % {"number": reached}
    explained = ", ".join(
        _("level %(number)s from %(score)s/100 (%(out_of_1000)s/1000)") % level for level in levels
    )
    explanation = _(
        "The Label Numérique Responsable rates organisations out of 1000 and its official grid "
        "is not public: this level is Cap NR's indicative reading of your score, neither a "
        "certification nor a forecast of the label's decision (%(levels)s)."
    ) % {"levels": explained}
    return {"level": reached, "levels": levels, "sentence": sentence, "explanation": explanation}


def _svg(markup: str) -> SafeString:
    """Chart markup from ``charts``, which escapes every label it writes."""
    return mark_safe(markup)  # noqa: S308


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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
    """One row per theme that has applicable questions, in the referential's order (the
    radar's axes go round in that order)."""
    rows: list[ThemeRow] = []
    for theme in engine.referential().themes:
        theme_questions = [q for q in questions if q.theme == theme.id]
        if not theme_questions:
            continue
        rows.append(
            ThemeRow(
                theme=theme,
                title=referential.theme_title(theme),
                short_title=referential.theme_short_title(theme),
                score=result.themes[theme.id],
                previous_score=previous_result.themes[theme.id] if previous_result else None,
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
    when nothing is scored yet or there are too few themes for a radar. Its axes are the
    themes' short names; the table beside it gives the full names and the figures."""
    if result.overall.percent is None or len(rows) < 3:
        return None
    series: list[tuple[str, list[float | None]]] = [
        (str(diagnostic.year), [row.score.percent for row in rows])
    ]
    few = [[row.score.too_few_answers for row in rows]]
    if previous_result is not None and diagnostic.previous is not None:
        series.append((str(diagnostic.previous.year), [row.previous for row in rows]))
        few.append(
            [row.previous_score is not None and row.previous_score.too_few_answers for row in rows]
        )
    return _svg(
        radar_chart(
            "radar",
            _("Score per theme, %(year)s") % {"year": diagnostic.year},
            _(
                "Score out of 100 for each theme. The table beside it gives the same figures "
                "and how many answers each rests on."
            ),
            [row.short_title for row in rows],
            series,
            few_answers=few,
            not_scored_label=_("Not scored"),
            few_answers_label=_("Too few answers (off the line)"),
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
    """The stakes: themes scored under WEAK_THEME, the weakest and weightiest first; a theme
    scored on too few answers says too little to be one."""
    return sorted(
        (
            row
            for row in rows
            if row.score.percent is not None
            and row.score.percent < WEAK_THEME
            and not row.too_few_answers
        ),
        key=lambda row: (row.score.percent or 0.0) - row.weight,
    )[:MAX_STAKES]


def compliance_gaps(diagnostic: Diagnostic) -> list[dict[str, Any]]:
    """Every unmet legal obligation of the diagnostic, the soonest due first."""
    questions = referential.questions_for(diagnostic.organisation)
    return _compliance_gaps(selectors.results(diagnostic), questions)


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
    progress = selectors.progress(diagnostic, answers)
    return {
        "diagnostic": diagnostic,
        "results": result,
        "headline": headline(result),
        "grades_sentence": grades_sentence(),
        "label_nr": label_nr(result),
        "min_counted_answers": engine.MIN_COUNTED_ANSWERS,
        "any_too_few": any(row.too_few_answers for row in rows),
        "rows": rows,
        "radar": radar,
        "previous": diagnostic.previous if previous_result else None,
        "previous_headline": headline(previous_result) if previous_result else None,
        "gaps": gaps,
        "top_gaps": gaps[:TOP_GAPS],
        "follow_ups": follow_ups,
        "weak_themes": weak,
        "footprint": footprint,
        "progress": progress,
    }
