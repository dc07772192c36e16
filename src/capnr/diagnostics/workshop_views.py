"""Workshop mode: the facilitator runs the diagnostic with the organisation's référents, one
question per screen on a projector. Every screen works with plain links and form posts; the
keyboard script (``web/static/capnr/workshop.js``) only presses the page's own buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import OrganisationAccess, organisation_view
from capnr.engine import diagnostic as engine

from . import referential, selectors, services
from .forms import AnswerForm, NoteForm, initial_for
from .models import Answer, AnswerValue, Diagnostic, WorkshopNote

# The same hidden version and fingerprint as the theme pages (a carried-over answer is never
# "untouched"), so both screens save through one rule.

# The answer buttons, in the order of their keys 1–5 (yes, partly, no, not applicable, don't know).
ANSWER_LABELS = dict(AnswerValue.choices)


@dataclass(frozen=True)
class Choice:
    key: int
    value: str
    label: str
    pressed: bool  # the stored answer
    mine: bool = False  # the user's choice that a conflict left unsaved


def _open(answer: Answer | None) -> bool:
    """Still to discuss: no answer, only a comment, or last year's answer nobody confirmed."""
    return answer is None or not answer.value or answer.to_confirm


def _question_or_404(questions: list[engine.Question], question_id: str) -> engine.Question:
    question = next((q for q in questions if q.id == question_id), None)
    if question is None:
        raise Http404("No such question for this organisation.")
    return question


def _seconds_on(
    diagnostic: Diagnostic, times: dict[str, int], theme: str, now: dt.datetime
) -> tuple[int, bool]:
    """Seconds spent on ``theme``: the closed intervals plus the one running now (counted, like
    the service does, for at most ``MAX_INTERVAL``). Also says whether the clock is running."""
    seconds = times.get(theme, 0)
    since = diagnostic.workshop_theme_since
    running = diagnostic.workshop_theme == theme and since is not None
    if running and since is not None:
        seconds += max(int(min(now - since, services.MAX_INTERVAL).total_seconds()), 0)
    return seconds, running


def _duration(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)02d") % {"hours": minutes // 60, "minutes": minutes % 60}


def _question_url(access: OrganisationAccess, year: int, question: engine.Question) -> str:
    return reverse(
        "diagnostics:workshop_question", args=[access.organisation.slug, year, question.id]
    )


def _summary_url(access: OrganisationAccess, year: int) -> str:
    return reverse("diagnostics:workshop_summary", args=[access.organisation.slug, year])


