"""Walk every URL and every API endpoint the project defines, as people who must not get the data.

URLs come from the resolver and endpoints from the OpenAPI schema, so a new page or endpoint is
covered the day it is added; a URL parameter this walk does not know makes it fail until a value
is given below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capnr.actions.models import Scenario
from capnr.api.api import api
from capnr.api.models import ApiToken
from capnr.api.services import api_token_create
from capnr.coalition.models import Coalition, Cohort, CohortMembership, Milestone
from capnr.core.tokens import hash_token
from capnr.diagnostics.models import Answer, Delegation, Diagnostic
from capnr.diagnostics.services import (
    Submission,
    answer_save,
    delegation_create,
    diagnostic_start,
)
from capnr.inventory.models import Asset, InventoryImport
from capnr.organisations.models import Department, Invitation, Membership, Organisation, Role, Site
from capnr.organisations.tenancy import access_for
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import (
    CalendarFeed,
    DigestSubscription,
    GroupMember,
    JournalEntry,
    KpiMeasurement,
    KpiTarget,
    MeetingNote,
    PlanItem,
    WorkingGroup,
)

SECRETS = (
    "Alpha secret agency",
    "Alpha hidden site",
    "Alpha hidden department",
    "alpha-referent@example.org",
    "Alpha secret diagnostic comment",
    "Alpha secret roadmap item",
)

# Pages anyone may open; they are still checked never to show organisation A's data.
PUBLIC = {
    "web:home",
    "web:accessibility",
    "web:legal",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "invitation_request_new",
    "admin:login",
    "admin:logout",
}
# The invitation link shows its organisation's name to whoever holds the secret link, by design.
PUBLIC_BY_SECRET_LINK = {"invitation_accept", "delegated", "calendar_feed"}
# Pages about the logged-in person themselves, not about an organisation.
PERSONAL = {
    "web:account",
    "web:switch",
    "web:token_revoke",
    "coalition:list",
    "password_change",
    "password_change_done",
}


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]


def iter_routes(patterns: list[object] | None = None, namespace: str = "") -> Iterator[Route]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue  # walked through the OpenAPI schema below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            converters = tuple(entry.pattern.regex.groupindex)
            for route in iter_routes(entry.url_patterns, inner):
                yield Route(route.name, converters + route.kwargs)
        elif isinstance(entry, URLPattern):
            if entry.name is None and namespace.startswith("admin:"):
                continue  # the admin's redirect from old object URLs; the named ones are walked
            if entry.name is None:
                raise AssertionError(f"Unnamed URL pattern {entry.pattern}: name it.")
            yield Route(namespace + entry.name, tuple(entry.pattern.regex.groupindex))


@pytest.fixture
def world(org_a, org_b, member, make_user):
    referent_a = member(org_a, Role.REFERENT, email="alpha-referent@example.org")
    reader_a = member(org_a, Role.READER)
    outsider = member(org_b, Role.REFERENT)
    invitation_raw = "alpha-invitation-secret"
    invitation = Invitation.objects.create(
        organisation=org_a,
        email="guest@example.org",
        role=Role.READER,
        token_hash=hash_token(invitation_raw),
        invited_by=referent_a,
    )
    token_a, _ = api_token_create(user=referent_a, name="Alpha token")
    world_import = InventoryImport.objects.create(
        organisation=org_a,
        uploaded_by=referent_a,
        file_name="alpha-secret-fleet.csv",
        header=["Nom"],
        mapping={"0": "name"},
        status="to_confirm",
    )
    Asset.objects.create(
        organisation=org_a,
        category="laptop",
        name="Alpha hidden laptop",
        site=Site.objects.get(organisation=org_a),
    )
    _, outsider_token = api_token_create(user=outsider, name="Outsider token")
    _, reader_token = api_token_create(user=reader_a, name="Reader token")
    access_a = access_for(referent_a, org_a)
    diagnostic = diagnostic_start(access=access_a, year=2025, user=referent_a)
    delegation = delegation_create(
        access=access_a,
        diagnostic=diagnostic,
        question_id="strategy.01",
        created_by=referent_a,
        email="delegate@example.org",
        build_url=lambda raw: "http://x/",
    )
    answer_save(
        access=access_a,
        diagnostic=diagnostic,
        submission=Submission("strategy.02", "yes", "Alpha secret diagnostic comment", "", 0),
        user=referent_a,
    )
    group = roadmap_services.group_create(access=access_a, name="Alpha group")
    group_member = roadmap_services.member_add(
        access=access_a, group=group, user_id=referent_a.pk, is_lead=True
    )
    scenario = Scenario.objects.create(
        organisation=org_a,
        model_id="auto_shutdown",
        name="Alpha scenario",
        results={"kgco2e_total": {"value": 1.0, "low": 0.5, "high": 2.0}},
        method_version="1",
        data_version="1",
    )
    item = roadmap_services.item_create(
        access=access_a,
        fields={
            "title": "Alpha secret roadmap item",
            "theme": "strategy",
            "owner": referent_a,
            "working_group": group,
            "scenario": scenario,
        },
    )
    kpi = roadmap_services.kpi_add(
        access=access_a, item=item, user=referent_a, label="Alpha KPI", target=90
    )
    roadmap_services.measurement_add(
        access=access_a, kpi=kpi, user=referent_a, date=item.created_at.date(), value=42
    )
    cohort = Cohort.objects.create(
        coalition=Coalition.objects.create(name="Alpha's coalition", slug="alpha-coalition"),
        name="Alpha's cohort",
        year=2025,
    )
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    values = {
        "slug": org_a.slug,
        "cohort_id": cohort.pk,
        "site_id": Site.objects.get(organisation=org_a).pk,
        "department_id": Department.objects.get(organisation=org_a).pk,
        "membership_id": Membership.objects.get(user=referent_a).pk,
        "invitation_id": invitation.pk,
        "token_id": token_a.pk,
        "token": invitation_raw,
        "uidb64": "MQ",
        "object_id": str(org_a.pk),
        "id": str(org_a.pk),
        "app_label": "organisations",
        "content_type_id": "1",
        "url": "x",
        "import_id": world_import.pk,
        "year": 2025,
        "question_id": "strategy.01",
        "theme": "strategy",
        "delegation_id": delegation.pk,
        "item_id": item.pk,
        "kpi_id": kpi.pk,
        "group_id": group.pk,
        "member_id": group_member.pk,
        "scenario_id": scenario.pk,
        "action_id": "strategy.appoint_lead",
        "model_id": "auto_shutdown",
    }
    return {
        "org_a": org_a,
        "referent_a": referent_a,
        "reader_a": reader_a,
        "outsider": outsider,
        "outsider_token": outsider_token,
        "reader_token": reader_token,
        "values": values,
    }


def snapshot(org: Organisation) -> tuple[object, ...]:
    org.refresh_from_db()
    return (
        org.version,
        org.name,
        tuple(Site.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(Department.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(Membership.objects.filter(organisation=org).values_list("pk", "role")),
        tuple(Invitation.objects.filter(organisation=org).values_list("pk", "revoked_at")),
        tuple(Asset.objects.filter(organisation=org).values_list("pk", "status", "quantity")),
        tuple(InventoryImport.objects.filter(organisation=org).values_list("pk", "status")),
        tuple(Diagnostic.objects.filter(organisation=org).values_list("pk", "status", "version")),
        tuple(Answer.objects.filter(diagnostic__organisation=org).values_list("pk", "version")),
        tuple(
            Delegation.objects.filter(diagnostic__organisation=org).values_list("pk", "revoked_at")
        ),
        tuple(
            ApiToken.objects.filter(user__memberships__organisation=org).values_list(
                "pk", "revoked_at"
            )
        ),
        tuple(
            PlanItem.objects.filter(organisation=org).values_list(
                "pk", "title", "status", "version", "deleted_at"
            )
        ),
        tuple(JournalEntry.objects.filter(item__organisation=org).values_list("pk", "text")),
        tuple(KpiTarget.objects.filter(item__organisation=org).values_list("pk", "target")),
        tuple(KpiMeasurement.objects.filter(kpi__item__organisation=org).values_list("pk")),
        tuple(WorkingGroup.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(GroupMember.objects.filter(group__organisation=org).values_list("pk", "is_lead")),
        tuple(MeetingNote.objects.filter(group__organisation=org).values_list("pk")),
        tuple(Scenario.objects.filter(organisation=org).values_list("pk")),
        tuple(CalendarFeed.objects.filter(organisation=org).values_list("token_hash")),
        tuple(DigestSubscription.objects.filter(organisation=org).values_list("user_id")),
        tuple(
            Milestone.objects.filter(membership__organisation=org).values_list("pk", "reached_on")
        ),
    )


def urls_for(world) -> list[tuple[str, str]]:
    urls = []
    for route in iter_routes():
        unknown = [name for name in route.kwargs if name not in world["values"]]
        assert not unknown, (
            f"The tenancy walk has no value for {unknown} in {route.name}: add one to `values`."
        )
        urls.append(
            (
                route.name,
                reverse(route.name, kwargs={name: world["values"][name] for name in route.kwargs}),
            )
        )
    assert len(urls) > 20, "The URL walk found suspiciously few URLs."
    return urls


def assert_no_secret(response, label: str) -> None:
    body = response.content.decode(errors="replace")
    leaked = [secret for secret in SECRETS if secret in body]
    assert not leaked, f"{label} shows {leaked}"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_everywhere_but_public_pages(client, world):
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"anonymous {method.upper()} {url} ({name})"
            if name in PUBLIC_BY_SECRET_LINK:
                continue
            assert_no_secret(response, label)
            if name in PUBLIC:
                continue
            assert response.status_code in (302, 403, 404, 405), label
            if response.status_code == 302:
                assert "login" in response["Location"], f"{label} → {response['Location']}"
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_user_of_another_organisation_never_gets_the_data(client, world):
    client.force_login(world["outsider"])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if name in PUBLIC_BY_SECRET_LINK or name == "logout":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"outsider {method.upper()} {url} ({name})"
            assert_no_secret(response, label)
            if name.startswith("organisations:"):
                assert response.status_code == 404, f"{label}: {response.status_code}"
            elif name.startswith("admin:") and name not in PUBLIC:
                assert response.status_code in (302, 403, 404), label
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_reader_cannot_write_anything(client, world):
    client.force_login(world["reader_a"])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if not name.startswith(("organisations:", "diagnostics:", "actions:", "roadmap:")):
            continue
        response = client.post(
            url,
            {
                "name": "Written by a reader",
                "version": 1,
                "email": "x@example.org",
                "role": "referent",
            },
        )
        # A question delegated to someone else is simply not found for the reader.
        allowed = (403, 404, 405) if name == "diagnostics:my_question" else (403, 405)
        assert response.status_code in allowed, f"reader POST {url}: {response.status_code}"
    assert snapshot(world["org_a"]) == before


def api_operations(world) -> list[tuple[str, str, bool]]:
    """(method, url, takes a file upload) for every operation of the OpenAPI schema."""
    schema = api.get_openapi_schema()
    operations = []
    values = {
        "slug": world["values"]["slug"],
        "site_id": world["values"]["site_id"],
        "department_id": world["values"]["department_id"],
        "import_id": world["values"]["import_id"],
        "year": world["values"]["year"],
        "question_id": world["values"]["question_id"],
        "item_id": world["values"]["item_id"],
        "kpi_id": world["values"]["kpi_id"],
        "cohort_id": world["values"]["cohort_id"],
        "kind": "closing",
    }
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            url = path
            for name, value in values.items():
                url = url.replace("{" + name + "}", str(value))
            assert "{" not in url, f"The API walk has no value for a parameter in {path}."
            content = operation.get("requestBody", {}).get("content", {})
            operations.append((method.upper(), url, "multipart/form-data" in content))
    assert len(operations) >= 10
    return operations


# A body every write endpoint accepts, so that the refusal comes from tenancy, not validation.
WRITE_FIELDS = {
    "version": 1,
    "text": "Written by someone not allowed",
    "name": "Written by someone not allowed",
    "mapping": {"0": "name"},
    "category_choices": {},
}


def call(client, method: str, url: str, token: str | None = None, upload: bool = False):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            url, {"file": SimpleUploadedFile("x.csv", b"category\nlaptop\n")}, **headers
        )
    return client.generic(
        method,
        url,
        json.dumps(WRITE_FIELDS) if method != "GET" else "",
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_every_api_endpoint_refuses_anonymous_outsiders_and_reader_writes(client, world):
    before = snapshot(world["org_a"])
    for method, url, upload in api_operations(world):
        anonymous = call(client, method, url, upload=upload)
        assert anonymous.status_code == 401, f"anonymous {method} {url}: {anonymous.status_code}"
        assert_no_secret(anonymous, f"anonymous {method} {url}")

        outsider = call(client, method, url, world["outsider_token"], upload=upload)
        assert_no_secret(outsider, f"outsider {method} {url}")
        if "/organisations/" in url:
            assert outsider.status_code in (403, 404), f"outsider {method} {url}"

        if method != "GET":
            reader = call(client, method, url, world["reader_token"], upload=upload)
            assert reader.status_code == 403, f"reader {method} {url}: {reader.status_code}"
    assert snapshot(world["org_a"]) == before
