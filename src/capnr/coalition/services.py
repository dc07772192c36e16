"""Writes of the coalition workspace: cohorts and their organisations, sessions, attendance,
invitations and reminders, the facilitators' notes. Keyword-only, typed, atomic; each takes the
:class:`~capnr.organisations.tenancy.CoalitionAccess` tenancy gave and checks it itself
(``require_manage``: only the coalition's facilitators write here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from capnr.core import mail, uploads
from capnr.core.access import FACILITATOR, Access, OrganisationAccess
from capnr.core.i18n import long_date
from capnr.core.tokens import hash_token, new_raw_token
from capnr.core.versioned import save_versioned
from capnr.organisations import services as organisation_services
from capnr.organisations import tenancy
from capnr.organisations.models import Membership, Organisation, Role, User
from capnr.organisations.tenancy import CoalitionAccess

from .models import (
    Attendance,
    AttendanceStatus,
    CalendarSubscription,
    Cohort,
    CohortMembership,
    FacilitatorNote,
    Session,
    SessionFile,
    SessionMaterial,
)

SESSION_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "video_url", "agenda")


def _require_cohort_of(access: CoalitionAccess, cohort: Cohort) -> None:
    access.require_manage()
    if cohort.coalition_id != access.coalition.pk:
        raise PermissionDenied("This cohort belongs to another coalition.")


# Cohorts and their organisations


@transaction.atomic
def cohort_create(
    *,
    access: CoalitionAccess,
    name: str,
    year: int,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    description: str = "",
) -> Cohort:
    access.require_manage()
    cohort = Cohort(
        coalition=access.coalition,
        name=name.strip(),
        year=year,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
    )
    cohort.full_clean()  # a name used already in the coalition, an end before the start
    cohort.save()
    return cohort


@transaction.atomic
def cohort_update(
    *,
    access: CoalitionAccess,
    cohort: Cohort,
    name: str,
    year: int,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    description: str = "",
) -> Cohort:
    """A facilitator changes the cohort's name, year, dates or public description (an end
    date moved into the future opens a closed cohort again)."""
    _require_cohort_of(access, cohort)
    cohort.name = name.strip()
    cohort.year = year
    cohort.start_date = start_date
    cohort.end_date = end_date
    cohort.description = description.strip()
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def cohort_close(*, access: CoalitionAccess, cohort: Cohort, today: dt.date) -> Cohort:
    """The cohort ends ``today`` (its end date, when later or missing, becomes today): from
    tomorrow it is closed, its organisations alumni of the coalition, and its dashboard the
    closing picture. A cohort that has not started cannot close."""
    _require_cohort_of(access, cohort)
    if cohort.start_date is not None and cohort.start_date > today:
        raise ValidationError(_("A cohort that has not started yet cannot close."))
    if cohort.end_date is None or cohort.end_date > today:
        cohort.end_date = today
        cohort.save(update_fields=["end_date"])
    return cohort


def _cohort_member_ids(cohort: Cohort) -> set[int]:
    return set(
        CohortMembership.objects.filter(cohort=cohort, pending=False).values_list(
            "organisation_id", flat=True
        )
    )


@transaction.atomic
def cohort_invite_organisation(
    *,
    access: CoalitionAccess,
    cohort: Cohort,
    slug: str,
    invited_by: User,
    build_join_url: Callable[[CohortMembership], str],
) -> CohortMembership:
    """Invite an organisation already on Cap NR into ``cohort``. It joins when one of its
    référents accepts (``cohort_invitation_accept``): until then the facilitators see nothing
    of it. Its référents are emailed the link."""
    _require_cohort_of(access, cohort)
    organisation = Organisation.objects.filter(slug=slug.strip().lower()).first()
    if organisation is None:
        raise ValidationError(
            {
                "slug": _(
                    "No organisation has this short name on Cap NR. Check it with its référent."
                )
            }
        )
    membership, created = CohortMembership.objects.get_or_create(
        cohort=cohort,
        organisation=organisation,
        defaults={"pending": True, "invited_by": invited_by},
    )
    if not created:
        raise ValidationError({"slug": _("This organisation is already invited to this cohort.")})
    url = build_join_url(membership)
    transaction.on_commit(lambda: _send_cohort_invitation(membership, url))
    return membership


def _referent_emails(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    emails: dict[int, list[str]] = {}
    for organisation_id, email in Membership.objects.filter(
        organisation_id__in=list(organisation_ids), role=Role.REFERENT, user__is_active=True
    ).values_list("organisation_id", "user__email"):
        emails.setdefault(organisation_id, []).append(email)
    return emails


def _send_cohort_invitation(membership: CohortMembership, url: str) -> None:
    recipients = _referent_emails([membership.organisation_id]).get(membership.organisation_id)
    if not recipients:
        return

    def compose() -> tuple[str, str]:
        subject = _("%(coalition)s invites %(organisation)s into its cohort %(cohort)s") % {
            "coalition": membership.cohort.coalition.name,
            "organisation": membership.organisation.name,
            "cohort": membership.cohort.name,
        }
        body = render_to_string(
            "coalition/email/cohort_invitation.txt", {"membership": membership, "url": url}
        )
        return subject, body

    mail.send_together(recipients, compose)


@transaction.atomic
def cohort_invitation_answer(
    *, access: OrganisationAccess, membership: CohortMembership, accept: bool
) -> None:
    """The organisation's référent accepts the invitation into a cohort (its facilitators then
    read the organisation) or declines it (the invitation goes)."""
    access.require(Access.ADMINISTER)
    if membership.organisation_id != access.organisation.pk or not membership.pending:
        raise PermissionDenied("This invitation is not this organisation's to answer.")
    if accept:
        membership.pending = False
        membership.save(update_fields=["pending"])
    else:
        membership.delete()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def cohort_organisation_create(
    *,
    access: CoalitionAccess,
    cohort: Cohort,
    name: str,
    kind: str,
    referent_email: str,
    invited_by: User,
    build_accept_url: Callable[[str], str],
) -> Organisation:
    """A new organisation in ``cohort``, with its first référent invited by email (the
    organisations app's invitation: the same link, expiry and page as any other)."""
    _require_cohort_of(access, cohort)
    organisation = Organisation(name=name.strip(), kind=kind, slug=_unique_slug(name))
    organisation.full_clean()
    organisation.save()
    CohortMembership.objects.create(cohort=cohort, organisation=organisation, invited_by=invited_by)
    # The organisation has no référent yet: the facilitator who founds it sends the first
    # invitation on its behalf, through this one access that exists only inside this call.
    founding = OrganisationAccess(organisation, Access.ADMINISTER, FACILITATOR)
    organisation_services.invitation_create(
        access=founding,
        invited_by=invited_by,
        email=referent_email,
        role=Role.REFERENT,
        build_accept_url=build_accept_url,
    )
    return organisation


# Sessions


def _check_expected(cohort: Cohort, expected_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(expected_ids))
    if not set(ids) <= _cohort_member_ids(cohort):
        raise ValidationError({"expected": _("Choose organisations of this cohort.")})
    return ids


def _check_times(fields: dict[str, Any]) -> None:
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})


