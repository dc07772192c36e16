"""Self-diagnostic pages: the yearly campaigns, the questionnaire theme by theme, delegation and
the results. Workshop mode lives in ``workshop_views``, the PDF and XLSX in ``exports_views``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import OrganisationAccess, organisation_view
from capnr.engine import diagnostic as engine
from capnr.organisations.selectors import member_list

from . import presentation, referential, selectors, services
from .forms import AnswerForm, DelegationForm, StartForm, initial_for
from .models import Answer, Delegation, Diagnostic


@dataclass
class QuestionItem:
    question: engine.Question
    number: int
    text: str
    why: str
    how: str
    who: str
    answer: Answer | None
    form: AnswerForm
    delegation: Delegation | None = None
    conflict: services.AnswerConflict | None = None
    errors: list[str] | None = None
    editable: bool = True  # False: shown read-only, the answer and its notes as text

    @property
    def priority_label(self) -> str:
        return str(referential.PRIORITY_LABELS[self.question.priority])

    @property
    def effort_label(self) -> str:
        return str(referential.EFFORT_LABELS[self.question.effort])


def _item(
    question: engine.Question,
    questions: list[engine.Question],
    answer: Answer | None,
    *,
    data: Any = None,
    prefix: str | None = None,
    delegation: Delegation | None = None,
    editable: bool = True,
) -> QuestionItem:
    form = AnswerForm(data, initial=initial_for(answer), prefix=prefix)
    return QuestionItem(
        question=question,
        number=referential.number(question, questions),
        text=referential.text(question),
        why=referential.why(question),
        how=referential.how(question),
        who=referential.who(question),
        answer=answer,
        form=form,
        delegation=delegation,
        editable=editable,
    )


def _submission(
    question_id: str, form: AnswerForm, *, confirm: bool = False
) -> services.Submission:
    """What the form sent for one question; ``confirm`` when the user's act confirms last year's
    answer whatever its box says (the theme's button, a page of this one question)."""
    data = form.cleaned_data
    return services.Submission(
        question_id=question_id,
        value=data.get("value") or "",
        comment=data.get("comment") or "",
        evidence=data.get("evidence") or "",
        version=data.get("version") or 0,
        initial=data.get("initial_print") or "",
        confirm=confirm or bool(data.get("confirm")),
    )


def _posted(data: Any, question_id: str) -> bool:
    """Whether the form sent this question (a page may post only some of its questions)."""
    return data is not None and f"{question_id}-version" in data


def _diagnostic(access: OrganisationAccess, year: int) -> Diagnostic:
    return selectors.diagnostic_get(access=access, year=year)


@organisation_view()
@require_safe
def diagnostic_index(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    diagnostics = list(selectors.diagnostic_list(access=access))
    rows = []
    for diagnostic in diagnostics:
        answers = selectors.answers_by_question(diagnostic)
        rows.append(
            {
                "diagnostic": diagnostic,
                "progress": selectors.progress(diagnostic, answers),
                "headline": presentation.headline(selectors.results(diagnostic, answers)),
            }
        )
    delegated = selectors.delegations_for_user(access=access, user=request.user).filter(
        diagnostic__status="in_progress"
    )
    return render(
        request,
        "diagnostics/index.html",
        {
            "access": access,
            "rows": rows,
            "start_form": StartForm(),
            "delegated_count": delegated.count(),
            "question_count": len(referential.questions_for(access.organisation)),
        },
    )


@organisation_view()
@require_POST
def diagnostic_start(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    access.require_diagnostic()
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            diagnostic = services.diagnostic_start(
                access=access, year=form.cleaned_data["year"], user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if diagnostic.previous is not None:
                messages.success(
                    request,
                    _(
                        "Diagnostic %(year)s started from your %(previous)s answers: confirm "
                        "or change each of them."
                    )
                    % {"year": diagnostic.year, "previous": diagnostic.previous.year},
                )
            return redirect("diagnostics:overview", access.organisation.slug, diagnostic.year)
    else:
        messages.error(request, _("Choose a year between 2000 and next year."))
    return redirect("diagnostics:index", access.organisation.slug)


@organisation_view()
@require_safe
def diagnostic_overview(
    request: HttpRequest, access: OrganisationAccess, year: int
) -> HttpResponse:
    diagnostic = _diagnostic(access, year)
    answers = selectors.answers_by_question(diagnostic)
    progress = selectors.progress(diagnostic, answers)
    questions = referential.questions_for(access.organisation)
    delegations = [
        {
            "delegation": delegation,
            "question": engine.referential().question(delegation.question_id),
            "number": referential.number(
                engine.referential().question(delegation.question_id), questions
            )
            if any(q.id == delegation.question_id for q in questions)
            else None,
        }
        for delegation in selectors.delegations(diagnostic)
    ]
    for row in delegations:
        row["text"] = referential.text(row["question"])
    results = selectors.results(diagnostic, answers)
    return render(
        request,
        "diagnostics/overview.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "progress": progress,
            "themes": [
                {
                    "row": row,
                    "title": referential.theme_title(row.theme),
                    "score": results.themes[row.theme.id],
                }
                for row in progress.themes
            ],
            "results": results,
            "delegations": delegations,
            "can_run": access.can_run_diagnostic,
            "can_submit": access.can_submit_diagnostic,
        },
    )


def _theme_or_404(theme_id: str) -> engine.Theme:
    theme = referential.theme(theme_id)
    if theme is None:
        raise Http404("No such theme.")
    return theme


def _conflict_json(conflict: services.AnswerConflict) -> dict[str, Any]:
    current = conflict.current
    return {
        "status": "conflict",
        "message": str(conflict),
        "question": conflict.question_id,
        "other": {
            "value": current.get_value_display() if current.value else "",
            "comment": current.comment,
            "evidence": current.evidence,
            "author": current.author,
        },
        "version": current.version,
    }


# A theme's questions are shown a few at a time, so that a page stays short (issue 12: an
# EcoIndex of 85 or more; each question is some thirty elements, its five answers included).
QUESTIONS_PER_PAGE = 5
T = TypeVar("T")


def question_pages(questions: Sequence[T], per_page: int = QUESTIONS_PER_PAGE) -> list[list[T]]:
    """The questions in pages of at most `per_page`, as even as can be (11 at 5 a page:
    4 + 4 + 3, not 5 + 5 + 1): the first pages take the one extra question each."""
    count = max(1, math.ceil(len(questions) / per_page))
    size, extra = divmod(len(questions), count)
    pages: list[list[T]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        pages.append(list(questions[start:end]))
        start = end
    return pages


def _page_number(request: HttpRequest, pages: list[list[engine.Question]]) -> int:
    """The page asked for (``?page=2``), or the one holding ``?q=<question id>`` (the links to
    one answer), else the first; a number out of range gives the nearest page."""
    asked = request.GET.get("page", "")
    if asked.isdigit():
        return min(max(int(asked), 1), len(pages))
    question_id = request.GET.get("q", "")
    for number, questions in enumerate(pages, start=1):
        if any(q.id == question_id for q in questions):
            return number
    return 1


def theme_page_url(slug: str, year: int, theme_id: str, number: int, anchor: str = "") -> str:
    """The address of page `number` of a theme's questions (the first has no ``?page``)."""
    url = reverse("diagnostics:theme", args=[slug, year, theme_id])
    return (f"{url}?page={number}" if number > 1 else url) + (f"#{anchor}" if anchor else "")


@dataclass
class ThemePage:
    """What every request on one theme's page starts from."""

    diagnostic: Diagnostic
    theme: engine.Theme
    questions: list[engine.Question]  # all that apply to the organisation: they number the theme's
    theme_questions: list[engine.Question]
    delegations: dict[str, Delegation]  # the active delegations, by question id
    editable: frozenset[str]  # the questions this user may answer while the diagnostic is open
    pages: list[list[engine.Question]]  # the theme's questions, a few a page
    number: int  # the page shown, from 1

    @property
    def shown(self) -> list[engine.Question]:
        return self.pages[self.number - 1]

    def may_change(self, question_id: str) -> bool:
        return question_id in self.editable and not self.diagnostic.is_submitted

    def require_editable(self) -> None:
        """A post needs a question of the theme to answer: readers, and contributors with no
        question of this theme handed to them, only read it."""
        if not any(q.id in self.editable for q in self.theme_questions):
            raise PermissionDenied("You may read these answers but not change them.")


def _theme_page(
    request: HttpRequest, access: OrganisationAccess, year: int, theme_id: str
) -> ThemePage:
    """Every member reads every theme; each question is editable only by who may answer it."""
    diagnostic = _diagnostic(access, year)
    theme = _theme_or_404(theme_id)
    questions = referential.questions_for(access.organisation)
    theme_questions = [q for q in questions if q.theme == theme.id]
    if not theme_questions:
        raise Http404("No question of this theme applies to this organisation.")
    pages = question_pages(theme_questions)
    return ThemePage(
        diagnostic=diagnostic,
        theme=theme,
        questions=questions,
        theme_questions=theme_questions,
        delegations={d.question_id: d for d in selectors.delegations(diagnostic)},
        editable=selectors.editable_question_ids(
            access=access, diagnostic=diagnostic, user=request.user
        ),
        pages=pages,
        number=_page_number(request, pages),
    )


def _theme_items(
    page: ThemePage,
    answers: dict[str, Answer],
    data: Any = None,
    questions: list[engine.Question] | None = None,
) -> list[QuestionItem]:
    """The page's questions (or `questions`); those the form sent, and this user may change,
    are bound to what was typed (anything else posted is ignored)."""
    return [
        _item(
            q,
            page.questions,
            answers.get(q.id),
            data=data if page.may_change(q.id) and _posted(data, q.id) else None,
            prefix=q.id,
            delegation=page.delegations.get(q.id),
            editable=page.may_change(q.id),
        )
        for q in (page.shown if questions is None else questions)
    ]


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def theme_answers(
    request: HttpRequest, access: OrganisationAccess, year: int, theme: str
) -> HttpResponse:
    """One theme's questions, a few a page (``?page=2``); a POST saves the questions it sends.
    The autosave script posts to :func:`theme_autosave`; a POST here that names ``autosave`` is
    still answered the same way, for pages opened before the script moved there."""
    page = _theme_page(request, access, year, theme)
    if request.method != "POST":
        answers = selectors.answers_by_question(page.diagnostic)
        return _render_theme(request, access, page, _theme_items(page, answers), answers)
    page.require_editable()
    if request.POST.get("autosave", ""):
        return _autosave(request, access, page)
    return _save_theme(request, access, page)


@organisation_view()
@require_POST
def theme_autosave(
    request: HttpRequest, access: OrganisationAccess, year: int, theme: str
) -> HttpResponse:
    """The autosave script (``web/static/capnr/diagnostic.js``) posts one question of the theme
    at a time, ``autosave=<question id>`` with that question's fields, and gets JSON back."""
    page = _theme_page(request, access, year, theme)
    page.require_editable()
    return _autosave(request, access, page)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"status": "error", "message": message}, status=status)


def _autosave(request: HttpRequest, access: OrganisationAccess, page: ThemePage) -> JsonResponse:
    """Save the question named by ``autosave``; answer its new version and fingerprint, or why
    not (400: unknown question or invalid answer; 409: closed diagnostic or someone else's
    newer answer, with that answer)."""
    question_id = request.POST.get("autosave", "")
    question = next((q for q in page.theme_questions if q.id == question_id), None)
    if question is None or not _posted(request.POST, question_id):
        return _json_error(_("Unknown question."), 400)
    if question_id not in page.editable:
        return _json_error(_("This question is not yours to answer."), 403)
    answer = selectors.answer_get(page.diagnostic, question_id)
    form = AnswerForm(request.POST, initial=initial_for(answer), prefix=question_id)
    valid = form.is_valid()
    try:
        result = services.answers_save(
            access=access,
            diagnostic=page.diagnostic,
            submissions=[_submission(question_id, form)] if valid else [],
            user=request.user,
        )
    except ValidationError as error:
        return _json_error(error.messages[0], 409)
    if not valid:
        return _json_error(" ".join(str(e) for errors in form.errors.values() for e in errors), 400)
    if result.conflicts:
        return JsonResponse(_conflict_json(result.conflicts[0]), status=409)
    if result.errors:
        return _json_error(" ".join(next(iter(result.errors.values()))), 400)
    initial = initial_for(selectors.answer_get(page.diagnostic, question_id))
    return JsonResponse(
        {
            "status": "saved" if result.saved or result.confirmed else "unchanged",
            "version": initial["version"],
            "initial": initial["initial_print"],
        }
    )


def _save_theme(request: HttpRequest, access: OrganisationAccess, page: ThemePage) -> HttpResponse:
    """The form post: save every question sent, each on its own; last year's answers are
    confirmed only where their box is ticked, or all those the page left unchanged when the
    button that says so (``confirm_unchanged``) was pressed. All saved → on to the page asked
    for; otherwise the page again (409) with the refused questions marked. Every question of
    the theme that was sent is saved, on this page or not (a page opened before the questions
    were paged sends them all)."""
    items = _theme_items(
        page, selectors.answers_by_question(page.diagnostic), request.POST, page.theme_questions
    )
    posted = [item for item in items if item.form.is_bound]
    invalid = {item.question.id for item in posted if not item.form.is_valid()}
    confirm_unchanged = bool(request.POST.get("confirm_unchanged"))
    submissions = [
        _submission(item.question.id, item.form, confirm=confirm_unchanged)
        for item in posted
        if item.question.id not in invalid
    ]
    try:
        result = services.answers_save(
            access=access, diagnostic=page.diagnostic, submissions=submissions, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:overview", access.organisation.slug, page.diagnostic.year)
    conflicts = {conflict.question_id: conflict for conflict in result.conflicts}
    if not invalid and not conflicts and not result.errors:
        _say_saved(request, result)
        return _redirect_after_save(request, access, page)
    answers = selectors.answers_by_question(page.diagnostic)
    refused = invalid | set(conflicts) | set(result.errors)
    items = _items_after_refusal(
        page,
        [item for item in items if item.question in page.shown or item.question.id in refused],
        answers,
        invalid,
        conflicts,
        result.errors,
    )
    messages.error(
        request,
        _("Some answers were not saved: see the questions marked below. The others are saved."),
    )
    return _render_theme(request, access, page, items, answers, status=409)


def _say_saved(request: HttpRequest, result: services.BatchResult) -> None:
    """Count what was written: answers changed, and last year's answers confirmed as they were."""
    if result.saved:
        count = len(result.saved)
        messages.success(
            request,
            ngettext("%(count)s answer saved.", "%(count)s answers saved.", count)
            % {"count": count},
        )
    if result.confirmed:
        count = len(result.confirmed)
        messages.success(
            request,
            ngettext(
                "%(count)s answer from last year confirmed.",
                "%(count)s answers from last year confirmed.",
                count,
            )
            % {"count": count},
        )


def _redirect_after_save(
    request: HttpRequest, access: OrganisationAccess, page: ThemePage
) -> HttpResponse:
    """The button pressed says where to go: another page of the theme, the next theme, the
    overview, or this page again."""
    slug, year = access.organisation.slug, page.diagnostic.year
    next_theme = request.POST.get("next_theme", "")
    if next_theme and referential.theme(next_theme):
        return redirect("diagnostics:theme", slug, year, next_theme)
    if "finish" in request.POST:
        return redirect("diagnostics:overview", slug, year)
    go_to = request.POST.get("go_to_page", "")
    number = min(max(int(go_to), 1), len(page.pages)) if go_to.isdigit() else page.number
    return redirect(theme_page_url(slug, year, page.theme.id, number))


def _items_after_refusal(
    page: ThemePage,
    items: list[QuestionItem],
    answers: dict[str, Answer],
    invalid: set[str],
    conflicts: dict[str, services.AnswerConflict],
    errors: dict[str, list[str]],
) -> list[QuestionItem]:
    """The page shown again: saved and untouched questions with their stored state, refused ones
    as typed with the reason; a conflict starts again from the other person's answer and its
    version, so that the next save is not refused again."""
    shown = []
    for item in items:
        qid = item.question.id
        if (qid in invalid or qid in errors) and qid not in conflicts:
            item.answer = answers.get(qid)
            item.errors = errors.get(qid)
            shown.append(item)
            continue
        fresh = _item(
            item.question,
            page.questions,
            answers.get(qid),
            prefix=qid,
            delegation=item.delegation,
            editable=item.editable,
        )
        fresh.conflict = conflicts.get(qid)
        shown.append(fresh)
    return shown


def _render_theme(
    request: HttpRequest,
    access: OrganisationAccess,
    page: ThemePage,
    items: list[QuestionItem],
    answers: dict[str, Answer],
    *,
    status: int = 200,
) -> HttpResponse:
    progress = selectors.progress(page.diagnostic, answers)
    theme_ids = [row.theme.id for row in progress.themes]
    position = theme_ids.index(page.theme.id)
    slug, year = access.organisation.slug, page.diagnostic.year
    pages = [
        {
            "number": number,
            "first": referential.number(questions[0], page.questions),
            "last": referential.number(questions[-1], page.questions),
            "url": theme_page_url(slug, year, page.theme.id, number),
        }
        for number, questions in enumerate(page.pages, start=1)
    ]
    return render(
        request,
        "diagnostics/theme.html",
        {
            "access": access,
            "diagnostic": page.diagnostic,
            "theme": page.theme,
            "theme_title": referential.theme_title(page.theme),
            "items": items,
            "progress": progress,
            "theme_progress": progress.themes[position],
            "themes": [
                {"id": row.theme.id, "title": referential.theme_title(row.theme), "row": row}
                for row in progress.themes
            ],
            "previous_theme": theme_ids[position - 1] if position > 0 else "",
            "next_theme": theme_ids[position + 1] if position + 1 < len(theme_ids) else "",
            "read_only": page.diagnostic.is_submitted,
            "can_edit": any(item.editable for item in items),
            "can_run": access.can_run_diagnostic,
            # The questions on this page and the theme's other pages ("questions 6 to 11").
            "pages": pages if len(pages) > 1 else [],
            "this_page": pages[page.number - 1],
            "previous_page": pages[page.number - 2] if page.number > 1 else None,
            "next_page": pages[page.number] if page.number < len(pages) else None,
            # Last year's answers this page's button confirms (those of this page only).
            "page_to_confirm": sum(
                1 for item in items if item.editable and item.answer and item.answer.to_confirm
            ),
            "action": theme_page_url(slug, year, page.theme.id, page.number),
        },
        status=status,
    )


def _members(access: OrganisationAccess) -> list[tuple[int, str]]:
    return [
        (membership.user.pk, f"{membership.user} ({membership.get_role_display()})")
        for membership in member_list(access=access)
        if membership.role in ("contributor", "referent")
    ]


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def delegate(
    request: HttpRequest, access: OrganisationAccess, year: int, question_id: str
) -> HttpResponse:
    access.require_diagnostic()
    diagnostic = _diagnostic(access, year)
    questions = referential.questions_for(access.organisation)
    question = next((q for q in questions if q.id == question_id), None)
    if question is None:
        raise Http404("No such question for this organisation.")
    form = DelegationForm(request.POST or None, members=_members(access))
    if request.method == "POST" and form.is_valid():
        try:
            delegation = services.delegation_create(
                access=access,
                diagnostic=diagnostic,
                question_id=question.id,
                created_by=request.user,
                user_id=form.cleaned_data["user"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                build_url=lambda raw: request.build_absolute_uri(
                    reverse("delegated", args=[raw])
                    if raw
                    else reverse("diagnostics:mine", args=[access.organisation.slug])
                ),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Question %(number)s sent to %(recipient)s.")
                % {
                    "number": referential.number(question, questions),
                    "recipient": delegation.recipient,
                },
            )
            theme_questions = [q for q in questions if q.theme == question.theme]
            number = next(
                n
                for n, shown in enumerate(question_pages(theme_questions), start=1)
                if question in shown
            )
            return redirect(
                theme_page_url(
                    access.organisation.slug, year, question.theme, number, f"q-{question.id}"
                )
            )
    return render(
        request,
        "diagnostics/delegate.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "question": question,
            "number": referential.number(question, questions),
            "text": referential.text(question),
            "who": referential.who(question),
            "form": form,
        },
    )


@organisation_view()
@require_POST
def delegation_revoke(
    request: HttpRequest, access: OrganisationAccess, year: int, delegation_id: int
) -> HttpResponse:
    access.require_diagnostic()
    diagnostic = _diagnostic(access, year)
    delegation = selectors.delegation_get(access=access, diagnostic=diagnostic, pk=delegation_id)
    services.delegation_revoke(access=access, delegation=delegation)
    messages.success(request, _("The question is taken back; the link no longer works."))
    return redirect("diagnostics:overview", access.organisation.slug, year)


@organisation_view()
@require_POST
def diagnostic_submit(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    access.require_diagnostic_submit()
    diagnostic = _diagnostic(access, year)
    try:
        services.diagnostic_submit(access=access, diagnostic=diagnostic, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:overview", access.organisation.slug, year)
    messages.success(
        request, _("Diagnostic submitted. You can reopen it at any time to change an answer.")
    )
    return redirect("diagnostics:results", access.organisation.slug, year)


@organisation_view()
@require_POST
def diagnostic_reopen(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    access.require_diagnostic_submit()
    diagnostic = _diagnostic(access, year)
    services.diagnostic_reopen(access=access, diagnostic=diagnostic)
    messages.success(request, _("Diagnostic reopened: answers can be changed again."))
    return redirect("diagnostics:overview", access.organisation.slug, year)


@organisation_view()
@require_safe
def results(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    diagnostic = _diagnostic(access, year)
    context = presentation.results_context(access, diagnostic)
    return render(request, "diagnostics/results.html", {"access": access, **context})


@organisation_view()
@require_safe
def results_gaps(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    """Every unmet legal obligation, the soonest due first (the results page shows the first
    few)."""
    diagnostic = _diagnostic(access, year)
    return render(
        request,
        "diagnostics/gaps.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "gaps": presentation.compliance_gaps(diagnostic),
        },
    )


# --- Delegates ------------------------------------------------------------------------------


@organisation_view()
@require_safe
def my_questions(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The questions delegated to the logged-in member: all a contributor sees of a diagnostic."""
    rows = []
    for delegation in selectors.delegations_for_user(access=access, user=request.user):
        question = engine.referential().question(delegation.question_id)
        answer = selectors.answer_get(delegation.diagnostic, delegation.question_id)
        rows.append(
            {
                "delegation": delegation,
                "text": referential.text(question),
                "answer": answer,
            }
        )
    return render(request, "diagnostics/mine.html", {"access": access, "rows": rows})


def _delegated_page(
    request: HttpRequest,
    delegation: Delegation,
    *,
    user: Any,
    template: str,
    context: dict[str, Any],
    done_url: str,
) -> HttpResponse:
    question = engine.referential().question(delegation.question_id)
    questions = referential.questions_for(delegation.diagnostic.organisation)
    answer = selectors.answer_get(delegation.diagnostic, question.id)
    item = _item(
        question,
        questions,
        answer,
        data=request.POST if request.method == "POST" else None,
        prefix=question.id,
    )
    status = 200
    if request.method == "POST":
        if item.form.is_valid():
            try:
                services.delegated_answer_save(
                    delegation=delegation,
                    # The question is alone on the page: saving it confirms last year's answer.
                    submission=_submission(question.id, item.form, confirm=True),
                    user=user,
                )
            except services.AnswerConflict as conflict:
                item = _item(question, questions, conflict.current, prefix=question.id)
                item.conflict = conflict
                status = 409
            except (ValidationError, services.DelegationUnusable) as error:
                item.errors = list(getattr(error, "messages", [str(error)]))
                status = 409
            else:
                messages.success(request, _("Thank you: your answer is saved."))
                return redirect(done_url)
        else:
            status = 400
    return render(
        request,
        template,
        {
            **context,
            "delegation": delegation,
            "diagnostic": delegation.diagnostic,
            "item": item,
            "read_only": delegation.diagnostic.is_submitted,
        },
        status=status,
    )


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def my_question(
    request: HttpRequest, access: OrganisationAccess, delegation_id: int
) -> HttpResponse:
    delegation = selectors.delegation_for_user(access=access, user=request.user, pk=delegation_id)
    return _delegated_page(
        request,
        delegation,
        user=request.user,
        template="diagnostics/my_question.html",
        context={"access": access},
        done_url=reverse("diagnostics:mine", args=[access.organisation.slug]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def delegated_question(request: HttpRequest, token: str) -> HttpResponse:
    """The single question a delegate reaches from the link in their email, without an account."""
    try:
        delegation = services.delegation_find(raw_token=token)
    except services.DelegationUnusable as error:
        return render(
            request, "diagnostics/delegated_unusable.html", {"reason": str(error)}, status=410
        )
    return _delegated_page(
        request,
        delegation,
        user=None,
        template="diagnostics/delegated.html",
        context={"organisation": delegation.diagnostic.organisation},
        done_url=request.path,
    )
