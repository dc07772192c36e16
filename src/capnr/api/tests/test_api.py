import json

import pytest

from capnr.api.services import api_token_create
from capnr.organisations.models import Role, Site


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def referent_token(org_a, member):
    user = member(org_a, Role.REFERENT)
    _, raw = api_token_create(user=user, name="script")
    return user, raw


@pytest.mark.django_db
def test_token_user_reads_themself_and_their_organisations(client, org_a, org_b, referent_token):
    user, raw = referent_token
    me = client.get("/api/v1/me", **bearer(raw)).json()
    assert me["email"] == user.email
    assert me["memberships"] == [
        {"organisation_slug": "alpha", "organisation": "Alpha secret agency", "role": "referent"}
    ]
    slugs = [o["slug"] for o in client.get("/api/v1/organisations", **bearer(raw)).json()]
    assert slugs == ["alpha"]
    sites = client.get("/api/v1/organisations/alpha/sites", **bearer(raw)).json()
    assert [s["name"] for s in sites] == ["Alpha hidden site"]


@pytest.mark.django_db
def test_referent_creates_patches_and_deletes_a_site_with_optimistic_locking(
    client, org_a, referent_token
):
    _, raw = referent_token
    created = client.post(
        "/api/v1/organisations/alpha/sites",
        json.dumps({"name": "API depot", "kind": "server_room"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert created.status_code == 201
    site_id = created.json()["id"]
    url = f"/api/v1/organisations/alpha/sites/{site_id}"
    ok = client.patch(
        url,
        json.dumps({"version": 1, "commune": "Lorcy"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url,
        json.dumps({"version": 1, "commune": "Elsewhere"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert stale.status_code == 409
    assert Site.objects.get(pk=site_id).commune == "Lorcy"
    assert client.delete(url, **bearer(raw)).status_code == 204


@pytest.mark.django_db
def test_invalid_input_gets_422_with_the_field(client, org_a, referent_token):
    _, raw = referent_token
    response = client.patch(
        "/api/v1/organisations/alpha",
        json.dumps({"version": 1, "siret": "not a siret"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 422
    assert "siret" in response.json()["detail"]
    duplicate = client.post(
        "/api/v1/organisations/alpha/departments",
        json.dumps({"name": "Alpha hidden department"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert duplicate.status_code == 422


@pytest.mark.django_db
def test_revoked_token_stops_working(client, org_a, referent_token):
    from capnr.api.models import ApiToken
    from capnr.api.services import api_token_revoke

    user, raw = referent_token
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None
    assert api_token_revoke(user=user, token_id=token.pk)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(org_a, member):
    from django.test import Client

    user = member(org_a, Role.REFERENT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/organisations/alpha").status_code == 200
    response = client.post(
        "/api/v1/organisations/alpha/sites",
        json.dumps({"name": "X"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Site.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_openapi_schema_and_local_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/organisations/{slug}/sites" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


@pytest.mark.django_db
def test_the_diagnostic_referential_is_readable_by_any_signed_in_user(client, referent_token):
    _, raw = referent_token
    data = client.get("/api/v1/diagnostic/referential", **bearer(raw)).json()
    assert len(data["themes"]) == 12 and len(data["questions"]) >= 80
    reen = next(
        q for q in data["questions"] if q["obligation"] and "REEN" in q["obligation"]["reference"]
    )
    assert reen["applies_to"]["min_population"] == 50001
    assert client.get("/api/v1/diagnostic/referential").status_code == 401
