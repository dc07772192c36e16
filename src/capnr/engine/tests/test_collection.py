"""The collection challenge's arithmetic, against figures computed by hand."""

from __future__ import annotations

import pytest

from capnr.engine import collection as c


def totals(key: int, name: str, headcount: int, **counts: int) -> c.Totals:
    return c.Totals(key, name, counts, headcount)


def test_every_item_type_has_a_sourced_weight_within_its_bounds():
    weights = c.unit_weights()
    assert list(weights) == list(c.ITEM_TYPES)
    for weight in weights.values():
        assert 0 < weight.low_kg <= weight.kg <= weight.high_kg
        assert weight.source
    assert not weights["phones"].to_confirm  # a published average backs it
    assert weights["screens"].to_confirm


def test_estimated_kg_is_the_sum_of_counts_times_unit_weights():
    # 10 phones × 0.12 + 3 laptops × 2.0 + 2 screens × 4.5 = 1.2 + 6 + 9 = 16.2 kg
    assert c.estimated_kg({"phones": 10, "laptops": 3, "screens": 2}) == pytest.approx(16.2)
    assert c.estimated_kg({}) == 0


def test_deposit_problems_reports_every_problem_at_once():
    collected = {"phones", "laptops", "screens"}
    problems = c.deposit_problems(
        {"phones": -1, "laptops": 51, "screens": 50, "printers": 2}, collected
    )
    assert problems == [
        (c.NEGATIVE, "phones"),
        (c.TOO_MANY, "laptops"),
        (c.NOT_COLLECTED, "printers"),
    ]


def test_a_deposit_of_nothing_is_refused_and_fifty_is_the_most_of_one_type():
    assert c.deposit_problems({"phones": 0}, {"phones"}) == [(c.EMPTY, None)]
    assert c.deposit_problems({}, {"phones"}) == [(c.EMPTY, None)]
    assert c.deposit_problems({"phones": 50}, {"phones"}) == []
    assert c.deposit_problems({"phones": 1}, {"phones"}) == []


def test_an_unknown_item_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown item types"):
        c.deposit_problems({"fridges": 1}, {"phones"})


def test_ranking_by_items_per_agent_lets_a_small_department_win():
    rows = [
        totals(1, "Finances", 40, phones=20),  # 20 / 40 = 0.5
        totals(2, "Atelier", 5, phones=4),  # 4 / 5 = 0.8
        totals(3, "Voirie", 100, phones=30, laptops=10),  # 40 / 100 = 0.4
    ]
    scores = c.rank_by_items_per_agent(rows)
    assert [(s.name, s.rank, s.per_agent, s.items) for s in scores] == [
        ("Atelier", 1, pytest.approx(0.8), 4),
        ("Finances", 2, pytest.approx(0.5), 20),
        ("Voirie", 3, pytest.approx(0.4), 40),
    ]
    # Voirie: 30 phones × 0.12 + 10 laptops × 2.0 = 3.6 + 20 = 23.6 kg
    assert scores[2].kg == pytest.approx(23.6)


def test_equal_ratios_share_a_rank_and_the_next_rank_skips():
    rows = [
        totals(1, "B", 6, phones=3),  # 3/6 = 1/2
        totals(2, "A", 10, phones=5),  # 5/10 = 1/2, more items: listed first
        totals(3, "C", 3, phones=1),  # 1/3
        totals(4, "D", 1, phones=1),  # 1/1
    ]
    scores = c.rank_by_items_per_agent(rows)
    assert [(s.name, s.rank) for s in scores] == [("D", 1), ("A", 2), ("B", 2), ("C", 4)]


def test_a_department_with_no_headcount_is_listed_last_and_not_ranked():
    rows = [
        totals(1, "Sans effectif", 0, phones=50, laptops=50),
        totals(2, "Petit", 2, phones=1),
    ]
    scores = c.rank_by_items_per_agent(rows)
    assert [(s.name, s.rank, s.per_agent) for s in scores] == [
        ("Petit", 1, 0.5),
        ("Sans effectif", None, None),
    ]
    assert scores[1].items == 100


