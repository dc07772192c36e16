"""The session's trainer, who is not a member of the organisation: the link the organisers
email them opens their session (its people, attendance, the sign-in sheet) and nothing else."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from capnr.organisations.models import Role
from capnr.organisations.tenancy.training import (
    TRAINER_LINK_DAYS_AFTER,
    TrainerLinkUnusable,
    trainer_access,
)
from capnr.training import services
from capnr.training.models import Attendance, TrainerLink

pytestmark = pytest.mark.django_db


def send_link(access, session, user) -> str:
    """Send the trainer link and return the raw token, read back from the email."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.trainer_link_send(
            access=access,
            session=session,
            by=user,
            build_url=lambda raw: "https://capnr.example" + reverse("trainer_session", args=[raw]),
        )
    return re.search(r"/trainer/([^/\s]+)/", mail.outbox[-1].body).group(1)


def page(client, name, token):
    return client.get(reverse(name, args=[token]))


def test_the_referent_emails_the_trainer_a_link_to_their_session(
    client, referent, org_a, make_session, named, hr_access, hr, django_capture_on_commit_callbacks
):
    session = make_session()
    services.registration_create(
        access=hr_access, session=session, trainee=named("Paula Private"), by=hr
    )
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:trainer_link", args=[org_a.slug, session.pk]), {"action": "send"}
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["tina@example.org"]]
    token = re.search(r"/trainer/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert TrainerLink.objects.get().token_hash != token  # only the hash is kept
    state = client.get(reverse("training:trainer_link", args=[org_a.slug, session.pk]))
    assert "Link sent to tina@example.org" in state.content.decode()
    client.logout()
    response = page(client, "trainer_session", token)
    assert response.status_code == 200
    assert "Paula Private" in response.content.decode()
    sheet = page(client, "trainer_sign_in_sheet", token)
    assert sheet["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages)
    assert "Paula Private" in text


def test_the_trainer_takes_attendance_by_their_link(
    client, access, referent, make_session, named, hr_access, hr
):
    session = make_session(days=1)
    ann = services.registration_create(
        access=hr_access, session=session, trainee=named("Ann Present"), by=hr
    )
    token = send_link(access, session, referent)
    early = client.post(
        reverse("trainer_attendance", args=[token]), {"source": "room", f"r{ann.pk}": "present"}
    )
    assert "Attendance is taken once the session has started" in early.content.decode()
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    response = client.post(
        reverse("trainer_attendance", args=[token]), {"source": "room", f"r{ann.pk}": "present"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "trainer_session", args=[token]
    )
    ann.refresh_from_db()
    assert (ann.attended, ann.attendance_source) == (Attendance.PRESENT, "room")


def test_a_trainer_link_cannot_mark_anyone_of_another_session(
    access, referent, make_session, named, hr_access, hr
):
    mine, other = make_session(), make_session()
    stranger = services.registration_create(
        access=hr_access, session=other, trainee=named("Sam Stranger"), by=hr
    )
    for session in (mine, other):
        session.starts_at = timezone.now() - dt.timedelta(hours=1)
        session.save()
    trainer = trainer_access(send_link(access, mine, referent))
    with pytest.raises(ValidationError, match="not places of this session"):
        services.trainer_attendance_record(
            trainer=trainer, marks={stranger.pk: "present"}, source="room"
        )
    stranger.refresh_from_db()
    assert stranger.attended == Attendance.UNKNOWN


def test_the_trainer_reaches_no_other_page_of_the_organisation(
    client, access, referent, org_a, make_session, make_user, named, hr_access, hr
):
    """Logged in with an account of their own (same address, not a member), the trainer still
    reaches only the pages of their link."""
    session, other = make_session(), make_session()
    services.registration_create(
        access=hr_access, session=other, trainee=named("Olga Other"), by=hr
    )
    token = send_link(access, session, referent)
    client.force_login(make_user(email="tina@example.org"))
    assert page(client, "trainer_session", token).status_code == 200
    for name, args in (
        ("training:session", [org_a.slug, session.pk]),
        ("training:session", [org_a.slug, other.pk]),
        ("training:attendance", [org_a.slug, session.pk]),
        ("training:sign_in_sheet", [org_a.slug, other.pk]),
        ("training:index", [org_a.slug]),
        ("web:organisation_home", [org_a.slug]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 404, name
        assert "Olga Other" not in response.content.decode()


def test_a_link_stops_when_withdrawn_renewed_retargeted_cancelled_or_old(
    client, access, referent, make_session
):
    session = make_session()
    first = send_link(access, session, referent)
    second = send_link(access, session, referent)
    assert page(client, "trainer_session", first).status_code == 410  # renewed
    assert page(client, "trainer_session", second).status_code == 200
    assert services.trainer_link_revoke(access=access, session=session) == 1
    withdrawn = page(client, "trainer_session", second)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.content.decode()
    with pytest.raises(ValidationError):
        services.trainer_link_revoke(access=access, session=session)

    third = send_link(access, session, referent)
    session.trainer_email = "someone.else@example.org"
    session.save()
    assert "another trainer" in page(client, "trainer_attendance", third).content.decode()
    session.trainer_email = "tina@example.org"
    session.save()
    assert page(client, "trainer_sign_in_sheet", third).status_code == 200

    later = session.ends_at + dt.timedelta(days=TRAINER_LINK_DAYS_AFTER, minutes=1)
    with pytest.raises(TrainerLinkUnusable, match="expired"):
        trainer_access(third, now=later)
    services.session_cancel(access=access, session=session)
    assert page(client, "trainer_session", third).status_code == 410
    for guess in ("", "x", third[:-1]):
        with pytest.raises(Http404):
            trainer_access(guess)


def test_only_organisers_send_a_link_and_only_to_a_trainer_address(
    agent, agent_access, access, referent, make_session
):
    session = make_session()
    with pytest.raises(PermissionDenied):
        services.trainer_link_send(
            access=agent_access, session=session, by=agent, build_url=lambda raw: raw
        )
    session.trainer_email = ""
    session.save()
    with pytest.raises(ValidationError, match="email address first"):
        services.trainer_link_send(
            access=access, session=session, by=referent, build_url=lambda raw: raw
        )
    assert not TrainerLink.objects.exists()


def test_a_reader_does_not_see_the_trainer_link_page(client, org_a, member, make_session):
    session = make_session()
    client.force_login(member(org_a, Role.READER))
    url = reverse("training:trainer_link", args=[org_a.slug, session.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "send"}).status_code == 403
    assert not TrainerLink.objects.exists()
