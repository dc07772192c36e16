"""The programme's indicators against figures computed by hand: written to the roadmap item the
offers serve (idempotent by date), shown on the organisation's home and in the roadmap PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import KpiMeasurement, KpiTarget
from capnr.roadmap.report import render_report_html
from capnr.training import selectors, services
from capnr.training.models import SatisfactionLink

pytestmark = pytest.mark.django_db


def _offer(access, kind, title, hours, item=None):
    return services.offer_create(
        access=access,
        fields={"kind": kind, "title": title, "duration_hours": Decimal(hours), "plan_item": item},
    )


def _past_session(access, offer, site, people, hr_access, hr, present):
    """A session that took place, ``present`` of ``people`` marked present (others absent)."""
    starts = timezone.now() + dt.timedelta(days=3)
    session = services.session_create(
        access=access,
        offer=offer,
        fields={
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "site": site,
            "capacity": 10,
            "trainer_name": "Tina",
        },
    )
    registrations = {
        name: services.registration_create(
            access=hr_access, session=session, trainee=trainee, by=hr
        )
        for name, trainee in people.items()
    }
    session.starts_at = timezone.now() - dt.timedelta(days=2)
    session.save()
    services.attendance_record(
        access=hr_access,
        session=session,
        marks={
            row.pk: "present" if name in present else "absent"
            for name, row in registrations.items()
        },
        source="room",
    )
    return session, registrations


def _answer(access, session, registration, helped):
    services.satisfaction_links_create(access=access, session=session, build_url=lambda raw: raw)
    link = SatisfactionLink.objects.get(registration=registration)
    services.satisfaction_answer(link=link, helped=helped, pace="right", recommend="yes")


@pytest.fixture
def programme(access, referent, hr_access, hr, org_a, site, named):
    """Headcount 40, 16 field agents. The item "Train the staff" is served by the field-agent
    basics (3.5 h: Ann and Bob present, Cid absent) and a Fresque (3 h: Bob and Eve present);
    an eco-design course (7 h, Fay present) serves no item. Ann says it helped a lot (3), Bob
    (basics) not really (1), Eve a little (2)."""
    org_a.headcount = 40
    org_a.save()
    services.policy_save(access=access, retention_months=36, field_agents=16)
    item = roadmap_services.item_create(
        access=access, fields={"title": "Train the staff", "theme": "awareness"}
    )
    people = {name: named(name) for name in ("Ann", "Bob", "Cid", "Eve", "Fay")}
    basics = _offer(access, "field_basics", "Digital basics", "3.5", item)
    fresque = _offer(access, "fresque", "Fresque", "3", item)
    ecodesign = _offer(access, "ecodesign", "Eco-design", "7")
    s1, r1 = _past_session(
        access,
        basics,
        site,
        {n: people[n] for n in ("Ann", "Bob", "Cid")},
        hr_access,
        hr,
        present={"Ann", "Bob"},
    )
    s2, r2 = _past_session(
        access,
        fresque,
        site,
        {n: people[n] for n in ("Bob", "Eve")},
        hr_access,
        hr,
        present={"Bob", "Eve"},
    )
    _past_session(access, ecodesign, site, {"Fay": people["Fay"]}, hr_access, hr, {"Fay"})
    _answer(access, s1, r1["Ann"], 3)
    _answer(access, s1, r1["Bob"], 1)
    _answer(access, s2, r2["Eve"], 2)
    return {"item": item, "s1": s1, "r1": r1}


def test_the_figures_of_the_offers_serving_an_item_and_of_the_whole_programme(access, programme):
    item = selectors.programme_kpis(access=access, plan_item_id=programme["item"].pk)
    # Ann, Bob, Eve present: 3/40; Ann and Bob at the field basics: 2/16;
    # 3.5 + 3.5 + 3 + 3 hours; 2 answers out of 3 say it helped.
    assert (item.people, item.staff_trained_percent) == (3, 7.5)
    assert (item.field_agents_reached, item.field_agents_reached_percent) == (2, 12.5)
    assert item.hours == 13.0
    assert (item.satisfied_percent, item.satisfaction_answers) == (66.7, 3)
    everything = selectors.programme_kpis(access=access)
    # Fay's eco-design course adds one person and 7 hours.
    assert (everything.people, everything.staff_trained_percent, everything.hours) == (4, 10.0, 20)


def test_the_indicators_are_written_to_the_item_once_a_day_and_corrected(
    access, referent, hr_access, programme
):
    item = programme["item"]
    assert services.kpis_to_roadmap(access=access, user=referent) == 4
    written = {kpi.kpi_id: kpi for kpi in KpiTarget.objects.filter(item=item)}
    assert set(written) == {
        "training.staff_trained",
        "training.field_agents_reached",
        "training.hours",
        "training.satisfaction",
    }
    assert written["training.staff_trained"].label == "Part des agents formés"
    values = {
        kpi_id: list(kpi.measurements.values_list("value", flat=True))
        for kpi_id, kpi in written.items()
    }
    assert values == {
        "training.staff_trained": [7.5],
        "training.field_agents_reached": [12.5],
        "training.hours": [13.0],
        "training.satisfaction": [66.7],
    }
    assert services.kpis_to_roadmap(access=access, user=referent) == 0  # nothing new
    assert KpiMeasurement.objects.filter(kpi__item=item).count() == 4
    cid = programme["r1"]["Cid"]
    services.attendance_record(
        access=hr_access, session=programme["s1"], marks={cid.pk: "present"}, source="sheet"
    )
    # Cid was there after all: 4/40, 3/16, 16.5 h; satisfaction unchanged.
    assert services.kpis_to_roadmap(access=access, user=referent) == 3
    assert KpiMeasurement.objects.filter(kpi__item=item).count() == 4
    assert written["training.hours"].measurements.get().value == 16.5
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert services.kpis_to_roadmap(access=access, user=referent, today=tomorrow) == 4
    assert KpiMeasurement.objects.filter(kpi__item=item).count() == 8


def test_an_indicator_without_its_denominator_is_left_out(access, referent, org_a, programme):
    org_a.headcount = None
    org_a.save()
    access.organisation.headcount = None
    services.policy_save(access=access, retention_months=36, field_agents=None)
    services.kpis_to_roadmap(access=access, user=referent)
    assert set(
        KpiTarget.objects.filter(item=programme["item"]).values_list("kpi_id", flat=True)
    ) == {"training.hours", "training.satisfaction"}


def test_only_those_who_may_change_the_item_write_its_indicators(client, hr, org_a, programme):
    client.force_login(hr)
    response = client.post(reverse("training:kpis_to_roadmap", args=[org_a.slug]))
    assert response.status_code == 403
    assert not KpiTarget.objects.filter(item=programme["item"]).exists()


def test_the_referent_records_them_from_the_programme_page(client, referent, org_a, programme):
    client.force_login(referent)
    index = client.get(reverse("training:index", args=[org_a.slug])).content.decode()
    assert "Record these indicators in the roadmap" in index
    response = client.post(reverse("training:kpis_to_roadmap", args=[org_a.slug]), follow=True)
    assert "(4 measurements recorded)" in response.content.decode()


def test_the_home_page_shows_the_programme_at_a_glance(client, referent, org_a, programme):
    client.force_login(referent)
    page = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "4 people trained" in page
    assert "(10 % of the staff)" in page
    assert "12.5 % of field agents reached" in page
    assert "20 hours of training" in page
    assert "66.7 % satisfied" in page


def test_the_home_page_says_nothing_of_training_without_a_programme(client, referent, org_a):
    client.force_login(referent)
    page = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "people trained" not in page and "nobody trained yet" not in page


def test_the_roadmap_pdf_has_a_short_training_section(access, referent, programme):
    assert "The training programme" not in render_report_html(access)
    services.kpis_to_roadmap(access=access, user=referent)
    html = render_report_html(access)
    assert "The training programme" in html
    assert "Part des agents formés" in html and "7.5 %" in html
