"""Actions turned into a plan: working groups, plan items with their journal and KPI
measurements, the approval of the roadmap. The action catalogue and the impact models live in
the engine (``capnr.engine.catalogue``, ``capnr.engine.impact``); rows here only name them by id.
The simulator scenarios an item's expected effect comes from belong to the actions app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capnr.actions.models import Scenario
from capnr.core.access import Access
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned
from capnr.organisations.models import Department, Organisation, Site


class WorkingGroup(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="working_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    mission = models.TextField(_("mission"), blank=True, max_length=2000)
    template = models.CharField(max_length=32, blank=True)  # one of the usual six, or ""

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A member is an account of the organisation, or just a name and an email address."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_lead = models.BooleanField(_("leads the group"), default=False)

    organisation_path = "group__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_lead", "name"]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else (self.name or self.email)


class MeetingNote(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("notes"), max_length=8000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.group} {self.date}"


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class Commitment(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    PILOT = "pilot", _("Pilot")
    DEPLOYED = "deployed", _("Deployed")


class PlanItem(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="plan_items"
    )
    action_id = models.CharField(max_length=64, blank=True)  # catalogue id, "" if written here
    theme = models.CharField(_("theme"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_plan_items",
        verbose_name=_("owner"),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("working group"),
    )
    sites = models.ManyToManyField(Site, blank=True, verbose_name=_("sites"))
    departments = models.ManyToManyField(Department, blank=True, verbose_name=_("departments"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    abandon_reason = models.TextField(_("why it was abandoned"), blank=True, max_length=2000)
    commitment = models.CharField(
        _("commitment"),
        max_length=16,
        choices=Commitment.choices,
        default=Commitment.CONSIDERING,
    )
    budget_eur = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    scenario = models.ForeignKey(
        Scenario,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("expected effect (scenario)"),
    )
    deleted_at = models.DateTimeField(null=True, blank=True)  # in the bin for 30 days
    last_activity_at = models.DateTimeField(null=True, blank=True)

    edit_need = Access.ADMINISTER
    owner_path = "owner"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "title"]

    def __str__(self) -> str:
        return self.title


class KpiTarget(models.Model):
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="kpis")
    kpi_id = models.CharField(max_length=64, blank=True)  # from the catalogue, or ""
    label = models.CharField(_("indicator"), max_length=160)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    baseline = models.FloatField(_("starting value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    direction = models.CharField(max_length=4, default="up")  # "up" or "down" is better

    organisation_path = "item__organisation"
    edit_need = Access.ADMINISTER
    owner_path = "item__owner"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class KpiMeasurement(models.Model):
    kpi = models.ForeignKey(KpiTarget, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.kpi} {self.date}: {self.value}"


class JournalEntry(models.Model):
    """The follow-up of a plan item: dated facts ("8 months later, no incident reported")."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="journal")
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"), max_length=4000)
    side_effect = models.BooleanField(_("a side effect observed"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "item__organisation"
    edit_need = Access.ADMINISTER
    owner_path = "item__owner"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.item} {self.date}"


class DigestSubscription(models.Model):
    """Opt-in to the weekly email about one's own plan items due soon or without news."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_digest_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class CalendarFeed(models.Model):
    """A secret address a calendar application reads the roadmap's due dates from."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"calendar · {self.organisation}"


class RoadmapApproval(models.Model):
    """A record that management approved the roadmap (the latest one is shown)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roadmap_approvals"
    )
    approved_on = models.DateField(_("approved on"))
    approved_by = models.CharField(
        _("approved by"),
        max_length=200,
        help_text=_("Who approved it, e.g. “Management committee” or a name and position."),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # What was approved: selectors.plan_fingerprint of the items then ("" for approvals
    # recorded before it was kept).
    plan_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.approved_on}"
