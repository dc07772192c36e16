"""Review findings: bad but accepted input must not break a page, the public calendar feed, the
API or the weekly digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from capnr.api.services import api_token_create
from capnr.core import ical
from capnr.organisations.models import Organisation, Role
from capnr.roadmap import charts, services
from capnr.roadmap.digest import send_digests
from capnr.roadmap.models import KpiMeasurement, KpiTarget, PlanItem

pytestmark = pytest.mark.django_db


def _item(access, **fields):
    return services.item_create(
        access=access, fields={"title": "Far away", "theme": "use", **fields}
    )


def test_the_timeline_draws_an_item_due_on_the_last_possible_day(client, org_a, member, access_of):
    referent = member(org_a, Role.REFERENT)
    _item(access_of(referent, org_a), due_date=dt.date.max)
    _item(access_of(referent, org_a), start_date=dt.date(1, 1, 1), due_date=dt.date.max)
    client.force_login(referent)
    response = client.get(f"/o/{org_a.slug}/roadmap/?by=timeline")
    assert response.status_code == 200
    assert b"roadmap-timeline" in response.content


def test_the_public_calendar_feed_survives_an_item_due_on_the_last_possible_day(
    client, org_a, member, access_of
):
    referent = member(org_a, Role.REFERENT)
    access = access_of(referent, org_a)
    _item(access, due_date=dt.date.max)
    raw = services.calendar_feed_renew(access=access)
    response = client.get(f"/calendar/{raw}.ics")
    assert response.status_code == 200
    assert b"DTSTART;VALUE=DATE:99991231" in response.content


def test_an_ical_event_on_the_last_day_has_no_dtend_past_it():
    content = ical.calendar_bytes(
        name="x",
        product="-//Cap NR//Test//FR",
        events=[ical.CalendarEvent(uid="u", start=dt.date.max, summary="s")],
        stamp=timezone.now(),
    ).decode()
    assert "DTSTART;VALUE=DATE:99991231" in content
    assert "DTEND" not in content


@pytest.mark.parametrize(
    "values",
    [(1e308, -1e308), (1.7e308, -1.7e308), (1.7976931348623157e308, 0.0), (-1e308, 1e308)],
)
def test_the_indicator_chart_draws_extreme_but_finite_values(
    client, org_a, member, access_of, values
):
    referent = member(org_a, Role.REFERENT)
    access = access_of(referent, org_a)
    item = _item(access)
    kpi = services.kpi_add(access=access, item=item, user=referent, label="Huge", target=1e308)
    for day, value in enumerate(values, start=1):
        services.measurement_add(
            access=access, kpi=kpi, user=referent, date=dt.date(2024, 1, day), value=value
        )
    svg = str(charts.kpi_chart(KpiTarget.objects.get(pk=kpi.pk), language_en=True))
    assert svg.startswith("<svg") and "nan" not in svg and "inf" not in svg
    client.force_login(referent)
    assert client.get(f"/o/{org_a.slug}/roadmap/{item.pk}/").status_code == 200
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == 2


def test_the_api_refuses_a_title_longer_than_the_column(client, org_a, member, access_of):
    referent = member(org_a, Role.REFERENT)
    _, raw = api_token_create(user=referent, name="script")
    token = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    base = f"/api/v1/organisations/{org_a.slug}/roadmap/items"
    created = client.post(
        base, {"title": "x" * 201, "theme": "use"}, content_type="application/json", **token
    )
    assert created.status_code == 422, created.content
    assert "title" in created.json()["detail"]
    assert not PlanItem.objects.filter(organisation=org_a).exists()
    item = _item(access_of(referent, org_a))
    changed = client.put(
        f"{base}/{item.pk}",
        {"version": item.version, "title": "y" * 201},
        content_type="application/json",
        **token,
    )
    assert changed.status_code == 422, changed.content
    assert PlanItem.objects.get(pk=item.pk).title == "Far away"


def test_an_organisation_name_with_a_line_break_does_not_stop_the_digests(
    org_a, org_b, member, access_of
):
    # org_a's digest is sent first (lower pk); its name must not break everyone's email.
    Organisation.objects.filter(pk=org_a.pk).update(name="Alpha\nBcc: evil@example.org")
    org_a.refresh_from_db()
    today = timezone.localdate()
    for organisation in (org_a, org_b):
        owner = member(organisation, Role.REFERENT)
        access = access_of(owner, organisation)
        _item(access, owner=owner, due_date=today + dt.timedelta(days=3))
        services.digest_subscribe(access=access, user=owner, subscribed=True)
    assert send_digests(today=today, base_url="https://capnr.example.org") == 2
    assert len(mail.outbox) == 2
    assert all("\n" not in message.subject for message in mail.outbox)


def test_a_failing_address_does_not_stop_the_other_digests(
    org_a, org_b, member, access_of, monkeypatch
):
    """One SMTP error is logged and skipped; the next subscribers still get theirs."""
    from capnr.core import mail as core_mail  # every email goes through it

    calls: list[list[str]] = []
    real_send = core_mail.send_mail

    def flaky(subject, body, sender, recipients):
        calls.append(recipients)
        if len(calls) == 1:
            raise OSError("SMTP server refused the first message")
        return real_send(subject, body, sender, recipients)

    monkeypatch.setattr(core_mail, "send_mail", flaky)
    today = timezone.localdate()
    for organisation in (org_a, org_b):
        owner = member(organisation, Role.REFERENT)
        access = access_of(owner, organisation)
        _item(access, owner=owner, due_date=today + dt.timedelta(days=3))
        services.digest_subscribe(access=access, user=owner, subscribed=True)
    assert send_digests(today=today, base_url="https://capnr.example.org") == 1
    assert len(calls) == 2 and len(mail.outbox) == 1


def test_a_scenario_shared_by_two_items_counts_once_in_the_roadmap_effect(org_a, member, access_of):
    from capnr.actions.models import Scenario
    from capnr.roadmap import selectors

    owner = member(org_a, Role.REFERENT)
    access = access_of(owner, org_a)
    scenario = Scenario.objects.create(
        organisation=org_a,
        model_id="auto_shutdown",
        name="Shared",
        results={"kwh": {"value": 100.0}, "eur": {"value": 18.0}, "kgco2e_total": {"value": 7.0}},
        method_version="x",
        data_version="x",
    )
    _item(access, scenario=scenario, status="done")
    _item(access, scenario=scenario, status="in_progress")
    effect = selectors.roadmap_effect(list(selectors.item_list(access=access)))
    assert effect.expected.items == 1 and effect.expected.kwh == 100.0
    assert effect.done.items == 1 and effect.done.kgco2e == 7.0
