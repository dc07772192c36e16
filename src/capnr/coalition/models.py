"""Coalitions coach yearly cohorts of organisations. Their workspace comes later; for now they
carry the memberships that give facilitators read access to the organisations they coach."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capnr.core.access import SUPERUSER, OrganisationAccess
from capnr.core.owned import OrganisationOwnedQuerySet


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


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateField(_("joined on"), auto_now_add=True)

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
