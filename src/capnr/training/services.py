"""Writes of the training programme. Every function receives an already-checked
OrganisationAccess (except the anonymous self-assessment, reached by its campaign's link) and
checks the rest here, with the rules of ``rules.py``.

Places are counted under a lock: registering, cancelling and changing a session's places lock
the session's row (``select_for_update``, PostgreSQL) inside one transaction, so two people
registering at the same time for the last place never both get it; on SQLite every write
transaction starts with the database's write lock (``transaction_mode = IMMEDIATE``), which
serialises them the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capnr.core import mail
from capnr.core.access import Access, OrganisationAccess
from capnr.core.i18n import long_date
from capnr.core.owned import belongs_to, require_same_organisation
from capnr.core.tokens import hash_token, new_raw_token
from capnr.core.versioned import save_versioned
from capnr.engine import catalogue as engine_catalogue
from capnr.organisations.models import Department, Site
from capnr.organisations.tenancy.training import (
    TRAINER_LINK_DAYS_AFTER,
    TrainerAccess,
    may_change_registration,
    may_organise_training,
    may_register_others,
    trainer_link_valid_until,
)
from capnr.roadmap import selectors as roadmap_selectors
from capnr.roadmap import services as roadmap_services

from . import kpis, selectors, skills
from .models import (
    DEFAULT_RETENTION_MONTHS,
    Attendance,
    AttendanceSource,
    Helped,
    Pace,
    Recommend,
    Registration,
    RegistrationStatus,
    SatisfactionLink,
    SkillsCampaign,
    SkillsResponse,
    Trainee,
    TrainerLink,
    TrainingOffer,
    TrainingPolicy,
    TrainingSession,
)

if TYPE_CHECKING:
    from capnr.organisations.models import User

OFFER_FIELDS = (
    "kind",
    "title",
    "audience",
    "format",
    "duration_hours",
    "provider",
    "cost_eur",
    "prerequisites",
    "action_id",
    "plan_item",
)
SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "site",
    "room",
    "capacity",
    "trainer_name",
    "trainer_email",
)


def _require_organiser(access: OrganisationAccess) -> None:
    if not may_organise_training(access):
        raise PermissionDenied("Only the référent, HR or managers organise training.")


# --- Offers ---------------------------------------------------------------------------------


def _checked_offer_fields(access: OrganisationAccess, fields: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: fields[name] for name in OFFER_FIELDS if name in fields}
    for name in ("title", "audience", "provider", "prerequisites", "action_id"):
        if name in values:
            values[name] = (values[name] or "").strip()
    action_id = values.get("action_id", "")
    if action_id:
        try:
            engine_catalogue.catalogue().action(action_id)
        except KeyError:
            raise ValidationError(
                {"action_id": _("This action is not in the catalogue.")}
            ) from None
    plan_item = values.get("plan_item")
    if plan_item is not None and not belongs_to(access, plan_item):
        raise PermissionDenied("This roadmap item belongs to another organisation.")
    return values


@transaction.atomic
def offer_create(*, access: OrganisationAccess, fields: Mapping[str, Any]) -> TrainingOffer:
    _require_organiser(access)
    offer = TrainingOffer(organisation=access.organisation, **_checked_offer_fields(access, fields))
    offer.full_clean()
    offer.save()
    return offer


def offer_update(
    *,
    access: OrganisationAccess,
    offer: TrainingOffer,
    expected_version: int,
    fields: Mapping[str, Any],
) -> TrainingOffer:
    """Raises StaleEditError when someone else saved the offer since ``expected_version``."""
    _require_organiser(access)
    require_same_organisation(access, offer)
    save_versioned(
        offer, expected_version=expected_version, fields=_checked_offer_fields(access, fields)
    )
    return offer


# --- Sessions -------------------------------------------------------------------------------


def _checked_session_fields(
    access: OrganisationAccess, fields: Mapping[str, Any]
) -> dict[str, Any]:
    values = {name: fields[name] for name in SESSION_FIELDS if name in fields}
    for name in ("room", "trainer_name", "trainer_email"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if values.get("trainer_email"):
        values["trainer_email"] = values["trainer_email"].lower()
    site = values.get("site")
    if site is not None and not belongs_to(access, site):
        raise PermissionDenied("This site belongs to another organisation.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    return values


@transaction.atomic
def session_create(
    *, access: OrganisationAccess, offer: TrainingOffer, fields: Mapping[str, Any]
) -> TrainingSession:
    _require_organiser(access)
    require_same_organisation(access, offer)
    session = TrainingSession(offer=offer, **_checked_session_fields(access, fields))
    session.full_clean()
    session.save()
    return session


def _locked(session: TrainingSession) -> TrainingSession:
    """The session read again under a row lock, held until the transaction ends."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _registered_count(session: TrainingSession) -> int:
    return session.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def _fill_places(session: TrainingSession, now: dt.datetime) -> list[Registration]:
    """Move the waiting list up into the free places, first in line first (under the session's
    lock). Nothing moves for a cancelled session or one that has started."""
    if session.cancelled or session.starts_at <= now:
        return []
    free = session.capacity - _registered_count(session)
    if free <= 0:
        return []
    promoted = list(
        session.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("trainee__user")
        .order_by("position")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.position = None
        registration.save(update_fields=["status", "position"])
    _email_after_commit(session, "moved_up", [_account_email(row) for row in promoted])
    return promoted


# --- Emails to the people concerned -----------------------------------------------------------


def _account_email(registration: Registration) -> str:
    """The address of a person registered with an account ("" for an agent without one, or
    whose name was erased: they hear of it from their manager)."""
    user = registration.trainee.user
    if registration.trainee.erased_at is not None or user is None:
        return ""
    return str(user.email)


def _session_email(session: TrainingSession, kind: str) -> tuple[str, str]:
    """``kind``: "moved_up" (a place freed went to them) or "cancelled"."""
    starts = timezone.localtime(session.starts_at)
    names = {"title": session.offer.title, "date": long_date(starts.date())}
    if kind == "moved_up":
        subject = _("A place for you: “%(title)s” of %(date)s") % names
    else:
        subject = _("Cancelled: “%(title)s” of %(date)s") % names
    body = render_to_string(
        f"training/email/{kind}.txt",
        {"session": session, "organisation": session.offer.organisation, "starts": starts},
    )
    return subject, body


def _email_after_commit(session: TrainingSession, kind: str, addresses: list[str]) -> None:
    """One email per address (blank ones skipped, each once) in its language, sent once the
    change is saved."""
    transaction.on_commit(
        lambda: mail.send_each(list(addresses), lambda: _session_email(session, kind))
    )


@transaction.atomic
def session_update(
    *,
    access: OrganisationAccess,
    session: TrainingSession,
    expected_version: int,
    fields: Mapping[str, Any],
) -> list[Registration]:
    """Save the session; more places move the waiting list up (returned: those who got a
    place). Fewer places than people registered is refused: cancel registrations first."""
    _require_organiser(access)
    require_same_organisation(access, session)
    values = _checked_session_fields(access, fields)
    locked = _locked(session)
    registered = _registered_count(locked)
    if "capacity" in values and values["capacity"] is not None and values["capacity"] < registered:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(count)s person is registered: the session cannot have fewer places. "
                    "Cancel registrations first.",
                    "%(count)s people are registered: the session cannot have fewer places. "
                    "Cancel registrations first.",
                    registered,
                )
                % {"count": registered}
            }
        )
    save_versioned(session, expected_version=expected_version, fields=values)
    return _fill_places(_locked(session), timezone.now())


