"""The cohort's edit page and its closing, for its coalition's facilitators only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from capnr.coalition.models import Cohort

pytestmark = pytest.mark.django_db


def edit_url(world):
    return reverse("coalition:cohort_edit", args=[world.coalition.slug, world.cohort.pk])


def close_url(world):
    return reverse("coalition:cohort_close", args=[world.coalition.slug, world.cohort.pk])


def form(**changes):
    values = {
        "name": "Promotion 2025 bis",
        "year": 2025,
        "start_date": "2025-02-01",
        "end_date": "2025-12-15",
        "description": "A new public description.",
    }
    return {**values, **changes}


def test_a_facilitator_changes_the_name_year_dates_and_description(client, world):
    client.force_login(world.co_facilitator)
    page = client.get(edit_url(world))
    assert page.status_code == 200 and "Promotion 2025" in page.content.decode()
    response = client.post(edit_url(world), form())
    assert response.status_code == 302
    cohort = Cohort.objects.get(pk=world.cohort.pk)
    assert (cohort.name, cohort.start_date, cohort.end_date, cohort.description) == (
        "Promotion 2025 bis",
        dt.date(2025, 2, 1),
        dt.date(2025, 12, 15),
        "A new public description.",
    )


def test_an_end_before_the_start_is_refused_and_nothing_changes(client, world):
    client.force_login(world.facilitator)
    client.cookies["django_language"] = "en"
    response = client.post(edit_url(world), form(end_date="2025-01-01"))
    assert response.status_code == 400
    assert Cohort.objects.get(pk=world.cohort.pk).name == "Promotion 2025"


def test_closing_asks_first_and_ends_the_cohort_today(client, world):
    client.force_login(world.facilitator)
    client.cookies["django_language"] = "en"
    asked = client.get(close_url(world))
    assert asked.status_code == 200 and "Close the cohort" in asked.content.decode()
    assert Cohort.objects.get(pk=world.cohort.pk).end_date > timezone.localdate()
    assert client.post(close_url(world)).status_code == 302
    cohort = Cohort.objects.get(pk=world.cohort.pk)
    assert cohort.end_date == timezone.localdate()
    assert cohort.is_closed(timezone.localdate() + dt.timedelta(days=1))


def test_a_cohort_that_has_not_started_cannot_close(client, world):
    Cohort.objects.filter(pk=world.cohort.pk).update(
        start_date=timezone.localdate() + dt.timedelta(days=10), end_date=None
    )
    client.force_login(world.facilitator)
    assert client.post(close_url(world)).status_code == 400
    assert Cohort.objects.get(pk=world.cohort.pk).end_date is None


@pytest.mark.parametrize("who", ["referent", "reader", "other_facilitator", "outsider"])
def test_no_one_else_edits_or_closes_the_cohort(client, world, who):
    client.force_login(getattr(world, who))
    member = who in ("referent", "reader")  # they read the cohort: 403; others: 404
    for url in (edit_url(world), close_url(world)):
        for method in ("get", "post"):
            data = form() if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == (403 if member else 404), (who, method, url)
    cohort = Cohort.objects.get(pk=world.cohort.pk)
    assert cohort.name == "Promotion 2025" and cohort.end_date == world.cohort.end_date


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in (edit_url(world), close_url(world)):
        assert "login" in client.post(url, form())["Location"]
