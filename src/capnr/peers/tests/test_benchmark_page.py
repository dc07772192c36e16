"""The benchmarks page and the figures it compares: real figures from a submitted diagnostic and
a footprint, the threshold and the differencing guard on the page, the opt-out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capnr.coalition.models import CohortMembership
from capnr.diagnostics.services import Submission, answer_save, diagnostic_start, diagnostic_submit
from capnr.organisations.models import Role
from capnr.peers import figures
from capnr.peers.models import BenchmarkOptOut

pytestmark = pytest.mark.django_db


def test_figures_come_from_the_submitted_diagnostic_and_the_footprint(world):
    from capnr.inventory import services as inventory

    access = world["access_a"]
    referent = world["people"]["referent_a"]
    diagnostic = diagnostic_start(access=access, year=2025, user=referent)
    answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission("strategy.01", "yes", "", "", 0),
        user=referent,
    )
    assert figures.GLOBAL_SCORE not in figures.figures_of(world["org_a"])  # not submitted yet
    diagnostic_submit(access=access, diagnostic=diagnostic, user=referent)
    inventory.counts_save(access=access, counts={"laptop": 100})
    found = figures.figures_of(world["org_a"])
    assert found[figures.GLOBAL_SCORE] > 0 and found["theme:strategy"] > 0
    assert found[figures.FOOTPRINT] > 0
    assert figures.COMPLETION not in found  # no roadmap yet
    from .conftest import ended_item

    ended_item(access, title="Done")
    ended_item(access, title="Planned", status="planned")
    ended_item(access, title="Dropped", status="abandoned", abandon_reason="No budget.")
    assert figures.figures_of(world["org_a"])[figures.COMPLETION] == 50.0


def test_the_page_shows_the_coalition_quartiles_and_withholds_the_cohort_one_apart(
    client, world, six_in_the_cohort, cohort_2025
):
    client.force_login(world["people"]["reader_a"])
    address = reverse("peers:benchmarks", args=["alpha"])
    # The cohort (six) differs from the coalition (seven) by one organisation: the larger group
    # is shown, the cohort withheld. The cohort comes first.
    body = client.get(address).content.decode()
    assert "Promotion 2025 (2025)" in body
    assert "it would reveal those of fewer than 5 organisations" in body
    assert "quartile 1" not in body
    # The coalition: 10..70 -> quartiles 25, 40, 55; org_a (10) in the first quartile.
    body = client.get(address, {"scope": f"coalition:{cohort_2025.coalition_id}"}).content.decode()
    assert "<td>25</td><td>40</td><td>55</td>" in body and "quartile 1" in body
    # The theme scores nobody has: withheld for too few.
    assert "fewer than 5 organisations have this figure (0)" in body


def test_a_filter_that_isolates_one_organisation_shows_nothing(client, world, six_in_the_cohort):
    client.force_login(world["people"]["reader_a"])
    body = client.get(
        reverse("peers:benchmarks", args=["alpha"]), {"kind": "commune"}
    ).content.decode()
    assert "quartile 1" not in body and "(1)" in body


def test_an_organisation_that_opts_out_neither_counts_nor_sees(
    client, world, six_in_the_cohort, cohort_2025
):
    client.force_login(world["people"]["referent_a"])
    client.post(reverse("peers:benchmarks_participation", args=["alpha"]), {"take_part": "no"})
    assert BenchmarkOptOut.objects.filter(organisation=world["org_a"]).exists()
    body = client.get(reverse("peers:benchmarks", args=["alpha"])).content.decode()
    assert "does not take part" in body and "First quartile" not in body
    # Without org_a the cohort has five: still shown to the others, without org_a's 10.
    population = figures.population()
    assert world["org_a"].pk not in population.figures
    client.force_login(world["people"]["cohort_mate"])
    page = client.get(
        reverse("peers:benchmarks", args=["cohort-mate"]),
        {"scope": f"coalition:{cohort_2025.coalition_id}"},
    ).content.decode()
    assert "quartile 1" in page  # cohort_mate (20) is now the lowest
    client.force_login(world["people"]["referent_a"])
    client.post(reverse("peers:benchmarks_participation", args=["alpha"]), {"take_part": "yes"})
    assert not BenchmarkOptOut.objects.exists()


def test_only_the_referent_changes_the_participation(client, world):
    client.force_login(world["people"]["reader_a"])
    response = client.post(
        reverse("peers:benchmarks_participation", args=["alpha"]), {"take_part": "no"}
    )
    assert response.status_code == 403 and not BenchmarkOptOut.objects.exists()
    _ = Role  # roles come from the world fixture


def test_every_figure_is_read_in_a_number_of_queries_that_does_not_grow(
    world, make_organisation, member, cohort_2025, access_of, django_assert_max_num_queries
):
    """Each organisation with a submitted diagnostic, a footprint, a dated device and a roadmap:
    reading the figures of 3 or of 9 of them costs the same queries."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from capnr.inventory import services as inventory
    from capnr.inventory.models import Asset

    from .conftest import ended_item

    def add(count: int) -> None:
        for _ in range(count):
            number = Asset.objects.values("organisation").distinct().count()
            organisation = make_organisation(f"Busy {number}", headcount=100)
            CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
            user = member(organisation, Role.REFERENT)
            access = access_of(user, organisation)
            diagnostic = diagnostic_start(access=access, year=2025, user=user)
            answer_save(
                access=access,
                diagnostic=diagnostic,
                submission=Submission("strategy.01", "yes", "", "", 0),
                user=user,
            )
            diagnostic_submit(access=access, diagnostic=diagnostic, user=user)
            inventory.counts_save(access=access, counts={"laptop": 10})
            Asset.objects.create(
                organisation=organisation,
                category="laptop",
                name="old",
                purchase_date=dt.date(2010, 1, 1),
            )
            ended_item(access)

    add(3)
    with CaptureQueriesContext(connection) as few:
        population = figures.population()
    assert sum(1 for row in population.figures.values() if figures.PAST_LIFETIME in row) == 3
    add(6)
    with CaptureQueriesContext(connection) as many:
        population = figures.population()
    found = [row for row in population.figures.values() if figures.FOOTPRINT in row]
    assert len(found) == 9 and all(
        {figures.GLOBAL_SCORE, figures.PAST_LIFETIME, figures.COMPLETION} <= set(row)
        for row in found
    )
    assert len(many) == len(few)
    with django_assert_max_num_queries(10):
        figures.population()