@transaction.atomic
def session_cancel(*, access: OrganisationAccess, session: TrainingSession) -> None:
    """The session no longer takes place; its registrations stay as they were, for the record.
    The people registered or waiting who have an account, and the trainer, get an email."""
    _require_organiser(access)
    require_same_organisation(access, session)
    locked = _locked(session)
    if locked.cancelled:
        raise ValidationError(_("This session is already cancelled."))
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started: it cannot be cancelled."))
    TrainingSession.objects.filter(pk=session.pk).update(cancelled=True)
    session.cancelled = True
    live = (
        locked.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("trainee__user")
        .order_by("pk")
    )
    _email_after_commit(
        locked, "cancelled", [*(_account_email(row) for row in live), locked.trainer_email]
    )


def registration_closed_reason(session: TrainingSession, now: dt.datetime) -> str | None:
    """Why nobody may register for ``session`` now, or None when they may."""
    if session.cancelled:
        return _("This session was cancelled: registrations are closed.")
    if session.starts_at <= now:
        return _("This session started on %(date)s: registrations are closed.") % {
            "date": long_date(timezone.localdate(session.starts_at))
        }
    return None


# --- Trainees -------------------------------------------------------------------------------


def trainee_for_user(*, access: OrganisationAccess, user: User) -> Trainee:
    """The trainee of an account of the organisation (made the first time)."""
    if not user.memberships.filter(organisation=access.organisation).exists():
        raise ValidationError(_("This person is not a member of the organisation."))
    trainee, _created = Trainee.objects.get_or_create(organisation=access.organisation, user=user)
    return trainee


