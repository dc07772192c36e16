"""Inventory endpoints under /api/v1/organisations/{slug}/: the same import as the pages
(upload, status, columns, confirm), assets with filters and pagination, the latest footprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Id, Pages, Payload

from . import selectors, services

router = Router(tags=["inventory"])


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    progress: int
    total_rows: int
    header: list[str]
    mapping: dict[str, str]
    problems: list[dict[str, Any]]
    uncertain: list[dict[str, Any]]
    summary: dict[str, Any]
    error_message: str  # why it failed, in the request's language; "" unless failed

    @staticmethod
    def resolve_error_message(inventory_import: Any) -> str:
        return services.failure_message(inventory_import)


class RefusedOut(Schema):
    detail: dict[str, list[str]]  # the field and what is wrong with it, in the user's language


class ColumnsIn(Payload):
    mapping: dict[int, str]
    save_as: str = ""


class ConfirmIn(Payload):
    category_choices: dict[str, str] = {}


class AssetOut(Schema):
    id: int
    category: str
    quantity: int
    name: str
    manufacturer: str
    model: str
    serial_number: str
    inventory_number: str
    site: str | None
    department: str | None
    purchase_date: date | None
    status: str

    @staticmethod
    def resolve_site(asset: Any) -> str | None:
        return asset.site.name if asset.site else None

    @staticmethod
    def resolve_department(asset: Any) -> str | None:
        return asset.department.name if asset.department else None


@router.post("/{slug}/inventory/imports", response={201: ImportOut, 413: RefusedOut})
@organisation_endpoint(Access.CONTRIBUTE)
def import_upload(
    request: HttpRequest,
    access: OrganisationAccess,
    file: UploadedFile = File(...),  # noqa: B008 - ninja declares parameters this way
    full_reimport: bool = Form(False),
) -> Status[Any]:
    try:
        item = services.import_upload(
            access=access,
            user=request.user,  # type: ignore[arg-type]
            uploaded=file,
            full_reimport=full_reimport,
        )
    except services.ImportRefused as error:
        raise ValidationError({"file": str(error)}) from error
    return Status(201, item)


@router.get("/{slug}/inventory/imports/{import_id}", response=ImportOut)
@organisation_endpoint()
def import_status(request: HttpRequest, access: OrganisationAccess, import_id: int) -> Any:
    return selectors.import_get(access=access, pk=import_id)


@router.post("/{slug}/inventory/imports/{import_id}/columns", response=ImportOut)
@organisation_endpoint(Access.CONTRIBUTE)
def import_columns(
    request: HttpRequest, access: OrganisationAccess, import_id: int, payload: ColumnsIn
) -> Any:
    item = selectors.import_get(access=access, pk=import_id)
    return services.import_set_mapping(
        access=access, inventory_import=item, mapping=payload.mapping, save_as=payload.save_as
    )


@router.post("/{slug}/inventory/imports/{import_id}/confirm", response=ImportOut)
@organisation_endpoint(Access.CONTRIBUTE)
def import_confirm(
    request: HttpRequest, access: OrganisationAccess, import_id: int, payload: ConfirmIn
) -> Any:
    item = selectors.import_get(access=access, pk=import_id)
    return services.import_confirm(
        access=access, inventory_import=item, category_choices=payload.category_choices
    )


@router.get("/{slug}/inventory/assets", response=list[AssetOut])
@paginate(Pages, page_size=100)
@organisation_endpoint()
def asset_list(
    request: HttpRequest,
    access: OrganisationAccess,
    category: str = "",
    status: str = "",
    site: Id | None = None,
    department: Id | None = None,
) -> Any:
    return selectors.asset_list(
        access=access, category=category, status=status, site=site, department=department
    )


@router.get("/{slug}/footprint", response=dict[str, Any])
@organisation_endpoint()
def footprint(request: HttpRequest, access: OrganisationAccess) -> Any:
    run = selectors.latest_footprint(access=access)
    if run is None:
        return {"results": None}
    return {
        "created_at": run.created_at.isoformat(),
        "asset_count": run.asset_count,
        "device_count": run.device_count,
        "inputs": run.inputs,
        "results": run.results,
    }
