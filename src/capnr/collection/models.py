"""The collection challenge: a campaign of collection boxes on the organisation's sites, the
departments competing (ranked by items per agent), and the deposits people declare from the QR
code on a box, without an account, with the journal of every correction.

The counts of a deposit are columns, one per item type of ``capnr.engine.collection.ITEM_TYPES``,
so that totals are sums in the database."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from capnr.core.access import Access
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.tokens import new_raw_token
from capnr.core.uploads import stored_name
from capnr.core.versioned import Versioned
from capnr.engine.collection import ITEM_TYPES, OUTCOMES
from capnr.organisations.models import Department, Organisation, Site


class ItemType(models.TextChoices):
    """What a campaign collects; the values are the engine's ITEM_TYPES, in its order."""

    PHONES = "phones", _("Phones")
    LAPTOPS = "laptops", _("Laptops")
    TABLETS = "tablets", _("Tablets")
    CHARGERS_CABLES = "chargers_cables", _("Chargers and cables")
    KEYBOARDS_MICE = "keyboards_mice", _("Keyboards and mice")
    SCREENS = "screens", _("Screens")
    PRINTERS = "printers", _("Printers")
    OTHER = "other", _("Other")


if tuple(ItemType.values) != ITEM_TYPES:  # one list, declared twice: keep them together
    raise ImproperlyConfigured("ItemType must list the engine's ITEM_TYPES in their order.")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")