def trainee_for_name(
    *, access: OrganisationAccess, name: str, department: Department | None
) -> Trainee:
    """An agent without an account, by name and department: the same person when both match
    someone already registered (letter case aside), a new one otherwise."""
    if not may_register_others(access):
        raise PermissionDenied("Only HR or a manager registers an agent by name.")
    name = " ".join(name.replace("\x00", "").split())
    if not name:
        raise ValidationError({"name": _("Give the person's name.")})
    if len(name) > Trainee._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("This name is too long.")})
    if department is not None and not belongs_to(access, department):
        raise PermissionDenied("This department belongs to another organisation.")
    existing = Trainee.objects.for_access(access).filter(
        user__isnull=True, erased_at__isnull=True, name__iexact=name, department=department
    )
    return existing.first() or Trainee.objects.create(
        organisation=access.organisation, name=name, department=department
    )


# --- Registrations --------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *,
    access: OrganisationAccess,
    session: TrainingSession,
    trainee: Trainee,
    by: User,
) -> Registration:
    """Register ``trainee``: a place while there is one, else the end of the waiting list.
    Refused, with the reason, for a cancelled session, one that has started, or a person
    already registered or waiting."""
    require_same_organisation(access, session)
    require_same_organisation(access, trainee)
    if not (may_register_others(access) or trainee.user_id == by.pk):
        raise PermissionDenied("You may only register yourself.")
    locked = _locked(session)
    reason = registration_closed_reason(locked, timezone.now())
    if reason:
        raise ValidationError(reason, code="closed")
    live = locked.registrations.filter(trainee=trainee).exclude(status=RegistrationStatus.CANCELLED)
    current = live.first()
    if current is not None:
        if current.status == RegistrationStatus.WAITING:
            message = _("%(name)s is already on the waiting list.")
        else:
            message = _("%(name)s is already registered.")
        raise ValidationError(message % {"name": trainee}, code="duplicate")
    if _registered_count(locked) < locked.capacity:
        status, position = RegistrationStatus.REGISTERED, None
    else:
        last = locked.registrations.aggregate(last=Max("position"))["last"] or 0
        status, position = RegistrationStatus.WAITING, last + 1
    return Registration.objects.create(
        session=locked, trainee=trainee, registered_by=by, status=status, position=position
    )


