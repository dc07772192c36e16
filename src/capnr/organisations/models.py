"""People, organisations (the tenants), their sites and departments, and who may do what."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capnr.core.access import Access
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned

from .validators import validate_siret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in with an email address. Roles live on memberships, not here."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language the person last chose in the footer: their emails are written in it
    # (core.mail), and logging in on another browser switches it to it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationKind(models.TextChoices):
    STATE_SERVICE = "state_service", _("State service")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI (intercommunality)")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    PUBLIC_ESTABLISHMENT = "public_establishment", _("Public establishment")
    HOSPITAL = "hospital", _("Hospital")
    EDUCATION = "education", _("School or university")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class PurchasingBracket(models.TextChoices):
    """Yearly purchasing volume, excluding VAT. €50 M is the SPASER threshold."""

    UNKNOWN = "unknown", _("Not known yet")
    UNDER_1M = "under_1m", _("Under €1 M")
    FROM_1M_TO_10M = "1m_10m", _("€1 M to €10 M")
    FROM_10M_TO_50M = "10m_50m", _("€10 M to €50 M")
    FROM_50M_TO_100M = "50m_100m", _("€50 M to €100 M (SPASER applies)")
    OVER_100M = "over_100m", _("Over €100 M (SPASER applies)")


class Organisation(Versioned):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    headcount = models.PositiveIntegerField(
        _("headcount (agents)"),
        null=True,
        blank=True,
        help_text=_("People working for the organisation, all statuses included."),
    )
    workstation_count = models.PositiveIntegerField(
        _("number of workstations"),
        null=True,
        blank=True,
        help_text=_("Desktops, laptops and thin clients. Leave empty if you do not know yet."),
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_(
            "For communes and EPCIs: above 50,000 inhabitants the REEN law "
            "requires a responsible digital strategy."
        ),
    )
    purchasing_bracket = models.CharField(
        _("yearly purchasing volume"),
        max_length=16,
        choices=PurchasingBracket.choices,
        default=PurchasingBracket.UNKNOWN,
        help_text=_("Above €50 M a year, a SPASER (sustainable purchasing plan) is required."),
    )
    turnover_over_250m = models.BooleanField(
        _("yearly turnover above €250 M"),
        default=False,
        help_text=_(
            "Only for companies: above €250 M of yearly turnover, the digital accessibility "
            "obligations (RGAA) apply."
        ),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=20,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits, optional."),
    )
    electricity_price_eur_per_kwh = models.FloatField(
        _("electricity price (€/kWh excluding VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0)],
        help_text=_(
            "From your electricity bills. Leave empty to use the national average "
            "(0.18 €/kWh, SDES 2024)."
        ),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def profile_is_complete(self) -> bool:
        needs_population = self.kind in {OrganisationKind.COMMUNE, OrganisationKind.EPCI}
        return bool(
            self.kind
            and self.headcount
            and (self.population or not needs_population)
            and self.purchasing_bracket != PurchasingBracket.UNKNOWN
        )


class SiteKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    OPERATIONS = "operations", _("Operations site")
    SERVER_ROOM = "server_room", _("Hosts a server room")
    OTHER = "other", _("Other")


class Site(Versioned):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SiteKind.choices, default=SiteKind.OPERATIONS
    )

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Stable identifiers: the API, the demo's JSON and the tests use them as they are."""

    REFERENT = "referent", _("Référent NR")
    CONTRIBUTOR = "contributor", _("Contributor")
    READER = "reader", _("Reader")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.role}"


def default_invitation_expiry() -> object:
    return timezone.now() + timedelta(days=settings.CAPNR_INVITATION_DAYS)


class Invitation(models.Model):
    """An emailed, expiring, single-use link to join an organisation with a role.

    Only a hash of the token is stored: a leaked database does not leak usable links."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When someone holding the dead link last asked the référents for a new one (throttled).
    new_invitation_requested_at = models.DateTimeField(null=True, blank=True)

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    def is_addressed_to(self, user: User) -> bool:
        """Whether ``user``'s account is the invited address: only its owner may accept."""
        return user.email.strip().lower() == self.email.strip().lower()
