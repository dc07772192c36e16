"""The coalition workspace's pages: the cohort, a session, the forms that run them, the calendar
feed and the notes, for the facilitator, a member of the cohort and a facilitator of another
coalition."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from capnr.coalition import services
from capnr.coalition.models import Attendance, FacilitatorNote, Session

pytestmark = pytest.mark.django_db


def _page(client, user, name, *args, lang="fr"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    response = client.get(reverse(f"coalition:{name}", args=args))
    return response, unescape(response.content.decode())


def test_the_cohort_page_shows_its_sessions_upcoming_first_and_its_organisations(
    client, world, django_assert_max_num_queries
):
    later, soon, past = world.session(days=30), world.session(days=3), world.session(days=-10)
    client.force_login(world.facilitator)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("coalition:cohort", args=["trois-rivieres", world.cohort.pk]))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert page.index(soon.title) < page.index(later.title) < page.index(past.title)
    assert "A year of responsible IT, together." in page
    assert "Alpha secret agency" in page
    assert "Animateur·rice — atelier" in page
    assert reverse("coalition:session_create", args=["trois-rivieres", world.cohort.pk]) in page


def test_a_member_of_the_cohort_reads_it_without_the_facilitators_offers(client, world):
    world.session(days=3)
    response, page = _page(client, world.reader, "cohort", "trois-rivieres", world.cohort.pk)
    assert response.status_code == 200 and "Session in 3 days" in page
    assert "/sessions/new/" not in page and "/notes/" not in page and "/add/" not in page


def test_a_facilitator_of_another_coalition_sees_nothing(client, world):
    session = world.session()
    client.force_login(world.other_facilitator)
    for url in (
        reverse("coalition:cohort", args=["trois-rivieres", world.cohort.pk]),
        reverse("coalition:cohort_calendar", args=["trois-rivieres", world.cohort.pk]),
        reverse("coalition:session", args=["trois-rivieres", session.pk]),
        reverse("coalition:session_edit", args=["trois-rivieres", session.pk]),
        reverse("coalition:notes", args=["trois-rivieres", "alpha"]),
        # their own coalition's slug does not open another coalition's rows either
        reverse("coalition:session", args=["other", session.pk]),
        reverse("coalition:cohort", args=["other", world.cohort.pk]),
        reverse("web:organisation_home", args=["alpha"]),
        reverse("diagnostics:index", args=["alpha"]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    assert "Alpha" not in client.get(reverse("coalition:list")).content.decode()


def test_the_session_page_gives_when_where_the_agenda_and_the_attendance(client, world):
    session = world.session(
        days=-1,
        place="Maison des associations",
        video_url="https://visio.example/abc",
        agenda="Tour de table\nAteliers",
    )
    services.material_add(
        access=world.access, session=session, title="Slides", url="https://docs.example/s.pdf"
    )
    services.attendance_record(
        access=world.access,
        session=session,
        organisation=world.org_a,
        status="present",
        people_ids=[world.referent.pk],
    )
    response, page = _page(client, world.facilitator, "session", "trois-rivieres", session.pk)
    assert response.status_code == 200
    for text in ("Maison des associations", "https://visio.example/abc", "Ateliers", "Slides"):
        assert text in page
    assert "Présent" in page and "Rita Référente" in page
    assert reverse("coalition:session_attendance", args=["trois-rivieres", session.pk]) in page
    _, member_page = _page(client, world.reader, "session", "trois-rivieres", session.pk)
    assert "Rita Référente" in member_page and "/attendance/" not in member_page
    assert "/edit/" not in member_page and "/delete/" not in member_page


def test_the_facilitator_creates_edits_and_deletes_a_session_after_confirming(client, world):
    client.force_login(world.facilitator)
    url = reverse("coalition:session_create", args=["trois-rivieres", world.cohort.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "diagnostic_workshop",
            "title": "Atelier autodiagnostic",
            "starts_at": "2030-03-04T09:00",
            "ends_at": "2030-03-04T12:00",
            "place": "",
            "video_url": "",
            "agenda": "",
        },
    )
    assert response.status_code == 200  # neither a place nor a link
    assert "Indiquez un lieu, un lien de visio, ou les deux." in unescape(response.content.decode())
    response = client.post(
        url,
        {
            "kind": "diagnostic_workshop",
            "title": "Atelier autodiagnostic",
            "starts_at": "2030-03-04T09:00",
            "ends_at": "2030-03-04T12:00",
            "place": "Salle du conseil",
        },
    )
    session = Session.objects.get(title="Atelier autodiagnostic")
    assert response.status_code == 302
    assert timezone.localtime(session.starts_at).hour == 9
    assert list(session.expected.all()) == [world.org_a]
    edit = reverse("coalition:session_edit", args=["trois-rivieres", session.pk])
    assert "Salle du conseil" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "kind": "diagnostic_workshop",
            "title": "Atelier renommé",
            "starts_at": "2030-03-04T09:00",
            "ends_at": "2030-03-04T12:30",
            "place": "Salle du conseil",
            "version": 1,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.version) == ("Atelier renommé", 2)
    delete = reverse("coalition:session_delete", args=["trois-rivieres", session.pk])
    confirm = unescape(client.get(delete).content.decode())
    assert "Supprimer la séance « Atelier renommé » ?" in confirm
    assert Session.objects.filter(pk=session.pk).exists()  # asking deletes nothing
    assert client.post(delete).status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_members_cannot_run_the_cohort(client, world):
    session = world.session()
    for user in (world.referent, world.reader):
        client.force_login(user)
        for name, args, data in (
            ("session_create", [world.cohort.pk], {"title": "x"}),
            ("cohort_add_organisation", [world.cohort.pk], {"form": "new"}),
            ("session_edit", [session.pk], {"title": "x"}),
            ("session_delete", [session.pk], {}),
            ("session_attendance", [session.pk], {"organisation": "alpha"}),
            ("session_invite", [session.pk], {}),
            ("material_add", [session.pk], {"title": "x", "url": "https://x.example"}),
            ("notes", ["alpha"], {"text": "x"}),
        ):
            url = reverse(f"coalition:{name}", args=["trois-rivieres", *args])
            assert client.post(url, data).status_code == 403, (user, name)
    assert Session.objects.get(pk=session.pk).title == session.title
    assert not FacilitatorNote.objects.exists()


def test_the_facilitator_records_attendance_without_javascript(client, world):
    session = world.session(days=-1)
    client.force_login(world.facilitator)
    url = reverse("coalition:session_attendance", args=["trois-rivieres", session.pk])
    page = unescape(client.get(url).content.decode())
    assert "Rita Référente" in page
    response = client.post(
        url,
        {"organisation": "alpha", "alpha-status": "present", "alpha-people": [world.referent.pk]},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session, organisation=world.org_a)
    assert attendance.status == "present" and list(attendance.people.all()) == [world.referent]


def test_the_cohort_calendar_is_an_icalendar_file_of_its_sessions(client, world):
    session = world.session(days=3, place="Maison des associations, Valmont")
    world.session(days=-3)
    response, _ = _page(client, world.reader, "cohort_calendar", "trois-rivieres", world.cohort.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    event = next(e for e in events if str(e["SUMMARY"]) == session.title)
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["LOCATION"]) == "Maison des associations, Valmont"
    assert str(event["URL"]).endswith(f"/coalitions/trois-rivieres/sessions/{session.pk}/")
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75


def test_notes_are_for_the_facilitators_with_a_follow_up_date(client, world):
    client.force_login(world.facilitator)
    url = reverse("coalition:notes", args=["trois-rivieres", "alpha"])
    response = client.post(url, {"text": "Relancer la DGS", "follow_up_on": "2020-01-10"})
    assert response.status_code == 302
    note = FacilitatorNote.objects.get()
    assert (note.author, note.follow_up_on) == (world.facilitator, dt.date(2020, 1, 10))
    _, page = _page(client, world.co_facilitator, "notes", "trois-rivieres", "alpha")
    assert "Relancer la DGS" in page
    _, cohort = _page(client, world.co_facilitator, "cohort", "trois-rivieres", world.cohort.pk)
    assert "Relancer la DGS" in cohort  # a follow-up due
    for user in (world.referent, world.reader, world.contributor):
        response, page = _page(client, user, "notes", "trois-rivieres", "alpha")
        assert response.status_code == 403 and "Relancer" not in page
    response, _ = _page(client, world.other_facilitator, "notes", "trois-rivieres", "alpha")
    assert response.status_code == 404
    response, _ = _page(client, world.facilitator, "notes", "trois-rivieres", "bravo")
    assert response.status_code == 404  # not in the coalition


def test_the_referent_accepts_the_invitation_into_a_cohort(client, world, org_b):
    client.force_login(world.facilitator)
    url = reverse("coalition:cohort_add_organisation", args=["trois-rivieres", world.cohort.pk])
    response = client.post(url, {"form": "existing", "existing-slug": "bravo"})
    assert response.status_code == 302
    membership = org_b.cohort_memberships.get(cohort=world.cohort)
    join = reverse("coalition:join", args=[membership.pk])
    client.force_login(world.co_facilitator)  # sees nothing of Bravo before its consent
    assert client.get(join).status_code == 404
    client.force_login(world.other_facilitator)  # reads Bravo (their cohort), answers not
    assert client.post(join, {"answer": "accept"}).status_code == 403
    client.force_login(world.outsider)  # Bravo's référent
    assert "Trois Rivières" in unescape(client.get(join).content.decode())
    assert client.post(join, {"answer": "accept"}).status_code == 302
    membership.refresh_from_db()
    assert not membership.pending


def test_the_facilitators_role_label_is_truthful_and_the_home_offers_no_profile_edit(client, world):
    client.force_login(world.facilitator)
    home = unescape(client.get(reverse("web:organisation_home", args=["alpha"])).content.decode())
    assert "Animateur·rice — atelier" in home and "lecture seule" not in home
    # The profile is incomplete, yet the home does not send the facilitator to edit it.
    steps = home.split('<li class="step')[1:]
    assert reverse("organisations:profile", args=["alpha"]) in steps[0]
    assert "status-done" not in steps[0][:40]
    assert "Prochaine étape" not in steps[0]
    client.cookies["django_language"] = "en"
    home = client.get(reverse("web:organisation_home", args=["alpha"])).content.decode()
    assert "Facilitator — workshop" in unescape(home)


def test_the_facilitator_creates_a_cohort_of_their_coalition_only(client, world):
    client.force_login(world.facilitator)
    url = reverse("coalition:cohort_create", args=["trois-rivieres"])
    assert url in client.get(reverse("coalition:list")).content.decode()
    response = client.post(
        url,
        {
            "name": "Promotion 2026",
            "year": 2026,
            "start_date": "2026-01-19",
            "end_date": "2026-12-11",
            "description": "Ouverte aux communes.",
        },
    )
    assert response.status_code == 302
    cohort = world.coalition.cohorts.get(name="Promotion 2026")
    assert (cohort.year, cohort.description) == (2026, "Ouverte aux communes.")
    again = client.post(url, {"name": "Promotion 2026", "year": 2026})
    assert again.status_code == 200 and world.coalition.cohorts.count() == 2
    assert client.post(reverse("coalition:cohort_create", args=["other"])).status_code == 404
    client.force_login(world.referent)
    assert client.post(url, {"name": "x", "year": 2026}).status_code == 403
