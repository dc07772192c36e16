"""The REST API at /api/v1/: OpenAPI 3.1 from types, session or personal-token authentication.

Every endpoint reaches organisation data through the tenancy layer, like the pages do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer, SessionAuth

from capnr.coalition.api import router as coalition_router
from capnr.coalition.api_milestones import router as milestones_router
from capnr.collection.api import router as collection_router
from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import OMITTED, Payload
from capnr.core.versioned import StaleEditError
from capnr.diagnostics.api import router as diagnostics_router
from capnr.engine.intake.files import InventoryFileError
from capnr.inventory.api import router as inventory_router
from capnr.inventory.services import refusal_message
from capnr.organisations import selectors, services
from capnr.organisations.models import Department, Organisation, Site
from capnr.organisations.tenancy import visible_to
from capnr.peers.api import public_router as open_data_router
from capnr.peers.api import router as peers_router
from capnr.roadmap.api import router as roadmap_router
from capnr.training.api import router as training_router

from .referential import router as referential_router
from .services import api_token_user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer capnr_…`` with a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class LoggedInSession(SessionAuth):
    """The browser's session, with the CSRF check on writes: asked only when someone is logged
    in, so a request with no credentials (or a dead token) is told 401 "authenticate", not a
    CSRF failure it could do nothing about."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# The errors every operation may answer, documented on each (schemathesis checks that no status
# code goes undocumented): added to the generated schema where the operation can meet them.
ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"description": "What is wrong, in the user's language."}},
    "required": ["detail"],
}
ERRORS = {
    "400": "The body cannot be read (not JSON, or not the form data expected).",
    "401": "No credentials, or a token that is revoked or unknown.",
    "403": "Known, but not allowed to do this (the role is not enough).",
    "404": "No such organisation, or no such row in it, for this user.",
    "409": "Someone saved this row since the version sent: read it again.",
    "413": "The request body or the file is larger than accepted.",
    "422": "A parameter or a field is missing or wrong; `detail` says which.",
}


