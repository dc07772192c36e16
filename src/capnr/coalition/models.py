"""Coalitions coach yearly cohorts of organisations: several facilitators per coalition, cohorts
with their dates and a public description, the organisations in each cohort (who stay in the
coalition as alumni once their cohort ends), the cohort's sessions with the attendance of each
organisation and person, and the facilitators' private notes on each organisation.

These rows belong to a coalition, not to an organisation: who may see or change them is decided
by ``capnr.organisations.tenancy`` (``cohort_access``, ``coalition_access``), never here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capnr.core.access import SUPERUSER, OrganisationAccess
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned


class Coalition(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_coalitions",
        verbose_name=_("facilitators"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("What the cohort is about, shown to its organisations."),
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="CohortMembership",
        related_name="cohorts",
        verbose_name=_("organisations"),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="cohort_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="cohort_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def is_closed(self, today: date | None = None) -> bool:
        """Whether the cohort has ended: its organisations are alumni of the coalition."""
        return self.end_date is not None and self.end_date < (today or timezone.localdate())


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateField(_("joined on"), auto_now_add=True)
    # An existing organisation a facilitator invited stays pending (its people unseen by the
    # coalition) until one of its référents accepts; rows made otherwise are members at once.
    pending = models.BooleanField(_("awaiting the référent's consent"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="cohort_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.cohort}"


class SessionKind(models.TextChoices):
    KICK_OFF = "kick_off", _("Kick-off")
    DIAGNOSTIC_WORKSHOP = "diagnostic_workshop", _("Diagnostic workshop")
    ROADMAP_WORKSHOP = "roadmap_workshop", _("Roadmap workshop")
    PEER_MEETING = "peer_meeting", _("Peer meeting")
    WEBINAR = "webinar", _("Webinar")
    CLOSING = "closing", _("Closing event")


class Session(Versioned):
    """One meeting of a cohort: where and when, what for, and which organisations are expected."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=32, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=250, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    expected = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="expected_sessions",
        verbose_name=_("organisations expected"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def day(self) -> date:
        """The day it starts, in the instance's time zone (what the pages and emails give)."""
        return timezone.localtime(self.starts_at).date()


class SessionMaterial(models.Model):
    """A document for a session, as a link (slides, a shared folder, a recording)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"))

    class Meta:
        verbose_name = _("session material")
        verbose_name_plural = _("session materials")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class SessionFile(models.Model):
    """A document uploaded for a session (slides, a handout). The file is kept under a random
    name in the data folder, never in a public one, and served only through a view that asks
    tenancy: the cohort's organisations' members and its coalition's facilitators."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session file")
        verbose_name_plural = _("session files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """Whether an organisation came to a session, and which of its people did (the facilitator
    records it)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("people present")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="attendance_one_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.session}"


class FacilitatorNote(models.Model):
    """A facilitator's private note on an organisation, with the date to follow it up. Only the
    coalition's facilitators read it: never the organisation (not in its pages, its API, its
    exports)."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facilitator note")
        verbose_name_plural = _("facilitator notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class MilestoneQuerySet(OrganisationOwnedQuerySet[Any]):
    """The organisation's members read its milestones; no organisation role changes them: the
    cohort's facilitators record them, through ``coalition.milestone_services``."""

    def may_edit_all(self, access: OrganisationAccess) -> bool:
        return access.role == SUPERUSER


class Milestone(models.Model):
    """A milestone the facilitator records by hand (the six-month review, the closing), with
    the day it was reached. The others are computed from what the organisation did
    (``coalition.milestones`` states the rules, ``coalition.progress`` reads the facts)."""

    class Kind(models.TextChoices):
        SIX_MONTH_REVIEW = "six_month_review", _("Six-month review")
        CLOSING = "closing", _("Closing")

    membership = models.ForeignKey(
        CohortMembership, on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("milestone"), max_length=32, choices=Kind.choices)
    reached_on = models.DateField(_("reached on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    organisation_path = "membership__organisation"
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["reached_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.kind} · {self.reached_on}"


class CalendarSubscription(models.Model):
    """A person's secret calendar address: the sessions of every cohort they take part in (as
    a member of one of its organisations or a facilitator of its coalition), for a calendar
    application that cannot log in. Only the hash of the address is kept; revoking deletes
    the row, renewing replaces the hash, and the previous address answers 404 at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_calendar"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar · {self.user}"
