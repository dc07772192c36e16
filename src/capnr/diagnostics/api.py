"""Self-diagnostic endpoints under /api/v1/organisations/{slug}/diagnostics: the yearly
diagnostics, their scores, and the answers, one question at a time with optimistic locking.

Reading needs READ; starting and answering need what the pages need
(``access.require_diagnostic()``: the référent, the cohort's facilitator, a superuser);
submitting and reopening, ``access.require_diagnostic_submit()`` (the référent, a superuser:
never the facilitator). The services check both. Messages that explain a refusal come from the
services, in the user's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.core.access import OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Payload
from capnr.engine import diagnostic as engine

from . import presentation, selectors, services
from .models import Answer, Diagnostic

router = Router(tags=["diagnostic"])

AnswerChoice = Literal["", "yes", "partly", "no", "na", "unknown"]


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


class ProgressOut(Schema):
    answered: int = Field(..., description="Applicable questions answered and confirmed.")
    total: int = Field(..., description="Questions that apply to the organisation.")
    to_confirm: int = Field(
        ..., description="Answers carried over from the previous diagnostic, not confirmed yet."
    )
    percent: int


class DiagnosticSummaryOut(Schema):
    year: int
    status: Literal["in_progress", "submitted"]
    referential_version: str = Field(
        ..., description="Version of the referential the diagnostic is answered against."
    )
    version: int
    submitted_at: datetime | None
    progress: ProgressOut
    score: int | None = Field(
        ...,
        description="THE overall figure: the global score out of 100, rounded half up, as every "
        "page and report shows it with its grade (`headline`). Null while no answer counts yet.",
    )
    grade: str | None = Field(..., description="A (best) to E, from `score`.")
    headline: str | None = Field(
        ...,
        description='`score` and `grade` as the pages write them, e.g. "40/100 · C"; null while '
        "no answer counts yet.",
    )
    overall_percent: float | None = Field(
        ...,
        description="The global score before rounding (one decimal), for computations; show "
        "`score` instead. Null while no answer counts yet.",
    )
    out_of_1000: int | None = Field(
        ...,
        description="Kept for existing clients: `overall_percent` × 10, the Label NR's own "
        "scale. Pages do not show it; see `indicative_label_level`.",
    )


class ThemeScoreOut(Schema):
    id: str
    title_fr: str
    title_en: str
    short_fr: str = Field(..., description="A word or two, where the title does not fit.")
    short_en: str
    score: int | None = Field(
        ..., description="Score out of 100, rounded as the pages show it; null if nothing counts."
    )
    percent: float | None = Field(
        ..., description="The score before rounding (one decimal); null if nothing counts."
    )
    answered: int = Field(..., description="Applicable questions answered (N/A included).")
    applicable: int
    counted: int = Field(
        ..., description="Answers the score rests on: answered, “not applicable” aside."
    )
    too_few_answers: bool = Field(
        ...,
        description=f"True when the score rests on fewer than {engine.MIN_COUNTED_ANSWERS} "
        "counted answers: it says little, and the pages mark it and draw it apart.",
    )


class ComplianceGapOut(Schema):
    question_id: str
    answer: str | None = Field(..., description="The answer given, null if not answered.")
    legal_reference: str
    due: str = Field(..., description="ISO date the obligation applies from, or empty.")
    to_confirm: bool = Field(
        ..., description="True when our sources are uncertain about this obligation."
    )


class PreviousOut(Schema):
    year: int
    score: int | None = Field(..., description="Its overall score out of 100, rounded.")
    grade: str | None
    overall_percent: float | None


class DiagnosticOut(DiagnosticSummaryOut):
    themes: list[ThemeScoreOut]
    indicative_label_level: str | None = Field(
        ...,
        description="The Label NR level `score` would reach, named in the request's language "
        "(`score` × 10 against the level's bound out of 1000). Indicative only: the official "
        "grid is not public. Null below the first level.",
    )
    indicative_label_level_number: int | None = Field(
        ..., description="That level's number, 1 for the first; null below it."
    )
    compliance_gaps: list[ComplianceGapOut] = Field(
        ..., description="Applicable legal obligations not answered yes (or not applicable)."
    )
    follow_ups: list[str] = Field(..., description="Questions answered “don't know”.")
    previous: PreviousOut | None = Field(
        ..., description="The diagnostic this one was started from, with its overall score."
    )


class StartIn(Payload):
    year: int | None = Field(None, description="The year to diagnose; the current year if null.")


class AnswerOut(Schema):
    question_id: str
    value: str = Field(..., description="yes, partly, no, na, unknown, or empty.")
    comment: str
    evidence: str
    to_confirm: bool = Field(
        ..., description="Carried over from the previous diagnostic and not confirmed yet."
    )
    answered_by: str = Field(..., description="Display name or email of who answered.")
    updated_at: datetime | None
    version: int = Field(..., description="Send it back as `version` to change this answer.")


class AnswerIn(Payload):
    value: AnswerChoice = Field(
        "",
        description="yes, partly (in progress), no, na (not applicable), unknown (don't know), "
        "or empty to keep only a comment or evidence.",
    )
    comment: str = Field("", description="At most 4,000 characters.")
    evidence: str = Field(
        "", description="A document, a link or a figure that supports the answer (500 max)."
    )
    version: int = Field(
        ...,
        description="The answer's version the client last saw, 0 if it saw none. Sending the "
        "same answer again to a carried-over one confirms it.",
    )


class ConflictOut(Schema):
    detail: str
    current: AnswerOut | None = Field(
        None,
        description="On a conflict, the answer someone else saved meanwhile, which was kept; "
        "absent when the diagnostic is submitted.",
    )


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 422: ErrorOut}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _summary(
    diagnostic: Diagnostic, answers: dict[str, Answer] | None = None
) -> tuple[dict[str, Any], engine.Results]:
    answers = answers if answers is not None else selectors.answers_by_question(diagnostic)
    progress = selectors.progress(diagnostic, answers)
    result = selectors.results(diagnostic, answers)
    summary = {
        "year": diagnostic.year,
        "status": diagnostic.status,
        "referential_version": diagnostic.referential_version,
        "version": diagnostic.version,
        "submitted_at": diagnostic.submitted_at,
        "progress": {
            "answered": progress.answered,
            "total": progress.total,
            "to_confirm": progress.to_confirm,
            "percent": progress.percent,
        },
        "score": result.score,
        "grade": result.grade,
        "headline": presentation.headline(result),
        "overall_percent": _percent(result.overall.percent),
        "out_of_1000": None if result.out_of_1000 is None else round(result.out_of_1000),
    }
    return summary, result


def _detail(diagnostic: Diagnostic) -> dict[str, Any]:
    data, result = _summary(diagnostic)
    themes = [
        {
            "id": theme.id,
            "title_fr": theme.title_fr,
            "title_en": theme.title_en,
            "short_fr": theme.short_fr,
            "short_en": theme.short_en,
            "score": result.themes[theme.id].rounded,
            "percent": _percent(result.themes[theme.id].percent),
            "answered": result.themes[theme.id].answered,
            "applicable": result.themes[theme.id].applicable,
            "counted": result.themes[theme.id].counted,
            "too_few_answers": result.themes[theme.id].too_few_answers,
        }
        for theme in engine.referential().themes
        if result.themes[theme.id].applicable
    ]
    gaps = [
        {
            "question_id": gap.question.id,
            "answer": gap.answer,
            "legal_reference": gap.question.obligation.reference,
            "due": gap.question.obligation.due,
            "to_confirm": gap.question.obligation.to_confirm,
        }
        for gap in result.gaps
        if gap.question.obligation is not None
    ]
    previous = None
    if diagnostic.previous is not None:
        previous_result = selectors.results(diagnostic.previous)
        previous = {
            "year": diagnostic.previous.year,
            "score": previous_result.score,
            "grade": previous_result.grade,
            "overall_percent": _percent(previous_result.overall.percent),
        }
    return {
        **data,
        "themes": themes,
        "indicative_label_level": presentation.label_level_name(result.label_level_number),
        "indicative_label_level_number": result.label_level_number,
        "compliance_gaps": gaps,
        "follow_ups": [question.id for question in result.follow_ups],
        "previous": previous,
    }


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "value": answer.value,
        "comment": answer.comment,
        "evidence": answer.evidence,
        "to_confirm": answer.to_confirm,
        "answered_by": answer.author or "",
        "updated_at": answer.updated_at,
        "version": answer.version,
    }


def _no_answer(question_id: str) -> dict[str, Any]:
    return {
        "question_id": question_id,
        "value": "",
        "comment": "",
        "evidence": "",
        "to_confirm": False,
        "answered_by": "",
        "updated_at": None,
        "version": 0,
    }


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


@router.get(
    "/{slug}/diagnostics",
    response={200: list[DiagnosticSummaryOut], **READ_ERRORS},
    summary="List the organisation's diagnostics",
)
@organisation_endpoint()
def diagnostic_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    """Every yearly self-diagnostic of the organisation, newest first, with its progress and
    overall score. Answers carried over from the previous year count in neither until someone
    confirms them."""
    return [_summary(diagnostic)[0] for diagnostic in selectors.diagnostic_list(access=access)]


@router.post(
    "/{slug}/diagnostics",
    response={201: DiagnosticOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Start a diagnostic for a year",
)
@organisation_endpoint()
def diagnostic_start(
    request: HttpRequest, access: OrganisationAccess, payload: StartIn
) -> Status[Any]:
    """Start the self-diagnostic of ``year`` (the current year by default), pre-filled from the
    latest earlier diagnostic: each carried-over answer is marked ``to_confirm``.

    For the référent, the cohort's facilitator or a superuser (403 otherwise). 409 if the year
    already has a diagnostic; 422 if the year is before 2000 or after next year."""
    year = payload.year if payload.year is not None else timezone.localdate().year
    try:
        diagnostic = services.diagnostic_start(
            access=access,
            year=year,
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        exists = selectors.diagnostic_list(access=access).filter(year=year).exists()
        return Status(409 if exists else 422, {"detail": _message(error)})
    except IntegrityError:  # started by someone else at the same moment
        return Status(409, {"detail": f"There is already a diagnostic for {year}."})
    return Status(201, _detail(selectors.diagnostic_get(access=access, year=diagnostic.year)))


@router.get(
    "/{slug}/diagnostics/{year}",
    response={200: DiagnosticOut, **READ_ERRORS},
    summary="One diagnostic with its scores",
)
@organisation_endpoint()
def diagnostic_detail(request: HttpRequest, access: OrganisationAccess, year: int) -> Any:
    """The overall `score` out of 100 and its `grade` (`headline`, "40/100 · C": the figure
    every page and report shows), the Label NR level it would reach (indicative only), the
    scores per theme with how many answers each rests on (`too_few_answers` under 3 counted
    answers), the compliance gaps (applicable legal obligations not answered yes), the
    follow-ups (questions answered "don't know") and the previous diagnostic's score."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    return _detail(diagnostic)


