"""Coalitions coach yearly cohorts of organisations. Their workspace comes later; for now they
carry the memberships that give facilitators read access to the organisations they coach."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
