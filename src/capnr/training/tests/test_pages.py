"""The training pages through HTTP, as référents, HR, agents and anonymous agents would use them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from capnr.training import services
from capnr.training.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    SkillsResponse,
    TrainingOffer,
)

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"training:{name}", args=[org.slug, *args])


def text_of(response) -> str:
    return response.content.decode()


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_empty_programme_says_what_to_do_next(client, referent, agent, org_a):
    client.force_login(referent)
    page = text_of(client.get(url("index", org_a)))
    assert "No training offer yet. Start with “New offer”" in page
    assert url("offer_create", org_a) in page
    client.force_login(agent)
    page = text_of(client.get(url("index", org_a)))
    assert "HR or the référent of the organisation create them" in page
    assert url("offer_create", org_a) not in page


def test_the_navigation_leads_to_training(client, agent, org_a):
    client.force_login(agent)
    page = text_of(client.get(reverse("web:organisation_home", args=[org_a.slug])))
    assert f'href="{url("index", org_a)}"' in page


def test_hr_creates_an_offer_and_a_session_through_the_forms(client, hr, org_a, site):
    client.force_login(hr)
    response = client.post(
        url("offer_create", org_a),
        {
            "kind": "fresque",
            "title": "Fresque du Numérique",
            "format": "on_site",
            "duration_hours": "3",
            "action_id": "awareness.staff_awareness",
        },
    )
    offer = TrainingOffer.objects.get()
    assert response.status_code == 302 and response["Location"] == url("offer", org_a, offer.pk)
    starts = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        url("session_create", org_a, offer.pk),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "site": site.pk,
            "capacity": "12",
            "trainer_name": "Tina Trainer",
        },
    )
    session = offer.sessions.get()
    assert response["Location"] == url("session", org_a, session.pk)
    assert session.capacity == 12 and session.site == site


def test_names_on_a_session_are_shown_to_hr_and_never_to_other_agents(
    client, hr, agent, org_a, hr_access, make_session, named
):
    session = make_session(capacity=1)
    services.registration_create(
        access=hr_access, session=session, trainee=named("Paula Private"), by=hr
    )
    services.registration_create(
        access=hr_access, session=session, trainee=named("Walter Waiting"), by=hr
    )
    client.force_login(hr)
    page = text_of(client.get(url("session", org_a, session.pk)))
    assert "Paula Private" in page and "Walter Waiting" in page
    client.force_login(agent)
    page = text_of(client.get(url("session", org_a, session.pk)))
    assert "Paula Private" not in page and "Walter Waiting" not in page
    assert "Join the waiting list" in page
    assert "tina@example.org" not in page


def test_an_agent_registers_then_cancels_and_the_waiting_list_moves_up(
    client, agent, org_a, hr_access, hr, make_session, named
):
    session = make_session(capacity=1)
    client.force_login(agent)
    response = client.post(url("register_me", org_a, session.pk), follow=True)
    assert "Alain Agent is registered." in text_of(response)
    services.registration_create(access=hr_access, session=session, trainee=named("Walter"), by=hr)
    mine = Registration.objects.get(trainee__user=agent)
    confirmation = client.get(url("registration_cancel", org_a, mine.pk))
    assert "Cancel the registration of Alain Agent?" in text_of(confirmation)
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.REGISTERED  # nothing changes before the POST
    response = client.post(url("registration_cancel", org_a, mine.pk), follow=True)
    assert "Walter moved up from the waiting list and has a place." in text_of(response)


def test_registering_for_a_past_session_shows_the_reason(client, agent, org_a, make_session):
    session = make_session(days=-2)
    client.force_login(agent)
    page = text_of(client.get(url("session", org_a, session.pk)))
    assert "registrations are closed" in page
    response = client.post(url("register_me", org_a, session.pk), follow=True)
    assert "registrations are closed" in text_of(response)
    assert not Registration.objects.exists()


def test_hr_registers_an_agent_without_an_account(client, hr, org_a, make_session, department):
    session = make_session()
    client.force_login(hr)
    response = client.post(
        url("register", org_a, session.pk), {"name": "Noé Terrain", "department": department.pk}
    )
    assert response.status_code == 302
    trainee = Registration.objects.get().trainee
    assert (trainee.name, trainee.user, trainee.department) == ("Noé Terrain", None, department)


def test_attendance_from_the_sheet_then_a_certificate(
    client, hr, org_a, hr_access, make_session, named
):
    session = make_session(days=1)
    ann = services.registration_create(
        access=hr_access, session=session, trainee=named("Ann Present"), by=hr
    )
    bob = services.registration_create(
        access=hr_access, session=session, trainee=named("Bob Absent"), by=hr
    )
    client.force_login(hr)
    sheet = client.get(url("sign_in_sheet", org_a, session.pk))
    assert "Ann Present" in pdf_text(sheet) and "Bob Absent" in pdf_text(sheet)
    session.starts_at = timezone.now() - dt.timedelta(hours=2)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    response = client.post(
        url("attendance", org_a, session.pk),
        {"source": "sheet", f"r{ann.pk}": "present", f"r{bob.pk}": "absent"},
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.attended, ann.attendance_source) == (Attendance.PRESENT, "sheet")
    certificate = client.get(url("certificate", org_a, ann.pk))
    assert "Ann Present" in pdf_text(certificate) and "Digital basics" in pdf_text(certificate)
    refused = client.get(url("certificate", org_a, bob.pk), follow=True)
    assert "only for someone marked present" in text_of(refused)


def test_an_agent_gets_only_their_own_certificate(
    client, agent, org_a, hr_access, hr, make_session, named
):
    session = make_session(days=-1)
    other = Registration.objects.create(
        session=session, trainee=named("Someone Else"), attended=Attendance.PRESENT
    )
    client.force_login(agent)
    assert client.get(url("certificate", org_a, other.pk)).status_code == 403
    assert client.get(url("registration_cancel", org_a, other.pk)).status_code == 403


def test_the_session_page_reads_in_a_fixed_number_of_queries(
    client, hr, org_a, hr_access, make_session, named
):
    session = make_session(capacity=3)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("session", org_a, session.pk)).status_code == 200
        return len(captured)

    client.force_login(hr)
    services.registration_create(access=hr_access, session=session, trainee=named("A0"), by=hr)
    few = queries()
    for number in range(1, 8):
        services.registration_create(
            access=hr_access, session=session, trainee=named(f"A{number}"), by=hr
        )
    assert queries() == few


# --- The self-assessment --------------------------------------------------------------------


def test_an_agent_answers_the_self_assessment_without_an_account(client, access, site):
    campaign = services.campaign_create(access=access, name="Spring")
    link = reverse("skills_assessment", args=[campaign.link_token])
    page = text_of(client.get(link))
    assert "You do not give your name." in page and "Alpha hidden site" in page
    response = client.post(link, {"site": site.pk, "department": "", "email": "0", "video": "1"})
    assert response["Location"] == reverse("skills_thanks", args=[campaign.link_token])
    answer = SkillsResponse.objects.get()
    assert answer.answers == {"email": 0, "video": 1} and answer.site == site


def test_a_wrong_or_closed_link_takes_no_answer(client, access):
    assert client.get(reverse("skills_assessment", args=["not-a-campaign"])).status_code == 404
    campaign = services.campaign_create(access=access, name="Spring")
    services.campaign_close(access=access, campaign=campaign)
    link = reverse("skills_assessment", args=[campaign.link_token])
    assert client.post(link, {"email": "0"}).status_code == 410
    assert not SkillsResponse.objects.exists()


def _answers(campaign, site, department, count, level):
    for _ in range(count):
        services.skills_answer(
            campaign=campaign,
            site_id=site.pk if site else None,
            department_id=department.pk if department else None,
            levels={"email": level},
        )


def test_results_wait_for_the_campaign_to_close(client, referent, org_a, access, site):
    campaign = services.campaign_create(access=access, name="Spring")
    _answers(campaign, site, None, 6, 0)
    client.force_login(referent)
    page = text_of(client.get(url("campaign", org_a, campaign.pk)))
    assert "6 answers so far." in page and "Everyone selected" not in page


def test_results_withhold_a_small_group_with_the_reason_also_when_filtered(
    client, referent, org_a, access, site, department
):
    from capnr.organisations.models import Department

    parks = Department.objects.create(organisation=org_a, name="Parks")
    campaign = services.campaign_create(access=access, name="Spring")
    _answers(campaign, site, department, 6, 0)
    _answers(campaign, site, parks, 3, 2)
    services.campaign_close(access=access, campaign=campaign)
    client.force_login(referent)
    page = text_of(client.get(url("campaign", org_a, campaign.pk) + "?by=department"))
    assert "Everyone selected (6 answers)" in page
    assert "3 answers come from groups of fewer than 5 people" in page
    assert "withheld: fewer than 5 answers." in page
    assert (
        "Digital basics for field agents for Alpha hidden department: 100 % need help with "
        "“I read and send emails.”" in page
    )
    narrowed = text_of(
        client.get(url("campaign", org_a, campaign.pk) + f"?by=site&department={parks.pk}")
    )
    assert "Withheld: fewer than 5 answers in this group" in narrowed
    assert "Everyone selected" not in narrowed


def test_hr_downloads_sessions_and_attendance_and_a_reader_cannot(
    client, hr, agent, org_a, hr_access, make_session, named
):
    from openpyxl import load_workbook

    session = make_session()
    services.registration_create(
        access=hr_access, session=session, trainee=named("=HYPERLINK(1)"), by=hr
    )
    client.force_login(hr)
    workbook = load_workbook(io.BytesIO(client.get(url("export_xlsx", org_a)).content))
    assert workbook.sheetnames == ["Sessions", "Attendance"]
    names = [row[3] for row in workbook["Attendance"].iter_rows(min_row=2, values_only=True)]
    assert names == ["'=HYPERLINK(1)"]
    csv_text = client.get(url("export_csv", org_a)).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "Digital basics" in csv_text
    client.force_login(agent)
    assert client.get(url("export_xlsx", org_a)).status_code == 403
    assert client.get(url("export_csv", org_a)).status_code == 403


def test_hr_erases_a_name_after_confirming(client, hr, org_a, hr_access, make_session, named):
    session = make_session()
    registration = services.registration_create(
        access=hr_access, session=session, trainee=named("Erin Erase"), by=hr
    )
    client.force_login(hr)
    assert "Erin Erase" in text_of(client.get(url("people", org_a)))
    erase = url("trainee_erase", org_a, registration.trainee_id)
    assert "Erase the name of Erin Erase?" in text_of(client.get(erase))
    client.post(erase)
    page = text_of(client.get(url("people", org_a)))
    assert "Erin Erase" not in page and "(name erased)" in page


# --- Satisfaction ---------------------------------------------------------------------------


def test_a_satisfaction_link_is_made_for_each_person_present_and_works_once(
    client,
    hr,
    agent,
    org_a,
    hr_access,
    agent_access,
    make_session,
    named,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    session = make_session(days=1)
    present = services.registration_create(
        access=hr_access, session=session, trainee=named("Paul Present"), by=hr
    )
    absent = services.registration_create(
        access=hr_access, session=session, trainee=named("Anna Absent"), by=hr
    )
    mine = services.registration_create(
        access=agent_access,
        session=session,
        trainee=services.trainee_for_user(access=agent_access, user=agent),
        by=agent,
    )
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    services.attendance_record(
        access=hr_access,
        session=session,
        marks={present.pk: "present", absent.pk: "absent", mine.pk: "present"},
        source="room",
    )
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        page = text_of(client.post(url("satisfaction_links", org_a, session.pk)))
    assert "Paul Present" in page and "Anna Absent" not in page
    assert [message.to for message in mailoutbox] == [[agent.email]]
    link = page.split('<span class="secret">')[1].split("</span>")[0]
    path = link.removeprefix("http://testserver")
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logging out drops every cookie
    form = client.get(path)
    assert "Did the training help you?" in text_of(form)
    answers = {"helped": "3", "pace": "right", "recommend": "yes"}
    assert client.post(path, answers)["Location"] == reverse("satisfaction_thanks")
    assert client.post(path, answers).status_code == 410
    assert client.get(reverse("satisfaction", args=["no-such-link"])).status_code == 404
    from capnr.training import selectors

    figures = selectors.programme_figures(access=hr_access, unknown="?")
    assert (figures.satisfied_percent, figures.satisfaction_answers) == (100, 1)
    client.force_login(hr)
    again = text_of(client.post(url("satisfaction_links", org_a, session.pk)))
    assert "Everyone present already has a link." in again


def test_a_session_goes_into_ones_calendar(client, agent, org_a, make_session):
    session = make_session()
    client.force_login(agent)
    response = client.get(url("session_calendar", org_a, session.pk))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Digital basics" in body and "LOCATION:Alpha hidden site\\, Room 2" in body
    assert "STATUS:CONFIRMED" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_sign_in_sheet_and_the_certificate_have_no_text_over_text(
    client, hr, org_a, hr_access, make_session, named
):
    from tests.test_pdf_layout import problems_of, read_layout

    session = make_session(days=1, capacity=12)
    rows = [
        services.registration_create(
            access=hr_access, session=session, trainee=named(f"Agent with a long name {n}"), by=hr
        )
        for n in range(12)
    ]
    client.force_login(hr)
    sheet = client.get(url("sign_in_sheet", org_a, session.pk)).content
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    services.attendance_record(
        access=hr_access, session=session, marks={rows[0].pk: "present"}, source="room"
    )
    certificate = client.get(url("certificate", org_a, rows[0].pk)).content
    for name, pdf in (("sign-in-sheet", sheet), ("certificate", certificate)):
        problems = problems_of(read_layout(pdf, keep_as=f"training-{name}"))
        assert not problems, f"{name}: {problems}"
