"""Writes of the self-diagnostic. Every function receives an already-checked OrganisationAccess
(or, for a delegate by link, the delegation found from its token) and checks the rest here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core import mail
from capnr.core.access import OrganisationAccess
from capnr.core.owned import require_same_organisation
from capnr.core.tokens import hash_token, new_raw_token
from capnr.engine import diagnostic as engine
from capnr.organisations.models import Membership, Role

from . import selectors
from .models import (
    Answer,
    AnswerValue,
    Delegation,
    Diagnostic,
    DiagnosticStatus,
    ThemeTime,
    WorkshopNote,
)
from .referential import questions_for

if TYPE_CHECKING:
    from capnr.organisations.models import User

FIRST_YEAR = 2000
DELEGATION_DAYS = 30
# A workshop interval longer than this is a pause nobody declared; it counts for this much.
MAX_INTERVAL = dt.timedelta(minutes=30)


class AnswerConflict(Exception):
    """Someone else saved this question after the user opened it: their answer is kept."""

    def __init__(self, question_id: str, current: Answer) -> None:
        super().__init__(
            _(
                "Someone else answered this question while you were on it. Your answer was "
                "not saved; theirs is shown below. Choose again if you disagree."
            )
        )
        self.question_id = question_id
        self.current = current


class DelegationUnusable(Exception):
    """A delegation link that is unknown, revoked, expired or whose question is closed."""


@dataclass(frozen=True)
class Submission:
    """What a form sent for one question; ``initial`` fingerprints what the page showed."""

    question_id: str
    value: str
    comment: str
    evidence: str
    version: int
    initial: str = ""
    # The user asked for last year's answer to be confirmed as it is (a confirm box ticked, the
    # theme's "confirm the unchanged answers" button, a one-question page saved); without it a
    # question the page showed and the user left alone is not written, carried over or not.
    confirm: bool = False


def fingerprint(value: str, comment: str, evidence: str) -> str:
    """A short stable digest of an answer as shown, to tell a touched question from one left."""
    return hash_token(f"{value}\x1f{comment.strip()}\x1f{evidence.strip()}")[:16]


def _require_diagnostic(access: OrganisationAccess, diagnostic: Diagnostic) -> None:
    """Whoever runs the diagnostic (``access.require_diagnostic``), on this organisation's."""
    access.require_diagnostic()
    require_same_organisation(access, diagnostic)


def _check_open(diagnostic: Diagnostic) -> None:
    if diagnostic.is_submitted:
        raise ValidationError(
            _("This diagnostic is submitted. The référent can reopen it to change answers.")
        )


def _check_question(diagnostic: Diagnostic, question_id: str) -> engine.Question:
    applicable = {q.id: q for q in questions_for(diagnostic.organisation)}
    if question_id not in applicable:
        raise ValidationError(
            _("Question %(id)s does not apply to this organisation.") % {"id": question_id}
        )
    return applicable[question_id]


def _check_value(value: str) -> None:
    if value and value not in AnswerValue.values:
        raise ValidationError(_("“%(value)s” is not a possible answer.") % {"value": value})


@transaction.atomic
def diagnostic_start(*, access: OrganisationAccess, year: int, user: User | None) -> Diagnostic:
    """A new yearly diagnostic, pre-filled from the latest earlier one: each carried answer is
    marked to confirm, so last year's state is a starting point, not a silent copy."""
    access.require_diagnostic()
    organisation = access.organisation
    if year < FIRST_YEAR or year > timezone.now().year + 1:
        raise ValidationError({"year": _("Choose a year between 2000 and next year.")})
    if Diagnostic.objects.for_access(access).filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a diagnostic for %(year)s.") % {"year": year}}
        )
    previous = Diagnostic.objects.for_access(access).filter(year__lt=year).order_by("-year").first()
    try:
        with transaction.atomic():
            diagnostic = Diagnostic.objects.create(
                organisation=organisation,
                year=year,
                referential_version=engine.referential().version,
                previous=previous,
                created_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            {"year": _("There is already a diagnostic for %(year)s.") % {"year": year}}
        ) from None
    if previous is not None:
        known = {question.id for question in engine.referential().questions}
        Answer.objects.bulk_create(
            Answer(
                diagnostic=diagnostic,
                question_id=old.question_id,
                value=old.value,
                comment=old.comment,
                evidence=old.evidence,
                to_confirm=True,
            )
            for old in previous.answers.all()
            if old.question_id in known and (old.value or old.comment or old.evidence)
        )
    return diagnostic


