"""Yearly self-diagnostics: one per organisation and year, answers per question of the referential.

Questions themselves are not stored: they live in the engine's versioned referential
(``capnr.engine.diagnostic``); a diagnostic records which version it was answered against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned
from capnr.organisations.models import Organisation


class DiagnosticStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class AnswerValue(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly (in progress)")
    NO = "no", _("No")
    NA = "na", _("Not applicable")
    UNKNOWN = "unknown", _("Don't know")


class DiagnosticQuerySet(OrganisationOwnedQuerySet[Any]):
    """The référent, the cohort's facilitator and a superuser run the diagnostic (and hand its
    questions over); a contributor answers only what is delegated to them, through
    ``delegations_for_user``, so no diagnostic row is theirs to change."""

    def may_edit_all(self, access: OrganisationAccess) -> bool:
        return access.can_run_diagnostic


class Diagnostic(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="diagnostics"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        max_length=16, choices=DiagnosticStatus.choices, default=DiagnosticStatus.IN_PROGRESS
    )
    referential_version = models.CharField(max_length=32)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Workshop mode: when it started, the theme being discussed and since when.
    workshop_started_at = models.DateTimeField(null=True, blank=True)
    workshop_theme = models.CharField(max_length=32, blank=True)
    workshop_theme_since = models.DateTimeField(null=True, blank=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_diagnostic_per_year")
        ]

    def __str__(self) -> str:
        return _("Self-diagnostic %(year)s") % {"year": self.year}

    @property
    def is_submitted(self) -> bool:
        return self.status == DiagnosticStatus.SUBMITTED


class Answer(models.Model):
    """One question's answer. ``value`` is empty while only a comment or a carried-over answer
    exists; ``to_confirm`` marks an answer carried over from last year that nobody confirmed."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=32)
    value = models.CharField(max_length=8, choices=AnswerValue.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    evidence = models.CharField(
        _("evidence"),
        max_length=500,
        blank=True,
        help_text=_("A document, a link or a figure that supports the answer."),
    )
    to_confirm = models.BooleanField(default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by_email = models.EmailField(blank=True)  # a delegate who answered through a link
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "question_id"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value or '—'}"

    @property
    def author(self) -> str:
        if self.answered_by_id:
            return str(self.answered_by)
        return self.answered_by_email


class Delegation(models.Model):
    """A question handed to a colleague: a contributor of the organisation, or an email address
    that receives a link to that single question."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="delegations")
    question_id = models.CharField(max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="diagnostic_delegations",
    )
    email = models.EmailField(blank=True)
    message = models.TextField(blank=True, max_length=2000)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    organisation_path = "diagnostic__organisation"
    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        ordering = ["question_id", "-created_at"]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.recipient}"

    @property
    def recipient(self) -> str:
        return str(self.user) if self.user_id else self.email

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WorkshopNote(models.Model):
    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="workshop_notes"
    )
    theme = models.CharField(max_length=32)
    question_id = models.CharField(max_length=32, blank=True)
    text = models.TextField(max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ThemeTime(models.Model):
    """Seconds the workshop spent on a theme (the timer per theme)."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="theme_times")
    theme = models.CharField(max_length=32)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "theme"], name="one_time_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.seconds} s"