@transaction.atomic
def session_create(
    *,
    access: CoalitionAccess,
    cohort: Cohort,
    user: User | None,
    fields: dict[str, Any],
    expected_ids: Iterable[int] | None = None,
) -> Session:
    """A session of ``cohort``; every organisation of the cohort is expected unless
    ``expected_ids`` says which."""
    _require_cohort_of(access, cohort)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not session fields: {sorted(unknown)}")
    _check_times(fields)
    session = Session(cohort=cohort, created_by=user, **fields)
    session.full_clean(exclude=["cohort"])
    session.save()
    ids = _check_expected(cohort, expected_ids) if expected_ids is not None else None
    session.expected.set(ids if ids is not None else _cohort_member_ids(cohort))
    return session


@transaction.atomic
def session_update(
    *,
    access: CoalitionAccess,
    session: Session,
    expected_version: int,
    fields: dict[str, Any],
    expected_ids: Iterable[int] | None = None,
) -> Session:
    _require_cohort_of(access, session.cohort)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not session fields: {sorted(unknown)}")
    _check_times({"starts_at": session.starts_at, "ends_at": session.ends_at, **fields})
    save_versioned(session, expected_version=expected_version, fields=fields)
    if expected_ids is not None:
        session.expected.set(_check_expected(session.cohort, expected_ids))
    session.refresh_from_db()
    return session


