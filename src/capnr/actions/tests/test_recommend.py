"""Ranking of the recommendations, the pre-fill rules and the impact/effort matrix: pure
functions, no database."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from capnr.actions import recommend
from capnr.actions.matrix import MatrixPoint, impact_effort_matrix
from capnr.actions.prefill import Hotspot, build_prefill
from capnr.engine import impact as engine_impact
from capnr.engine.assets import AssetTable
from capnr.engine.catalogue import catalogue
from capnr.engine.diagnostic import Profile, applicable_questions, referential
from capnr.engine.reference import reference_data

TODAY = dt.date(2025, 6, 1)
STATE = frozenset(q.id for q in applicable_questions(Profile(kind="state_service")))
ASSOCIATION = frozenset(q.id for q in applicable_questions(Profile(kind="association")))


def bounds(value: float) -> engine_impact.Bounds:
    return engine_impact.Bounds(value, value * 0.5, value * 2)


def fake_impact(kgco2e: float = 0.0, eur: float = 0.0, kwh: float = 0.0) -> engine_impact.Impact:
    return engine_impact.Impact(
        kwh=bounds(kwh),
        eur=bounds(eur),
        kgco2e_use=bounds(kgco2e),
        kgco2e_embodied=engine_impact.Bounds.exact(0.0),
        kg_materials=None,
        kpis={},
        notes_fr=(),
        notes_en=(),
        confidence="medium",
        method_version="test",
    )


def ranked(answers=None, applicable=STATE, impacts=None, planned=None, hotspots=(), today=TODAY):
    return recommend.recommend(
        catalogue(),
        data=referential(),
        answers=answers or {},
        applicable=applicable,
        impacts=impacts or {},
        planned=planned or {},
        hotspots=hotspots,
        today=today,
    )


def ids(entries):
    return [entry.action.id for entry in entries]


def every_listed(result):
    return {entry.action.id for entry in result.matrix} | set(ids(result.regulation_more))


def table_of(counts: dict[str, float]) -> AssetTable:
    data = reference_data()
    codes = list(counts)
    n = len(codes)
    return AssetTable(
        category=np.array([data.category_index(code) for code in codes], dtype=np.intp),
        country=np.full(n, data.countries.index("FRA"), dtype=np.intp),
        quantity=np.array([float(counts[code]) for code in codes]),
    )


# --- Relevance ------------------------------------------------------------------------------


def test_a_catalogue_quick_win_appears_among_the_quick_wins():
    result = ranked()
    assert "use.auto_shutdown" in ids(result.quick_wins)
    assert "hosting.raise_setpoint" in ids(result.quick_wins)


def test_an_action_whose_questions_are_all_answered_yes_is_left_out_everywhere():
    answers = {"use.01": "yes", "use.03": "yes"}  # the questions of use.auto_shutdown
    action = catalogue().action("use.auto_shutdown")
    assert not recommend.is_relevant(action, answers, STATE)
    result = ranked(answers=answers)
    assert "use.auto_shutdown" not in every_listed(result)
    assert result.skipped >= 1


def test_an_action_with_one_question_still_open_stays_with_that_question_as_its_reason():
    answers = {"use.01": "yes", "use.03": "no"}
    result = ranked(answers=answers)
    entry = next(e for e in result.quick_wins if e.action.id == "use.auto_shutdown")
    assert [(gap.question.id, gap.answer) for gap in entry.gaps] == [("use.03", "no")]


def test_actions_whose_questions_do_not_apply_or_are_answered_not_applicable_are_left_out():
    # strategy.07 (REEN strategy) applies to communes and EPCIs above 50,000 inhabitants only.
    reen = catalogue().action("strategy.reen_strategy")
    assert not recommend.is_relevant(reen, {}, STATE)
    assert "strategy.reen_strategy" not in every_listed(ranked())
    setpoint = catalogue().action("hosting.raise_setpoint")
    assert not recommend.is_relevant(setpoint, {"hosting.01": "na"}, STATE)


def test_unanswered_questions_keep_an_action_and_say_so():
    entry = next(e for e in ranked().quick_wins if e.action.id == "hosting.raise_setpoint")
    assert entry.gaps and entry.gaps[0].answer is None


def test_gaps_put_the_weightiest_question_first():
    action = catalogue().action("use.power_settings")  # use.02 (priority 3), use.08 (1), use.09
    found = recommend.gaps(action, {"use.02": "partly", "use.08": "no"}, STATE, referential())
    assert found[0].question.id == "use.02"  # 3 × 0.5 weighs more than 1 × 1


# --- Quick wins and payback -----------------------------------------------------------------


def test_payback_is_immediate_without_spending_and_unknown_without_euros():
    free = catalogue().action("use.auto_shutdown")
    assert recommend.payback_years(free, fake_impact(eur=500)) == 0.0
    assert recommend.payback_years(free, None) is None
    assert recommend.payback_years(free, fake_impact(eur=0)) is None
    cheap = catalogue().action("end_of_use.collection_challenge")
    assert cheap.cost == "low"
    assert recommend.payback_years(cheap, fake_impact(eur=10_000)) == pytest.approx(0.5)


def test_an_easy_low_cost_action_is_a_quick_win_only_if_it_pays_back_within_a_year():
    action = catalogue().action("end_of_use.certified_erasure")  # easy, low cost, no quick_win
    assert not action.quick_win and action.effort == "easy" and action.cost == "low"
    assert recommend.is_quick_win(action, None)  # no figure: it cannot be ruled out
    assert recommend.is_quick_win(action, 0.5)
    assert not recommend.is_quick_win(action, 3.0)
    hard = catalogue().action("hosting.virtualise_consolidate")
    assert not recommend.is_quick_win(hard, 0.0)


def test_flagged_quick_wins_come_first_and_the_list_is_short():
    result = ranked()
    flags = [entry.action.quick_win for entry in result.quick_wins]
    assert flags == sorted(flags, reverse=True)
    assert len(result.quick_wins) <= recommend.QUICK_WIN_SIZE


# --- High impact ----------------------------------------------------------------------------


def test_high_impact_ranks_by_carbon_or_euros_and_keeps_eight():
    impacts = {
        "equipment.lifetime_policy": fake_impact(kgco2e=9000, eur=30000),
        "hosting.virtualise_consolidate": fake_impact(kgco2e=9500, eur=7000),
        "use.duplex_default": fake_impact(kgco2e=4000, eur=40000),
        "use.auto_shutdown": fake_impact(kgco2e=300, eur=700),
        "data.cleanup_day": fake_impact(),  # no figure: never "high impact"
    }
    result = ranked(impacts=impacts)
    top = ids(result.high_impact)
    assert top[:3] == [
        "hosting.virtualise_consolidate",  # the largest carbon (carbon first among equals)
        "use.duplex_default",  # the largest euros
        "equipment.lifetime_policy",
    ]
    assert "data.cleanup_day" not in top
    assert len(top) <= recommend.HIGH_IMPACT_SIZE
    by_id = {e.action.id: e for e in result.high_impact}
    assert by_id["hosting.virtualise_consolidate"].score == pytest.approx(1.0)
    assert by_id["hosting.virtualise_consolidate"].tonnes.value == pytest.approx(9.5)


# --- Regulation -----------------------------------------------------------------------------


def test_an_obligation_due_within_two_years_puts_its_actions_in_anticipate_regulation():
    # purchasing.01: at least one environmental criterion in every contract from 21 Aug 2026.
    result = ranked(today=dt.date(2025, 6, 1))
    listed = ids(result.regulation) + ids(result.regulation_more)
    assert "purchasing.environmental_criterion" in listed
    entry = next(
        e
        for e in result.regulation + result.regulation_more
        if e.action.id == "purchasing.environmental_criterion"
    )
    assert entry.obligations[0].due == dt.date(2026, 8, 21)
    assert not entry.obligations[0].overdue
    # Deadlines still ahead come before those already passed.
    assert ids(result.regulation)[0] in {
        "purchasing.environmental_criterion",
        "ecodesign.supplier_requirements",
        "purchasing.refurbished_sourcing",
    }


def test_an_obligation_too_far_ahead_or_met_is_not_anticipated():
    far = ranked(today=dt.date(2024, 1, 1))  # 21 Aug 2026 is 31 months ahead
    action = catalogue().action("purchasing.environmental_criterion")
    assert (
        recommend.due_obligations(action, {}, STATE, referential(), today=dt.date(2024, 1, 1)) == []
    )
    assert "purchasing.environmental_criterion" not in ids(far.regulation)
    met = ranked(answers={"purchasing.01": "yes"})
    assert "purchasing.environmental_criterion" not in ids(met.regulation) + ids(
        met.regulation_more
    )


def test_overdue_obligations_are_marked_and_repeated_references_shown_once():
    action = catalogue().action("accessibility.statement")  # three questions, one legal text
    found = recommend.due_obligations(action, {}, STATE, referential(), today=TODAY)
    assert len(found) == 1 and found[0].overdue and found[0].to_confirm


def test_an_obligation_for_other_kinds_of_organisation_is_ignored():
    # An association is not a public buyer: no environmental criterion obligation.
    result = ranked(applicable=ASSOCIATION)
    assert "purchasing.environmental_criterion" not in ids(result.regulation) + ids(
        result.regulation_more
    )


# --- Marks, hotspots, matrix numbers --------------------------------------------------------


def test_actions_already_in_the_roadmap_are_marked_with_their_most_advanced_status():
    assert recommend.plan_status(["planned", "done", "abandoned"]) == "done"
    assert recommend.plan_status([]) is None
    result = ranked(planned={"use.auto_shutdown": "in_progress"})
    entry = next(e for e in result.quick_wins if e.action.id == "use.auto_shutdown")
    assert entry.status == "in_progress"


def test_a_footprint_hotspot_explains_the_device_actions():
    spots = [Hotspot("desktop", "Desktops", 0.3), Hotspot("server_rack", "Rack servers", 0.2)]
    result = ranked(hotspots=spots)
    shutdown = next(e for e in result.quick_wins if e.action.id == "use.auto_shutdown")
    assert [spot.category for spot in shutdown.hotspots] == ["desktop"]
    setpoint = next(e for e in result.quick_wins if e.action.id == "hosting.raise_setpoint")
    assert [spot.category for spot in setpoint.hotspots] == ["server_rack"]


def test_each_listed_action_has_one_number_on_the_matrix():
    # A quick win with a large effect is in both lists (the lists are short: take the first).
    both = ranked().quick_wins[0].action.id
    result = ranked(impacts={both: fake_impact(kgco2e=40000, eur=90000)})
    numbers = [entry.number for entry in result.matrix]
    assert numbers == list(range(1, len(numbers) + 1))
    twice = [e for e in result.quick_wins + result.high_impact if e.action.id == both]
    assert len(twice) == 2 and twice[0] is twice[1]
    lists = result.lists()
    assert (both, False) in [(e.action.id, repeat) for e, repeat in lists["quick"]]
    assert (both, True) in [(e.action.id, repeat) for e, repeat in lists["high"]]


# --- Pre-fill rules -------------------------------------------------------------------------


def test_the_prefill_takes_counts_from_the_fleet_and_starting_points_from_the_diagnostic():
    prefill = build_prefill(
        table=table_of({"desktop": 480, "laptop": 120, "monitor": 500}),
        fleet="inventory",
        headcount=600,
        answers={"use.01": "yes", "hosting.01": "yes", "use.04": "partly"},
    )
    shutdown = prefill.for_model("auto_shutdown")
    assert (shutdown["desktops"].value, shutdown["desktops"].source) == (480.0, "inventory")
    assert shutdown["share_left_on"].value == 0.05
    assert (shutdown["share_left_on"].source, shutdown["share_left_on"].question) == (
        "diagnostic",
        "use.01",
    )
    assert shutdown["left_state"].source == "default"
    assert prefill.for_model("setpoint")["current_setpoint_c"].value == 24.0
    assert prefill.for_model("printing")["duplex_before"].value == 0.5
    assert (
        prefill.for_model("printing")["users"].value,
        prefill.for_model("printing")["users"].source,
    ) == (600.0, "profile")
    assert engine_impact.validate("setpoint", prefill.values("setpoint"))  # still valid


def test_without_an_inventory_counts_are_labelled_as_estimates_or_defaults():
    estimate = build_prefill(
        table=table_of({"desktop": 50}), fleet="estimate", headcount=None, answers={}
    )
    assert estimate.for_model("auto_shutdown")["desktops"].source == "estimate"
    empty = build_prefill(table=table_of({}), fleet="none", headcount=None, answers={})
    assert empty.for_model("auto_shutdown")["desktops"].source == "default"


def test_an_action_sharing_a_model_gets_its_typical_target():
    prefill = build_prefill(
        table=table_of({"monitor": 500, "ip_phone": 100, "laptop": 200}),
        fleet="inventory",
        headcount=None,
        answers={},
    )
    screens = prefill.for_model("fewer_devices", "equipment.second_screens")
    assert screens["monitors_after"].value == 450.0
    assert screens["monitors_after"].source == "action"
    assert screens["desk_phones_after"].value == 100.0  # untouched by this action
    phones = prefill.values("fewer_devices", "equipment.desk_phones")
    assert phones["desk_phones_after"] == 50.0
    donated = prefill.values("reuse", "end_of_use.donation")
    assert donated["laptops_reused"] == round(0.25 * 200 / 4)  # a quarter of a year's retirements
    impacts = recommend.impacts_for(
        [
            catalogue().action("equipment.second_screens"),
            catalogue().action("equipment.desk_phones"),
        ],
        prefill,
    )
    screens_kg = impacts["equipment.second_screens"].kgco2e_total.value
    phones_kg = impacts["equipment.desk_phones"].kgco2e_total.value
    assert screens_kg > 0 and phones_kg > 0 and screens_kg != phones_kg


# --- Matrix ---------------------------------------------------------------------------------


def test_the_matrix_is_well_formed_accessible_svg_without_style_attributes():
    points = [
        MatrixPoint(1, "easy", 0.9, False),
        MatrixPoint(2, "easy", 0.9, True),  # same place: moved sideways
        MatrixPoint(3, "hard", None, False),
        MatrixPoint(4, "medium", 0.1, False),
        *(MatrixPoint(n, "easy", None, False) for n in range(5, 12)),
    ]
    markup = str(impact_effort_matrix(points))
    root = ET.fromstring(markup)
    svg = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{svg}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 320 ")
    assert root.find(f"{svg}title").text and root.find(f"{svg}desc").text
    assert root.get("aria-labelledby") == "matrix-title matrix-desc"
    drawing = root.find(f"{svg}g")
    assert drawing.get("aria-hidden") == "true"
    assert "style" not in markup
    labels = [text.text for text in root.iter(f"{svg}text")]
    for number in range(1, 12):
        assert str(number) in labels
    circles = [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{svg}circle")
        if c.get("r") == "10"
    ]
    assert len(circles) == 11
    for i, (x1, y1) in enumerate(circles):
        for x2, y2 in circles[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 19, "two points overlap"
        assert 0 <= x1 <= 320
