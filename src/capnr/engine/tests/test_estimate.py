import numpy as np
import pytest

from capnr.engine.estimate import estimate_fleet, estimated_assets
from capnr.engine.footprint import compute_footprint


def test_a_road_agency_estimate_is_plausible_and_has_wide_bounds():
    lines = estimate_fleet(kind="state_service", headcount=600)
    counts = {line.category: line for line in lines}
    seats = counts["laptop"].quantity + counts["desktop"].quantity
    assert seats == pytest.approx(540)
    assert counts["monitor"].low < counts["monitor"].quantity < counts["monitor"].high
    result = compute_footprint(estimated_assets(lines))
    total = result.totals()[0, :, :]  # gwp
    assert total[0, 1] < total[0, 0] < total[0, 2]
    assert total[0, 2] > 2 * total[0, 1]  # wide bounds, honestly


def test_given_counts_replace_the_estimate_and_narrow_it():
    lines = estimate_fleet(
        kind="state_service",
        headcount=600,
        workstations=500,
        laptop_share=0.1,
        screens_per_workstation=1.0,
        servers=12,
        printers=20,
    )
    counts = {line.category: line for line in lines}
    assert counts["laptop"].quantity == pytest.approx(50)
    assert counts["desktop"].low == counts["desktop"].high == pytest.approx(450)
    assert counts["server_rack"].quantity == 12 and counts["server_rack"].source == "input"
    assert counts["printer_mfp"].quantity == 20 and "printer_small" not in counts


def test_zero_servers_means_no_server_line():
    lines = estimate_fleet(kind="association", headcount=20, servers=0)
    assert "server_rack" not in {line.category for line in lines}


@pytest.mark.parametrize(
    "bad", [dict(headcount=0), dict(headcount=10, laptop_share=1.5), dict(headcount=10, servers=-1)]
)
def test_impossible_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        estimate_fleet(kind="commune", **bad)


def test_kind_specific_ratios_apply():
    school = {line.category: line for line in estimate_fleet(kind="education", headcount=100)}
    office = {line.category: line for line in estimate_fleet(kind="commune", headcount=100)}
    assert (school["laptop"].quantity + school["desktop"].quantity) > (
        office["laptop"].quantity + office["desktop"].quantity
    )
    assert np.isfinite(school["laptop"].high)