@router.get(
    "/{slug}/diagnostics/{year}/answers",
    response={200: list[AnswerOut], **READ_ERRORS},
    summary="The answers of a diagnostic",
)
@organisation_endpoint()
def answer_list(request: HttpRequest, access: OrganisationAccess, year: int) -> Any:
    """Every stored answer, by question id. A question never answered has no entry (its version
    is 0). Each answer's ``version`` is what ``PUT …/answers/{question_id}`` expects back."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    return [_answer(answer) for answer in selectors.answers_by_question(diagnostic).values()]


@router.put(
    "/{slug}/diagnostics/{year}/answers/{question_id}",
    response={200: AnswerOut, 409: ConflictOut, **WRITE_ERRORS},
    summary="Answer one question",
)
@organisation_endpoint()
def answer_put(
    request: HttpRequest, access: OrganisationAccess, year: int, question_id: str, payload: AnswerIn
) -> Status[Any]:
    """Save the answer to one question. ``version`` is the version the client last saw (0 if
    none): if someone saved the question since, nothing is overwritten and the reply is 409 with
    their answer in ``current``; choose again and send its version.

    For the référent, the cohort's facilitator or a superuser (403 otherwise). 422 for a
    question that does not apply to the organisation or an impossible value; 409 with a message
    once the diagnostic is submitted (reopen it first)."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    submission = services.Submission(
        question_id=question_id,
        value=payload.value,
        comment=payload.comment,
        evidence=payload.evidence,
        version=payload.version,
    )
    try:
        saved = services.answer_save(
            access=access,
            diagnostic=diagnostic,
            submission=submission,
            user=request.user,  # type: ignore[arg-type]
        )
    except services.AnswerConflict as conflict:
        return Status(409, {"detail": str(conflict), "current": _answer(conflict.current)})
    except ValidationError as error:
        return Status(409 if diagnostic.is_submitted else 422, {"detail": _message(error)})
    if saved is None:  # nothing changed: the stored answer (if any) is the answer
        saved = selectors.answers_by_question(diagnostic).get(question_id)
    return Status(200, _answer(saved) if saved is not None else _no_answer(question_id))


@router.post(
    "/{slug}/diagnostics/{year}/submit",
    response={200: DiagnosticOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Submit a diagnostic",
)
@organisation_endpoint()
def diagnostic_submit(request: HttpRequest, access: OrganisationAccess, year: int) -> Status[Any]:
    """Mark the diagnostic submitted: its answers can no longer change until it is reopened.
    For the référent or a superuser (403 for the facilitator); 409 if already submitted."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    try:
        services.diagnostic_submit(
            access=access,
            diagnostic=diagnostic,
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        return Status(409, {"detail": _message(error)})
    return Status(200, _detail(diagnostic))


@router.post(
    "/{slug}/diagnostics/{year}/reopen",
    response={200: DiagnosticOut, **WRITE_ERRORS},
    summary="Reopen a submitted diagnostic",
)
@organisation_endpoint()
def diagnostic_reopen(request: HttpRequest, access: OrganisationAccess, year: int) -> Any:
    """Submission is never final: reopen the diagnostic so its answers can change again.
    Reopening a diagnostic in progress changes nothing. For the référent or a superuser (403
    for the facilitator)."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    services.diagnostic_reopen(access=access, diagnostic=diagnostic)
    return _detail(diagnostic)
