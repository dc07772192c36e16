"""The import through the API: upload, columns, status, confirm; assets with filters."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capnr.api.services import api_token_create
from capnr.organisations.models import Role

from .test_import_services import GLPI_FR


@pytest.fixture
def token(org_a, member, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _, raw = api_token_create(user=member(org_a, Role.REFERENT), name="import script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_import_through_the_api(client, org_a, token):
    base = f"/api/v1/organisations/{org_a.slug}/inventory"
    created = client.post(
        f"{base}/imports",
        {"file": SimpleUploadedFile("glpi.csv", GLPI_FR.encode("cp1252"))},
        **token,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "mapping" and "Numéro de série" in item["header"]
    mapping = {int(k): v for k, v in item["mapping"].items()}
    checked = client.post(
        f"{base}/imports/{item['id']}/columns",
        {"mapping": mapping},
        content_type="application/json",
        **token,
    )
    assert checked.json()["status"] == "to_confirm", checked.content
    done = client.post(
        f"{base}/imports/{item['id']}/confirm",
        {"category_choices": {}},
        content_type="application/json",
        **token,
    )
    assert done.json()["status"] == "done"
    status = client.get(f"{base}/imports/{item['id']}", **token).json()
    assert status["summary"]["result"]["created"] == 3
    laptops = client.get(f"{base}/assets?category=laptop", **token).json()
    assert laptops["count"] == 1 and laptops["items"][0]["serial_number"] == "SN002"
    footprint = client.get(f"/api/v1/organisations/{org_a.slug}/footprint", **token).json()
    assert footprint["results"]["totals"]["gwp"]["embodied"]["value"] > 0


def test_a_refused_file_is_a_clear_422(client, org_a, token):
    response = client.post(
        f"/api/v1/organisations/{org_a.slug}/inventory/imports",
        {"file": SimpleUploadedFile("empty.csv", b"")},
        **token,
    )
    assert response.status_code == 422
    assert "file" in response.json()["detail"]