@transaction.atomic
def registration_cancel(
    *, access: OrganisationAccess, registration: Registration, by: User | None
) -> list[Registration]:
    """Cancel a registration or leave the waiting list; a place freed goes to the first person
    waiting (returned, with anyone else who got a place; those with an account get an
    email)."""
    require_same_organisation(access, registration)
    if not may_change_registration(access, registration, by):
        raise PermissionDenied("You may only cancel your own registration.")
    session = _locked(registration.session)
    current = Registration.objects.get(pk=registration.pk)
    now = timezone.now()
    if current.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if session.starts_at <= now:
        raise ValidationError(
            _("The session has started: mark the person absent instead of cancelling.")
        )
    current.status = RegistrationStatus.CANCELLED
    current.position = None
    current.cancelled_at = now
    current.save(update_fields=["status", "position", "cancelled_at"])
    registration.status = current.status
    return _fill_places(session, now)


# --- Attendance -----------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    access: OrganisationAccess,
    session: TrainingSession,
    marks: Mapping[int, str],
    source: str,
) -> int:
    """Who was present, by registration id: taken in the room (``AttendanceSource.ROOM``) or
    typed in from the signed sheet (``SHEET``). Returns how many marks changed. Refused for a
    cancelled session and before it starts; only people with a place can be marked."""
    _require_organiser(access)
    require_same_organisation(access, session)
    return _attendance_marks(session, marks, source)


@transaction.atomic
def trainer_attendance_record(
    *, trainer: TrainerAccess, marks: Mapping[int, str], source: str
) -> int:
    """The session's trainer takes attendance by their link: the same rules as the
    organisers', for that one session only."""
    return _attendance_marks(trainer.session, marks, source)


def _attendance_marks(session: TrainingSession, marks: Mapping[int, str], source: str) -> int:
    if source not in AttendanceSource.values:
        raise ValidationError(_("Say how attendance was taken."))
    locked = _locked(session)
    if locked.cancelled:
        raise ValidationError(_("This session was cancelled: there is no attendance to take."))
    if locked.starts_at > timezone.now():
        raise ValidationError(
            _("Attendance is taken once the session has started, on %(date)s.")
            % {"date": long_date(timezone.localdate(locked.starts_at))}
        )
    registered = {
        registration.pk: registration
        for registration in locked.registrations.filter(status=RegistrationStatus.REGISTERED)
    }
    unknown = sorted(set(marks) - set(registered))
    if unknown:
        raise ValidationError(
            _("These registrations are not places of this session: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in unknown)}
        )
    bad = sorted(str(mark) for mark in marks.values() if mark not in Attendance.values)
    if bad:
        raise ValidationError(_("Unknown attendance: %(marks)s.") % {"marks": ", ".join(bad)})
    changed = 0
    for pk, mark in marks.items():
        registration = registered[pk]
        if registration.attended == mark:
            continue
        registration.attended = mark
        registration.attendance_source = "" if mark == Attendance.UNKNOWN else source
        registration.save(update_fields=["attended", "attendance_source"])
        changed += 1
    return changed


# --- The session's trainer, by link ---------------------------------------------------------


def _trainer_link_email(session: TrainingSession, url: str) -> tuple[str, str]:
    context = {
        "session": session,
        "organisation": session.offer.organisation,
        "starts": timezone.localtime(session.starts_at),
        "days_after": TRAINER_LINK_DAYS_AFTER,
        "url": url,
    }
    subject = _("Your session “%(title)s” of %(date)s") % {
        "title": session.offer.title,
        "date": long_date(timezone.localdate(session.starts_at)),
    }
    return subject, render_to_string("training/email/trainer_link.txt", context)


@transaction.atomic
def trainer_link_send(
    *,
    access: OrganisationAccess,
    session: TrainingSession,
    by: User,
    build_url: Callable[[str], str],
) -> TrainerLink:
    """Email the session's trainer a link to their session (its page, trainee list, attendance
    and sign-in sheet), withdrawing any earlier one. ``build_url(raw_token)`` gives the link;
    the raw token is only in that email."""
    _require_organiser(access)
    require_same_organisation(access, session)
    locked = _locked(session)
    if not locked.trainer_email:
        raise ValidationError(_("Give the trainer's email address first (edit the session)."))
    now = timezone.now()
    if locked.cancelled:
        raise ValidationError(_("This session was cancelled."))
    if now > trainer_link_valid_until(locked):
        raise ValidationError(_("This session ended too long ago for a trainer link."))
    locked.trainer_links.filter(revoked_at__isnull=True).update(revoked_at=now)
    raw = new_raw_token()
    link = TrainerLink.objects.create(
        session=locked, email=locked.trainer_email, token_hash=hash_token(raw), created_by=by
    )
    url = build_url(raw)
    # The trainer is often from outside: French, unless an account holds their address.
    transaction.on_commit(
        lambda: mail.send_each([link.email], lambda: _trainer_link_email(locked, url))
    )
    return link


def trainer_link_revoke(*, access: OrganisationAccess, session: TrainingSession) -> int:
    """Withdraw the session's trainer links; returns how many still worked."""
    _require_organiser(access)
    require_same_organisation(access, session)
    withdrawn = session.trainer_links.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not withdrawn:
        raise ValidationError(_("The trainer has no link to withdraw."))
    return int(withdrawn)


# --- The anonymous self-assessment ----------------------------------------------------------


def campaign_create(*, access: OrganisationAccess, name: str) -> SkillsCampaign:
    _require_organiser(access)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    return SkillsCampaign.objects.create(
        organisation=access.organisation, name=name, link_token=new_raw_token()
    )


def campaign_close(*, access: OrganisationAccess, campaign: SkillsCampaign) -> None:
    """No more answers; the results can be read."""
    _require_organiser(access)
    require_same_organisation(access, campaign)
    if campaign.closed_at is not None:
        raise ValidationError(_("This campaign is already closed."))
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])


