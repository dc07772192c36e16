"""The API answers bad requests with a 4xx that says what is wrong, never a 500 (issue 13,
finding 6, found by schemathesis): null texts, numbers beyond 64 bits, a body too large, a body
that is not a JSON object, column numbers outside the file, a roadmap item without a theme."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capnr.inventory.models import InventoryImport
from capnr.organisations.models import Role, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, org_a, member, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(member(org_a, Role.REFERENT))
    base = f"/api/v1/organisations/{org_a.slug}"

    def call(method: str, path: str, body: object = None, **extra):
        send = getattr(client, method)
        if body is None:
            return send(base + path, **extra)
        return send(base + path, json.dumps(body), content_type="application/json", **extra)

    return call


@pytest.mark.parametrize("field", ["name", "siret", "address", "postcode", "city", "kind"])
def test_a_null_organisation_text_is_refused(api, org_a, field):
    response = api("patch", "", {"version": org_a.version, field: None})
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])


@pytest.mark.parametrize("field", ["name", "commune", "kind"])
def test_a_null_site_text_is_refused(api, org_a, field):
    site = Site.objects.create(organisation=org_a, name="Siège")
    assert (
        api("patch", f"/sites/{site.pk}", {"version": site.version, field: None}).status_code == 422
    )
    assert api("post", "/sites", {"name": "Annexe", field: None}).status_code == 422


@pytest.mark.parametrize(
    "query", ["?site=99999999999999999999", "?department=-1", "?page=99999999999999999999"]
)
def test_numbers_beyond_the_database_are_refused(api, query):
    response = api("get", "/inventory/assets" + query)
    assert response.status_code == 422, response.content


def test_a_body_over_the_limit_gets_413_in_json(api, settings):
    response = api("post", "/sites", {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 413
    assert "Ko" in response.json()["detail"] or "KB" in response.json()["detail"]


@pytest.mark.parametrize("body", ["hello", ["title"], 42])
def test_a_body_that_is_not_an_object_is_refused(api, body):
    response = api("post", "/roadmap/items", body)
    assert response.status_code == 422
    assert "JSON object" in json.dumps(response.json())


def test_a_roadmap_item_needs_a_theme_so_that_it_can_be_changed_later(api):
    refused = api("post", "/roadmap/items", {"title": "Sans thème"})
    assert refused.status_code == 422 and "theme" in refused.json()["detail"]
    made = api("post", "/roadmap/items", {"title": "Avec thème", "theme": "strategy"})
    assert made.status_code == 201
    item = made.json()
    changed = api("put", f"/roadmap/items/{item['id']}", {"version": item["version"], "title": "x"})
    assert changed.status_code == 200, changed.content


@pytest.mark.parametrize("mapping", [{"-3": "name"}, {"0": "name", "7": "model"}])
def test_column_numbers_outside_the_file_are_refused(api, mapping):
    upload = api(
        "post",
        "/inventory/imports",
        None,
        data={"file": SimpleUploadedFile("parc.csv", b"Nom;Type\nPC-1;Portable\n")},
    )
    assert upload.status_code == 201, upload.content
    item = upload.json()
    response = api("post", f"/inventory/imports/{item['id']}/columns", {"mapping": mapping})
    assert response.status_code == 422, response.content
    said = json.dumps(response.json(), ensure_ascii=False)
    assert "0 to 1" in said or "0 à 1" in said
    assert InventoryImport.objects.get(pk=item["id"]).status == "mapping"
