"""Reads of the self-diagnostic, always from an already-checked OrganisationAccess."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet
from django.http import Http404

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access, latest_by_organisation
from capnr.engine import diagnostic as engine

from .models import Answer, Delegation, Diagnostic, DiagnosticStatus, ThemeTime, WorkshopNote
from .referential import profile_for, questions_for

if TYPE_CHECKING:
    from capnr.organisations.models import User


def diagnostic_list(*, access: OrganisationAccess) -> QuerySet[Diagnostic]:
    return Diagnostic.objects.for_access(access).select_related("organisation").order_by("-year")


def diagnostic_get(*, access: OrganisationAccess, year: int) -> Diagnostic:
    diagnostic = (
        Diagnostic.objects.for_access(access)
        .filter(year=year)
        .select_related("organisation", "previous", "submitted_by")
        .first()
    )
    if diagnostic is None:
        raise Http404("No diagnostic for this year.")
    return diagnostic


def latest_diagnostic(*, access: OrganisationAccess) -> Diagnostic | None:
    return diagnostic_list(access=access).first()


def answers_by_question(diagnostic: Diagnostic) -> dict[str, Answer]:
    return {
        answer.question_id: answer for answer in diagnostic.answers.select_related("answered_by")
    }


def answer_get(diagnostic: Diagnostic, question_id: str) -> Answer | None:
    return Answer.objects.filter(diagnostic=diagnostic, question_id=question_id).first()


def scored_answers(answers: dict[str, Answer]) -> dict[str, str]:
    """What counts in the score: given answers, not the carried-over ones still to confirm."""
    return {
        qid: answer.value
        for qid, answer in answers.items()
        if answer.value and not answer.to_confirm
    }


@dataclass
class ThemeProgress:
    theme: engine.Theme
    questions: list[engine.Question]
    answered: int = 0
    to_confirm: int = 0
    unknown: int = 0
    delegated: int = 0

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


@dataclass
class Progress:
    themes: list[ThemeProgress] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(theme.answered for theme in self.themes)

    @property
    def total(self) -> int:
        return sum(theme.total for theme in self.themes)

    @property
    def to_confirm(self) -> int:
        return sum(theme.to_confirm for theme in self.themes)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def progress(
    diagnostic: Diagnostic,
    answers: dict[str, Answer] | None = None,
    delegated: set[str] | None = None,
) -> Progress:
    """How far the diagnostic is answered, theme by theme. ``answers`` and ``delegated`` (the
    questions handed over) are read when not given (a page listing many diagnostics reads them
    in bulk: ``answers_by_diagnostic``, ``delegated_questions``)."""
    answers = answers if answers is not None else answers_by_question(diagnostic)
    if delegated is None:
        delegated = delegated_questions([diagnostic]).get(diagnostic.pk, set())
    questions = questions_for(diagnostic.organisation)
    result = Progress()
    for theme in engine.referential().themes:
        row = ThemeProgress(theme, [q for q in questions if q.theme == theme.id])
        for question in row.questions:
            answer = answers.get(question.id)
            if answer is not None and answer.value:
                if answer.to_confirm:
                    row.to_confirm += 1
                else:
                    row.answered += 1
                    row.unknown += answer.value == "unknown"
            row.delegated += question.id in delegated
        if row.questions:
            result.themes.append(row)
    return result


def results(diagnostic: Diagnostic, answers: dict[str, Answer] | None = None) -> engine.Results:
    """The diagnostic's scores. Without ``answers``, only the scored values are read (no answer
    objects, no authors: the organisation home scores several diagnostics a request)."""
    if answers is None:
        scored = dict(
            diagnostic.answers.filter(to_confirm=False)
            .exclude(value="")
            .values_list("question_id", "value")
        )
    else:
        scored = scored_answers(answers)
    return engine.score(scored, profile_for(diagnostic.organisation))


def latest_submitted_results(
    *, accesses: Sequence[OrganisationAccess]
) -> dict[int, engine.Results]:
    """The scores of each organisation's latest submitted diagnostic (the figure of its results
    page), by organisation id, in two queries whatever the number of organisations."""
    organisations = {access.organisation.pk: access.organisation for access in accesses}
    latest: dict[int, int] = {}  # organisation id -> diagnostic id
    for diagnostic_id, organisation_id in (
        Diagnostic.objects.for_accesses(accesses)
        .filter(status=DiagnosticStatus.SUBMITTED)
        .order_by("organisation_id", "-year")
        .values_list("pk", "organisation_id")
    ):
        latest.setdefault(organisation_id, diagnostic_id)
    answers: dict[int, dict[str, Answer]] = {diagnostic_id: {} for diagnostic_id in latest.values()}
    for answer in Answer.objects.filter(diagnostic_id__in=answers).only(
        "diagnostic_id", "question_id", "value", "to_confirm"
    ):
        answers[answer.diagnostic_id][answer.question_id] = answer
    return {
        organisation_id: engine.score(
            scored_answers(answers[diagnostic_id]), profile_for(organisations[organisation_id])
        )
        for organisation_id, diagnostic_id in latest.items()
    }


def delegations(diagnostic: Diagnostic) -> QuerySet[Delegation]:
    return diagnostic.delegations.filter(revoked_at__isnull=True).select_related(
        "user", "created_by"
    )


def delegation_get(*, access: OrganisationAccess, diagnostic: Diagnostic, pk: int) -> Delegation:
    return get_for_access(
        Delegation.objects.filter(diagnostic=diagnostic).select_related(
            "diagnostic__organisation", "user"
        ),
        pk,
        access,
    )


def delegations_for_user(*, access: OrganisationAccess, user: User) -> QuerySet[Delegation]:
    """The questions handed to ``user`` in this organisation, newest diagnostic first."""
    return (
        Delegation.objects.for_access(access)
        .filter(user=user, revoked_at__isnull=True)
        .select_related("diagnostic", "created_by")
        .order_by("-diagnostic__year", "question_id")
    )


def editable_question_ids(
    *, access: OrganisationAccess, diagnostic: Diagnostic, user: User
) -> frozenset[str]:
    """The questions ``user`` may answer in ``diagnostic`` (while it is open): every one that
    applies for whoever runs the diagnostic, the ones handed to them for a contributor, none
    for a reader. Everyone in the organisation reads them all."""
    if access.can_run_diagnostic:
        return frozenset(q.id for q in questions_for(diagnostic.organisation))
    if not access.can_contribute:
        return frozenset()
    return frozenset(
        delegations_for_user(access=access, user=user)
        .filter(diagnostic=diagnostic)
        .values_list("question_id", flat=True)
    )


def delegation_for_user(*, access: OrganisationAccess, user: User, pk: int) -> Delegation:
    delegation = delegations_for_user(access=access, user=user).filter(pk=pk).first()
    if delegation is None:
        raise Http404("No such question for you.")
    return delegation


def theme_times(diagnostic: Diagnostic) -> dict[str, int]:
    return dict(ThemeTime.objects.filter(diagnostic=diagnostic).values_list("theme", "seconds"))


def workshop_notes(diagnostic: Diagnostic) -> QuerySet[WorkshopNote]:
    return diagnostic.workshop_notes.select_related("author")


def last_answer_at(*, access: OrganisationAccess, until: dt.datetime) -> dt.datetime | None:
    """The latest answer saved or diagnostic submitted, at or before ``until``."""
    return last_answers_at(accesses=[access], until=until).get(access.organisation.pk)


# The same reads for several organisations at once (a cohort's dashboard): a fixed number of
# queries whatever their number, each result keyed by organisation (or diagnostic) id.


def diagnostics_by_organisation(
    *, accesses: Sequence[OrganisationAccess]
) -> dict[int, list[Diagnostic]]:
    """Every diagnostic of each organisation, the latest year first (``diagnostic_list``)."""
    found: dict[int, list[Diagnostic]] = {}
    rows = Diagnostic.objects.for_accesses(accesses).select_related("organisation")
    for diagnostic in rows.order_by("organisation_id", "-year"):
        found.setdefault(diagnostic.organisation_id, []).append(diagnostic)
    return found


def answers_by_diagnostic(diagnostics: Iterable[Diagnostic]) -> dict[int, dict[str, Answer]]:
    """Each diagnostic's answers by question (``answers_by_question``, without who answered)."""
    found: dict[int, dict[str, Answer]] = {d.pk: {} for d in diagnostics}
    for answer in Answer.objects.filter(diagnostic_id__in=found).order_by():
        found[answer.diagnostic_id][answer.question_id] = answer
    return found


def delegated_questions(diagnostics: Iterable[Diagnostic]) -> dict[int, set[str]]:
    """The questions each diagnostic hands over (delegations not revoked)."""
    found: dict[int, set[str]] = {d.pk: set() for d in diagnostics}
    rows = Delegation.objects.filter(diagnostic_id__in=found, revoked_at__isnull=True).order_by()
    for diagnostic_id, question_id in rows.values_list("diagnostic_id", "question_id"):
        found[diagnostic_id].add(question_id)
    return found


def last_answers_at(
    *, accesses: Sequence[OrganisationAccess], until: dt.datetime
) -> dict[int, dt.datetime]:
    """Each organisation's latest answer saved or diagnostic submitted, at or before ``until``
    (organisations with none are left out)."""
    diagnostics = Diagnostic.objects.for_accesses(accesses)
    answered = (
        Answer.objects.filter(diagnostic__in=diagnostics, updated_at__lte=until)
        .order_by()
        .values_list("diagnostic__organisation_id")
        .annotate(last=Max("updated_at"))
    )
    submitted = (
        diagnostics.filter(submitted_at__lte=until)
        .order_by()
        .values_list("organisation_id")
        .annotate(last=Max("submitted_at"))
    )
    return latest_by_organisation(answered, submitted)
