"""Inventory pages: the fleet, its imports, counts entered by hand, and where the impacts are."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.spreadsheets import csv_bytes, xlsx_bytes
from capnr.organisations.selectors import department_list, site_list

from . import charts, exports, presentation, selectors, services
from .forms import (
    FIELD_LABELS,
    AssetFilterForm,
    ColumnChangeForm,
    ConfirmForm,
    CountsForm,
    MappingForm,
    UploadForm,
    column_label,
    column_values,
    pending_columns,
)
from .models import AssetStatus, FootprintRun, ImportStatus

TEMPLATE_HEADER = [
    "category",
    "quantity",
    "name",
    "manufacturer",
    "model",
    "serial_number",
    "inventory_number",
    "site",
    "department",
    "purchase_date",
    "lifetime_years",
    "status",
]
TEMPLATE_EXAMPLE = [
    "desktop",
    "1",
    "PC-SIEGE-0042",
    "Dell",
    "OptiPlex 7090",
    "7XK2J93",
    "INV-2021-0042",
    "Siège",
    "Service des systèmes d'information",
    "15/03/2021",
    "",
    "En service",
]


def _svg(markup: str) -> SafeString:
    """Chart markup from ``charts``, which escapes every label it writes."""
    return mark_safe(markup)  # noqa: S308


def _number(value: float) -> str:
    return (
        f"{value:,.1f}".replace(",", " ").replace(".", ",")
        if value < 100
        else f"{value:,.0f}".replace(",", " ")
    )


DEVICES_PER_PAGE = 8  # a short page (issue 12): filters narrow the list, pages go on


@organisation_view()
@require_safe
def asset_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = AssetFilterForm(
        request.GET or None,
        sites=[(site.pk, site.name) for site in site_list(access=access)],
        departments=[(d.pk, d.name) for d in department_list(access=access)],
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "category": data["category"] or "",
            "site": data["site"],
            "department": data["department"],
            "status": data["status"] or "",
        }
        if data["age"]:
            low, high = data["age"].split("-")
            filters.update(min_age=float(low), max_age=float(high))
    assets = selectors.asset_list(access=access, **filters)
    page = Paginator(assets, DEVICES_PER_PAGE).get_page(request.GET.get("page"))
    counts, classes, undated = selectors.fleet_overview(access=access)
    context: dict[str, Any] = {
        "access": access,
        "form": form,
        "page": page,
        "counts": counts,
        "total": sum(row["devices"] for row in counts),
        "classes": classes,
        "undated": undated,
    }
    if any(c.within or c.beyond for c in classes):
        context["pyramid"] = _svg(
            charts.age_pyramid(
                title=_("Age of the devices in service"),
                description=_(
                    "Number of devices per age class; the darker, hatched part is past its "
                    "planned lifetime."
                ),
                rows=[(c.label, c.within, c.beyond) for c in classes],
                chart_id="age-pyramid",
            )
        )
    else:
        # No dated device (counts entered by hand, or nothing yet): a chart of zeros says
        # nothing; the rough estimate does, until an inventory is imported.
        context["estimate"] = presentation.rough_estimate(
            selectors.latest_footprint(access=access), access.organisation
        )
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    context["category_labels"] = presentation.category_labels()
    return render(request, "inventory/asset_list.html", context)


@organisation_view()
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.require(Access.CONTRIBUTE)
        if getattr(request, "capnr_upload_too_large", False):
            # The upload was stopped on its way in: say why instead of "field required".
            form.is_valid()
            form.errors["file"] = form.error_class(
                [services.refusal_message(services.InventoryFileError("too_large", ""))]
            )
        elif form.is_valid():
            try:
                started = services.import_upload(
                    access=access,
                    user=request.user,  # type: ignore[arg-type]
                    uploaded=form.cleaned_data["file"],
                    full_reimport=form.cleaned_data["full_reimport"],
                )
            except services.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect(
                    "inventory:import_detail", slug=access.organisation.slug, import_id=started.pk
                )
    return render(
        request,
        "inventory/import_list.html",
        {
            "access": access,
            "form": form,
            "imports": selectors.import_list(access=access)[:50],
            "max_mb": services.settings.CAPNR_IMPORT_MAX_MB,
        },
        status=413 if getattr(request, "capnr_upload_too_large", False) else 200,
    )


@organisation_view()
@require_safe
def import_detail(request: HttpRequest, access: OrganisationAccess, import_id: int) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    context: dict[str, Any] = {
        "access": access,
        "item": inventory_import,
        "abandoned_days": services.ABANDONED_IMPORT_DAYS,
        "failure": services.failure_message(inventory_import),
    }
    if (
        inventory_import.status
        in {ImportStatus.MAPPING, ImportStatus.REJECTED, ImportStatus.TO_CONFIRM}
        and access.can_contribute
    ):
        context.update(_columns_context(request, inventory_import))
    if inventory_import.status == ImportStatus.TO_CONFIRM:
        context["confirm_form"] = _confirm_form(access, inventory_import, None)
    context["problems"] = inventory_import.problems[:200]
    context["more_problems"] = max(0, len(inventory_import.problems) - 200)
    return render(request, "inventory/import_detail.html", context)


def _columns_context(request: HttpRequest, inventory_import: Any) -> dict[str, Any]:
    """The columns step, one short page: a table of the file's columns and what Cap NR reads in
    each, a "change" link per column opening one choice (a GET form: the changes wait in the
    address, ``?column_3=model``, until "check" posts the whole mapping in hidden fields)."""
    header: list[str] = inventory_import.header
    samples = inventory_import.detected.get("samples", [])
    stored = {int(index): field for index, field in inventory_import.mapping.items()}
    pending = pending_columns(request.GET, header)
    chosen = {index: pending.get(index, stored.get(index, "")) for index in range(len(header))}
    kept = urlencode({f"column_{index}": field for index, field in sorted(pending.items())})
    columns = [
        {
            "index": index,
            "label": column_label(header, index),
            "values": column_values(samples, index),
            "field": FIELD_LABELS[chosen[index]] if chosen[index] else "",
            "used": bool(chosen[index]),
            "changed": chosen[index] != stored.get(index, ""),
            "change_url": f"?{kept}&change={index}#change" if kept else f"?change={index}#change",
        }
        for index in range(len(header))
    ]
    change = request.GET.get("change", "")
    context: dict[str, Any] = {
        "columns": columns,
        "undo_url": request.path if pending else "",
        "mapping_form": MappingForm(
            header=header,
            initial_mapping={str(index): field for index, field in chosen.items()},
            samples=samples,
            hidden_columns=True,
            initial={"date_order": inventory_import.summary.get("date_order_chosen", "auto")},
        ),
    }
    if change.isdigit() and int(change) < len(header):
        index = int(change)
        context["change_form"] = ColumnChangeForm(
            header=header, samples=samples, index=index, field=chosen[index]
        )
        # The other changes waiting, sent again with this one.
        context["kept_columns"] = [
            (f"column_{other}", field) for other, field in sorted(pending.items()) if other != index
        ]
        context["cancel_url"] = request.path + (f"?{kept}" if kept else "") + "#columns"
    return context


@organisation_view(Access.CONTRIBUTE)
@require_POST
def import_mapping(
    request: HttpRequest, access: OrganisationAccess, import_id: int
) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    form = MappingForm(
        request.POST,
        header=inventory_import.header,
        initial_mapping=inventory_import.mapping,
        samples=inventory_import.detected.get("samples", []),
    )
    if form.is_valid():
        try:
            services.import_set_mapping(
                access=access,
                inventory_import=inventory_import,
                mapping=form.mapping(),
                save_as=form.cleaned_data["save_as"],
                date_order=form.cleaned_data.get("date_order") or "auto",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return redirect(
        "inventory:import_detail", slug=access.organisation.slug, import_id=inventory_import.pk
    )


@organisation_view(Access.CONTRIBUTE)
@require_POST
def import_confirm(
    request: HttpRequest, access: OrganisationAccess, import_id: int
) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    form = _confirm_form(access, inventory_import, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a category for every device listed."))
    else:
        try:
            services.import_confirm(
                access=access,
                inventory_import=inventory_import,
                category_choices=form.choices(),
                site_choices=form.site_choices(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return redirect(
        "inventory:import_detail", slug=access.organisation.slug, import_id=inventory_import.pk
    )


@organisation_view(Access.CONTRIBUTE)
@require_POST
def import_cancel(request: HttpRequest, access: OrganisationAccess, import_id: int) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    try:
        services.import_cancel(access=access, inventory_import=inventory_import)
        messages.success(request, _("The import was cancelled; nothing was stored."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("inventory:imports", slug=access.organisation.slug)


@organisation_view(Access.CONTRIBUTE)
@require_POST
def import_retry(request: HttpRequest, access: OrganisationAccess, import_id: int) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    try:
        services.import_retry(access=access, inventory_import=inventory_import)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(
        "inventory:import_detail", slug=access.organisation.slug, import_id=inventory_import.pk
    )


def _confirm_form(access: OrganisationAccess, inventory_import: Any, data: Any) -> ConfirmForm:
    return ConfirmForm(
        data,
        uncertain=inventory_import.uncertain,
        new_sites=inventory_import.summary.get("sites_to_create", []),
        existing_sites=[(site.pk, site.name) for site in site_list(access=access)],
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organisation_view()
@require_safe
def import_problems(
    request: HttpRequest, access: OrganisationAccess, import_id: int
) -> HttpResponse:
    inventory_import = selectors.import_get(access=access, pk=import_id)
    rows = [[p["row"], p["column"], p["value"], p["message"]] for p in inventory_import.problems]
    content = csv_bytes([_("row"), _("column"), _("value"), _("what to do")], rows)
    return _download(content, f"problems-import-{inventory_import.pk}.csv", "text/csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@organisation_view()
@require_safe
def import_template(request: HttpRequest, access: OrganisationAccess, fmt: str) -> HttpResponse:
    guide = [[name, str(help_text)] for name, help_text in COLUMN_GUIDE]
    if fmt == "xlsx":
        content = xlsx_bytes(
            [
                (_("Inventory"), TEMPLATE_HEADER, [TEMPLATE_EXAMPLE]),
                (_("Column guide"), [_("column"), _("meaning")], guide),
                (
                    _("Categories"),
                    ["category", _("label")],
                    [[code, label] for code, label in _category_rows()],
                ),
            ]
        )
        return _download(content, "capnr-inventaire-modele.xlsx", XLSX)
    content = csv_bytes(TEMPLATE_HEADER, [TEMPLATE_EXAMPLE])
    return _download(content, "capnr-inventaire-modele.csv", "text/csv")


def _category_rows() -> list[tuple[str, str]]:
    from .forms import category_choices

    return category_choices()


COLUMN_GUIDE = [
    (
        "category",
        "Cap NR category (see the Categories sheet); or leave it out and give type and "
        "model: the category is then recognised",
    ),
    ("quantity", "number of identical devices on this row (1 by default)"),
    ("name", "host name or label"),
    ("manufacturer", "manufacturer"),
    ("model", "model, e.g. OptiPlex 7090"),
    ("serial_number", "serial number: re-imports update the device with the same serial"),
    ("inventory_number", "your inventory number, used when there is no serial number"),
    ("site", "site name; missing sites are created after your confirmation"),
    ("department", "department (service or direction)"),
    ("purchase_date", "dd/mm/yyyy or yyyy-mm-dd"),
    ("lifetime_years", "planned lifetime in years, if it differs from the usual one"),
    ("status", "En service, En stock, En réparation or Réformé"),
]


@organisation_view()
@require_http_methods(["GET", "POST"])
def counts(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = CountsForm(request.POST or None, current=selectors.counts_by_category(access=access))
    if request.method == "POST":
        access.require(Access.CONTRIBUTE)
        if form.is_valid():
            total = services.counts_save(access=access, counts=form.counts())
            messages.success(
                request,
                ngettext(
                    "%(total)s device recorded. The footprint was recomputed.",
                    "%(total)s devices recorded. The footprint was recomputed.",
                    total,
                )
                % {"total": total},
            )
            return redirect("inventory:footprint", slug=access.organisation.slug)
    return render(request, "inventory/counts.html", {"access": access, "form": form})


# The footprint page shows one breakdown at a time (chosen with ?by=, links that work without
# JavaScript): a chart of its largest rows and their table, a page of rows at a time. The page
# stays short (issue 12: EcoIndex of 85 or more); the exports hold every row at once.
BREAKDOWN_BARS = 8
BREAKDOWN_ROWS_PER_PAGE = 10
PAST_RUNS_SHOWN = 5


def _breakdowns() -> dict[str, tuple[str, str, str]]:
    """Each breakdown of the footprint page: its tab label, its chart's title and description."""
    return {
        "categories": (
            _("Per category"),
            _("Footprint per category (kgCO2e a year)"),
            _(
                "Yearly greenhouse-gas emissions of each kind of device, manufacturing "
                "and use together, with the low–high range."
            ),
        ),
        "sites": (
            _("Per site"),
            _("Footprint per site (kgCO2e a year)"),
            _("Yearly greenhouse-gas emissions of the devices of each site."),
        ),
        "departments": (
            _("Per department"),
            _("Footprint per department (kgCO2e a year)"),
            _("Yearly greenhouse-gas emissions of the devices of each department."),
        ),
    }