@transaction.atomic
def session_delete(*, access: CoalitionAccess, session: Session) -> None:
    _require_cohort_of(access, session.cohort)
    session.delete()


@transaction.atomic
def material_add(
    *, access: CoalitionAccess, session: Session, title: str, url: str
) -> SessionMaterial:
    _require_cohort_of(access, session.cohort)
    material = SessionMaterial(session=session, title=title.strip(), url=url.strip())
    material.full_clean()
    material.save()
    return material


# A session's files: the types a facilitator may upload (recognised from their content, and the
# name's extension must agree: the file is given back under that name) and the size allowed.
SESSION_FILE_MAX_BYTES = 10 * 1024 * 1024
SESSION_FILE_TYPES = (
    uploads.PDF,
    uploads.PNG,
    uploads.JPEG,
    uploads.ODT,
    uploads.ODS,
    uploads.ODP,
    uploads.DOCX,
    uploads.XLSX,
    uploads.PPTX,
)


def session_file_folder() -> Path:
    return Path(settings.DATA_DIR) / "session-files"


def session_file_storage() -> FileSystemStorage:
    return FileSystemStorage(location=session_file_folder())


def session_file_path(session_file: SessionFile) -> Path:
    return session_file_folder() / session_file.stored_name


@transaction.atomic
def session_file_add(
    *,
    access: CoalitionAccess,
    session: Session,
    title: str,
    uploaded: UploadedFile,
    user: User,
) -> SessionFile:
    """Keep a document for the session under a random name. Refused (ValidationError, nothing
    kept) when it is too large, of a type not allowed, or does not begin as its type does."""
    _require_cohort_of(access, session.cohort)
    name = Path(uploaded.name or "").name
    kind = uploads.check_upload(
        uploaded,
        types=SESSION_FILE_TYPES,
        max_bytes=SESSION_FILE_MAX_BYTES,
        name_must_agree=True,
    )
    folder = session_file_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uploads.stored_name(kind.extension)
    row = SessionFile(
        session=session,
        title=title.strip() or name,
        original_name=name[:255],
        stored_name=stored_name,
        content_type=kind.content_type,
        size=uploaded.size,
        uploaded_by=user,
    )
    row.full_clean()
    with (folder / stored_name).open("xb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    row.save()
    return row


@transaction.atomic
def session_file_remove(*, access: CoalitionAccess, session_file: SessionFile) -> None:
    """The row; its file goes once the deletion commits (coalition/signals.py)."""
    _require_cohort_of(access, session_file.session.cohort)
    session_file.delete()


@transaction.atomic
def material_remove(*, access: CoalitionAccess, material: SessionMaterial) -> None:
    _require_cohort_of(access, material.session.cohort)
    material.delete()


@transaction.atomic
def attendance_record(
    *,
    access: CoalitionAccess,
    session: Session,
    organisation: Organisation,
    status: str,
    people_ids: Iterable[int] = (),
    user: User | None = None,
) -> Attendance:
    """Whether ``organisation`` came to ``session`` and which of its members did (the
    facilitator records it; recording it again replaces it). Someone present means the
    organisation was."""
    _require_cohort_of(access, session.cohort)
    if organisation.pk not in _cohort_member_ids(session.cohort):
        raise ValidationError({"organisation": _("This organisation is not in the cohort.")})
    AttendanceStatus(status)
    people = sorted(set(people_ids))
    members = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    if not set(people) <= members:
        raise ValidationError({"people": _("Choose people of this organisation.")})
    if people and status != AttendanceStatus.PRESENT:
        raise ValidationError(
            {"status": _("Someone of the organisation was there: mark it present.")}
        )
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        organisation=organisation,
        defaults={"status": status, "recorded_by": user},
    )
    attendance.people.set(people)
    return attendance


