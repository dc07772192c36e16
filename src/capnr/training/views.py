"""Training pages: offers, sessions (registrations, waiting list, attendance, the printed
sheet, certificates) for référents and HR; each member registers themselves; the anonymous
self-assessment and its results (``skills_views``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.i18n import english, long_date
from capnr.core.versioned import StaleEditError
from capnr.engine import catalogue as engine_catalogue
from capnr.organisations.tenancy.training import (
    may_change_registration,
    may_organise_training,
    may_register_self,
    may_see_trainees,
)

from . import calendar, documents, exports, selectors, services
from .forms import AttendanceForm, OfferForm, RegisterForm, RetentionForm, SessionForm
from .models import RegistrationStatus

PDF = "application/pdf"
SESSIONS_PER_PAGE = 20
PEOPLE_PER_PAGE = 15  # a page of people stays short (EcoIndex)
GET_POST = ["GET", "HEAD", "POST"]


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _unavailable(
    request: HttpRequest, access: OrganisationAccess, error: Exception
) -> HttpResponse:
    return render(
        request,
        "training/document_unavailable.html",
        {"access": access, "reason": str(error)},
        status=503,
    )


def _session_url(access: OrganisationAccess, session_id: int) -> str:
    return reverse("training:session", args=[access.organisation.slug, session_id])


# --- Offers ---------------------------------------------------------------------------------


@organisation_view()
@require_safe
def index(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "training/index.html",
        {
            "access": access,
            "offers": selectors.offer_list(access=access),
            "mine": selectors.registrations_of(access=access, user=request.user)[:5],
            "can_organise": may_organise_training(access),
            "sees_trainees": may_see_trainees(access),
            "figures": selectors.programme_figures(access=access, unknown=_("Not given")),
            "can_write_kpis": access.can_administer
            and bool(selectors.served_plan_item_ids(access=access)),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def kpis_to_roadmap(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The programme's indicators, as today's measurements of the roadmap items it serves."""
    changed = services.kpis_to_roadmap(access=access, user=request.user)
    messages.success(
        request,
        ngettext(
            "The roadmap's indicators are up to date (%(count)s measurement recorded).",
            "The roadmap's indicators are up to date (%(count)s measurements recorded).",
            changed,
        )
        % {"count": changed},
    )
    return redirect("training:index", access.organisation.slug)


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def offer_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = OfferForm(request.POST or None, access=access, english=english())
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(access=access, fields=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The offer “%(title)s” was created.") % {"title": offer})
            return redirect("training:offer", access.organisation.slug, offer.pk)
    return render(
        request,
        "training/offer_form.html",
        {
            "access": access,
            "form": form,
            "title": _("New training offer"),
            "back_url": reverse("training:index", args=[access.organisation.slug]),
        },
    )


@organisation_view()
@require_safe
def offer_detail(request: HttpRequest, access: OrganisationAccess, offer_id: int) -> HttpResponse:
    offer = selectors.offer_get(access=access, pk=offer_id)
    action = None
    if offer.action_id:
        try:
            action = engine_catalogue.catalogue().action(offer.action_id)
        except KeyError:
            action = None
    return render(
        request,
        "training/offer_detail.html",
        {
            "access": access,
            "offer": offer,
            "action": action,
            "upcoming": selectors.session_list(access=access, offer=offer),
            "past": selectors.session_list(access=access, offer=offer, past=True)[:10],
            "can_organise": may_organise_training(access),
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def offer_edit(request: HttpRequest, access: OrganisationAccess, offer_id: int) -> HttpResponse:
    offer = selectors.offer_get(access=access, pk=offer_id)
    heading = _("Edit “%(title)s”") % {"title": offer.title}
    form = OfferForm(request.POST or None, instance=offer, access=access, english=english())
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(
                access=access,
                offer=selectors.offer_get(access=access, pk=offer_id),
                expected_version=form.cleaned_data.get("version") or 0,
                fields=form.cleaned_data,
            )
        except (StaleEditError, ValidationError) as error:
            if isinstance(error, ValidationError):
                apply_errors(form, error)
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("The offer was saved."))
            return redirect("training:offer", access.organisation.slug, offer_id)
    return render(
        request,
        "training/offer_form.html",
        {
            "access": access,
            "form": form,
            "title": heading,
            "back_url": reverse("training:offer", args=[access.organisation.slug, offer_id]),
        },
    )


# --- Sessions -------------------------------------------------------------------------------


@organisation_view()
@require_safe
def session_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    past = request.GET.get("past") == "1"
    sessions = selectors.session_list(access=access, past=past)
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {"access": access, "past": past, "page": page, "query": "past=1" if past else ""},
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def session_create(request: HttpRequest, access: OrganisationAccess, offer_id: int) -> HttpResponse:
    offer = selectors.offer_get(access=access, pk=offer_id)
    form = SessionForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(access=access, offer=offer, fields=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session was created."))
            return redirect("training:session", access.organisation.slug, session.pk)
    return render(
        request,
        "training/session_form.html",
        {
            "access": access,
            "form": form,
            "offer": offer,
            "title": _("New session of “%(title)s”") % {"title": offer.title},
            "back_url": reverse("training:offer", args=[access.organisation.slug, offer_id]),
        },
    )


@organisation_view()
@require_safe
def session_detail(
    request: HttpRequest, access: OrganisationAccess, session_id: int
) -> HttpResponse:
    session = selectors.session_get(access=access, pk=session_id)
    people = selectors.session_people(access=access, session=session, user=request.user)
    now = timezone.now()
    return render(
        request,
        "training/session_detail.html",
        {
            "access": access,
            "session": session,
            "people": people,
            "mine_rank": (
                selectors.waiting_rank(people.mine)
                if people.mine and people.mine.status == RegistrationStatus.WAITING
                else None
            ),
            "closed_reason": services.registration_closed_reason(session, now),
            "started": session.starts_at <= now,
            "can_register_self": may_register_self(access),
            "can_organise": may_organise_training(access),
            "sees_trainees": may_see_trainees(access),
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def session_edit(request: HttpRequest, access: OrganisationAccess, session_id: int) -> HttpResponse:
    session = selectors.session_get(access=access, pk=session_id)
    form = SessionForm(request.POST or None, instance=session, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            promoted = services.session_update(
                access=access,
                session=selectors.session_get(access=access, pk=session_id),
                expected_version=form.cleaned_data.get("version") or 0,
                fields=form.cleaned_data,
            )
        except (StaleEditError, ValidationError) as error:
            if isinstance(error, ValidationError):
                apply_errors(form, error)
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("The session was saved."))
            _say_promoted(request, promoted)
            return redirect("training:session", access.organisation.slug, session_id)
    return render(
        request,
        "training/session_form.html",
        {
            "access": access,
            "form": form,
            "offer": session.offer,
            "title": _("Edit the session"),
            "back_url": _session_url(access, session_id),
        },
    )


def _confirm(
    request: HttpRequest,
    access: OrganisationAccess,
    *,
    question: str,
    consequence: str,
    label: str,
    back_url: str,
) -> HttpResponse:
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": question,
                "consequence": consequence,
                "confirm_label": label,
            },
            "back_url": back_url,
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def session_cancel(
    request: HttpRequest, access: OrganisationAccess, session_id: int
) -> HttpResponse:
    session = selectors.session_get(access=access, pk=session_id)
    if request.method == "POST":
        try:
            services.session_cancel(access=access, session=session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The session is cancelled."))
        return redirect("training:session", access.organisation.slug, session_id)
    return _confirm(
        request,
        access,
        question=_("Cancel the session of %(date)s?")
        % {"date": long_date(timezone.localdate(session.starts_at))},
        consequence=ngettext(
            "Nobody can register any more. The person registered keeps their registration on "
            "record: tell them the session will not take place.",
            "Nobody can register any more. The %(count)s people registered keep their "
            "registration on record: tell them the session will not take place.",
            session.registered,
        )
        % {"count": session.registered},
        label=_("Cancel the session"),
        back_url=_session_url(access, session_id),
    )


# --- Registrations --------------------------------------------------------------------------


def _say_promoted(request: HttpRequest, promoted: list[Any]) -> None:
    for registration in promoted:
        messages.info(
            request,
            _("%(name)s moved up from the waiting list and has a place.")
            % {"name": registration.trainee},
        )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def register(request: HttpRequest, access: OrganisationAccess, session_id: int) -> HttpResponse:
    """HR or a manager registers someone: a member, or an agent without an account by name."""
    session = selectors.session_get(access=access, pk=session_id)
    form = RegisterForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["member"]:
                trainee = services.trainee_for_user(access=access, user=data["member"])
            else:
                trainee = services.trainee_for_name(
                    access=access, name=data["name"], department=data["department"]
                )
            registration = services.registration_create(
                access=access, session=session, trainee=trainee, by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _say_registered(request, registration)
            return redirect("training:session", access.organisation.slug, session_id)
    return render(
        request,
        "training/register_form.html",
        {
            "access": access,
            "session": session,
            "form": form,
            "closed_reason": services.registration_closed_reason(session, timezone.now()),
        },
    )


def _say_registered(request: HttpRequest, registration: Any) -> None:
    if registration.status == RegistrationStatus.WAITING:
        messages.info(
            request,
            _("The session is full: %(name)s is on the waiting list, number %(rank)s.")
            % {"name": registration.trainee, "rank": selectors.waiting_rank(registration)},
        )
    else:
        messages.success(request, _("%(name)s is registered.") % {"name": registration.trainee})


@organisation_view()
@require_POST
def register_me(request: HttpRequest, access: OrganisationAccess, session_id: int) -> HttpResponse:
    """Any member registers themselves (a place, or the waiting list when it is full)."""
    session = selectors.session_get(access=access, pk=session_id)
    try:
        trainee = services.trainee_for_user(access=access, user=request.user)
        registration = services.registration_create(
            access=access, session=session, trainee=trainee, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_registered(request, registration)
    return redirect("training:session", access.organisation.slug, session_id)


@organisation_view()
@require_http_methods(GET_POST)
def registration_cancel(
    request: HttpRequest, access: OrganisationAccess, registration_id: int
) -> HttpResponse:
    registration = selectors.registration_get(access=access, pk=registration_id)
    if not may_change_registration(access, registration, request.user):
        raise PermissionDenied("You may only cancel your own registration.")
    session_url = _session_url(access, registration.session_id)
    if request.method == "POST":
        try:
            promoted = services.registration_cancel(
                access=access, registration=registration, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The registration is cancelled."))
            _say_promoted(request, promoted)
        return redirect(session_url)
    waiting = registration.status == RegistrationStatus.WAITING
    return _confirm(
        request,
        access,
        question=(
            _("Take %(name)s off the waiting list?")
            if waiting
            else _("Cancel the registration of %(name)s?")
        )
        % {"name": registration.trainee},
        consequence=(
            _("Their turn on the waiting list is lost.")
            if waiting
            else _("Their place goes to the first person on the waiting list, if there is one.")
        ),
        label=_("Cancel the registration"),
        back_url=session_url,
    )


# --- Attendance and documents ---------------------------------------------------------------


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def attendance(request: HttpRequest, access: OrganisationAccess, session_id: int) -> HttpResponse:
    """Large choices for a tablet in the room, or typing in from the signed sheet: one form."""
    session = selectors.session_get(access=access, pk=session_id)
    people = selectors.session_people(access=access, session=session, user=request.user)
    form = AttendanceForm(request.POST or None, registrations=people.registered)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(
                access=access,
                session=session,
                marks=form.marks(),
                source=form.cleaned_data["source"],
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
            return redirect("training:session", access.organisation.slug, session_id)
    return render(
        request,
        "training/attendance.html",
        {
            "access": access,
            "session": session,
            "form": form,
            "not_yet": session.starts_at > timezone.now(),
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_safe
def sign_in_sheet(
    request: HttpRequest, access: OrganisationAccess, session_id: int
) -> HttpResponse:
    session = selectors.session_get(access=access, pk=session_id)
    people = selectors.session_people(access=access, session=session, user=request.user)
    try:
        content = documents.sign_in_sheet_pdf(session, people.registered)
    except documents.ReportUnavailable as error:
        return _unavailable(request, access, error)
    return _download(content, f"emargement-{session.pk}.pdf")


@organisation_view()
@require_safe
def certificate(
    request: HttpRequest, access: OrganisationAccess, registration_id: int
) -> HttpResponse:
    registration = selectors.registration_get(access=access, pk=registration_id)
    if not may_change_registration(access, registration, request.user):
        raise PermissionDenied("A certificate is for the person trained, HR or the référent.")
    try:
        content = documents.certificate_pdf(registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("training:session", access.organisation.slug, registration.session_id)
    except documents.ReportUnavailable as error:
        return _unavailable(request, access, error)
    return _download(content, f"attestation-{registration.pk}.pdf")


# --- Exports, people and their personal data ------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_trainees(access: OrganisationAccess) -> None:
    if not may_see_trainees(access):
        raise PermissionDenied("Trainees' names are for HR and the référent.")


@organisation_view(Access.CONTRIBUTE)
@require_safe
def export_xlsx(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    _require_trainees(access)
    response = HttpResponse(exports.programme_xlsx(access), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="formation-{access.organisation.slug}.xlsx"'
    )
    return response


@organisation_view(Access.CONTRIBUTE)
@require_safe
def export_csv(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    _require_trainees(access)
    response = HttpResponse(exports.attendance_csv(access), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="presences-{access.organisation.slug}.csv"'
    )
    return response


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def people(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The people trained, for HR: their names can be erased one by one on request, and the
    référent sets how long names are kept after a person's last session."""
    _require_trainees(access)
    form = None
    if access.can_administer:
        form = RetentionForm(
            request.POST or None,
            initial={
                "retention_months": services.retention_months_of(access.organisation),
                "field_agents": services.field_agents_of(access.organisation),
            },
        )
    elif request.method == "POST":
        access.require(Access.ADMINISTER)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.policy_save(
                access=access,
                retention_months=form.cleaned_data["retention_months"],
                field_agents=form.cleaned_data["field_agents"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("training:people", access.organisation.slug)
    page = Paginator(selectors.trainee_list(access=access), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "training/people.html", {"access": access, "page": page, "form": form})


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def trainee_erase(
    request: HttpRequest, access: OrganisationAccess, trainee_id: int
) -> HttpResponse:
    _require_trainees(access)
    trainee = selectors.trainee_get(access=access, pk=trainee_id)
    back_url = reverse("training:people", args=[access.organisation.slug])
    if request.method == "POST":
        try:
            services.trainee_erase(access=access, trainee=trainee)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The name was erased."))
        return redirect(back_url)
    return _confirm(
        request,
        access,
        question=_("Erase the name of %(name)s?") % {"name": trainee},
        consequence=_(
            "Their name and account link are erased for good; their registrations and "
            "attendance stay, without a name, in the programme's figures."
        ),
        label=_("Erase the name"),
        back_url=back_url,
    )


@organisation_view()
@require_safe
def session_calendar(
    request: HttpRequest, access: OrganisationAccess, session_id: int
) -> HttpResponse:
    """The session as a calendar file: anyone who sees the session may add it to theirs."""
    session = selectors.session_get(access=access, pk=session_id)
    location = (
        ", ".join(part for part in (session.site.name, session.room) if part)
        if session.site
        else _("Remote")
    )
    content = calendar.session_ics(
        session,
        host=request.get_host().split(":")[0],
        url=request.build_absolute_uri(_session_url(access, session_id)),
        stamp=timezone.now(),
        location=location,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