@dataclass(frozen=True)
class _Written:
    answer: Answer
    confirmed: bool  # last year's answer confirmed as it was: nothing else changed


def _write(
    diagnostic: Diagnostic,
    submission: Submission,
    *,
    user: User | None,
    email: str = "",
) -> _Written | None:
    """Save one question's answer if it changed, or confirm last year's when asked; refuse it if
    someone saved in between."""
    _check_question(diagnostic, submission.question_id)
    _check_value(submission.value)
    comment, evidence = submission.comment.strip(), submission.evidence.strip()
    if len(comment) > 4000 or len(evidence) > 500:
        raise ValidationError(_("The comment is limited to 4,000 characters, the evidence to 500."))
    shown = fingerprint(submission.value, comment, evidence)
    current = Answer.objects.filter(
        diagnostic=diagnostic, question_id=submission.question_id
    ).first()
    same = (
        current is not None
        and fingerprint(current.value, current.comment, current.evidence) == shown
    )
    carried = current is not None and current.to_confirm
    untouched = bool(submission.initial) and submission.initial == shown
    if untouched and not (submission.confirm and carried):
        return None  # left as the page showed it: a carried-over answer stays to confirm
    if same and not carried:
        return None  # nothing new to write
    if current is None and not (submission.value or comment or evidence):
        return None
    now = timezone.now()
    fields = {
        "value": submission.value,
        "comment": comment,
        "evidence": evidence,
        "to_confirm": False,
        "answered_by": user,
        "answered_by_email": "" if user else email,
    }
    if current is None:
        if submission.version != 0:
            raise ValidationError(_("This answer was removed meanwhile; reload the page."))
        try:
            with transaction.atomic():
                created = Answer.objects.create(
                    diagnostic=diagnostic, question_id=submission.question_id, **fields
                )
            return _Written(created, confirmed=False)
        except IntegrityError:
            current = Answer.objects.get(diagnostic=diagnostic, question_id=submission.question_id)
            raise AnswerConflict(submission.question_id, current) from None
    if same:  # confirming a carried-over answer as it is
        pass
    elif current.version != submission.version:
        raise AnswerConflict(submission.question_id, current)
    updated = Answer.objects.filter(pk=current.pk, version=current.version).update(
        **fields, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        current.refresh_from_db()
        raise AnswerConflict(submission.question_id, current)
    current.refresh_from_db()
    return _Written(current, confirmed=same)


def answer_save(
    *, access: OrganisationAccess, diagnostic: Diagnostic, submission: Submission, user: User
) -> Answer | None:
    _require_diagnostic(access, diagnostic)
    _check_open(diagnostic)
    written = _write(diagnostic, submission, user=user)
    return written.answer if written is not None else None


@dataclass
class BatchResult:
    saved: list[str]  # questions whose answer changed
    conflicts: list[AnswerConflict]
    errors: dict[str, list[str]]
    confirmed: list[str] = field(default_factory=list)  # last year's answers confirmed as is


def answers_save(
    *,
    access: OrganisationAccess,
    diagnostic: Diagnostic,
    submissions: Iterable[Submission],
    user: User,
) -> BatchResult:
    """Save a theme page: every question on its own, so one conflict loses nothing else.
    Whoever runs the diagnostic saves any question; a contributor only those handed to them
    (PermissionDenied for any other, and for a reader), which marks their delegation answered."""
    require_same_organisation(access, diagnostic)
    submissions = list(submissions)
    editable = selectors.editable_question_ids(access=access, diagnostic=diagnostic, user=user)
    if not editable or any(s.question_id not in editable for s in submissions):
        raise PermissionDenied("Only the référent, the facilitator or the delegate answers this.")
    _check_open(diagnostic)
    result = BatchResult([], [], {})
    for submission in submissions:
        try:
            with transaction.atomic():
                written = _write(diagnostic, submission, user=user)
                if written is not None and not access.can_run_diagnostic:
                    diagnostic.delegations.filter(
                        question_id=submission.question_id, user=user, revoked_at__isnull=True
                    ).update(answered_at=timezone.now())
            if written is not None:
                (result.confirmed if written.confirmed else result.saved).append(
                    submission.question_id
                )
        except AnswerConflict as conflict:
            result.conflicts.append(conflict)
        except ValidationError as error:
            result.errors[submission.question_id] = error.messages
    return result


@transaction.atomic
def diagnostic_submit(*, access: OrganisationAccess, diagnostic: Diagnostic, user: User) -> None:
    """The organisation's référent (or a superuser) makes the answers this year's reference;
    the facilitator, who runs the workshop with them, does not."""
    access.require_diagnostic_submit()
    require_same_organisation(access, diagnostic)
    _check_open(diagnostic)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        status=DiagnosticStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=user,
        version=F("version") + 1,
    )
    diagnostic.refresh_from_db()


