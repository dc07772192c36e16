"""The reference data is complete and traceable."""

from capnr.engine.reference import _rows, data_version, reference_data

REQUIRED = (
    "embodied_gwp",
    "embodied_adpe",
    "embodied_pe",
    "lifetime",
    "power_on",
    "power_sleep",
    "power_off",
)


def test_every_figure_names_a_known_source_with_year_and_licence():
    data = reference_data()
    for source in data.sources.values():
        assert source["year"].isdigit() and source["licence"], source["id"]
    for row in _rows("capnr_parameters.csv"):
        assert row["source_id"] in data.sources, row
        assert row["confidence"] in {"high", "medium", "low"}, row
    for row in _rows("capnr_electricity.csv"):
        assert row["source_id"] in data.sources and row["year"], row


def test_every_category_has_every_figure_the_capnr_method_needs():
    data = reference_data()
    for category in data.categories:
        needed = ("lifetime", "yearly_energy") if category.is_server else REQUIRED
        missing = [name for name in needed if (category.code, name) not in data.parameters]
        assert not missing, (category.code, missing)


def test_the_data_is_versioned():
    assert data_version().count(".") == 2


def test_france_has_its_own_average_and_marginal_factors():
    data = reference_data()
    assert {("FRA", "average"), ("FRA", "marginal")} <= set(data.capnr_electricity)
    assert "FRA" in data.countries and "DEU" in data.countries


def test_every_source_is_worded_in_both_languages():
    for source_id, source in reference_data().sources.items():
        assert source["citation_en"] == source["citation"], source_id
        assert source["citation_fr"] and source["citation_fr"] != source["citation_en"], source_id