# Invitations and reminders by email


def _session_mail(session: Session, url: str, reminder: bool) -> int:
    expected = list(session.expected.values_list("pk", flat=True))
    recipients = sorted(
        {email for emails in _referent_emails(expected).values() for email in emails}
    )

    def compose() -> tuple[str, str]:
        body = render_to_string(
            "coalition/email/session_invitation.txt", {"session": session, "url": url}
        )
        return _subject(session, reminder), body

    # One message each: the référents of other organisations stay unseen.
    return mail.send_each(recipients, compose)


def _subject(session: Session, reminder: bool) -> str:
    when = timezone.localtime(session.starts_at)
    values = {"title": session.title, "date": f"{long_date(when.date())} {when:%H:%M}"}
    if reminder:
        return _("Reminder: %(title)s, tomorrow (%(date)s)") % values
    return _("Invitation: %(title)s, %(date)s") % values


@transaction.atomic
def session_invitations_send(
    *, access: CoalitionAccess, session: Session, build_url: Callable[[Session], str]
) -> int:
    """Email the session (when, where, agenda, its page) to the référents of the organisations
    expected; returns how many messages went. Sent again on demand, after a change."""
    _require_cohort_of(access, session.cohort)
    url = build_url(session)
    session.invitations_sent_at = timezone.now()
    session.save(update_fields=["invitations_sent_at"])
    return _session_mail(session, url, reminder=False)


def session_reminders_send(*, today: dt.date, base_url: str) -> int:
    """The reminder of every session starting tomorrow not reminded yet, to the référents of
    the organisations expected (each in their language). Returns how many messages went; run
    daily (``capnr session_reminders``)."""
    tomorrow = today + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    sent = 0
    due = Session.objects.filter(
        starts_at__gte=start, starts_at__lt=end, reminder_sent_at__isnull=True
    ).select_related("cohort__coalition")
    for session in due:
        with transaction.atomic():
            claimed = Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue  # another run sent it
            path = reverse("coalition:session", args=[session.cohort.coalition.slug, session.pk])
            sent += _session_mail(session, base_url.rstrip("/") + path, reminder=True)
    return sent


# Private notes


@transaction.atomic
def note_create(
    *,
    access: CoalitionAccess,
    organisation: Organisation,
    author: User,
    text: str,
    follow_up_on: dt.date | None = None,
) -> FacilitatorNote:
    access.require_manage()
    tenancy.coalition_organisation(access, organisation.slug)  # in one of its cohorts
    note = FacilitatorNote(
        coalition=access.coalition,
        organisation=organisation,
        author=author,
        text=text.strip(),
        follow_up_on=follow_up_on,
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def note_delete(*, access: CoalitionAccess, note: FacilitatorNote) -> None:
    access.require_manage()
    if note.coalition_id != access.coalition.pk:
        raise PermissionDenied("This note belongs to another coalition.")
    note.delete()


@transaction.atomic
def calendar_subscription_renew(*, user: User) -> str:
    """A new secret calendar address for ``user`` (their cohorts' sessions), returned once:
    only its hash is kept, and the previous address stops working."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to make a calendar address.")
    raw = new_raw_token()
    CalendarSubscription.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(raw)}
    )
    return raw


@transaction.atomic
def calendar_subscription_revoke(*, user: User) -> bool:
    """Whether ``user`` had a calendar address; it answers nothing any more."""
    deleted, _rows = CalendarSubscription.objects.filter(user=user).delete()
    return bool(deleted)