def test_a_department_with_nothing_yet_ranks_at_zero():
    scores = c.rank_by_items_per_agent([totals(1, "A", 10), totals(2, "B", 4, tablets=1)])
    assert [(s.name, s.rank, s.per_agent) for s in scores] == [("B", 1, 0.25), ("A", 2, 0.0)]


def test_sites_rank_by_items_with_ties_sharing_a_rank():
    scores = c.rank_by_items(
        [
            totals(1, "Nord", 0, phones=5),
            totals(2, "Est", 0, phones=9),
            totals(3, "Sud", 0, phones=5),
        ]
    )
    assert [(s.name, s.rank) for s in scores] == [("Est", 1), ("Nord", 2), ("Sud", 2)]


def test_the_reuse_rate_counts_reuse_over_everything_sorted():
    # 3 reused inside + 5 donated + 1 sold + 1 refurbished = 10 reused, of 10 + 30 WEEE = 40
    rate = c.reuse_rate(
        {"reused_internally": 3, "donated": 5, "sold": 1, "refurbisher": 1, "weee": 30}
    )
    assert rate == pytest.approx(0.25)
    assert c.reuse_rate({}) is None
    assert c.reuse_rate({"weee": 4}) == 0


def test_retired_devices_of_unknown_outcome_join_the_denominator_only():
    # 6 donated of 8 sorted, and 12 retired devices whose outcome nobody recorded: 6 / 20.
    assert c.reuse_rate({"donated": 6, "weee": 2}, outcome_unknown=12) == pytest.approx(0.3)
    # Nothing sorted, only retired devices: nothing can be claimed as reused.
    assert c.reuse_rate({}, outcome_unknown=5) == 0
    with pytest.raises(ValueError, match="unknown outcome"):
        c.reuse_rate({"donated": 1}, outcome_unknown=-1)


def test_the_reuse_rate_refuses_what_it_cannot_count():
    with pytest.raises(ValueError, match="unknown outcomes"):
        c.reuse_rate({"landfill": 1})
    with pytest.raises(ValueError, match="negative"):
        c.reuse_rate({"donated": -1})


def test_the_targets_in_force_follow_the_years_and_name_their_sources():
    assert [(t.id, t.share) for t in c.targets_in_force(2023)] == [("reen_2023", 0.25)]
    assert [(t.id, t.share) for t in c.targets_in_force(2024)] == [("reen_2024", 0.35)]
    in_2026 = {t.id: t for t in c.targets_in_force(2026)}
    assert set(in_2026) == {"reen_2025", "spe_2025"}
    # The decree and the State plan disagree for 2025 on: both are shown "to confirm".
    assert in_2026["reen_2025"].share == 0.5 and in_2026["spe_2025"].share == 0.25
    assert all(
        t.to_confirm and t.source_en and t.source_fr and t.url.startswith("https://")
        for t in in_2026.values()
    )
    assert c.targets_in_force(2022) == []
    assert [t.id for t in c.targets_in_force(2026, "purchases_from_reuse")] == ["spe_purchases"]


def test_avoided_manufacturing_counts_only_devices_that_spare_a_purchase():
    from capnr.engine.reference import reference_data

    laptop = reference_data().parameters[("laptop", "embodied_gwp")]
    phone = reference_data().parameters[("smartphone", "embodied_gwp")]
    avoided = c.avoided_manufacturing({"laptops": 2, "phones": 3, "chargers_cables": 10})
    assert avoided.kgco2e == round(2 * laptop.value + 3 * phone.value)
    assert avoided.low == round(2 * laptop.low + 3 * phone.low)
    assert avoided.high == round(2 * laptop.high + 3 * phone.high)
    assert (avoided.devices, avoided.left_out) == (5, 10)
    assert c.avoided_manufacturing({}).kgco2e == 0
    assert set(c.EMBODIED_CATEGORY) <= set(c.ITEM_TYPES)
