"""The session's trainer's pages, reached by the trainer link emailed to them (no account, no
membership): their session, its people, attendance and the sign-in sheet; and the organisers'
page that sends or withdraws that link. Who the link lets in is decided by
``capnr.organisations.tenancy.training.trainer_access`` (ADR 0015)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.organisations.tenancy.training import (
    TrainerAccess,
    TrainerLinkUnusable,
    trainer_access,
    trainer_link_unusable_reason,
    trainer_link_valid_until,
)

from . import documents, selectors, services
from .forms import AttendanceForm

GET_POST = ["GET", "HEAD", "POST"]


def trainer_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The trainer link, checked: the view receives the TrainerAccess; a link that no longer
    works shows why (410), an unknown one is not found (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, trainer_token: str) -> HttpResponse:
        try:
            trainer = trainer_access(trainer_token)
        except TrainerLinkUnusable as error:
            return render(
                request, "training/trainer_unusable.html", {"reason": str(error)}, status=410
            )
        return view(request, trainer, trainer_token)

    return wrapper


def _context(trainer: TrainerAccess, token: str, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": trainer.organisation,
        "session": selectors.trainer_session(trainer),
        "trainer_token": token,
        **extra,
    }


@require_safe
@trainer_view
def session(request: HttpRequest, trainer: TrainerAccess, token: str) -> HttpResponse:
    return render(
        request,
        "training/trainer_session.html",
        _context(
            trainer,
            token,
            people=selectors.trainer_session_people(trainer),
            started=trainer.session.starts_at <= timezone.now(),
        ),
    )


@require_http_methods(GET_POST)
@trainer_view
def attendance(request: HttpRequest, trainer: TrainerAccess, token: str) -> HttpResponse:
    people = selectors.trainer_session_people(trainer)
    form = AttendanceForm(request.POST or None, registrations=people.registered)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.trainer_attendance_record(
                trainer=trainer, marks=form.marks(), source=form.cleaned_data["source"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance saved (%(count)s change).",
                    "Attendance saved (%(count)s changes).",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("trainer_session", token)
    return render(
        request,
        "training/trainer_attendance.html",
        _context(trainer, token, form=form, not_yet=trainer.session.starts_at > timezone.now()),
    )


@require_safe
@trainer_view
def sign_in_sheet(request: HttpRequest, trainer: TrainerAccess, token: str) -> HttpResponse:
    people = selectors.trainer_session_people(trainer)
    try:
        content = documents.sign_in_sheet_pdf(trainer.session, people.registered)
    except documents.ReportUnavailable as error:
        return render(
            request,
            "training/document_unavailable.html",
            {"organisation": trainer.organisation, "reason": str(error)},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-{trainer.session.pk}.pdf"'
    return response


# --- The organisers' side -------------------------------------------------------------------


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def trainer_link(request: HttpRequest, access: OrganisationAccess, session_id: int) -> HttpResponse:
    """Send the trainer their link (a new one withdraws the old), or withdraw it."""
    session = selectors.session_get(access=access, pk=session_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                services.trainer_link_revoke(access=access, session=session)
                messages.success(request, _("The trainer's link is withdrawn."))
            else:
                link = services.trainer_link_send(
                    access=access,
                    session=session,
                    by=request.user,
                    build_url=lambda raw: request.build_absolute_uri(
                        reverse("trainer_session", args=[raw])
                    ),
                )
                messages.success(
                    request, _("The link was sent to %(email)s.") % {"email": link.email}
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("training:trainer_link", access.organisation.slug, session_id)
    link = selectors.trainer_link_current(access=access, session=session)
    now = timezone.now()
    return render(
        request,
        "training/trainer_link.html",
        {
            "access": access,
            "session": session,
            "link": link,
            "reason": trainer_link_unusable_reason(link, session, now) if link else None,
            "valid_until": trainer_link_valid_until(session),
            "can_send": not session.cancelled and now <= trainer_link_valid_until(session),
        },
    )
