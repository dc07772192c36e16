"""The API under schemathesis, the field's OpenAPI fuzzer (issue 13: "keep it fixed"): every
operation of the published schema is called with generated requests, as a référent of an
organisation (its token in the Authorization header, its short name in the paths), in process
through Django's WSGI application. The run is bounded and derandomized (the same requests on
every run); it fails on any 5xx, on a status code the schema does not document, and on a response
whose content type or body does not match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from capnr.api.services import api_token_create
from capnr.organisations.models import Role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def referent_token(org_a, member, settings, tmp_path) -> str:
    settings.DATA_DIR = tmp_path
    user = member(org_a, Role.REFERENT)
    _token, raw = api_token_create(user=user, name="fuzz")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, referent_token, org_a) -> None:
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = org_a.slug
    case.call_and_validate(headers={"Authorization": f"Bearer {referent_token}"}, checks=CHECKS)