@transaction.atomic
def diagnostic_reopen(*, access: OrganisationAccess, diagnostic: Diagnostic) -> None:
    """Submission is never final: the référent (or a superuser) can reopen."""
    access.require_diagnostic_submit()
    require_same_organisation(access, diagnostic)
    if not diagnostic.is_submitted:
        return
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        status=DiagnosticStatus.IN_PROGRESS, submitted_at=None, version=F("version") + 1
    )
    diagnostic.refresh_from_db()


# --- Delegation -----------------------------------------------------------------------------


def _send_delegation_email(delegation: Delegation, url: str) -> None:
    question = engine.referential().question(delegation.question_id)
    context = {"delegation": delegation, "question": question, "url": url}

    def compose() -> tuple[str, str]:
        subject = _("A question for you in %(organisation)s's responsible IT diagnostic") % {
            "organisation": delegation.diagnostic.organisation.name
        }
        return subject, render_to_string("diagnostics/email/delegation.txt", context)

    # A colleague without an account gets French, the default.
    mail.send_each([delegation.user.email if delegation.user else delegation.email], compose)


@transaction.atomic
def delegation_create(
    *,
    access: OrganisationAccess,
    diagnostic: Diagnostic,
    question_id: str,
    created_by: User,
    user_id: int | None = None,
    email: str = "",
    message: str = "",
    build_url: Callable[[str | None], str],
    notify: bool = True,
) -> Delegation:
    """Hand one question to a contributor, or to an email address that gets a link to it.
    ``build_url(raw_token)`` gives the link (``None`` for a member, who logs in)."""
    _require_diagnostic(access, diagnostic)
    _check_open(diagnostic)
    _check_question(diagnostic, question_id)
    email = email.strip().lower()
    if bool(user_id) == bool(email):
        raise ValidationError(_("Choose a member of the organisation or type an email address."))
    user = None
    if user_id:
        membership = (
            Membership.objects.for_access(access)
            .filter(user_id=user_id, role__in=[Role.CONTRIBUTOR, Role.REFERENT])
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ValidationError(
                _("Only a contributor or a référent of the organisation can receive a question.")
            )
        user = membership.user
    now = timezone.now()
    diagnostic.delegations.filter(question_id=question_id, revoked_at__isnull=True).update(
        revoked_at=now
    )
    raw = None if user else new_raw_token()
    delegation = Delegation.objects.create(
        diagnostic=diagnostic,
        question_id=question_id,
        user=user,
        email="" if user else email,
        message=message.strip()[:2000],
        token_hash=hash_token(raw) if raw else "",
        expires_at=None if user else now + dt.timedelta(days=DELEGATION_DAYS),
        created_by=created_by,
    )
    url = build_url(raw)
    if notify:
        transaction.on_commit(lambda: _send_delegation_email(delegation, url))
    return delegation


@transaction.atomic
def delegation_revoke(*, access: OrganisationAccess, delegation: Delegation) -> None:
    access.require_diagnostic()
    require_same_organisation(access, delegation)
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])