def skills_answer(
    *,
    campaign: SkillsCampaign,
    site_id: int | None,
    department_id: int | None,
    levels: Mapping[str, int],
) -> SkillsResponse:
    """Store one agent's answers to ``campaign`` (reached by its link, without an account):
    only the site and department they chose and a level per question, no identity."""
    if not campaign.is_open:
        raise ValidationError(_("This self-assessment is closed. Thank you all the same."))
    organisation = campaign.organisation
    site = department = None
    if site_id is not None:
        site = Site.objects.filter(organisation=organisation, pk=site_id).first()
        if site is None:
            raise ValidationError({"site": _("Choose one of the sites in the list.")})
    if department_id is not None:
        department = Department.objects.filter(organisation=organisation, pk=department_id).first()
        if department is None:
            raise ValidationError({"department": _("Choose one of the departments in the list.")})
    unknown = sorted(set(levels) - set(skills.QUESTION_IDS))
    if unknown or any(level not in skills.LEVELS for level in levels.values()):
        raise ValidationError(_("Some answers are not among the choices."))
    if not levels:
        raise ValidationError(_("Answer at least one question."))
    return SkillsResponse.objects.create(
        campaign=campaign,
        site=site,
        department=department,
        answers={question: int(level) for question, level in levels.items()},
        submitted_on=timezone.localdate(),
    )


# --- Trainees' personal data: erasure on request and after the retention period -------------


def _erase(trainees: Any, now: dt.datetime) -> int:
    """Names and account links gone; department and registrations kept for the figures."""
    return int(trainees.update(name="", user=None, erased_at=now))


def trainee_erase(*, access: OrganisationAccess, trainee: Trainee) -> None:
    """Erase one person's name on request (HR or the référent)."""
    if not may_register_others(access):
        raise PermissionDenied("Only HR or the référent erase a trainee's name.")
    require_same_organisation(access, trainee)
    if trainee.erased_at is not None:
        raise ValidationError(_("This person's name is already erased."))
    _erase(Trainee.objects.filter(pk=trainee.pk), timezone.now())