@organisation_view()
@require_safe
def workshop_start(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    """Resume where the workshop is: the first question still open, from the theme being
    discussed onwards (then from the start), or the summary when every question is answered."""
    access.require_diagnostic()
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    questions = referential.questions_for(access.organisation)
    answers = selectors.answers_by_question(diagnostic)
    start = next((i for i, q in enumerate(questions) if q.theme == diagnostic.workshop_theme), 0)
    target = next(
        (q for q in questions[start:] + questions[:start] if _open(answers.get(q.id))), None
    )
    if target is None:
        return redirect(_summary_url(access, year))
    return redirect(_question_url(access, year, target))


@dataclass
class _Screen:
    """One question on the workshop screen: where it stands, and the state a post leaves it in."""

    diagnostic: Diagnostic
    questions: list[engine.Question]  # all that apply to the organisation, in order
    question: engine.Question
    position: int  # of ``question`` in ``questions``
    here: str
    next_url: str  # the next question, or the summary after the last one
    answers: dict[str, Answer]
    form: AnswerForm
    note_form: NoteForm
    conflict: services.AnswerConflict | None = None
    mine: str = ""  # the user's choice that a conflict left unsaved
    status: int = 200

    @property
    def answer(self) -> Answer | None:
        return self.answers.get(self.question.id)


def _screen(access: OrganisationAccess, year: int, question_id: str) -> _Screen:
    access.require_diagnostic()
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    questions = referential.questions_for(access.organisation)
    question = _question_or_404(questions, question_id)
    position = questions.index(question)
    answers = selectors.answers_by_question(diagnostic)
    return _Screen(
        diagnostic=diagnostic,
        questions=questions,
        question=question,
        position=position,
        here=_question_url(access, year, question),
        next_url=(
            _question_url(access, year, questions[position + 1])
            if position + 1 < len(questions)
            else _summary_url(access, year)
        ),
        answers=answers,
        form=AnswerForm(initial=initial_for(answers.get(question.id))),
        note_form=NoteForm(),
    )


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_question(
    request: HttpRequest, access: OrganisationAccess, year: int, question_id: str
) -> HttpResponse:
    """One question on the screen. POST ``action=answer`` saves the answer (the button pressed
    gives ``value``) and moves on; ``action=note`` adds a quick note to this question."""
    screen = _screen(access, year, question_id)
    if request.method == "POST":
        if screen.diagnostic.is_submitted:
            messages.error(request, _("This diagnostic is submitted: nothing was saved."))
            return redirect(screen.here)
        # The timer follows what the workshop does, never a page view (a GET writes nothing):
        # the theme of the question worked on is the one being discussed.
        services.workshop_visit(
            access=access, diagnostic=screen.diagnostic, theme=screen.question.theme
        )
        post = _add_note if request.POST.get("action") == "note" else _save_answer
        response = post(request, access, screen)
        if response is not None:
            return response
    return _render_screen(request, access, screen)


def _add_note(
    request: HttpRequest, access: OrganisationAccess, screen: _Screen
) -> HttpResponse | None:
    """Back to the notes once added; None (and a 400 screen) when the note is refused."""
    screen.note_form = NoteForm(request.POST)
    if screen.note_form.is_valid():
        try:
            services.workshop_note_add(
                access=access,
                diagnostic=screen.diagnostic,
                theme=screen.question.theme,
                question_id=screen.question.id,
                text=screen.note_form.cleaned_data["text"],
                author=request.user,
            )
        except ValidationError as error:
            screen.note_form.add_error("text", error)
        else:
            messages.success(request, _("Note added."))
            return redirect(f"{screen.here}#notes")
    screen.status = 400
    return None


def _save_answer(
    request: HttpRequest, access: OrganisationAccess, screen: _Screen
) -> HttpResponse | None:
    """On to the next question once saved; None when the screen must show why not (400, or 409
    with the other person's answer)."""
    answer = screen.answer
    screen.form = AnswerForm(request.POST, initial=initial_for(answer))
    if not screen.form.is_valid():
        screen.status = 400
        return None
    data = screen.form.cleaned_data
    submission = services.Submission(
        question_id=screen.question.id,
        value=data.get("value") or "",
        comment=data.get("comment") or "",
        # The workshop screen does not show the evidence: keep what is stored.
        evidence=answer.evidence if answer else "",
        version=data.get("version") or 0,
        initial=data.get("initial_print") or "",
        confirm=True,  # a button pressed on this one question: it confirms last year's answer
    )
    try:
        saved = services.answer_save(
            access=access, diagnostic=screen.diagnostic, submission=submission, user=request.user
        )
    except services.AnswerConflict as error:
        # Start again from the other person's answer and its version; what the user chose and
        # typed stays on the screen, unsaved.
        screen.conflict, screen.mine = error, submission.value
        screen.answers[screen.question.id] = error.current
        screen.form = AnswerForm(
            initial={**initial_for(error.current), "comment": submission.comment}
        )
        screen.status = 409
        return None
    except ValidationError as error:
        screen.form.add_error(None, error)
        screen.status = 400
        return None
    if saved is not None:
        messages.success(request, _saved_message(screen.position + 1, saved))
    following = screen.questions[screen.position + 1 : screen.position + 2]
    if following:  # the workshop moves on to it, maybe to the next theme
        services.workshop_visit(
            access=access, diagnostic=screen.diagnostic, theme=following[0].theme
        )
    return redirect(screen.next_url)


def _saved_message(number: int, saved: Answer) -> str:
    if saved.value:
        return _("Question %(number)s saved: %(answer)s.") % {
            "number": number,
            "answer": ANSWER_LABELS[saved.value],
        }
    return _("Question %(number)s saved.") % {"number": number}


def _render_screen(
    request: HttpRequest, access: OrganisationAccess, screen: _Screen
) -> HttpResponse:
    diagnostic, question, position = screen.diagnostic, screen.question, screen.position
    now = timezone.now()
    times = selectors.theme_times(diagnostic)
    seconds, running = _seconds_on(diagnostic, times, question.theme, now)
    progress = selectors.progress(diagnostic, screen.answers)
    theme_row = next(row for row in progress.themes if row.theme.id == question.theme)
    answer = screen.answer
    stored = answer.value if answer else ""
    return render(
        request,
        "diagnostics/workshop_question.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "question": question,
            "number": position + 1,
            "total": len(screen.questions),
            "text": referential.text(question),
            "why": referential.why(question),
            "how": referential.how(question),
            "who": referential.who(question),
            "answer": answer,
            "answer_label": ANSWER_LABELS.get(stored, ""),
            "choices": [
                Choice(key, value, label, pressed=value == stored, mine=value == screen.mine)
                for key, (value, label) in enumerate(AnswerValue.choices, start=1)
            ],
            "form": screen.form,
            "note_form": screen.note_form,
            "notes": selectors.workshop_notes(diagnostic).filter(question_id=question.id),
            "conflict": screen.conflict,
            "mine_label": ANSWER_LABELS.get(screen.mine, _("no answer")),
            "theme_title": referential.theme_title(theme_row.theme),
            "theme_number": progress.themes.index(theme_row) + 1,
            "theme_count": len(progress.themes),
            "theme_progress": theme_row,
            "minutes": seconds // 60,
            "seconds": seconds,
            "running": running and not diagnostic.is_submitted,
            # The running interval counts for at most MAX_INTERVAL: the ticking stops there too.
            "max_seconds": times.get(question.theme, 0)
            + int(services.MAX_INTERVAL.total_seconds()),
            "previous_url": _question_url(
                access, screen.diagnostic.year, screen.questions[position - 1]
            )
            if position > 0
            else "",
            "next_url": screen.next_url,
            "next_is_summary": position + 1 == len(screen.questions),
            "read_only": diagnostic.is_submitted,
        },
        status=screen.status,
    )