class Campaign(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="collection_campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    rules = models.TextField(
        _("rules in plain words"),
        blank=True,
        max_length=4000,
        help_text=_("Shown on the deposit page and the posters: what to bring, what not to."),
    )
    item_types = models.JSONField(_("what is collected"), default=list)
    plan_item = models.ForeignKey(
        "roadmap.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("roadmap item"),
    )
    # The roadmap item's indicators the campaign's results are written to (items collected,
    # estimated kg, reuse rate: services.results_to_roadmap), created the first time.
    kpi_items = models.ForeignKey(
        "roadmap.KpiTarget", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    kpi_kg = models.ForeignKey(
        "roadmap.KpiTarget", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    kpi_reuse = models.ForeignKey(
        "roadmap.KpiTarget", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The hall screen's page: a link of its own, renewed by the référent to stop an old one.
    display_token = models.CharField(max_length=64, unique=True, default=new_raw_token)
    # The public page telling depositors what became of their devices: published by the
    # référent (opt-in), reached by this link; None while unpublished. Unpublishing forgets
    # the link, so publishing again gives a new one.
    outcomes_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection campaign")
        verbose_name_plural = _("collection campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="collection_campaign_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def outcomes_published(self) -> bool:
        return self.outcomes_token is not None


class Team(models.Model):
    """A department taking part, with its headcount for the per-agent ranking. It names one of
    the organisation's departments when it has them, or stands on its own name."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=200)
    headcount = models.PositiveIntegerField(
        _("headcount (agents)"),
        default=0,
        help_text=_("For the ranking by items per agent; 0 if not known (then not ranked)."),
    )

    organisation_path = "campaign__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("participating department")
        verbose_name_plural = _("participating departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="collection_team_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CollectionPoint(models.Model):
    """A box on a site. Its QR code carries ``token``: whoever holds it may declare deposits
    into this box, and nothing else. The token is kept as it is (not hashed) because the
    référent prints it again on posters; revoking or renewing it ends the old link."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="points")
    # A site deleted later leaves its boxes and their deposits, without a site.
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("site")
    )
    location = models.CharField(
        _("where it stands"),
        max_length=200,
        help_text=_("So people find it: “ground floor, beside the coffee machine”."),
    )
    person_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collection_points",
        verbose_name=_("person in charge"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_raw_token)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "campaign__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")
        ordering = ["site__name", "location"]

    def __str__(self) -> str:
        return f"{self.site} · {self.location}"

    @property
    def link_is_active(self) -> bool:
        return self.token_revoked_at is None


class Deposit(models.Model):
    """What one person put in a box, declared from its QR code. A wrong deposit is corrected or
    removed by the box's person in charge (or the référent), each change in the journal; a
    removed deposit stays, marked, so the journal keeps its subject."""

    point = models.ForeignKey(CollectionPoint, on_delete=models.CASCADE, related_name="deposits")
    # RESTRICT, not PROTECT: a department with deposits stays, unless its whole campaign goes.
    team = models.ForeignKey(
        Team, on_delete=models.RESTRICT, related_name="deposits", verbose_name=_("department")
    )
    phones = models.PositiveSmallIntegerField(_("phones"), default=0)
    laptops = models.PositiveSmallIntegerField(_("laptops"), default=0)
    tablets = models.PositiveSmallIntegerField(_("tablets"), default=0)
    chargers_cables = models.PositiveSmallIntegerField(_("chargers and cables"), default=0)
    keyboards_mice = models.PositiveSmallIntegerField(_("keyboards and mice"), default=0)
    screens = models.PositiveSmallIntegerField(_("screens"), default=0)
    printers = models.PositiveSmallIntegerField(_("printers"), default=0)
    other = models.PositiveSmallIntegerField(_("other"), default=0)
    works = models.CharField(
        _("does it work?"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    held_data = models.CharField(
        _("did it hold data?"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    first_name = models.CharField(_("first name"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    organisation_path = "point__campaign__organisation"
    edit_need = Access.ADMINISTER
    # A contributor in charge of the box corrects its deposits.
    owner_path = "point__person_in_charge"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.point} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def counts(self) -> dict[str, int]:
        return {kind: int(getattr(self, kind)) for kind in ITEM_TYPES}

    @property
    def items(self) -> int:
        return sum(self.counts.values())


class DepositChange(models.Model):
    """The journal of a deposit: who corrected or removed it, when, and what changed
    (``changes``: field → [before, after])."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        REMOVED = "removed", _("Removed")

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    changes = models.JSONField(default=dict)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    organisation_path = "deposit__point__campaign__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.deposit_id} {self.kind} {self.at:%Y-%m-%d}"


# --- What became of the devices ------------------------------------------------------------------


class Outcome(models.TextChoices):
    """Where sorted devices go; the engine's OUTCOMES, in its order (reuse first, then WEEE)."""

    REUSED_INTERNALLY = "reused_internally", _("Reused internally")
    DONATED = "donated", _("Donated")
    SOLD = "sold", _("Sold")
    REFURBISHER = "refurbisher", _("Sent to a refurbisher")
    WEEE = "weee", _("Recycled through a WEEE take-back scheme")


if tuple(Outcome.values) != OUTCOMES:
    raise ImproperlyConfigured("Outcome must list the engine's OUTCOMES in their order.")


class SortingBatch(models.Model):
    """Devices of one type sorted to one outcome on one day: a batch, or one device recorded
    on its own (``is_device``: a count of 1, with its serial number or asset tag if known, and
    its erasure recorded with it when it held data)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sorting")
    date = models.DateField(_("date"))
    item_type = models.CharField(_("kind of equipment"), max_length=20, choices=ItemType.choices)
    count = models.PositiveIntegerField(_("how many"))
    is_device = models.BooleanField(_("one device"), default=False)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    asset_tag = models.CharField(
        _("asset tag"),
        max_length=100,
        blank=True,
        help_text=_("The organisation's inventory number, if the device has one."),
    )
    outcome = models.CharField(_("what became of them"), max_length=20, choices=Outcome.choices)
    recipient = models.CharField(
        _("to whom"),
        max_length=200,
        blank=True,
        help_text=_("The association, buyer, refurbisher or take-back scheme (eco-organisme)."),
    )
    agreement = models.CharField(
        _("agreement or slip reference"),
        max_length=200,
        blank=True,
        help_text=_("The donation agreement, the sale or the waste tracking slip."),
    )
    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)
    held_data = models.PositiveIntegerField(
        _("how many held data"), default=0, help_text=_("Each must be erased: record it below.")
    )
    replaces_purchase = models.PositiveIntegerField(
        _("how many spare buying a new one"),
        default=0,
        help_text=_(
            "Reused inside, or given to someone who would otherwise buy new: only these count "
            "in the manufacturing avoided."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "campaign__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sorted batch")
        verbose_name_plural = _("sorted batches")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.count} × {self.item_type} → {self.outcome}"

    @property
    def device_reference(self) -> str:
        """The device's serial number and asset tag, as one would read them on a label."""
        return " · ".join(part for part in (self.serial_number, self.asset_tag) if part)


class ErasureMethod(models.TextChoices):
    OVERWRITE = "overwrite", _("Software overwrite of the whole disk")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase (encrypted disk, key destroyed)")
    FACTORY_RESET = "factory_reset", _("Factory reset of an encrypted phone or tablet")
    DESTRUCTION = "destruction", _("Physical destruction of the storage")


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up when first used (and again after the setting changes, as
    Django does for its default storage)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_PRIVATE_STORAGE = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        _PRIVATE_STORAGE._wrapped = empty


def private_storage() -> Storage:
    """Where the erasure certificates are kept: STORAGES["private"], never served as is."""
    return cast(Storage, _PRIVATE_STORAGE)


def certificate_path(erasure: Erasure, filename: str) -> str:
    """A name nobody can guess nor derive from the upload: random, with the type's extension
    (``filename`` is chosen by the service from the file's content, not by the sender)."""
    return f"erasure-certificates/{stored_name(PurePosixPath(filename).suffix)}"


class Erasure(models.Model):
    """Data erased from devices of a sorted batch: how, when, by whom, with what certificate
    (its reference, and the certificate's file if one was uploaded)."""

    batch = models.ForeignKey(SortingBatch, on_delete=models.CASCADE, related_name="erasures")
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=ErasureMethod.choices)
    devices = models.PositiveIntegerField(_("how many devices"))
    done_by = models.CharField(_("done by"), max_length=200)
    certificate = models.CharField(
        _("certificate reference"),
        max_length=200,
        blank=True,
        help_text=_("The number of the erasure certificate or report, if there is one."),
    )
    certificate_file = models.FileField(
        _("certificate file"),
        upload_to=certificate_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    # The name it was sent under, to show and to download under; never used as a path.
    certificate_file_name = models.CharField(max_length=200, blank=True)
    certificate_content_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    organisation_path = "batch__campaign__organisation"
    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.devices} · {self.method} · {self.date}"
