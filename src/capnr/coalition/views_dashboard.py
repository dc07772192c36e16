"""The facilitator's cohort dashboard, its spreadsheet, and an organisation's milestones (where
the by-hand ones are recorded). Rights: ``tenancy.cohorts`` (the cohort's facilitators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core.forms import apply_errors
from capnr.core.spreadsheets import xlsx_bytes
from capnr.organisations.tenancy.cohorts import facilitated_cohort_get, facilitated_membership_get

from . import milestone_services
from . import milestones as rules
from .dashboard import SHOW_CHOICES, SORTS, DashboardQuery, cohort_dashboard, dashboard_sheet
from .milestone_forms import MilestoneForm
from .progress import organisation_progress

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = facilitated_cohort_get(request.user, cohort_id)
    query = DashboardQuery.from_params(request.GET)
    found = cohort_dashboard(user=request.user, cohort=cohort, query=query)
    sorts = [
        {
            "name": name,
            "label": label,
            "params": query.params_for(name),
            "current": name == query.sort,
        }
        for name, (label, _key, _descending) in SORTS.items()
    ]
    return render(
        request,
        "coalition/dashboard.html",
        {
            "dashboard": found,
            "cohort": cohort,
            "sorts": sorts,
            "show_choices": SHOW_CHOICES,
            "query": query,
            "stall_days": rules.STALL_DAYS,
        },
    )


@login_required
@require_safe
def dashboard_xlsx(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = facilitated_cohort_get(request.user, cohort_id)
    query = DashboardQuery.from_params(request.GET)
    found = cohort_dashboard(user=request.user, cohort=cohort, query=query)
    response = HttpResponse(xlsx_bytes([dashboard_sheet(found)]), content_type=XLSX)
    filename = f"{slugify(cohort.name) or 'cohorte'}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def organisation_milestones(request: HttpRequest, cohort_id: int, slug: str) -> HttpResponse:
    """One organisation's milestones in the cohort; the facilitator records the six-month
    review and the closing here (or removes one recorded by mistake)."""
    cohort = facilitated_cohort_get(request.user, cohort_id)
    membership, access = facilitated_membership_get(request.user, cohort, slug)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST":
        if "clear" in request.POST:
            milestone_services.milestone_clear(
                user=request.user,  # type: ignore[arg-type]
                membership=membership,
                kind=request.POST.get("clear", ""),
            )
            messages.success(request, _("The milestone was removed."))
            return redirect("cohorts:milestones", cohort.pk, slug)
        if form.is_valid():
            try:
                milestone_services.milestone_record(
                    user=request.user,  # type: ignore[arg-type]
                    membership=membership,
                    kind=form.cleaned_data["kind"],
                    reached_on=form.cleaned_data["reached_on"],
                    note=form.cleaned_data["note"],
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The milestone was recorded."))
                return redirect("cohorts:milestones", cohort.pk, slug)
    progress = organisation_progress(
        access=access, membership=membership, today=timezone.localdate()
    )
    return render(
        request,
        "coalition/organisation_milestones.html",
        {"cohort": cohort, "progress": progress, "form": form},
        status=400 if request.method == "POST" else 200,
    )