def retention_months_of(organisation: Any) -> int:
    policy = TrainingPolicy.objects.filter(organisation=organisation).first()
    return policy.retention_months if policy else DEFAULT_RETENTION_MONTHS


def field_agents_of(organisation: Any) -> int | None:
    policy = TrainingPolicy.objects.filter(organisation=organisation).first()
    return policy.field_agents if policy else None


KEEP: Any = object()  # policy_save: leave the number of field agents as it is


def policy_save(
    *, access: OrganisationAccess, retention_months: int, field_agents: int | None = KEEP
) -> TrainingPolicy:
    access.require(Access.ADMINISTER)
    values: dict[str, Any] = {"retention_months": retention_months}
    if field_agents is not KEEP:
        values["field_agents"] = field_agents
    policy = TrainingPolicy(organisation=access.organisation, **values)
    policy.full_clean(validate_unique=False)
    TrainingPolicy.objects.update_or_create(organisation=access.organisation, defaults=values)
    return policy


def retention_cutoff(months: int, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=round(months * 365.25 / 12))


def erase_expired_trainees(*, now: dt.datetime | None = None) -> int:
    """Erase the names of people whose last session ended longer ago than their organisation's
    retention period (or who were registered that long ago without any session since)."""
    now = now or timezone.now()
    erased = 0
    organisations = Trainee.objects.filter(erased_at__isnull=True).values_list(
        "organisation", flat=True
    )
    for organisation_id in sorted(set(organisations)):
        cutoff = retention_cutoff(retention_months_of(organisation_id), now)
        expired = (
            Trainee.objects.filter(
                organisation_id=organisation_id, erased_at__isnull=True, created_at__lt=cutoff
            )
            .exclude(registrations__session__ends_at__gte=cutoff)
            .values_list("pk", flat=True)
        )
        erased += _erase(Trainee.objects.filter(pk__in=list(expired)), now)
    return erased


# --- Satisfaction: three questions by a single-use link -------------------------------------


@dataclass(frozen=True)
class SatisfactionInvitation:
    registration: Registration
    url: str
    emailed: bool


def satisfaction_links_create(
    *,
    access: OrganisationAccess,
    session: TrainingSession,
    build_url: Callable[[str], str],
) -> list[SatisfactionInvitation]:
    """A single-use link for each person present who has none yet: emailed to those with an
    account, returned (shown once: only hashes are kept) for the organiser to hand over."""
    _require_organiser(access)
    require_same_organisation(access, session)
    if session.cancelled or session.starts_at > timezone.now():
        raise ValidationError(_("Satisfaction links are made once the session has taken place."))
    present = (
        Registration.objects.filter(
            session=session, status=RegistrationStatus.REGISTERED, attended=Attendance.PRESENT
        )
        .filter(satisfaction__isnull=True)
        .select_related("trainee__user", "session__offer")
    )
    made = []
    emails: list[tuple[str, mail.Compose]] = []
    with transaction.atomic():
        for registration in present:
            raw = new_raw_token()
            SatisfactionLink.objects.create(registration=registration, token_hash=hash_token(raw))
            url = build_url(raw)
            user = registration.trainee.user
            emailed = bool(user and user.email and registration.trainee.erased_at is None)
            if emailed and user is not None:
                emails.append((user.email, _satisfaction_email(session.offer.title, url)))
            made.append(SatisfactionInvitation(registration, url, emailed))
        transaction.on_commit(lambda: mail.send_personal(emails))
    return made


def _satisfaction_email(title: str, url: str) -> mail.Compose:
    def compose() -> tuple[str, str]:
        return (
            _("Your opinion on the training “%(title)s”") % {"title": title},
            _("Three questions, one minute: %(url)s\n\nThe link works once. Thank you!")
            % {"url": url},
        )

    return compose


def satisfaction_link_for(raw_token: str) -> SatisfactionLink | None:
    if not raw_token:
        return None
    return (
        SatisfactionLink.objects.filter(token_hash=hash_token(raw_token))
        .select_related("registration__session__offer__organisation")
        .first()
    )


