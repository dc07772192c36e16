"""The training programme: offers, their sessions, the people trained and their registrations
(with a waiting list and attendance), and the anonymous digital-skills self-assessment.

Who sees what: every member sees offers and sessions; the people registered (names, departments,
attendance) are personal data, seen only by those who organise training and by the session's
trainer (``capnr.organisations.tenancy.training``). The self-assessment's answers carry no
identity at all: a site and a department the agent chose."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capnr.core.access import Access
from capnr.core.owned import OrganisationOwnedQuerySet
from capnr.core.versioned import Versioned
from capnr.organisations.models import Department, Organisation, Site


class OfferKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness of digital impacts")
    FRESQUE = "fresque", _("Fresque du Numérique workshop")
    MOOC = "mooc", _("MOOC")
    FIELD_BASICS = "field_basics", _("Digital basics for field agents")
    ACCESSIBILITY = "accessibility", _("Accessibility for content writers")
    ECODESIGN = "ecodesign", _("Eco-design for developers")
    OWN = "own", _("The organisation's own training")


class OfferFormat(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    SELF_PACED = "self_paced", _("Self-paced")


class TrainingOffer(Versioned):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_offers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("Who it is for, in a few words: field agents, developers, everyone…"),
    )
    format = models.CharField(
        _("format"), max_length=16, choices=OfferFormat.choices, default=OfferFormat.ON_SITE
    )
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(500)],
    )
    provider = models.CharField(
        _("provider"),
        max_length=200,
        blank=True,
        help_text=_("Who gives it: a department of the organisation, an association, a firm."),
    )
    cost_eur = models.DecimalField(
        _("cost per person (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    prerequisites = models.TextField(_("prerequisites"), blank=True, max_length=2000)
    # A catalogue action (capnr.engine.catalogue) it serves, by id; "" if none.
    action_id = models.CharField(_("action of the catalogue"), max_length=64, blank=True)
    # Named as a string: the training app reads the roadmap through its selectors only.
    plan_item = models.ForeignKey(
        "roadmap.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roadmap item"),
    )

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training offer")
        verbose_name_plural = _("training offers")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(Versioned):
    offer = models.ForeignKey(TrainingOffer, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    trainer_name = models.CharField(_("trainer"), max_length=150)
    trainer_email = models.EmailField(_("trainer's email"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    organisation_path = "offer__organisation"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} · {self.starts_at:%Y-%m-%d}"


class TrainerLink(models.Model):
    """A session's trainer's way in without being a member: a secret link emailed to the
    session's trainer address (only its hash is kept). It opens that one session and stops
    when withdrawn, when the session's trainer address changes, when the session is cancelled
    or some days after it ends (``capnr.organisations.tenancy.training``, ADR 0015)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="trainer_links"
    )
    email = models.EmailField()  # the address it was sent to
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    organisation_path = "session__offer__organisation"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainer link")
        verbose_name_plural = _("trainer links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session} → {self.email}"


class Trainee(models.Model):
    """A person trained: an account of the organisation, or only a name and a department for an
    agent without one. Nothing more is kept (no email, no birth date); ``erased_at`` marks a
    person whose name was erased on request or after the retention period, their
    registrations kept without a name so that the programme's figures stay true."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="one_trainee_per_account",
            )
        ]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("(name erased)"))
        if self.user_id is not None and self.user is not None:
            return self.user.get_full_name()
        return self.name


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Not taken yet")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class AttendanceSource(models.TextChoices):
    ROOM = "room", _("Taken in the room")
    SHEET = "sheet", _("Typed in from the printed sheet")


class Registration(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="registrations")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    # A ticket in the session's queue while waiting: the lowest moves up first.
    position = models.PositiveIntegerField(null=True, blank=True)
    attended = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_source = models.CharField(
        max_length=16, choices=AttendanceSource.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the email the day before

    organisation_path = "session__offer__organisation"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per person and session (cancelled ones stay as history).
            models.UniqueConstraint(
                fields=["session", "trainee"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_trainee",
            ),
            models.UniqueConstraint(
                fields=["session", "position"],
                condition=Q(position__isnull=False),
                name="one_waiting_ticket_per_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.session}"


class SkillsCampaign(Versioned):
    """A round of the anonymous self-assessment, reached by a link (or its QR code on a poster).

    The link's token is kept as it is, unlike other secret links: it is printed on posters and
    shown again whenever the organisers need it, and it reads nothing: it only lets someone add
    an anonymous answer to this campaign while it is open."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="skills_campaigns"
    )
    name = models.CharField(_("name"), max_length=150)
    link_token = models.CharField(max_length=64, unique=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment campaign")
        verbose_name_plural = _("self-assessment campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SkillsResponse(models.Model):
    """One agent's answers, without identity: no account, no address, no time of day."""

    campaign = models.ForeignKey(SkillsCampaign, on_delete=models.CASCADE, related_name="responses")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict)  # {question id: level}, see skills.LEVELS
    submitted_on = models.DateField()

    organisation_path = "campaign__organisation"
    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.pk}"


DEFAULT_RETENTION_MONTHS = 36


class TrainingPolicy(models.Model):
    """The organisation's rule for its trainees' names: how long they are kept after their last
    session (then erased by ``capnr purge_trainees``, the figures kept); and how many field
    agents it has, for the programme's indicators."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="training_policy"
    )
    retention_months = models.PositiveIntegerField(
        _("keep trainees' names for (months after their last session)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # The denominator of "share of field agents reached"; None while the référent has not said.
    field_agents = models.PositiveIntegerField(
        _("field agents"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_(
            "How many agents work in the field and rarely use a computer, for the share of "
            "them the programme reaches. Leave empty if you do not know."
        ),
    )

    edit_need = Access.ADMINISTER
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.organisation} · {self.retention_months}"


class Helped(models.IntegerChoices):
    A_LOT = 3, _("Yes, a lot")
    A_LITTLE = 2, _("A little")
    NOT_REALLY = 1, _("Not really")


class Pace(models.TextChoices):
    TOO_FAST = "too_fast", _("Too fast")
    RIGHT = "right", _("Just right")
    TOO_SLOW = "too_slow", _("Too slow")


class Recommend(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("I don't know")


class SatisfactionLink(models.Model):
    """The three-question satisfaction form of one person present, by a link that works once
    (only its hash is kept), for agents with or without an account."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="satisfaction"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    helped = models.PositiveSmallIntegerField(choices=Helped.choices, null=True, blank=True)
    pace = models.CharField(max_length=16, choices=Pace.choices, blank=True)
    recommend = models.CharField(max_length=16, choices=Recommend.choices, blank=True)

    organisation_path = "registration__session__offer__organisation"
    objects = OrganisationOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.registration} · satisfaction"
