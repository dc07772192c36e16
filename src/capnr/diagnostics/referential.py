"""The bridge between organisations and the engine's referential: profile, questions, language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from capnr.core.i18n import english
from capnr.engine import diagnostic as engine
from capnr.organisations.models import Organisation


def profile_for(organisation: Organisation) -> engine.Profile:
    return engine.Profile(
        kind=organisation.kind or "other",
        population=organisation.population,
        purchasing_bracket=organisation.purchasing_bracket or "unknown",
        turnover_over_250m=organisation.turnover_over_250m,
    )


def questions_for(organisation: Organisation) -> list[engine.Question]:
    """The questions that apply to this organisation, in referential order."""
    return engine.applicable_questions(profile_for(organisation))


def text(question: engine.Question) -> str:
    return question.text_en if english() else question.text_fr


def why(question: engine.Question) -> str:
    return question.why_en if english() else question.why_fr


def how(question: engine.Question) -> str:
    return question.how_en if english() else question.how_fr


def theme_title(theme: engine.Theme) -> str:
    return theme.title_en if english() else theme.title_fr


def theme_short_title(theme: engine.Theme) -> str:
    """A word or two, where the full title does not fit (the radar's axes)."""
    return theme.short_en if english() else theme.short_fr


def themes() -> tuple[engine.Theme, ...]:
    return engine.referential().themes


def theme(theme_id: str) -> engine.Theme | None:
    return next((item for item in themes() if item.id == theme_id), None)


WHO_LABELS = {
    "it": _("IT department"),
    "purchasing": _("purchasing"),
    "hr": _("human resources"),
    "general_services": _("general services"),
    "communication": _("communication"),
    "management": _("management"),
    "accessibility": _("accessibility officer"),
    "data_protection": _("data protection officer"),
}

EFFORT_LABELS = {"easy": _("easy"), "medium": _("medium"), "hard": _("hard")}
PRIORITY_LABELS = {3: _("essential"), 2: _("important"), 1: _("useful")}


def who(question: engine.Question) -> str:
    return ", ".join(str(WHO_LABELS.get(code, code)) for code in question.who)


def number(question: engine.Question, questions: list[engine.Question]) -> int:
    """The question's position (1-based) among the organisation's applicable questions."""
    return next(i for i, q in enumerate(questions, start=1) if q.id == question.id)
