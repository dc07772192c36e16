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


@pytest.fixture
def six_in_the_cohort(world, make_organisation, member, cohort_2025, monkeypatch):
    """org_a, cohort_mate and four more in the 2025 cohort; one more, a commune, in the 2024
    cohort: the coalition is the cohort plus one organisation. Each has a score of 10 × its
    rank; the patch stands for submitted diagnostics."""
    extra = []
    for number in range(4):
        organisation = make_organisation(f"Peer {number}", headcount=400)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        extra.append(organisation)
    ranks = {
        organisation.pk: 10.0 * rank
        for rank, organisation in enumerate(
            [world["org_a"], world["cohort_mate"], *extra, world["other_cohort"]], start=1
        )
    }
    monkeypatch.setattr(
        figures,
        "figures_of",
        lambda organisation: (
            {figures.GLOBAL_SCORE: ranks[organisation.pk]} if organisation.pk in ranks else {}
        ),
    )
    return extra


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
