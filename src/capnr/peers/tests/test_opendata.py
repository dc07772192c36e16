"""The open-data file and the public coalition page: valid against the Table Schema in the
repository, anonymous (no organisation named, no group under five, no differencing pair), and
published only when the coalition's facilitators chose to."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from capnr.coalition.models import CohortMembership
from capnr.peers import figures, opendata, services
from capnr.peers.models import CoalitionPublication, PublicListing, Visibility

from .conftest import share

pytestmark = pytest.mark.django_db


def validate(table: list[dict[str, str]], header: list[str], schema: dict) -> list[str]:
    """The Table Schema rules the file uses: field names and order, types (string, integer,
    number), and the constraints required, enum, pattern and minimum."""
    fields = schema["fields"]
    errors = []
    if header != [field["name"] for field in fields]:
        errors.append(f"header {header}")
    missing = set(schema.get("missingValues", [""]))
    for number, row in enumerate(table, start=2):
        for field in fields:
            value = row[field["name"]]
            rules = field.get("constraints", {})
            if value in missing:
                if rules.get("required"):
                    errors.append(f"row {number}: {field['name']} missing")
                if "enum" in rules and value not in rules["enum"]:
                    errors.append(f"row {number}: {field['name']} empty not allowed")
                continue
            try:
                typed: object = {"integer": int, "number": float}.get(field["type"], str)(value)
            except ValueError:
                errors.append(f"row {number}: {field['name']}={value!r} is not {field['type']}")
                continue
            if "enum" in rules and value not in rules["enum"]:
                errors.append(f"row {number}: {field['name']}={value!r} not in its enum")
            if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
                errors.append(f"row {number}: {field['name']}={value!r} breaks its pattern")
            if "minimum" in rules and typed < rules["minimum"]:  # type: ignore[operator]
                errors.append(f"row {number}: {field['name']}={value!r} under its minimum")
    return errors


def read(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


@pytest.fixture
def coalition_of_seven(world, make_organisation, cohort_2025, monkeypatch):
    """Six in the 2025 cohort, one in the 2024 cohort: seven in the coalition, each with a
    score; the cohort differs from the coalition by one organisation."""
    members = [world["org_a"], world["cohort_mate"]]
    for number in range(4):
        organisation = make_organisation(f"Named peer {number}", headcount=400)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        members.append(organisation)
    members.append(world["other_cohort"])
    scores = {organisation.pk: 10.0 * rank for rank, organisation in enumerate(members, 1)}
    monkeypatch.setattr(
        figures,
        "figures_for",
        lambda organisations: {
            o.pk: {figures.GLOBAL_SCORE: scores[o.pk]} if o.pk in scores else {}
            for o in organisations
        },
    )
    return members


def test_the_open_data_file_follows_its_table_schema_and_names_no_organisation(
    world, cohort_2025, coalition_of_seven
):
    content = opendata.csv_file(cohort_2025.coalition_id)
    header, table = read(content)
    assert not validate(table, header, opendata.schema())
    # Everyone is a state service or a commune of 250 to 999 agents: narrowing by that bracket
    # gives the same seven (shown); narrowing by kind leaves six or one (withheld).
    assert [
        (row["scope"], row["organisation_kind"], row["size_bracket"], row["organisations"])
        for row in table
    ] == [("coalition", "", "", "7"), ("coalition", "", "250_999", "7")]
    assert (table[0]["q1"], table[0]["median"], table[0]["q3"]) == ("25", "40", "55")
    text = content.decode("utf-8-sig")
    for organisation in coalition_of_seven:
        assert organisation.name not in text
    # The cohort (six) is one organisation away from the coalition (seven): never exported.
    assert all(row["scope"] != "cohort" for row in table)
    assert all(int(row["organisations"]) >= 5 for row in table)


def test_the_validator_catches_a_broken_file():
    header = opendata.columns()
    row = dict.fromkeys(header, "")
    row.update(scope="city", scope_name="x", metric="score", unit="/100", organisations="3")
    row.update(q1="a", median="1", q3="2")
    errors = validate([row], header, opendata.schema())
    assert any("scope" in e for e in errors) and any("minimum" in e for e in errors)
    assert any("q1" in e for e in errors)


def test_open_data_and_the_public_page_exist_only_once_published(client, world, cohort_2025):
    coalition = cohort_2025.coalition
    page = reverse("peers_public:coalition", args=[coalition.slug])
    data = reverse("peers_public:open_data", args=[coalition.slug])
    assert client.get(page).status_code == 404 and client.get(data).status_code == 404
    CoalitionPublication.objects.create(coalition=coalition, public_page=True)
    assert client.get(page).status_code == 200 and client.get(data).status_code == 404


def test_only_the_coalitions_facilitators_decide_what_it_publishes(
    client, world, cohort_2025, make_user
):
    coalition = cohort_2025.coalition
    address = reverse("peers_coalition:publication", args=[coalition.slug])
    for person in (world["people"]["referent_a"], make_user()):
        client.force_login(person)
        assert client.post(address, {"public_page": "on"}).status_code == 404
    assert not CoalitionPublication.objects.exists()
    client.force_login(world["people"]["facilitator"])
    client.post(address, {"public_page": "on", "open_data": "on"})
    publication = CoalitionPublication.objects.get()
    assert publication.public_page and publication.open_data


def test_the_public_page_shows_only_listed_organisations_and_public_reports(
    client, world, cohort_2025, access_of
):
    coalition = cohort_2025.coalition
    CoalitionPublication.objects.create(coalition=coalition, public_page=True)
    referent = world["people"]["referent_a"]
    share(world["access_a"], referent, title="Public one", visibility=Visibility.PUBLIC)
    share(world["access_a"], referent, title="Coalition one", visibility=Visibility.COALITION)
    gone = share(world["access_a"], referent, title="Gone one", visibility=Visibility.PUBLIC)
    services.report_withdraw(access=world["access_a"], report=gone)
    mate = world["people"]["cohort_mate"]
    services.listing_set(access=access_of(mate, world["cohort_mate"]), user=mate, listed=True)
    far = world["people"]["far_away"]
    PublicListing.objects.create(organisation=world["far_away"])  # another coalition
    body = client.get(reverse("peers_public:coalition", args=[coalition.slug])).content.decode()
    assert "Public one" in body and "Coalition one" not in body and "Gone one" not in body
    assert "Cohort mate" in body and "Far away" not in body
    # org_a wrote the public report but did not agree to be listed: named only on the report.
    assert body.count("Alpha secret agency") == 1
    assert "fewer than 5 organisations have this figure" in body
    _ = far


# --- The public open-data endpoint of the API -------------------------------------------------

SECRET = "Planted secret 7f3a"


def api_address(slug: str) -> str:
    return f"/api/v1/open-data/coalitions/{slug}/benchmarks"


def test_the_api_serves_the_open_data_rows_without_authentication_once_published(
    client, world, cohort_2025, coalition_of_seven
):
    coalition = cohort_2025.coalition
    assert client.get(api_address(coalition.slug)).status_code == 404  # nothing published
    CoalitionPublication.objects.create(coalition=coalition, public_page=True)
    assert client.get(api_address(coalition.slug)).status_code == 404  # the page only
    CoalitionPublication.objects.filter(coalition=coalition).update(open_data=True)
    response = client.get(api_address(coalition.slug))
    assert response.status_code == 200
    rows = response.json()
    # The same rows as the CSV, field for field, valid against the Table Schema.
    header, table = read(opendata.csv_file(coalition.pk))
    assert [list(row) for row in rows] == [header] * len(rows)
    assert [{name: str(row[name]) for name in header} for row in rows] == [
        {**line, **{name: str(float(line[name])) for name in ("q1", "median", "q3")}}
        for line in table
    ]
    as_text = [{name: str(value) for name, value in row.items()} for row in rows]
    assert len(rows) == 2 and not validate(as_text, header, opendata.schema())
    assert client.get(api_address("no-such-coalition")).status_code == 404


def test_the_api_is_documented_in_the_openapi_schema_as_public():
    """The endpoint asks for no credentials, and its rows have the Table Schema's fields."""
    from capnr.api.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"][api_address("{coalition_slug}")]["get"]
    assert "security" not in operation and "open data" in operation["tags"]
    assert "OpenDataRow" in str(operation["responses"][200])
    fields = schema["components"]["schemas"]["OpenDataRow"]["properties"]
    assert list(fields) == opendata.columns()
    assert "security" in schema["paths"]["/api/v1/me"]["get"]  # the others do


