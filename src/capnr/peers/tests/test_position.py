"""An organisation's own position among its peers on its diagnostic's results page and its
footprint page: its quartile (never a rank) in each of its groups, shown right after it submits,
withheld with the reason under the threshold or the differencing guard, and nothing of it when
the organisation opted out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capnr.diagnostics.services import (
    Submission,
    answer_save,
    diagnostic_reopen,
    diagnostic_start,
)
from capnr.inventory import services as inventory_services
from capnr.peers import benchmark_page, figures
from capnr.peers.models import BenchmarkOptOut

pytestmark = pytest.mark.django_db


def answered_diagnostic(world, year: int = 2025):
    access = world["access_a"]
    referent = world["people"]["referent_a"]
    diagnostic = diagnostic_start(access=access, year=year, user=referent)
    answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission("strategy.01", "yes", "", "", 0),
        user=referent,
    )
    return diagnostic


def position_section(body: str) -> str:
    """The part of a page the position include writes, up to the next heading."""
    if 'id="position"' not in body:
        return ""
    start = body.index('id="position"')
    end = body.find("<h2", start)
    return body[start : end if end != -1 else len(body)]


def test_the_results_page_shows_the_quartile_right_after_submitting(
    client, world, six_in_the_cohort, cohort_2025
):
    answered_diagnostic(world)
    client.force_login(world["people"]["referent_a"])
    results = client.post(reverse("diagnostics:submit", args=["alpha", 2025]), follow=True)
    section = position_section(results.content.decode())
    # Seven with a score (10..70) in the coalition and in the instance: org_a (10) is in the
    # first quartile of both. The cohort (six) is one organisation away from the coalition:
    # withheld, with the reason.
    assert "Trois Rivières: <strong>quartile 1</strong> of 4, among 7 organisations" in section
    assert "All organisations of Cap NR: <strong>quartile 1</strong>" in section
    assert "Promotion 2025 (2025): <span" in section
    assert "it would reveal those of fewer than 5 organisations" in section
    assert "rank" not in section.lower()


def test_an_open_or_older_diagnostic_shows_no_position(
    client, world, six_in_the_cohort, cohort_2025
):
    from capnr.diagnostics.services import diagnostic_submit

    diagnostic = answered_diagnostic(world)
    client.force_login(world["people"]["referent_a"])
    address = reverse("diagnostics:results", args=["alpha", 2025])
    assert position_section(client.get(address).content.decode()) == ""  # not submitted
    diagnostic_submit(
        access=world["access_a"], diagnostic=diagnostic, user=world["people"]["referent_a"]
    )
    assert "quartile 1" in position_section(client.get(address).content.decode())
    diagnostic_reopen(access=world["access_a"], diagnostic=diagnostic)
    assert position_section(client.get(address).content.decode()) == ""


def test_too_few_organisations_withhold_the_position_with_the_reason(client, world):
    """Without the four extra peers, no group reaches five organisations with a score."""
    from capnr.diagnostics.services import diagnostic_submit

    diagnostic = answered_diagnostic(world)
    diagnostic_submit(
        access=world["access_a"], diagnostic=diagnostic, user=world["people"]["referent_a"]
    )
    client.force_login(world["people"]["reader_a"])
    section = position_section(
        client.get(reverse("diagnostics:results", args=["alpha", 2025])).content.decode()
    )
    assert "Promotion 2025 (2025)" in section and "Trois Rivières" in section
    assert "fewer than 5 organisations have this figure (1)" in section
    assert "quartile 1" not in section


def test_the_footprint_page_shows_the_quartile_of_the_footprint_per_agent(
    client, world, six_in_the_cohort
):
    inventory_services.counts_save(access=world["access_a"], counts={"laptop": 50})
    client.force_login(world["people"]["reader_a"])
    section = position_section(
        client.get(reverse("inventory:footprint", args=["alpha"])).content.decode()
    )
    assert "IT footprint per agent" in section
    assert "Trois Rivières: <strong>quartile 1</strong> of 4, among 7 organisations" in section
    assert "it would reveal those of fewer than 5 organisations" in section


def test_an_organisation_that_opted_out_sees_no_position_and_is_not_counted(
    client, world, six_in_the_cohort, cohort_2025
):
    inventory_services.counts_save(access=world["access_a"], counts={"laptop": 50})
    BenchmarkOptOut.objects.create(organisation=world["org_a"])
    client.force_login(world["people"]["reader_a"])
    section = position_section(
        client.get(reverse("inventory:footprint", args=["alpha"])).content.decode()
    )
    assert "does not take part" in section and "quartile" not in section
    # Without org_a the coalition counts six (20..70): the cohort mate is now the lowest.
    rows = benchmark_page.positions(world["cohort_mate"], [figures.FOOTPRINT])
    assert rows is not None
    coalition = next(p for p in rows[0].positions if p.group == "Trois Rivières")
    assert coalition.count == 6 and coalition.quartile == 1
