"""How each simulator opens (issue 12, item 7): from the organisation's own numbers, never on a
row of zeros left by a default; an action the diagnostic says is done shows what it already
saves each year; the advice under the figures is the action's own; a simulator with many inputs
shows the five that matter, the rest under "Advanced settings", without JavaScript."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from capnr.actions import simulator as sim
from capnr.actions.prefill import organisation_facts
from capnr.diagnostics.selectors import latest_diagnostic
from capnr.diagnostics.services import Submission, answer_save, diagnostic_start
from capnr.engine import impact as engine_impact
from capnr.engine.catalogue import catalogue
from capnr.engine.impact import MODEL_IDS, MODELS
from capnr.inventory.services import counts_save

pytestmark = pytest.mark.django_db

# What each simulator's advice must speak of (French page), and the advice of another action
# it must not give.
ADVICE = {
    "auto_shutdown": "extinction centralisée",
    "power_settings": "mise en veille",
    "setpoint": "consigne",
    "lifetime": "durée d'usage minimale",
    "refurbished": "reconditionné",
    "fewer_devices": "profils d'équipement",
    "reuse": "réemploi",
    "printing": "imprimer moins",
    "consolidation": "virtualiser",
    "data_cleanup": "durées de conservation",
    "video_to_audio": "audio par défaut",
    "kpi_only": "indicateurs",
}
KEEP_LONGER = ("plus longtemps", "keeping devices longer", "keep devices longer")


@pytest.fixture
def fleet(access, org_a):
    org_a.headcount = 500
    org_a.save()
    counts_save(
        access=access,
        counts={
            "desktop": 300,
            "laptop": 200,
            "monitor": 560,
            "smartphone": 150,
            "printer_small": 20,
            "server_rack": 6,
        },
    )
    return access


def answer(access, user, question_id, value):
    diagnostic = latest_diagnostic(access=access) or diagnostic_start(
        access=access, year=2025, user=user
    )
    answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission(question_id, value, "", "", 0),
        user=user,
    )


def url(model_id, **query):
    path = reverse("actions:simulator", args=["alpha", model_id])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def results_region(body: str) -> str:
    start = body.index('id="sim-results"')
    return html.unescape(body[start : body.index('id="sim-save"', start)])


def openings() -> list:
    found = []
    for model_id in MODEL_IDS:
        found.append(pytest.param(model_id, "", id=model_id))
        for action in catalogue().actions:
            if action.model == model_id:
                found.append(pytest.param(model_id, action.id, id=action.id))
    return found


# --- Already done ----------------------------------------------------------------------------


def test_a_raised_setpoint_shows_what_it_saves_each_year_and_what_is_left(client, fleet, referent):
    answer(fleet, referent, "hosting.01", "yes")
    client.force_login(referent)
    response = client.get(url("setpoint", action="hosting.raise_setpoint"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Déjà fait : voici ce que cela vous fait économiser chaque année" in body
    (done,) = response.context["done"]
    # From the usual 22 °C before the change (planning.toml [[done]]) to today's 24 °C.
    it_load = organisation_facts(fleet).prefill.values("setpoint")["it_load_kw"]
    expected = engine_impact.compute(
        "setpoint", {"it_load_kw": it_load, "current_setpoint_c": 22, "new_setpoint_c": 24}
    )
    assert done.results.impact.kwh.value == pytest.approx(expected.kwh.value)
    assert done.results.impact.eur.value > 0
    assert [(c.before, c.today) for c in done.changes] == [("22", "24")]
    assert "Consigne actuelle : 22 °C avant le changement, 24 °C aujourd'hui" in body
    # The simulation itself starts from today's 24 °C, not on 24 → 24.
    values = response.context["values"]
    assert (values["current_setpoint_c"], values["new_setpoint_c"]) == (24.0, 27.0)
    results = response.context["results"]
    assert not results.saves_nothing and results.impact.kwh.value > 0
    assert response.context["nothing"] is None
    # The baseline's source is listed with the others.
    assert 'id="src-capnr_estimate"' in body


def test_duplex_already_the_default_says_what_it_saves_not_zero(client, fleet, referent):
    answer(fleet, referent, "use.04", "yes")
    client.force_login(referent)
    response = client.get(url("printing", action="use.duplex_default"))
    (done,) = response.context["done"]
    assert done.results.impact.eur.value > 0 and done.results.total.value > 0
    assert [(c.before, c.today) for c in done.changes] == [("0,2", "0,8")]
    # Nothing is left with today's values: the page says so instead of 0 €.
    assert response.context["results"].saves_nothing
    assert response.context["nothing"].reason == "done"
    region = results_region(response.content.decode())
    assert "sim-figures" not in region
    assert "Plus rien à gagner avec les valeurs d'aujourd'hui" in region


def test_an_action_not_done_shows_no_already_done_block(client, fleet, referent):
    answer(fleet, referent, "hosting.01", "no")
    client.force_login(referent)
    response = client.get(url("setpoint", action="hosting.raise_setpoint"))
    assert response.context["done"] == []
    assert "Déjà fait" not in response.content.decode()
    values = response.context["values"]
    assert (values["current_setpoint_c"], values["new_setpoint_c"]) == (22.0, 24.0)


# --- Never a row of zeros --------------------------------------------------------------------


@pytest.mark.parametrize(("model_id", "action_id"), openings())
def test_no_simulator_opens_on_a_row_of_zeros(client, fleet, referent, model_id, action_id):
    for question in ("hosting.01", "use.04", "use.05", "use.01", "use.03"):
        answer(fleet, referent, question, "yes")
    client.force_login(referent)
    response = client.get(url(model_id, **({"action": action_id} if action_id else {})))
    assert response.status_code == 200
    results = response.context["results"]
    region = results_region(response.content.decode())
    if results.saves_nothing:
        assert response.context["nothing"] is not None
        assert "sim-figures" not in region
    # No figure of the results reads zero euros or zero kWh.
    assert not re.search(r"<strong>0(&nbsp;|\s)(€|kWh)</strong>", region), region


def test_a_shared_simulator_opened_without_an_action_offers_their_targets(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("fewer_devices"))
    nothing = response.context["nothing"]
    assert nothing.reason == "choose"
    assert {item.id for item in nothing.actions} >= {
        "equipment.second_screens",
        "equipment.desk_phones",
    }
    assert "?action=equipment.second_screens" in results_region(response.content.decode())


def test_an_own_figure_with_no_typical_value_is_asked_for(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("data_cleanup"))
    nothing = response.context["nothing"]
    assert nothing.reason == "to_enter"
    assert [row.name for row in nothing.rows] == ["gb_deleted"]
    assert 'href="#in-gb_deleted"' in results_region(response.content.decode())
    typed = client.get(url("data_cleanup", gb_deleted="5000"))
    assert typed.context["nothing"] is None
    assert "sim-figures" in results_region(typed.content.decode())


# --- The advice matches the action -----------------------------------------------------------


@pytest.mark.parametrize(("model_id", "action_id"), openings())
def test_each_simulator_gives_its_own_actions_advice(client, fleet, referent, model_id, action_id):
    client.force_login(referent)
    response = client.get(url(model_id, **({"action": action_id} if action_id else {})))
    region = results_region(response.content.decode())
    assert ADVICE[model_id] in region, region
    for other in set(ADVICE.values()) - {ADVICE[model_id]}:
        assert other not in region, (model_id, other)
    if model_id != "lifetime":
        assert not any(text in region for text in KEEP_LONGER), region


def test_the_printing_advice_is_to_print_less_in_both_languages():
    impact = engine_impact.compute("printing", {"users": 100})
    with translation.override("fr"):
        french = sim.results("printing", impact)
    with translation.override("en"):
        english = sim.results("printing", impact)
    assert french.lesson == english.lesson == "embodied"
    assert "recto verso" in french.next_step and "imprimantes" in french.next_step
    assert "double-sided" in english.next_step and "fewer personal printers" in english.next_step
    for text in (french.next_step, english.next_step):
        assert not any(longer in text for longer in KEEP_LONGER)


# --- Advanced settings -----------------------------------------------------------------------


def split_fields(body: str) -> tuple[list[str], list[str]]:
    start = body.index("data-simulator")
    form = body[start : body.index("</form>", start)]
    start = form.find('<details class="sim-advanced"')
    main = form if start < 0 else form[:start]
    advanced = "" if start < 0 else form[start : form.index("</details>", start)]
    names = re.compile(r'<(?:input type="text"|select)[^>]* name="([a-z_]+)"')
    return names.findall(main), names.findall(advanced)


def test_night_shutdown_shows_five_fields_and_the_rest_under_advanced(client, fleet, referent):
    client.force_login(referent)
    body = client.get(url("auto_shutdown")).content.decode()
    main, advanced = split_fields(body)
    assert main == ["desktops", "laptops", "monitors", "share_left_on", "daily_hours"]
    assert len(advanced) == 13 and "desktop_power_on_w" in advanced
    assert '<details class="sim-advanced">' in body  # closed
    assert "Paramètres avancés (13 valeurs)" in body


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_a_simulator_with_many_inputs_shows_at_most_five_first(client, fleet, referent, model_id):
    client.force_login(referent)
    main, advanced = split_fields(client.get(url(model_id)).content.decode())
    assert sorted(main + advanced) == sorted(spec.name for spec in MODELS[model_id].inputs)
    if len(MODELS[model_id].inputs) > 8:
        assert len(main) <= 5 and advanced
    else:
        assert not advanced


def test_an_advanced_value_sent_is_kept_and_its_group_opens(client, fleet, referent):
    client.force_login(referent)
    response = client.get(url("auto_shutdown", desktop_power_on_w="80"))
    body = response.content.decode()
    assert '<details class="sim-advanced" open>' in body
    assert 'name="desktop_power_on_w" value="80"' in body
    assert response.context["values"]["desktop_power_on_w"] == 80.0
    wrong = client.get(url("auto_shutdown", desktop_power_off_w="-3"))
    assert wrong.status_code == 400
    assert '<details class="sim-advanced" open>' in wrong.content.decode()


def test_a_run_that_saves_nothing_offers_no_scenario_to_keep(client, fleet, referent):
    client.force_login(referent)
    nothing = client.get(url("data_cleanup")).content.decode()
    assert "Enregistrer comme scénario" not in nothing
    typed = client.get(url("data_cleanup", gb_deleted="5000")).content.decode()
    assert "Enregistrer comme scénario" in typed


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_the_electricity_price_shows_only_where_the_model_uses_electricity(
    client, fleet, referent, model_id
):
    client.force_login(referent)
    body = client.get(url(model_id)).content.decode()
    uses = MODELS[model_id].declaration.uses_electricity
    assert ('class="sim-price"' in body) == uses
