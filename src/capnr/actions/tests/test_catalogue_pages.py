"""The catalogue, an action's page and the recommendations through the test client."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capnr.diagnostics.services import Submission, answer_save, diagnostic_start
from capnr.inventory.services import counts_save
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name, *args):
    return reverse(name if ":" in name else f"actions:{name}", args=["alpha", *args])


def answers(access, user, **values):
    diagnostic = diagnostic_start(access=access, year=2025, user=user)
    for question_id, value in values.items():
        answer_save(
            access=access,
            diagnostic=diagnostic,
            submission=Submission(question_id.replace("_", ".", 1), value, "", "", 0),
            user=user,
        )
    return diagnostic


def section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    end = body.find("<h2", start + 10)
    return body[start : end if end > 0 else len(body)]


# --- Catalogue ------------------------------------------------------------------------------


def test_the_catalogue_filters_by_theme_effort_quick_win_and_simulator(en, referent):
    en.force_login(referent)
    everything = en.get(url("catalogue"))
    assert everything.status_code == 200
    assert everything.context["count"] == everything.context["total"] >= 45
    use = en.get(url("catalogue"), {"theme": "use", "effort": "easy", "quick_win": "on"})
    listed = [a.id for _id, _title, actions, _n in use.context["sections"] for a in actions]
    assert listed and all(a.startswith("use.") for a in listed)
    assert "use.auto_shutdown" in listed and "use.follow_me_printing" not in listed
    simulated = en.get(url("catalogue"), {"simulator": "on"})
    models = {a.model for _id, _t, actions, _n in simulated.context["sections"] for a in actions}
    assert models and not models & {"", "kpi_only"}
    unknown = en.get(url("catalogue"), {"theme": "nope"})  # an invalid filter filters nothing
    assert unknown.status_code == 200
    assert unknown.context["count"] == unknown.context["total"]


def test_the_catalogue_shows_a_page_of_actions_at_a_time_keeping_the_filters(en, referent):
    """Issue 12: the catalogue was one page of every action (9,269 px tall)."""
    from capnr.actions.views import CATALOGUE_PER_PAGE

    en.force_login(referent)
    first = en.get(url("catalogue"))
    total = first.context["total"]
    shown = [a for *_, actions, _n in first.context["sections"] for a in actions]
    assert len(shown) == CATALOGUE_PER_PAGE < total
    body = first.content.decode()
    assert 'href="?page=2"' in body and 'rel="next"' in body
    pages = [shown]
    for number in range(2, first.context["page"].paginator.num_pages + 1):
        response = en.get(url("catalogue"), {"page": number})
        pages.append([a for *_, actions, _n in response.context["sections"] for a in actions])
    every = [action.id for page in pages for action in page]
    assert len(every) == len(set(every)) == total  # each action on exactly one page
    # A theme's heading counts all its actions, not only those on this page.
    theme_id, _title, _actions, in_theme = first.context["sections"][-1]
    assert in_theme == sum(1 for page in pages for a in page if a.theme == theme_id)
    # The filters travel with the page links.
    filtered = en.get(url("catalogue"), {"effort": "easy", "page": 1}).content.decode()
    if 'rel="next"' in filtered:
        assert "effort=easy&amp;page=2" in filtered


def test_an_action_page_explains_it_and_shows_the_organisations_answers(en, access, referent):
    answers(access, referent, use_01="yes", use_03="no")
    en.force_login(referent)
    response = en.get(url("action", "use.auto_shutdown"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<h1") == 1
    assert "Do workstations switch off automatically in the evening" in body  # question text
    assert re.search(r"#q-use\.01\">Yes</a>", body)
    assert re.search(r"#q-use\.03\">No</a>", body)
    assert reverse("actions:simulator", args=["alpha", "auto_shutdown"]) in body
    assert f"{reverse('roadmap:item_create', args=['alpha'])}?action=use.auto_shutdown" in body
    assert "Estimated effect for your organisation" in body


def test_an_action_with_obligations_lists_them_with_their_due_date(en, referent):
    en.force_login(referent)
    body = en.get(url("action", "purchasing.environmental_criterion")).content.decode()
    assert "Obligations it helps meet" in body
    assert "2021-1104" in body and "2026" in body
    assert "/actions/simulate/" not in body  # no impact model: no simulator link
    prerequisites = en.get(url("action", "strategy.reen_strategy")).content.decode()
    assert reverse("actions:action", args=["alpha", "strategy.roadmap"]) in prerequisites
    assert "does not apply to your organisation" in prerequisites  # a state service


def test_an_action_already_in_the_roadmap_says_so(en, access, referent, reader):
    item = roadmap_services.item_create(
        access=access,
        fields={"title": "Night shutdown", "status": ItemStatus.IN_PROGRESS},
        action_id="use.auto_shutdown",
    )
    en.force_login(reader)
    body = en.get(url("action", "use.auto_shutdown")).content.decode()
    assert "In your roadmap" in body and "Night shutdown" in body and "In progress" in body
    assert reverse("roadmap:item", args=["alpha", item.pk]) in body
    assert "roadmap/new/" not in body  # a reader cannot add it


def test_an_unknown_action_is_not_found(client, referent):
    client.force_login(referent)
    assert client.get(url("action", "use.nothing")).status_code == 404


# --- Recommendations ------------------------------------------------------------------------


def test_recommendations_without_diagnostic_or_inventory_say_so(en, referent):
    en.force_login(referent)
    response = en.get(url("recommendations"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No self-diagnostic yet" in body
    assert reverse("diagnostics:index", args=["alpha"]) in body
    assert "typical values only" in body  # no inventory and no headcount
    assert 'id="quick-wins"' in body and 'id="high-impact"' in body and 'id="regulation"' in body


def test_recommendations_rank_mark_and_leave_out_what_is_done(en, access, referent):
    counts_save(access=access, counts={"desktop": 480, "laptop": 120, "monitor": 500})
    answers(access, referent, use_01="yes", use_03="yes", use_04="no", equipment_01="no")
    roadmap_services.item_create(
        access=access,
        fields={"title": "Duplex everywhere", "status": ItemStatus.PLANNED},
        action_id="use.duplex_default",
    )
    en.force_login(referent)
    response = en.get(url("recommendations"))
    body = response.content.decode()
    quick = section(body, "quick-wins")
    # A quick win, with the diagnostic answer behind it, marked as planned.
    assert "Print double-sided" in quick or "use.duplex_default" in quick
    assert "You answered “No” to: Do printers and copiers print double-sided" in quick
    assert "roadmap: Planned" in quick
    # Its questions answered yes: automatic shutdown is left out everywhere.
    result = response.context["result"]
    listed = {entry.action.id for entry in result.matrix}
    assert "use.auto_shutdown" not in listed
    assert "use.duplex_default" in {e.action.id for e in result.quick_wins}
    # The lifetime policy, a large carbon lever, is among the high-impact actions.
    assert "equipment.lifetime_policy" in {e.action.id for e in result.high_impact}
    high = section(body, "high-impact")
    assert "t CO₂e" in high and "€" in high


def test_an_obligation_due_soon_is_in_anticipate_regulation(en, referent):
    en.force_login(referent)
    result = en.get(url("recommendations")).context["result"]
    regulation = {e.action.id for e in result.regulation + result.regulation_more}
    assert "purchasing.environmental_criterion" in regulation  # due 21 Aug 2026


def test_the_matrix_is_an_accessible_svg_beside_a_table_on_its_own_page(en, access, referent):
    counts_save(access=access, counts={"desktop": 100})
    en.force_login(referent)
    recommendations = en.get(url("recommendations"))
    assert url("matrix") in recommendations.content.decode()  # linked from the lists
    response = en.get(url("matrix"))
    body = response.content.decode()
    # Every recommended action once, the same as the lists name.
    assert [e.action.id for e in response.context["matrix_entries"]] == [
        e.action.id for e in recommendations.context["result"].matrix
    ]
    svg = body[body.index('<svg xmlns="http://www.w3.org/2000/svg" role="img" id="matrix"') :]
    svg = svg[: svg.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    table = section(body, "matrix")
    assert 'tabindex="0"' in table and 'scope="row"' in table and 'scope="col"' in table


def test_the_recommendations_page_reads_a_fixed_number_of_rows(en, access, referent):
    counts_save(access=access, counts={"desktop": 480, "laptop": 120, "monitor": 500})
    answers(access, referent, use_01="no")
    for title in ("A", "B", "C"):
        roadmap_services.item_create(
            access=access, fields={"title": title}, action_id="use.auto_shutdown"
        )
    en.force_login(referent)
    en.get(url("recommendations"))
    with CaptureQueriesContext(connection) as few:
        en.get(url("recommendations"))
    for title in ("D", "E", "F", "G"):
        roadmap_services.item_create(
            access=access, fields={"title": title}, action_id="data.cleanup_day"
        )
    with CaptureQueriesContext(connection) as more:
        en.get(url("recommendations"))
    assert len(more) == len(few)
    assert len(few) <= 20