@organisation_view()
@require_POST
def workshop_pause(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    access.require_diagnostic()
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    services.workshop_pause(access=access, diagnostic=diagnostic)
    messages.success(request, _("Workshop paused: the timer is stopped until you resume."))
    return redirect("diagnostics:overview", access.organisation.slug, year)


@organisation_view()
@require_safe
def workshop_summary(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    """What the workshop did, theme by theme: answers, time, score, notes and the questions
    answered "don't know", to check afterwards."""
    access.require_diagnostic()
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    questions = referential.questions_for(access.organisation)
    numbers = {q.id: number for number, q in enumerate(questions, start=1)}
    answers = selectors.answers_by_question(diagnostic)
    progress = selectors.progress(diagnostic, answers)
    result = selectors.results(diagnostic, answers)
    times = selectors.theme_times(diagnostic)
    notes = list(selectors.workshop_notes(diagnostic))
    now = timezone.now()
    themes = []
    total_seconds = 0
    for row in progress.themes:
        seconds, _running = _seconds_on(diagnostic, times, row.theme.id, now)
        total_seconds += seconds
        themes.append(
            {
                "id": row.theme.id,
                "title": referential.theme_title(row.theme),
                "row": row,
                "duration": _duration(seconds),
                "score": result.themes[row.theme.id].percent,
                "notes": _summary_notes(access, year, questions, numbers, notes, row.theme.id),
                "follow_ups": _summary_follow_ups(
                    access, year, numbers, result.follow_ups, row.theme.id
                ),
            }
        )
    return render(
        request,
        "diagnostics/workshop_summary.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "progress": progress,
            "results": result,
            "themes": themes,
            "total_duration": _duration(total_seconds),
            "note_count": len(notes),
            "follow_up_count": len(result.follow_ups),
            "read_only": diagnostic.is_submitted,
        },
    )


def _summary_notes(
    access: OrganisationAccess,
    year: int,
    questions: list[engine.Question],
    numbers: dict[str, int],
    notes: list[WorkshopNote],
    theme: str,
) -> list[dict[str, Any]]:
    """The theme's notes, each with its question's number and screen (none for a question that
    no longer applies to the organisation)."""
    by_id = {q.id: q for q in questions}
    return [
        {
            "note": note,
            "number": numbers.get(note.question_id),
            "url": _question_url(access, year, by_id[note.question_id])
            if note.question_id in by_id
            else "",
        }
        for note in notes
        if note.theme == theme
    ]


def _summary_follow_ups(
    access: OrganisationAccess,
    year: int,
    numbers: dict[str, int],
    follow_ups: Iterable[engine.Question],
    theme: str,
) -> list[dict[str, Any]]:
    """The theme's questions answered "don't know", to check after the workshop."""
    return [
        {
            "number": numbers[q.id],
            "text": referential.text(q),
            "url": _question_url(access, year, q),
        }
        for q in follow_ups
        if q.theme == theme
    ]