def test_nothing_private_reaches_the_open_data_api_nor_the_csv(
    client, world, cohort_2025, make_organisation, access_of, member
):
    """A secret planted in every private field of seven real organisations of the coalition
    (their names, reports shared with the cohort, roadmap items, diagnostic comments) never
    appears in the open data: only quartiles over at least five organisations."""
    from capnr.diagnostics.services import (
        Submission,
        answer_save,
        diagnostic_start,
        diagnostic_submit,
    )
    from capnr.organisations.models import Role

    organisations = [world["org_a"], world["cohort_mate"]]
    for number in range(5):
        organisation = make_organisation(f"{SECRET} org {number}", headcount=400)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        organisations.append(organisation)
    for rank, organisation in enumerate(organisations):
        user = member(organisation, Role.REFERENT)
        access = access_of(user, organisation)
        diagnostic = diagnostic_start(access=access, year=2025, user=user)
        for number, question in enumerate(("strategy.01", "strategy.02", "strategy.03")):
            value = "yes" if number < rank % 3 + 1 else "no"
            answer_save(
                access=access,
                diagnostic=diagnostic,
                submission=Submission(question, value, f"{SECRET} comment", "", 0),
                user=user,
            )
        diagnostic_submit(access=access, diagnostic=diagnostic, user=user)
        share(access, user, title=f"{SECRET} report", tips=SECRET, visibility=Visibility.COHORT)
    CoalitionPublication.objects.create(coalition=cohort_2025.coalition, open_data=True)
    api_body = client.get(api_address(cohort_2025.coalition.slug)).content.decode()
    csv_body = opendata.csv_file(cohort_2025.coalition_id).decode("utf-8-sig")
    assert '"metric": "score"' in api_body and ",score," in csv_body  # not vacuous
    for body in (api_body, csv_body):
        assert SECRET not in body
        for organisation in organisations:
            assert organisation.name not in body