def _breakdown_context(request: HttpRequest, summary: dict[str, Any]) -> dict[str, Any]:
    """The breakdown asked for (categories by default): its chart, a page of its rows, and the
    links to the others."""
    breakdowns = _breakdowns()
    by = request.GET.get("by", "")
    if by not in breakdowns:
        by = "categories"
    label, title, description = breakdowns[by]
    rows = summary[by]
    chart = _svg(
        charts.bar_chart(
            title=title,
            description=description,
            unit="kgCO2e",
            chart_id=f"by-{by}",
            rows=[(row.label, row.total.value, row.total.low, row.total.high) for row in rows],
            number_format=_number,
            other_label=_("Others"),
            max_bars=BREAKDOWN_BARS,
        )
    )
    return {
        "by": by,
        "by_label": label,
        "by_devices": by == "categories",
        "by_caption": title,
        "by_links": [(name, entry[0]) for name, entry in breakdowns.items()],
        "by_chart": chart,
        "by_page": Paginator(rows, BREAKDOWN_ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "by_query": f"by={by}",
    }


@organisation_view()
@require_safe
def footprint(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    run = selectors.latest_footprint(access=access)
    context: dict[str, Any] = {"access": access, "run": run}
    if run is not None:
        summary = presentation.summary(run, access.organisation)
        context["summary"] = summary
        if not summary["empty"]:
            context.update(_breakdown_context(request, summary))
            context["split"] = _svg(
                charts.stacked_split(
                    title=_("Manufacturing and use"),
                    description=_(
                        "Share of the yearly footprint from manufacturing the devices and "
                        "from the electricity they use."
                    ),
                    parts=[
                        (_("Manufacturing"), summary["embodied_share"]),
                        (_("Use"), 1 - summary["embodied_share"]),
                    ],
                    chart_id="split",
                )
            )
    runs = list(selectors.footprint_history(access=access)[:PAST_RUNS_SHOWN])
    context["history"] = presentation.history(runs)
    return render(request, "inventory/footprint.html", context)


@organisation_view(Access.CONTRIBUTE)
@require_POST
def footprint_recompute(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    services.footprint_run_create(organisation=access.organisation, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The footprint was recomputed with the current data."))
    return redirect("inventory:footprint", slug=access.organisation.slug)


def _footprint_sheets(
    run: FootprintRun,
) -> tuple[list[str], list[tuple[str, list[str], list[list[Any]]]]]:
    """The export's header and one sheet per breakdown (category, site, department), each row
    naming its breakdown so that the CSV, which puts them one after the other, stays readable."""
    header = [
        _("breakdown"),
        _("item"),
        _("kgCO2e per year"),
        _("low"),
        _("high"),
        _("manufacturing kgCO2e"),
        _("use kgCO2e"),
        _("kWh per year"),
        _("share"),
    ]
    sheets = []
    for name, label in (
        ("category", _("category")),
        ("site", _("site")),
        ("department", _("department")),
    ):
        rows = [
            [
                label,
                row.label,
                row.total.value,
                row.total.low,
                row.total.high,
                row.embodied,
                row.use,
                row.energy_kwh,
                row.share,
            ]
            for row in presentation.breakdown(run, name)
        ]
        sheets.append((label, header, rows))
    return header, sheets


@organisation_view()
@require_safe
def footprint_export(request: HttpRequest, access: OrganisationAccess, fmt: str) -> HttpResponse:
    run = selectors.latest_footprint(access=access)
    if run is None or not run.results.get("totals"):
        messages.error(request, _("There is no footprint to export yet."))
        return redirect("inventory:footprint", slug=access.organisation.slug)
    header, sheets = _footprint_sheets(run)
    stamp = run.created_at.strftime("%Y-%m-%d")
    versions = f"method {run.method}, engine {run.engine_version}, data {run.data_version}"
    if fmt == "xlsx":
        about = (
            _("About"),
            [_("field"), _("value")],
            [
                [_("organisation"), access.organisation.name],
                [_("computed on"), stamp],
                [_("versions"), versions],
            ],
        )
        return _download(
            xlsx_bytes([*sheets, about]),
            f"empreinte-{access.organisation.slug}-{stamp}.xlsx",
            XLSX,
        )
    rows = [row for _name, _header, sheet_rows in sheets for row in sheet_rows]
    return _download(
        csv_bytes(header, rows),
        f"empreinte-{access.organisation.slug}-{stamp}.csv",
        "text/csv",
    )


@organisation_view()
@require_safe
def asset_export_g4it(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The devices not retired, as a physical-equipment file for G4IT (see ``exports``)."""
    assets = selectors.asset_list(access=access).exclude(status=AssetStatus.RETIRED)
    stamp = date.today().isoformat()
    return _download(
        exports.g4it_csv_bytes(assets),
        f"g4it-equipements-physiques-{access.organisation.slug}-{stamp}.csv",
        "text/csv; charset=utf-8",
    )
