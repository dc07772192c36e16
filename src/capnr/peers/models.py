"""Peer exchange: experience reports an organisation shares about a roadmap item it finished or
abandoned, the suggestions a facilitator makes to write one, and the organisation's choice to take
part in the anonymous benchmarks.

Who sees a report is decided by tenancy, in ``organisations/tenancy/peers.py`` (from the report's
own ``visibility`` and the cohorts both organisations belong to), never by a view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capnr.core.access import Access
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned
from capnr.organisations.models import Organisation
from capnr.roadmap.models import PlanItem


class Visibility(models.TextChoices):
    """Who may read a report, narrowest first."""

    COHORT = "cohort", _("My cohort")
    COALITION = "coalition", _("The whole coalition")
    PUBLIC = "public", _("Everyone, on a public page")


class Outcome(models.TextChoices):
    """The roadmap item's end: failures teach too."""

    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class ContactMode(models.TextChoices):
    NONE = "none", _("Nobody to contact")
    FACILITATOR = "facilitator", _("Contact us through the facilitator")
    PERSON = "person", _("A named person (name and email shown with the report)")


class ExperienceReportQuerySet(OrganisationOwnedQuerySet["ExperienceReport"]):
    def published(self) -> ExperienceReportQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ExperienceReport(Versioned):
    """What an organisation learnt doing (or abandoning) one roadmap item, shared with peers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="experience_reports"
    )
    # The roadmap item it was written from; private to the organisation, never shown to peers.
    item = models.OneToOneField(
        PlanItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experience_report",
    )
    action_id = models.CharField(max_length=64, blank=True)  # catalogue id, "" if none
    theme = models.CharField(_("theme"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    year = models.PositiveSmallIntegerField(_("year it ended"))
    what_was_done = models.TextField(_("what was done"), max_length=4000)
    effort = models.CharField(
        _("effort"),
        max_length=200,
        blank=True,
        help_text=_("In your words, e.g. “3 days of the IT team, 1 day of the référent”."),
    )
    cost_eur = models.DecimalField(
        _("cost (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    result = models.TextField(_("result"), blank=True, max_length=4000)
    # [{"label", "unit", "before", "after", "direction"}], from the item's indicators.
    kpis = models.JSONField(default=list, blank=True)
    expected_kwh = models.FloatField(_("expected savings (kWh/yr)"), null=True, blank=True)
    expected_eur = models.FloatField(_("expected savings (€/yr)"), null=True, blank=True)
    expected_kgco2e = models.FloatField(_("expected savings (kgCO2e/yr)"), null=True, blank=True)
    measured_kwh = models.FloatField(_("measured savings (kWh/yr)"), null=True, blank=True)
    measured_eur = models.FloatField(_("measured savings (€/yr)"), null=True, blank=True)
    measured_kgco2e = models.FloatField(_("measured savings (kgCO2e/yr)"), null=True, blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True, max_length=4000)
    tips = models.TextField(_("tips"), blank=True, max_length=4000)
    links = models.TextField(
        _("documents worth sharing"),
        blank=True,
        max_length=2000,
        help_text=_("One address per line (a public document, a shared folder)."),
    )
    contact_mode = models.CharField(
        _("contact"), max_length=16, choices=ContactMode.choices, default=ContactMode.FACILITATOR
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    visibility = models.CharField(
        _("who may read it"), max_length=16, choices=Visibility.choices, default=Visibility.COHORT
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    edit_need = Access.ADMINISTER
    objects = ExperienceReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("experience report")
        verbose_name_plural = _("experience reports")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["action_id"], name="peers_report_action")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def shows_contact_person(self) -> bool:
        """The contact's name and email leave the organisation only when it opted in."""
        return self.contact_mode == ContactMode.PERSON and bool(self.contact_name)

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ReportSuggestion(models.Model):
    """A facilitator's suggestion that an organisation share a report. The organisation sees it
    and decides; the facilitator never writes or publishes the report."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="report_suggestions"
    )
    item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.created_at:%Y-%m-%d}"


class BenchmarkOptOut(models.Model):
    """An organisation that left the anonymous benchmarks: it neither counts in them nor sees
    them. No row: it takes part."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="benchmark_opt_out"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"opt-out · {self.organisation}"


class Inspiration(models.Model):
    """A roadmap item that names the report that inspired it. The report's authors see how many
    items it inspired, never which ones."""

    item = models.OneToOneField(PlanItem, on_delete=models.CASCADE, related_name="inspiration")
    report = models.ForeignKey(
        ExperienceReport, on_delete=models.CASCADE, related_name="inspirations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "item__organisation"
    edit_need = Access.CONTRIBUTE
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.item} ← {self.report}"


class CoalitionPublication(models.Model):
    """What a coalition chose to publish (its facilitators decide): a public page (the
    organisations that agreed to appear, the public reports, the aggregated figures) and the
    open-data file of its aggregated figures. No row: nothing is published."""

    coalition = models.OneToOneField(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="publication"
    )
    public_page = models.BooleanField(_("publish the coalition's public page"), default=False)
    open_data = models.BooleanField(
        _("publish the aggregated figures as open data (CSV)"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"publication · {self.coalition}"


class PublicListing(models.Model):
    """An organisation that agreed to appear, by name, on its coalition's public page."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="public_listing"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"listed · {self.organisation}"