def _errors_for(method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["401", "403"]
    parameters = operation.get("parameters", [])
    if any(parameter.get("in") == "path" for parameter in parameters):
        codes.append("404")
    if parameters or "requestBody" in operation:
        codes.append("422")
    if "requestBody" in operation:
        codes += ["400", "413"]
    if method in {"put", "patch"}:
        codes.append("409")
    return codes


class CapNRApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                responses = operation.setdefault("responses", {})
                for code in _errors_for(method, operation):
                    responses.setdefault(
                        code,
                        {
                            "description": ERRORS[code],
                            "content": {"application/json": {"schema": ERROR_BODY}},
                        },
                    )
        return schema


api = CapNRApi(
    title="Cap NR API",
    version="1",
    description="Organisations, sites and departments, the inventory and its footprint, the "
    "self-diagnostic, the roadmap, the coalitions' cohorts and sessions. Authenticate with a "
    "session cookie (and the CSRF token for writes) or a personal token: "
    "`Authorization: Bearer …`. One exception needs no authentication: /open-data/, the "
    "aggregated figures a coalition chose to publish.",
    auth=[TokenAuth(), LoggedInSession()],
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 with the scheme to use (RFC 6750); a bearer token that was sent but is unknown,
    revoked or its user inactive is named ``invalid_token``."""
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    challenge = 'Bearer realm="Cap NR API"'
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NinjaValidationError)
def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if getattr(request, "capnr_upload_too_large", False):
        # The upload was stopped on its way in (inventory.uploads): say why, not "file required".
        message = refusal_message(InventoryFileError("too_large", ""))
        return api.create_response(request, {"detail": {"file": [message]}}, status=413)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = _("The request body is larger than the %(kb)s KB accepted.") % {
        "kb": number_format(limit // 1024)
    }
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(StaleEditError)
def on_stale_edit(request: HttpRequest, exc: StaleEditError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


class MeOut(Schema):
    email: str
    full_name: str
    memberships: list[dict[str, str]]


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    headcount: int | None
    workstation_count: int | None
    population: int | None
    purchasing_bracket: str
    siret: str
    address: str
    postcode: str
    city: str
    version: int


class OrganisationPatch(Payload):
    version: int
    name: str = OMITTED
    kind: str = OMITTED
    headcount: int | None = None
    workstation_count: int | None = None
    population: int | None = None
    purchasing_bracket: str = OMITTED
    siret: str = OMITTED
    address: str = OMITTED
    postcode: str = OMITTED
    city: str = OMITTED


class SiteOut(Schema):
    id: int
    name: str
    commune: str
    kind: str
    version: int


class SiteIn(Payload):
    name: str
    commune: str = ""
    kind: str = "operations"


class SitePatch(Payload):
    version: int
    name: str = OMITTED
    commune: str = OMITTED
    kind: str = OMITTED


class DepartmentOut(Schema):
    id: int
    name: str
    parent_id: int | None
    version: int


class DepartmentIn(Payload):
    name: str
    parent_id: int | None = None


class DepartmentPatch(Payload):
    version: int
    name: str = OMITTED
    parent_id: int | None = None


@api.get("/me", response=MeOut, tags=["account"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    memberships = [
        {
            "organisation_slug": m.organisation.slug,
            "organisation": m.organisation.name,
            "role": m.role,
        }
        for m in user.memberships.select_related("organisation")  # type: ignore[union-attr]
    ]
    return {
        "email": user.email,
        "full_name": user.full_name,  # type: ignore[union-attr]
        "memberships": memberships,
    }


organisations = Router(tags=["organisations"])


@organisations.get("", response=list[OrganisationOut])
def organisation_list(request: HttpRequest) -> Any:
    return visible_to(request.user).order_by("name")


@organisations.get("/{slug}", response=OrganisationOut)
@organisation_endpoint()
def organisation_detail(request: HttpRequest, access: OrganisationAccess) -> Organisation:
    return access.organisation


@organisations.patch("/{slug}", response=OrganisationOut)
@organisation_endpoint(Access.ADMINISTER)
def organisation_patch(
    request: HttpRequest, access: OrganisationAccess, payload: OrganisationPatch
) -> Organisation:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return services.organisation_update(access=access, expected_version=version, **fields)


@organisations.get("/{slug}/sites", response=list[SiteOut])
@organisation_endpoint()
def site_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    return selectors.site_list(access=access)


@organisations.post("/{slug}/sites", response={201: SiteOut})
@organisation_endpoint(Access.ADMINISTER)
def site_create(request: HttpRequest, access: OrganisationAccess, payload: SiteIn) -> Status[Site]:
    return Status(201, services.site_create(access=access, **payload.dict()))


@organisations.get("/{slug}/sites/{site_id}", response=SiteOut)
@organisation_endpoint()
def site_detail(request: HttpRequest, access: OrganisationAccess, site_id: int) -> Site:
    return selectors.site_get(access=access, pk=site_id)


@organisations.patch("/{slug}/sites/{site_id}", response=SiteOut)
@organisation_endpoint(Access.ADMINISTER)
def site_patch(
    request: HttpRequest, access: OrganisationAccess, site_id: int, payload: SitePatch
) -> Site:
    site = selectors.site_get(access=access, pk=site_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return services.site_update(access=access, site=site, expected_version=version, **fields)


@organisations.delete("/{slug}/sites/{site_id}", response={204: None})
@organisation_endpoint(Access.ADMINISTER)
def site_delete(request: HttpRequest, access: OrganisationAccess, site_id: int) -> Status[None]:
    services.site_delete(access=access, site=selectors.site_get(access=access, pk=site_id))
    return Status(204, None)


@organisations.get("/{slug}/departments", response=list[DepartmentOut])
@organisation_endpoint()
def department_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    return selectors.department_list(access=access)


def _parent(access: Any, parent_id: int | None) -> Department | None:
    if parent_id is None:
        return None
    try:
        return selectors.department_get(access=access, pk=parent_id)
    except Exception as error:
        raise DjangoValidationError(
            {"parent_id": "No department with this id in this organisation."}
        ) from error


@organisations.post("/{slug}/departments", response={201: DepartmentOut})
@organisation_endpoint(Access.ADMINISTER)
def department_create(
    request: HttpRequest, access: OrganisationAccess, payload: DepartmentIn
) -> Status[Department]:
    parent = _parent(access, payload.parent_id)
    return Status(201, services.department_create(access=access, name=payload.name, parent=parent))


@organisations.get("/{slug}/departments/{department_id}", response=DepartmentOut)
@organisation_endpoint()
def department_detail(
    request: HttpRequest, access: OrganisationAccess, department_id: int
) -> Department:
    return selectors.department_get(access=access, pk=department_id)


@organisations.patch("/{slug}/departments/{department_id}", response=DepartmentOut)
@organisation_endpoint(Access.ADMINISTER)
def department_patch(
    request: HttpRequest, access: OrganisationAccess, department_id: int, payload: DepartmentPatch
) -> Department:
    department = selectors.department_get(access=access, pk=department_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    if "parent_id" in fields:
        fields["parent"] = _parent(access, fields.pop("parent_id"))
    return services.department_update(
        access=access, department=department, expected_version=version, **fields
    )


@organisations.delete("/{slug}/departments/{department_id}", response={204: None})
@organisation_endpoint(Access.ADMINISTER)
def department_delete(
    request: HttpRequest, access: OrganisationAccess, department_id: int
) -> Status[None]:
    services.department_delete(
        access=access, department=selectors.department_get(access=access, pk=department_id)
    )
    return Status(204, None)


api.add_router("/organisations", organisations)
api.add_router("/organisations", inventory_router)
api.add_router("/organisations", diagnostics_router)
api.add_router("/organisations", roadmap_router)
api.add_router("/organisations", collection_router)
api.add_router("/organisations", peers_router)
api.add_router("/organisations", training_router)
api.add_router("/organisations", milestones_router)
api.add_router("/diagnostic", referential_router)
api.add_router("/coalitions", coalition_router)
api.add_router("/open-data", open_data_router)
