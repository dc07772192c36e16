"""The organisation's IT fleet, its imports and its footprint runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.organisations.models import Department, Organisation, Site


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    IN_STOCK = "in_stock", _("In stock")
    IN_REPAIR = "in_repair", _("Under repair")
    RETIRED = "retired", _("Retired")


class AssetOrigin(models.TextChoices):
    IMPORT = "import", _("Imported inventory")
    COUNTS = "counts", _("Entered as counts")


class Asset(models.Model):
    """One device, or a group of identical devices (``quantity``) entered as counts."""

    # No index of its own: every composite index below starts with the organisation, and each
    # index costs an import of 100,000 rows a tenth of its storing time.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assets", db_index=False
    )
    category = models.CharField(_("category"), max_length=32)
    category_confidence = models.FloatField(default=1.0)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    name = models.CharField(_("name"), max_length=200, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=120, blank=True)
    inventory_number = models.CharField(_("inventory number"), max_length=120, blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="assets"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="assets"
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    lifetime_years = models.FloatField(_("planned lifetime (years)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    os_name = models.CharField(_("operating system"), max_length=120, blank=True)
    # Read from files that give them (G4IT's paysDUtilisation, dateRetrait, consoElecAnnuelle).
    country = models.CharField(
        _("country of use"),
        max_length=3,
        blank=True,
        help_text=_("ISO 3166-1 alpha-3 code; empty: France"),
    )
    retirement_date = models.DateField(_("retirement date"), null=True, blank=True)
    annual_kwh = models.FloatField(_("declared yearly consumption (kWh)"), null=True, blank=True)
    origin = models.CharField(
        max_length=16, choices=AssetOrigin.choices, default=AssetOrigin.IMPORT
    )
    # Written by every import, read by none: no index (imports are kept, so the SET NULL on
    # deletion, which would then scan the assets, happens only with their organisation).
    last_import = models.ForeignKey(
        "InventoryImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["category", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "serial_number"],
                condition=~Q(serial_number=""),
                name="asset_unique_serial",
            ),
            models.UniqueConstraint(
                fields=["organisation", "inventory_number"],
                condition=~Q(inventory_number=""),
                name="asset_unique_inventory_number",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "category"], name="asset_org_status_cat"
            ),
            # Covers the age pyramid and the counts per category: read from the index alone.
            models.Index(
                fields=[
                    "organisation",
                    "category",
                    "purchase_date",
                    "lifetime_years",
                    "status",
                    "quantity",
                ],
                name="asset_org_age",
            ),
            models.Index(fields=["organisation", "category", "name"], name="asset_org_list"),
        ]

    def __str__(self) -> str:
        return self.name or self.serial_number or self.inventory_number or self.category


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    MAPPING = "mapping", _("Columns to confirm")
    VALIDATING = "validating", _("Checking the rows")
    TO_CONFIRM = "to_confirm", _("Ready: waiting for your confirmation")
    REJECTED = "rejected", _("Problems to fix in the file")
    STORING = "storing", _("Storing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class InventoryImport(models.Model):
    """One upload, from the file to the stored assets. The file and the checked rows live in the
    data directory until the import is confirmed or cancelled; no asset is written before."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inventory_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)
    detected = models.JSONField(default=dict, blank=True)
    header = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # column index (str) -> field
    full_reimport = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    uncertain = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.READING, ImportStatus.VALIDATING, ImportStatus.STORING}


class ColumnMapping(models.Model):
    """A confirmed column mapping, reused for the next file with the same headers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="column_mappings"
    )
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(default=dict)  # header text -> field
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="column_mapping_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FootprintRun(models.Model):
    """A stored footprint computation: its inputs' summary, its results and their versions."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="footprint_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=16)
    engine_version = models.CharField(max_length=20)
    data_version = models.CharField(max_length=20)
    duration_years = models.FloatField(null=True)
    asset_count = models.PositiveIntegerField(default=0)
    device_count = models.PositiveIntegerField(default=0)
    inputs = models.JSONField(default=dict)
    results = models.JSONField(default=dict)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("footprint run")
        verbose_name_plural = _("footprint runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.created_at:%Y-%m-%d} · {self.method}"
