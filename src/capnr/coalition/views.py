from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import coalitions_facilitated_by


@login_required
@require_safe
def coalition_list(request: HttpRequest) -> HttpResponse:
    """A facilitator's cohorts and their organisations (the full workspace comes later)."""
    return render(
        request,
        "coalition/coalition_list.html",
        {"coalitions": coalitions_facilitated_by(request.user)},
    )  # type: ignore[arg-type]
