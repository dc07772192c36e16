"""The roadmap's exports through their URLs: the XLSX of the plan, the PDF for management
approval, and the calendar feed of due dates with its secret address."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from capnr.diagnostics import services as diagnostic_services
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role
from capnr.roadmap import exports
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import CalendarFeed

from .export_data import FORMULA, SHUTDOWN, build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org_a, member, access_of):
    return build_plan(org_a, member, access_of)


def _get(client, user, name: str, language: str | None = None, **kwargs: Any):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(f"roadmap:{name}", args=["alpha"]), **kwargs)


# --- XLSX -----------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_plan_workbook_has_a_row_per_item_outside_the_bin_with_its_follow_up(client, plan):
    response = _get(client, plan.referent, "export_xlsx", "en")
    assert response["Content-Disposition"] == 'attachment; filename="feuille-de-route-alpha.xlsx"'
    sheet = _workbook(response).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 5  # the item in the bin is left out
    by_title = {row[2]: dict(zip(header, row, strict=True)) for row in body}
    assert "Action supprimée" not in by_title
    shutdown = by_title[SHUTDOWN]
    today = timezone.localdate()
    assert shutdown["Theme"] == "Use and settings"
    assert shutdown["Catalogue action"] == "use.auto_shutdown"
    assert shutdown["Owner"] == "Olga Owner"
    assert shutdown["Working group"] == "Équipements"
    assert shutdown["Sites"] == "Alpha hidden site"
    assert shutdown["Departments"] == "Alpha hidden department"
    assert shutdown["Due"].date() == today + dt.timedelta(days=5)
    assert shutdown["Start"].date() == today - dt.timedelta(days=30)
    assert shutdown["Status"] == "In progress" and shutdown["Commitment"] == "Pilot"
    assert shutdown["Budget (€)"] == 1200.5
    assert shutdown["Scenario"] == "Extinction 480 postes"
    assert (shutdown["kWh saved a year"], shutdown["kWh, low"], shutdown["kWh, high"]) == (
        48000,
        30000,
        65000,
    )
    assert shutdown["€ saved a year"] == 9600
    assert (
        shutdown["kg CO2e avoided a year"],
        shutdown["kg CO2e, low"],
        shutdown["kg CO2e, high"],
    ) == (2500, 1500, 3400)
    assert shutdown["Indicators"] == (
        f"Postes éteints la nuit: 82 % on {(today - dt.timedelta(days=10)).isoformat()} "
        "(target 90 %)"
    )
    assert shutdown["Last journal entry"] == "8 mois plus tard, aucun incident signalé."
    assert shutdown["Last journal entry: date"].date() == today - dt.timedelta(days=3)
    undated = by_title["Former les nouveaux arrivants"]
    assert undated["Due"] is None and undated["kWh saved a year"] is None
    assert by_title["Supprimer les imprimantes individuelles"]["Why it was abandoned"] == (
        "Pas de budget cette année"
    )


def test_the_workbook_lists_every_indicator_with_its_latest_measurement(client, plan):
    workbook = _workbook(_get(client, plan.referent, "export_xlsx", "en"))
    rows = list(workbook["Indicators"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Item id", "Title", "Indicator", "Unit", "Starting value", "Target")
    assert rows[1][:8] == (
        plan.shutdown.pk,
        SHUTDOWN,
        "Postes éteints la nuit",
        "%",
        30,
        90,
        "higher",
        82,
    )
    assert rows[1][9] == 2  # measurements
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["Organisation"] == "Alpha secret agency"
    assert about["kg CO2e avoided a year"] == 5000  # two items with the scenario, none abandoned


def test_a_title_that_looks_like_a_formula_stays_text(client, plan):
    sheet = _workbook(_get(client, plan.referent, "export_xlsx", "en")).worksheets[0]
    titles = [row[2] for row in sheet.iter_rows()]
    cell = next(cell for cell in titles if cell.value and "HYPERLINK" in str(cell.value))
    assert cell.data_type == "s" and cell.value == "'" + FORMULA
    workbook = _workbook(_get(client, plan.referent, "export_xlsx", "en"))
    assert not any(
        cell.data_type == "f"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
    )


def test_the_workbook_headers_are_french_by_default(client, plan):
    sheet = _workbook(_get(client, plan.referent, "export_xlsx")).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows())]
    with translation.override("fr"):
        expected = exports.plan_header()
    assert header == expected


@pytest.mark.parametrize("role", [Role.READER, Role.CONTRIBUTOR])
def test_every_member_may_download_the_plan_and_outsiders_get_404(
    client, plan, member, org_a, org_b, role
):
    assert _get(client, member(org_a, role), "export_xlsx").status_code == 200
    assert _get(client, member(org_b), "export_xlsx").status_code == 404
    assert _get(client, member(org_b), "report_pdf").status_code == 404


# --- PDF ------------------------------------------------------------------------------------


def _pdf(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return reader, text


def _structure(node: Any, found: list[Any]) -> list[Any]:
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            _structure(child, found)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            _structure(node["/K"], found)
    return found


@pytest.fixture
def diagnosed(plan):
    """org_a with a 2025 self-diagnostic answered in part."""
    diagnostic = diagnostic_services.diagnostic_start(
        access=plan.access, year=2025, user=plan.referent
    )
    diagnostic_services.answers_save(
        access=plan.access,
        diagnostic=diagnostic,
        user=plan.referent,
        submissions=[
            Submission(qid, value, "", "", 0)
            for qid, value in {
                "strategy.01": "yes",
                "strategy.02": "no",
                "equipment.01": "partly",
                "use.01": "no",
            }.items()
        ],
    )
    return plan


def test_the_roadmap_pdf_is_french_by_default_and_structured_like_a_reen_strategy(
    client, diagnosed
):
    response = _get(client, diagnosed.referent, "report_pdf")
    assert response["Content-Disposition"] == 'attachment; filename="feuille-de-route-alpha.pdf"'
    reader, text = _pdf(response)
    assert "Alpha secret agency" in text
    titles = ["1. État des lieux", "2. Objectifs", "3. Actions", "4. Indicateurs"]
    positions = [text.find(title) for title in [*titles, "5. Gouvernance"]]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "Autodiagnostic 2025" in text  # the current state: the latest diagnostic's scores
    assert "Éteindre les postes la nuit" in text and "Olga Owner" in text
    assert "Postes éteints la nuit" in text and "90 %" in text  # a KPI and its target
    assert "82 %" in text  # its latest measurement
    assert "Équipements" in text and "Garder les équipements plus longtemps." in text
    assert "Action supprimée" not in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_the_roadmap_pdf_sums_the_expected_effect_and_follows_the_language(client, plan):
    reader, text = _pdf(_get(client, plan.referent, "report_pdf", "en"))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "1. Current state" in text and "5. Governance" in text
    assert "No self-diagnostic yet" in text
    # Two items carry the scenario (one done): 2 × 2,500 kg expected, 2,500 done so far.
    assert "5,000" in text and "kg CO₂e avoided a year (between 3,000 and 6,800)" in text
    assert "Done so far (1 action): 2,500 kg CO₂e, 48,000 kWh and 9,600 € a year." in text
    assert "Approval" in text
    assert reader.metadata.title == "Responsible IT roadmap · Alpha secret agency"


def test_the_roadmap_pdf_title_says_where_its_approval_stands_as_its_body_does(
    client, plan, org_b, member
):
    reader, text = _pdf(_get(client, plan.referent, "report_pdf"))
    submitted = "Feuille de route numérique responsable, soumise à validation"
    assert submitted in text and reader.metadata.subject == f"{submitted}."
    assert "pprouvée le" not in text

    roadmap_services.approval_record(
        access=plan.access,
        user=plan.referent,
        approved_on=dt.date(2025, 10, 2),
        approved_by="Comité de direction",
    )
    reader, text = _pdf(_get(client, plan.referent, "report_pdf"))
    approved = "Feuille de route numérique responsable, approuvée le 2 octobre 2025"
    assert approved in text and reader.metadata.subject == f"{approved}."
    assert "Approuvée le 2 octobre 2025 par : Comité de direction." in text
    assert "soumise" not in text and "brouillon" not in text
    reader, text = _pdf(_get(client, plan.referent, "report_pdf", "en"))
    assert "Responsible IT roadmap, approved on Oct. 2, 2025" in text
    assert "Approved on Oct. 2, 2025 by Comité de direction." in text

    client.force_login(member(org_b, Role.REFERENT))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    reader, text = _pdf(client.get(reverse("roadmap:report_pdf", args=["bravo"])))
    draft = "Feuille de route numérique responsable, brouillon : aucune action pour l'instant"
    assert draft in text and reader.metadata.subject == f"{draft}."
    assert "soumise" not in text and "pprouvée le" not in text


def test_the_roadmap_pdf_is_tagged(client, plan):
    reader, _ = _pdf(_get(client, plan.referent, "report_pdf"))
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    kinds = [str(element["/S"]) for element in _structure(catalog["/StructTreeRoot"], [])]
    assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 6
    assert "/Table" in kinds and "/TH" in kinds
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert "Alpha secret agency" in reader.metadata.title


def test_a_reader_gets_the_pdf_too(client, plan, member, org_a):
    _pdf(_get(client, member(org_a, Role.READER), "report_pdf"))


def test_without_pango_the_pdf_is_a_503_that_says_what_to_install(client, plan, monkeypatch):
    real_import = builtins.__import__

    def import_without_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': no such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", import_without_pango)
    response = _get(client, plan.referent, "report_pdf")
    assert response.status_code == 503
    body = response.content.decode()
    assert "libpango-1.0-0 libpangoft2-1.0-0" in body
    assert reverse("roadmap:export_xlsx", args=["alpha"]) in body


# --- Calendar feed --------------------------------------------------------------------------


def _unescape(value: str) -> str:
    """A TEXT value back to text; fails on an unescaped comma or semicolon, or a bad escape."""
    out, characters = [], iter(value)
    for character in characters:
        if character == "\\":
            following = next(characters)
            assert following in "\\;,nN", f"bad escape \\{following} in {value!r}"
            out.append("\n" if following in "nN" else following)
        else:
            assert character not in ",;", f"unescaped {character!r} in {value!r}"
            out.append(character)
    return "".join(out)


def parse_ics(content: bytes) -> dict[str, Any]:
    """A strict reading of RFC 5545's syntax: CRLF line ends, lines of at most 75 octets folded
    with one space, nested BEGIN/END, and the properties every event must have."""
    text = content.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert "\n" not in line and "\r" not in line, "a bare line break"
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
        line.encode("utf-8").decode("utf-8")  # never cut inside a character
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    root: dict[str, Any] = {"properties": {}, "components": []}
    stack = [root]
    names: list[str] = []
    for line in logical:
        head, colon, value = line.partition(":")
        assert colon, f"no value in {line!r}"
        name, *parameters = head.split(";")
        assert re.fullmatch(r"[A-Z-]+", name), name
        if name == "BEGIN":
            component = {"name": value, "properties": {}, "components": []}
            stack[-1]["components"].append(component)
            stack.append(component)
            names.append(value)
        elif name == "END":
            assert names.pop() == value
            stack.pop()
        else:
            stack[-1]["properties"][name] = (tuple(parameters), value)
    assert not names
    [calendar] = root["components"]
    assert calendar["name"] == "VCALENDAR"
    assert calendar["properties"]["VERSION"][1] == "2.0"
    assert calendar["properties"]["PRODID"][1]
    events = [event for event in calendar["components"] if event["name"] == "VEVENT"]
    for event in events:
        properties = event["properties"]
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in properties, f"{required} missing"
        assert re.fullmatch(r"\d{8}T\d{6}Z", properties["DTSTAMP"][1])
        assert properties["DTSTART"][0] == ("VALUE=DATE",)
        start = dt.datetime.strptime(properties["DTSTART"][1], "%Y%m%d").date()
        end = dt.datetime.strptime(properties["DTEND"][1], "%Y%m%d").date()
        assert end == start + dt.timedelta(days=1)
        event["start"] = start
        event["summary"] = _unescape(properties["SUMMARY"][1])
        event["description"] = _unescape(properties.get("DESCRIPTION", ((), ""))[1])
    return {"calendar": calendar, "events": events}


def _new_feed(client, plan) -> str:
    client.force_login(plan.referent)
    response = client.post(reverse("roadmap:calendar", args=["alpha"]))
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', response.content.decode())
    assert match, "the new address is shown once"
    return match.group(1)


def test_the_feed_has_one_all_day_event_per_open_item_with_a_due_date(client, plan):
    url = _new_feed(client, plan)
    client.logout()  # a calendar application has no session
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = parse_ics(response.content)
    events = {event["summary"]: event for event in feed["events"]}
    # Not the done, abandoned, undated or binned items.
    assert set(events) == {SHUTDOWN, FORMULA}
    today = timezone.localdate()
    assert events[SHUTDOWN]["start"] == today + dt.timedelta(days=5)
    assert events[FORMULA]["start"] == today + dt.timedelta(days=40)
    description = events[SHUTDOWN]["description"]
    assert "In progress" in description or "En cours" in description
    assert "Olga Owner" in description and "Équipements" in description
    item_url = f"http://testserver/o/alpha/roadmap/{plan.shutdown.pk}/"
    assert events[SHUTDOWN]["properties"]["URL"][1] == item_url
    assert b"\r\n " in response.content  # the long title was folded
    again = parse_ics(client.get(url).content)
    assert {e["properties"]["UID"][1] for e in again["events"]} == {
        e["properties"]["UID"][1] for e in feed["events"]
    }


def test_a_new_address_stops_the_previous_one_and_a_wrong_one_is_404(client, plan):
    first = _new_feed(client, plan)
    second = _new_feed(client, plan)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.count() == 1


def test_the_calendar_page_explains_and_only_the_referent_makes_an_address(
    client, plan, member, org_a
):
    reader = member(org_a, Role.READER)
    page = _get(client, reader, "calendar", "en")
    assert page.status_code == 200 and "no calendar address yet" in page.content.decode()
    assert client.post(reverse("roadmap:calendar", args=["alpha"])).status_code == 403
    assert not CalendarFeed.objects.exists()
    _new_feed(client, plan)
    page = _get(client, reader, "calendar", "en").content.decode()
    assert "has a calendar address since" in page and ".ics" not in page


def test_the_feed_folds_on_character_boundaries_and_escapes_text(client, plan):
    """What the hand-written writer's own test checked, now of the library's output (the
    feed is written by ``icalendar`` through ``capnr.core.ical``): a long accented title folds
    between characters within 75 octets, and text values are escaped."""
    url = _new_feed(client, plan)
    plan.shutdown.title = "é" * 60 + " a,b;c\\d\ne\x07"
    plan.shutdown.save(update_fields=["title"])
    content = client.get(url).content
    feed = parse_ics(content)  # every line at most 75 octets, never cut inside a character
    summaries = {event["properties"]["SUMMARY"][1] for event in feed["events"]}
    assert "é" * 60 + " a\\,b\\;c\\\\d\\ne" in summaries


def _update(plan, item, **changes):
    item.refresh_from_db()
    roadmap_services.item_update(
        access=plan.access,
        item=item,
        user=plan.referent,
        expected_version=item.version,
        fields={**{name: getattr(item, name) for name in roadmap_services.ITEM_FIELDS}, **changes},
    )


def _approve(plan, day):
    roadmap_services.approval_record(
        access=plan.access, user=plan.referent, approved_on=day, approved_by="Comité de direction"
    )


def test_a_roadmap_changed_after_its_approval_says_so_in_the_pdf_and_on_its_page(client, plan):
    """The approval block no longer reads as if the roadmap shown were the version approved;
    following the roadmap up (a status, the journal) does not change what was approved."""
    _approve(plan, dt.date(2025, 10, 2))
    _update(plan, plan.formula, status="in_progress")
    roadmap_services.journal_add(
        access=plan.access,
        item=plan.formula,
        user=plan.referent,
        date=dt.date(2025, 10, 3),
        text="Started.",
        side_effect=False,
    )
    reader, text = _pdf(_get(client, plan.referent, "report_pdf"))
    assert "modifiée depuis" not in text and "approuvée à nouveau" not in text
    page = _get(client, plan.referent, "roadmap").content.decode()
    assert "approuvée à nouveau" not in page and 'class="notice-ok"' in page

    _update(plan, plan.formula, due_date=dt.date(2027, 6, 30))
    reader, text = _pdf(_get(client, plan.referent, "report_pdf"))
    changed = "Feuille de route numérique responsable approuvée le 2 octobre 2025, modifiée depuis"
    assert changed in text and reader.metadata.subject == f"{changed}."
    assert (
        "La feuille de route a changé depuis : cette version doit être approuvée à nouveau."
        in " ".join(text.split())
    )
    page = _get(client, plan.referent, "roadmap", "en").content.decode()
    assert "The roadmap has changed since: this version needs a new approval." in page
    assert 'class="notice-ok"' not in page

    # A new approval covers the change; putting an item in the bin is one again.
    _approve(plan, dt.date(2025, 11, 6))
    reader, text = _pdf(_get(client, plan.referent, "report_pdf", "fr"))
    assert "modifiée depuis" not in text and "approuvée le 6 novembre 2025" in text
    roadmap_services.item_delete(access=plan.access, item=plan.undated)
    reader, text = _pdf(_get(client, plan.referent, "report_pdf"))
    assert "approuvée le 6 novembre 2025, modifiée depuis" in text


def test_an_approval_recorded_before_fingerprints_compares_by_dates(plan):
    from capnr.roadmap import selectors
    from capnr.roadmap.models import RoadmapApproval

    _approve(plan, dt.date(2025, 10, 2))
    approval = RoadmapApproval.objects.get()
    RoadmapApproval.objects.filter(pk=approval.pk).update(plan_fingerprint="")
    approval.refresh_from_db()
    assert not selectors.changed_since_approval(access=plan.access, approval=approval)
    roadmap_services.item_create(access=plan.access, fields={"title": "Added", "theme": "data"})
    assert selectors.changed_since_approval(access=plan.access, approval=approval)