def delegation_find(*, raw_token: str) -> Delegation:
    """The active delegation behind a link, or DelegationUnusable with the reason."""
    delegation = (
        Delegation.objects.filter(token_hash=hash_token(raw_token), user__isnull=True)
        .select_related("diagnostic__organisation")
        .first()
        if raw_token
        else None
    )
    if delegation is None or delegation.revoked_at is not None:
        raise DelegationUnusable(
            _("This link does not work any more. Ask the person who sent it for a new one.")
        )
    if delegation.expires_at is not None and delegation.expires_at < timezone.now():
        raise DelegationUnusable(
            _("This link has expired. Ask the person who sent it for a new one.")
        )
    return delegation


@transaction.atomic
def delegated_answer_save(
    *, delegation: Delegation, submission: Submission, user: User | None = None
) -> Answer | None:
    """A delegate answers their one question, by link (``user`` None) or logged in."""
    if delegation.revoked_at is not None:
        raise DelegationUnusable(_("This question was taken back by the référent."))
    if user is not None and delegation.user_id != user.pk:
        raise PermissionDenied("This question was not delegated to you.")
    if (
        user is not None
        and not Membership.objects.filter(
            organisation=delegation.diagnostic.organisation_id,
            user=user,
            role__in=[Role.CONTRIBUTOR, Role.REFERENT],
        ).exists()
    ):
        raise PermissionDenied("Only a contributor or a référent answers a delegated question.")
    if submission.question_id != delegation.question_id:
        raise PermissionDenied("Only the delegated question can be answered.")
    diagnostic = delegation.diagnostic
    _check_open(diagnostic)
    written = _write(diagnostic, submission, user=user, email=delegation.email)
    if written is None:
        return None
    Delegation.objects.filter(pk=delegation.pk).update(answered_at=timezone.now())
    return written.answer


# --- Workshop -------------------------------------------------------------------------------


def _close_interval(diagnostic: Diagnostic, now: dt.datetime) -> None:
    if diagnostic.workshop_theme and diagnostic.workshop_theme_since:
        seconds = int(min(now - diagnostic.workshop_theme_since, MAX_INTERVAL).total_seconds())
        row, _created = ThemeTime.objects.get_or_create(
            diagnostic=diagnostic, theme=diagnostic.workshop_theme
        )
        ThemeTime.objects.filter(pk=row.pk).update(seconds=F("seconds") + max(seconds, 0))


@transaction.atomic
def workshop_visit(
    *,
    access: OrganisationAccess,
    diagnostic: Diagnostic,
    theme: str,
    now: dt.datetime | None = None,
) -> None:
    """The workshop shows a question of ``theme``: time so far goes to the theme it leaves."""
    _require_diagnostic(access, diagnostic)
    now = now or timezone.now()
    since = diagnostic.workshop_theme_since
    if diagnostic.workshop_theme == theme and since and now - since < MAX_INTERVAL:
        return
    _close_interval(diagnostic, now)
    diagnostic.workshop_started_at = diagnostic.workshop_started_at or now
    diagnostic.workshop_theme = theme
    diagnostic.workshop_theme_since = now
    diagnostic.save(update_fields=["workshop_started_at", "workshop_theme", "workshop_theme_since"])


@transaction.atomic
def workshop_pause(
    *, access: OrganisationAccess, diagnostic: Diagnostic, now: dt.datetime | None = None
) -> None:
    _require_diagnostic(access, diagnostic)
    _close_interval(diagnostic, now or timezone.now())
    diagnostic.workshop_theme = ""
    diagnostic.workshop_theme_since = None
    diagnostic.save(update_fields=["workshop_theme", "workshop_theme_since"])


def workshop_note_add(
    *,
    access: OrganisationAccess,
    diagnostic: Diagnostic,
    theme: str,
    question_id: str,
    text: str,
    author: User,
) -> WorkshopNote:
    _require_diagnostic(access, diagnostic)
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."))
    if len(text) > 4000:
        raise ValidationError(_("A note is limited to 4,000 characters."))
    return WorkshopNote.objects.create(
        diagnostic=diagnostic, theme=theme, question_id=question_id, text=text, author=author
    )