@transaction.atomic
def satisfaction_answer(*, link: SatisfactionLink, helped: int, pace: str, recommend: str) -> None:
    """Store the three answers; the link works once (checked under a row lock)."""
    locked = SatisfactionLink.objects.select_for_update().get(pk=link.pk)
    if locked.answered_at is not None:
        raise ValidationError(_("This link was already used: thank you, your answers are saved."))
    if helped not in Helped.values or pace not in Pace.values or recommend not in Recommend.values:
        raise ValidationError(_("Some answers are not among the choices."))
    locked.helped, locked.pace, locked.recommend = helped, pace, recommend
    locked.answered_at = timezone.now()
    locked.save(update_fields=["helped", "pace", "recommend", "answered_at"])


# --- The programme's indicators, written to the roadmap ---------------------------------------


@transaction.atomic
def kpis_to_roadmap(*, access: OrganisationAccess, user: User, today: dt.date | None = None) -> int:
    """Each roadmap item an offer serves gets its offers' indicators (``kpis.INDICATORS``, made
    the first time, named in the interface's default language) and today's measurement of each,
    made or corrected: running it twice the same day adds nothing. An indicator that cannot be
    measured (no headcount, no field agents counted, no satisfaction answer) is left out. The
    roadmap's rules decide who may write (the référent, or the item's owner). Returns how many
    measurements changed."""
    today = today or timezone.localdate()
    item_ids = selectors.served_plan_item_ids(access=access)
    items = list(roadmap_selectors.item_list(access=access).filter(pk__in=item_ids))
    existing = {
        (kpi.item_id, kpi.kpi_id): kpi
        for kpi in roadmap_selectors.kpi_list(access=access).filter(
            item_id__in=item_ids, kpi_id__startswith=kpis.PREFIX
        )
    }
    changed = 0
    for item in items:
        figures = selectors.programme_kpis(access=access, plan_item_id=item.pk)
        for indicator in kpis.INDICATORS:
            value = indicator.value(figures)
            if value is None:
                continue
            kpi = existing.get((item.pk, indicator.kpi_id))
            if kpi is None:
                with translation.override(settings.LANGUAGE_CODE):
                    label = str(indicator.label)
                kpi = roadmap_services.kpi_add(
                    access=access,
                    item=item,
                    user=user,
                    label=label,
                    unit=indicator.unit,
                    kpi_id=indicator.kpi_id,
                )
            changed += roadmap_services.measurement_set(
                access=access, kpi=kpi, user=user, date=today, value=value
            )
    return changed


# --- Reminders ------------------------------------------------------------------------------


def send_session_reminders(*, now: dt.datetime | None = None) -> int:
    """Email the people with an account and a place in a session that starts tomorrow (once
    each; agents without an account hear of it from their manager). Returns how many."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            reminded_at__isnull=True,
            session__cancelled=False,
            session__starts_at__date=tomorrow,
            trainee__user__isnull=False,
            trainee__erased_at__isnull=True,
        )
        .exclude(trainee__user__email="")
        .select_related("session__offer", "session__site", "trainee__user")
    )
    sent = 0
    for registration in due:
        user = registration.trainee.user
        assert user is not None  # filtered above
        mail.send_in(user.language, [user.email], _reminder_email(registration.session))
        Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
        sent += 1
    return sent


def _reminder_email(session: TrainingSession) -> mail.Compose:
    def compose() -> tuple[str, str]:
        starts = timezone.localtime(session.starts_at)
        place = session.site.name if session.site else _("Remote")
        if session.room:
            place = f"{place}, {session.room}"
        values = {"title": session.offer.title, "time": starts.strftime("%H:%M"), "place": place}
        return (
            _("Reminder: “%(title)s” tomorrow at %(time)s") % values,
            _("Your training “%(title)s” is tomorrow at %(time)s. Place: %(place)s.") % values,
        )

    return compose
