"""Simulators through the test client: the pre-fill from the organisation's inventory, profile
and diagnostic, refusals of out-of-range inputs, the results fragment, scenarios and who may
do what."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from capnr.actions.models import Scenario
from capnr.actions.prefill import organisation_facts
from capnr.diagnostics.services import Submission, answer_save, diagnostic_start
from capnr.inventory.services import counts_save
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(access):
    counts_save(access=access, counts={"desktop": 480, "laptop": 120, "monitor": 500})
    return access


def url(name, *args):
    return reverse(name if ":" in name else f"actions:{name}", args=["alpha", *args])


def answer(access, user, question_id, value):
    from capnr.diagnostics.selectors import latest_diagnostic

    diagnostic = latest_diagnostic(access=access) or diagnostic_start(
        access=access, year=2025, user=user
    )
    answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission(question_id, value, "", "", 0),
        user=user,
    )


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def row(response, name):
    return next(r for r in response.context["rows"] if r.name == name)


# --- Pre-fill -------------------------------------------------------------------------------


def test_inputs_are_prefilled_from_the_inventory_counts_with_their_source(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("simulator", "auto_shutdown"))
    assert response.status_code == 200
    desktops = row(response, "desktops")
    assert (desktops.filled.value, desktops.filled.source) == (480.0, "inventory")
    assert (row(response, "laptops").filled.value, row(response, "monitors").filled.value) == (
        120.0,
        500.0,
    )
    assert row(response, "share_left_on").filled.source == "default"
    body = response.content.decode()
    assert 'id="in-desktops" name="desktops" value="480"' in body
    assert "From your inventory" in body or "De votre inventaire" in body
    assert response.context["results"].impact.kwh.value > 0


def test_profile_gives_headcount_and_electricity_price(client, fleet, org_a, referent):
    org_a.headcount = 600
    org_a.electricity_price_eur_per_kwh = 0.2
    org_a.save()
    facts = organisation_facts(fleet)
    users = facts.prefill.for_model("printing")["users"]
    assert (users.value, users.source) == (600.0, "profile")
    assert facts.prefill.price_source == "profile"
    assert facts.prefill.price["price"].value == pytest.approx(0.2)
    client.force_login(referent)
    english(client)
    response = client.get(url("simulator", "auto_shutdown"))
    assert "From your profile" in response.content.decode()


def test_without_inventory_counts_come_from_the_rough_estimate(org_a, access):
    org_a.headcount = 200
    org_a.save()
    facts = organisation_facts(access)
    assert facts.prefill.fleet == "estimate"
    desktops = facts.prefill.for_model("auto_shutdown")["desktops"]
    assert desktops.source == "estimate" and desktops.value > 0


def test_diagnostic_answers_move_the_starting_point(client, fleet, referent):
    answer(fleet, referent, "use.01", "yes")
    answer(fleet, referent, "hosting.01", "yes")
    facts = organisation_facts(fleet)
    share = facts.prefill.for_model("auto_shutdown")["share_left_on"]
    assert (share.value, share.source, share.question) == (0.05, "diagnostic", "use.01")
    setpoint = facts.prefill.for_model("setpoint")["current_setpoint_c"]
    assert (setpoint.value, setpoint.source) == (24.0, "diagnostic")
    client.force_login(referent)
    english(client)
    response = client.get(url("simulator", "setpoint"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "From your diagnostic" in body
    assert "You answered" in body
    assert "Already in place according to your diagnostic" in body  # hosting.01 is its question


def test_a_value_typed_in_is_the_users_and_a_value_sent_back_keeps_its_source(
    client, fleet, referent
):
    client.force_login(referent)
    response = client.get(url("simulator", "auto_shutdown"), {"desktops": "480", "laptops": "10"})
    assert row(response, "desktops").filled.source == "inventory"
    assert row(response, "laptops").filled.source == "user"


# --- Refusals -------------------------------------------------------------------------------


def test_out_of_range_inputs_are_refused_all_at_once_with_their_range(client, fleet, referent):
    client.force_login(referent)
    english(client)
    response = client.get(
        url("simulator", "setpoint"),
        {"current_setpoint_c": "22", "new_setpoint_c": "40", "pue": "9", "cooling_share": "1.5"},
    )
    assert response.status_code == 400
    errors = response.context["errors"]
    assert set(errors) == {"new_setpoint_c", "pue", "cooling_share"}
    body = response.content.decode()
    assert "between 18 and 35" in body  # the setpoint's valid range
    assert "between 0 and 1" in body
    assert 'aria-invalid="true"' in body
    assert response.context["results"] is None  # nothing computed


def test_refusal_messages_follow_the_language(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("simulator", "auto_shutdown"), {"share_left_on": "33"})
    assert response.status_code == 400
    assert "la part doit être comprise entre 0 et 1" in response.content.decode()


def test_an_invalid_scenario_is_not_saved(client, fleet, referent):
    client.force_login(referent)
    response = client.post(
        url("scenario_save", "auto_shutdown"), {"name": "Bad", "share_left_on": "2"}
    )
    assert response.status_code == 400
    assert not Scenario.objects.exists()


def test_unknown_models_and_actions_of_other_models(client, referent):
    client.force_login(referent)
    assert client.get(url("simulator", "teleportation")).status_code == 404
    response = client.get(url("simulator", "setpoint"), {"action": "use.auto_shutdown"})
    assert response.status_code == 200 and response.context["action"] is None


# --- Results fragment -----------------------------------------------------------------------


def test_the_partial_request_returns_only_the_results_fragment(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("simulator", "auto_shutdown"), {"partial": "1", "desktops": "100"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<h1" not in body
    assert 'id="sim-results"' in body and 'id="sim-save"' in body
    # The save form carries the values shown.
    assert re.search(r'name="inputs" value="[^"]*\bdesktops=100&', body)
    bad = client.get(url("simulator", "auto_shutdown"), {"partial": "1", "desktops": "-1"})
    assert bad.status_code == 400 and "<html" not in bad.content.decode()


def test_the_page_loads_its_script_from_the_static_files_only(client, fleet, referent):
    client.force_login(referent)
    body = client.get(url("simulator", "auto_shutdown")).content.decode()
    assert 'src="/static/capnr/simulator.js"' in body
    assert "<script>" not in body and " style=" not in body
    assert 'aria-live="polite"' in body


# --- Scenarios ------------------------------------------------------------------------------


def test_a_contributor_saves_a_scenario_and_sees_its_inputs_sources_and_results(
    client, fleet, contributor, referent
):
    client.force_login(contributor)
    response = client.post(
        url("scenario_save", "auto_shutdown"),
        {
            "name": "Shutdown at 8 pm",
            "action": "use.auto_shutdown",
            "desktops": "480",
            "laptops": "90",
        },
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("scenario", scenario.pk)
    assert scenario.name == "Shutdown at 8 pm"
    assert scenario.inputs["laptops"] == 90.0
    assert scenario.input_sources["desktops"] == "inventory"
    assert scenario.input_sources["laptops"] == "user"
    assert scenario.action_id == "use.auto_shutdown"
    assert scenario.results["kwh"]["value"] > 0
    assert scenario.method_version and scenario.data_version
    detail = client.get(url("scenario", scenario.pk))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Shutdown at 8 pm" in body
    assert scenario.method_version in body
    assert "item_create" not in body and "roadmap/new/" not in body  # not the référent
    client.force_login(referent)
    body = client.get(url("scenario", scenario.pk)).content.decode()
    add = reverse("roadmap:item_create", args=["alpha"])
    assert f"{add}?scenario={scenario.pk}&amp;action=use.auto_shutdown" in body
    # The simulator lists the scenarios kept from it, so an unattached one is not lost.
    simulator = client.get(url("simulator", "auto_shutdown")).content.decode()
    assert url("scenario", scenario.pk) in simulator


def test_the_save_form_carries_the_inputs_in_one_field_and_saves_them(client, fleet, contributor):
    client.force_login(contributor)
    page = client.get(url("simulator", "auto_shutdown"), {"laptops": "90", "desktops": "480"})
    body = page.content.decode()
    save_form = body[body.index('class="sim-save') :]
    save_form = save_form[: save_form.index("</form>")]
    assert 'name="laptops"' not in save_form  # one hidden field, not one per input
    carried = html.unescape(re.search(r'name="inputs" value="([^"]*)"', save_form).group(1))
    assert "laptops=90" in carried and "desktops=480" in carried
    client.post(url("scenario_save", "auto_shutdown"), {"name": "Carried", "inputs": carried})
    scenario = Scenario.objects.get()
    assert scenario.inputs["laptops"] == 90.0 and scenario.inputs["desktops"] == 480.0
    assert scenario.input_sources["laptops"] == "user"


def test_a_scenario_without_a_name_gets_a_dated_one(client, fleet, referent):
    client.force_login(referent)
    client.post(url("scenario_save", "lifetime"), {"name": ""})
    assert Scenario.objects.get().name.strip()


def test_a_reader_can_simulate_but_not_save(client, fleet, reader):
    client.force_login(reader)
    response = client.get(url("simulator", "auto_shutdown"))
    assert response.status_code == 200
    assert "Save as scenario" not in response.content.decode()
    assert client.post(url("scenario_save", "auto_shutdown"), {"name": "x"}).status_code == 403
    assert not Scenario.objects.exists()


def test_an_outsider_gets_not_found(client, fleet, referent, org_b, member):
    client.force_login(referent)
    client.post(url("scenario_save", "auto_shutdown"), {"name": "Mine"})
    scenario = Scenario.objects.get()
    outsider = member(org_b, Role.REFERENT)
    client.force_login(outsider)
    assert client.get(url("simulator", "auto_shutdown")).status_code == 404
    assert client.get(url("scenario", scenario.pk)).status_code == 404
    assert client.post(url("scenario_save", "auto_shutdown"), {"name": "x"}).status_code == 404
    # Nor through their own organisation's address.
    other = reverse("actions:scenario", args=["bravo", scenario.pk])
    assert client.get(other).status_code == 404
