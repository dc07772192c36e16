"""The coalition workspace: the facilitator's cohorts, a cohort with its sessions, a session
with its attendance, the forms that run them, the cohort's calendar feed, the private notes on
an organisation, and the page where an organisation's référent answers a cohort invitation.

Every view takes its access from tenancy (``coalition_access``, ``cohort_access``,
``get_for_cohort``, ``access_for``) before anything else: 404 for who may not see, 403 for a
member of the cohort asking what only its facilitators do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core import ical
from capnr.core.access import OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.versioned import StaleEditError
from capnr.organisations import tenancy
from capnr.organisations.models import User
from capnr.organisations.tenancy.cohorts import latest_cohort_of

from . import selectors, services
from .forms import (
    AttendanceForm,
    CohortForm,
    InviteExistingForm,
    MaterialForm,
    NewOrganisationForm,
    NoteForm,
    SessionFileForm,
    SessionForm,
)
from .models import CohortMembership

PRODUCT_ID = "-//Cap NR//Cohort//FR"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_safe
def coalition_list(request: HttpRequest) -> HttpResponse:
    """A facilitator's coalitions and cohorts; anyone's cohorts (through their organisations)
    and the cohort invitations their organisations have to answer."""
    user = _user(request)
    return render(
        request,
        "coalition/coalition_list.html",
        {
            "coalitions": selectors.coalitions_facilitated_by(user),
            "member_cohorts": selectors.cohorts_of_member(user),
            "join_requests": selectors.member_join_requests(user),
            "is_facilitator": tenancy.is_facilitator(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest, coalition: str) -> HttpResponse:
    access = tenancy.coalition_access(_user(request), coalition, manage=True)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(access=access, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Cohort “%(name)s” created.") % {"name": cohort.name})
            return redirect("coalition:cohort", coalition, cohort.pk)
    return render(
        request,
        "coalition/cohort_form.html",
        {"access": access, "form": form, "back_url": reverse("coalition:list")},
    )


@require_safe
@organisation_view()
def organisation_cohort(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """Where the organisation's navigation leads: the page of its latest cohort that the user
    may open (its sessions, its attendance); 404 when there is none."""
    cohort = latest_cohort_of(_user(request), access.organisation)
    if cohort is None:
        raise Http404("This organisation is in no cohort.")
    return redirect("coalition:cohort", cohort.coalition.slug, cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    """The cohort's name, year, dates and public description (its facilitators only)."""
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id, manage=True)
    initial = {
        field: getattr(cohort, field)
        for field in ("name", "year", "start_date", "end_date", "description")
    }
    form = CohortForm(request.POST or None, initial=initial)
    back_url = reverse("coalition:cohort", args=[coalition, cohort.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(access=access, cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Cohort “%(name)s” saved.") % {"name": cohort.name})
            return redirect(back_url)
    return render(
        request,
        "coalition/cohort_form.html",
        {"access": access, "form": form, "cohort": cohort, "back_url": back_url},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_close(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    """Asks first (GET), closes on the confirmation (POST): the cohort ends today."""
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id, manage=True)
    back_url = reverse("coalition:cohort", args=[coalition, cohort.pk])
    error = ""
    if request.method == "POST":
        try:
            services.cohort_close(access=access, cohort=cohort, today=timezone.localdate())
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Cohort “%(name)s” closed today.") % {"name": cohort.name})
            return redirect(back_url)
    return render(
        request,
        "coalition/cohort_close.html",
        {"cohort": cohort, "back_url": back_url, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_safe
def cohort_detail(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id)
    sessions = selectors.cohort_sessions(cohort)
    context: dict[str, Any] = {
        "cohort": cohort,
        "access": access,
        "sessions": sessions,
        "organisations": selectors.cohort_members(cohort),
        "feed_url": reverse("coalition:cohort_calendar", args=[coalition, cohort.pk]),
    }
    if access.can_manage:
        context["pending"] = selectors.pending_invitations(cohort)
        context["follow_ups"] = selectors.follow_ups(access)
        context["alumni"] = selectors.alumni(cohort.coalition)
    return render(request, "coalition/cohort_detail.html", context)


def _calendar_response(
    request: HttpRequest, *, name: str, sessions: Iterable[Any], filename: str
) -> HttpResponse:
    """``sessions`` (with their cohort and coalition) as an iCalendar file."""
    host = request.get_host().split(":")[0]
    events = [
        ical.CalendarEvent(
            uid=f"cohort-session-{session.pk}@{host}",
            summary=session.title,
            start=session.starts_at,
            end=session.ends_at,
            description="\n".join(
                part for part in (str(session.get_kind_display()), session.agenda) if part
            ),
            location=" · ".join(part for part in (session.place, session.video_url) if part),
            url=request.build_absolute_uri(
                reverse("coalition:session", args=[session.cohort.coalition.slug, session.pk])
            ),
            categories=(str(session.get_kind_display()),),
        )
        for session in sessions
    ]
    content = ical.calendar_bytes(
        name=name, product=PRODUCT_ID, events=events, stamp=timezone.now()
    )
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_safe
def cohort_calendar(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    """The cohort's sessions as an iCalendar file (for members and facilitators, logged in)."""
    cohort, _access = tenancy.cohort_access(_user(request), coalition, cohort_id)
    return _calendar_response(
        request,
        name=f"{cohort.name} · {cohort.coalition.name}",
        sessions=selectors.cohort_calendar_sessions(cohort).select_related("cohort__coalition"),
        filename=f"{cohort.coalition.slug}-{cohort.pk}.ics",
    )


@require_safe
def personal_calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The sessions of every cohort the address's owner takes part in, for a calendar
    application (no log-in: the secret address is the only key). An unknown, renewed or
    revoked address is a 404."""
    subscription = selectors.calendar_subscription_for_token(feed_token)
    if subscription is None:
        raise Http404("No calendar at this address.")
    return _calendar_response(
        request,
        name=_("My cohorts' sessions"),
        sessions=selectors.subscribed_sessions(subscription),
        filename="cap-nr-sessions.ics",
    )


@login_required
@require_safe
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    """Whether the user has a personal calendar address, and the ways to make, renew or revoke
    it."""
    return render(
        request,
        "coalition/calendar_subscription.html",
        {"subscription": selectors.calendar_subscription_of(_user(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_subscription_renew(request: HttpRequest) -> HttpResponse:
    """Asks first when an address exists (GET: the previous one will stop working); makes the
    address on the POST and shows it once."""
    user = _user(request)
    subscription = selectors.calendar_subscription_of(user)
    if request.method == "POST":
        raw = services.calendar_subscription_renew(user=user)
        if subscription is not None:
            messages.success(
                request, _("A new calendar address was made; the previous one no longer works.")
            )
        else:
            messages.success(request, _("The calendar address was made."))
        return render(
            request,
            "coalition/calendar_subscription.html",
            {
                "subscription": selectors.calendar_subscription_of(user),
                "feed_url": request.build_absolute_uri(
                    reverse("coalition:personal_calendar_feed", args=[raw])
                ),
            },
        )
    if subscription is None:
        return redirect("coalition:calendar_subscription")
    return render(request, "coalition/calendar_subscription_confirm.html", {"action": "renew"})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_subscription_revoke(request: HttpRequest) -> HttpResponse:
    """Asks first (GET), revokes on the confirmation (POST): the address answers nothing."""
    user = _user(request)
    if request.method == "POST":
        if services.calendar_subscription_revoke(user=user):
            messages.success(request, _("Your calendar address no longer works."))
        return redirect("coalition:calendar_subscription")
    if selectors.calendar_subscription_of(user) is None:
        return redirect("coalition:calendar_subscription")
    return render(request, "coalition/calendar_subscription_confirm.html", {"action": "revoke"})


def _join_url(request: HttpRequest) -> Callable[[CohortMembership], str]:
    return lambda membership: request.build_absolute_uri(
        reverse("coalition:join", args=[membership.pk])
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_add_organisation(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    """Two ways into a cohort: invite an organisation already on Cap NR (its référent accepts),
    or create one and invite its first référent by email."""
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id, manage=True)
    which = request.POST.get("form", "")
    existing = InviteExistingForm(request.POST if which == "existing" else None, prefix="existing")
    new = NewOrganisationForm(request.POST if which == "new" else None, prefix="new")
    if which == "existing" and existing.is_valid():
        try:
            services.cohort_invite_organisation(
                access=access,
                cohort=cohort,
                slug=existing.cleaned_data["slug"],
                invited_by=_user(request),
                build_join_url=_join_url(request),
            )
        except ValidationError as error:
            apply_errors(existing, error)
        else:
            messages.success(request, _("Invitation sent to the organisation's référents."))
            return redirect("coalition:cohort", coalition, cohort.pk)
    if which == "new" and new.is_valid():
        try:
            organisation = services.cohort_organisation_create(
                access=access,
                cohort=cohort,
                name=new.cleaned_data["name"],
                kind=new.cleaned_data["kind"],
                referent_email=new.cleaned_data["referent_email"],
                invited_by=_user(request),
                build_accept_url=lambda raw: request.build_absolute_uri(
                    reverse("invitation_accept", args=[raw])
                ),
            )
        except ValidationError as error:
            apply_errors(new, error)
        else:
            messages.success(
                request,
                _("“%(name)s” joined the cohort; its référent was invited.")
                % {"name": organisation.name},
            )
            return redirect("coalition:cohort", coalition, cohort.pk)
    return render(
        request,
        "coalition/cohort_add_organisation.html",
        {"cohort": cohort, "access": access, "existing": existing, "new": new},
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, cohort_membership_id: int) -> HttpResponse:
    """The référent of an organisation invited into a cohort accepts or declines."""
    membership = selectors.join_request(cohort_membership_id)
    access = (
        tenancy.access_for(_user(request), membership.organisation)
        if membership is not None
        else None
    )
    if membership is None or access is None:
        raise Http404("No such invitation.")
    if not access.can_administer:
        raise PermissionDenied("Only the organisation's référent answers this invitation.")
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        services.cohort_invitation_answer(access=access, membership=membership, accept=accept)
        if accept:
            messages.success(request, _("Your organisation joined the cohort."))
        else:
            messages.success(request, _("The invitation was declined."))
        return redirect("web:organisation_home", membership.organisation.slug)
    return render(request, "coalition/join.html", {"membership": membership})


def _session_form_page(
    request: HttpRequest, context: dict[str, Any], form: SessionForm, title: str
) -> HttpResponse:
    return render(request, "coalition/session_form.html", {**context, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, coalition: str, cohort_id: int) -> HttpResponse:
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id, manage=True)
    organisations = selectors.cohort_members(cohort)
    form = SessionForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                access=access,
                cohort=cohort,
                user=_user(request),
                fields=form.session_fields(),
                expected_ids=form.expected_ids(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Session “%(title)s” added.") % {"title": session.title})
            return redirect("coalition:session", coalition, session.pk)
    return _session_form_page(
        request,
        {
            "cohort": cohort,
            "back_url": reverse("coalition:cohort", args=[coalition, cohort.pk]),
        },
        form,
        _("New session of %(cohort)s") % {"cohort": cohort.name},
    )


def _session(request: HttpRequest, coalition: str, session_id: int, manage: bool = False) -> Any:
    return tenancy.get_for_cohort(
        selectors.sessions_of(coalition),
        session_id,
        _user(request),
        manage=manage,
    )


@login_required
@require_safe
def session_detail(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    session, access = _session(request, coalition, session_id)
    return render(
        request,
        "coalition/session_detail.html",
        {
            "session": session,
            "cohort": session.cohort,
            "access": access,
            "attendance": selectors.session_attendance(session, access),
            "materials": list(session.materials.all()),
            "is_past": session.ends_at < timezone.now(),
            "material_form": MaterialForm() if access.can_manage else None,
            "files": selectors.session_files(session),
            "file_form": SessionFileForm() if access.can_manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    session, access = _session(request, coalition, session_id, manage=True)
    organisations = selectors.cohort_members(session.cohort)
    form = SessionForm(request.POST or None, organisations=organisations, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                access=access,
                session=session,
                expected_version=form.cleaned_data["version"] or 0,
                fields=form.session_fields(),
                expected_ids=form.expected_ids() or [o.pk for o in organisations],
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Session “%(title)s” saved.") % {"title": session.title})
            return redirect("coalition:session", coalition, session.pk)
    return _session_form_page(
        request,
        {
            "cohort": session.cohort,
            "session": session,
            "back_url": reverse("coalition:session", args=[coalition, session.pk]),
        },
        form,
        _("Edit the session “%(title)s”") % {"title": session.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    """Asks first (GET), deletes on the confirmation (POST)."""
    session, access = _session(request, coalition, session_id, manage=True)
    if request.method == "POST":
        cohort = session.cohort
        services.session_delete(access=access, session=session)
        messages.success(request, _("Session “%(title)s” deleted.") % {"title": session.title})
        return redirect("coalition:cohort", coalition, cohort.pk)
    return render(
        request,
        "coalition/session_delete.html",
        {
            "session": session,
            "back_url": reverse("coalition:session", args=[coalition, session.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    """One small form per organisation: present, excused or absent, and who came."""
    session, access = _session(request, coalition, session_id, manage=True)
    rows = selectors.session_attendance(session, access)
    by_slug = {row.organisation.slug: row for row in rows}
    forms = {}
    for row in rows:
        posted = (
            request.method == "POST" and request.POST.get("organisation") == row.organisation.slug
        )
        forms[row.organisation.slug] = AttendanceForm(
            request.POST if posted else None,
            members=row.members,
            prefix=row.organisation.slug,
            initial={"status": row.status, "people": [str(u.pk) for u in row.people]},
        )
    if request.method == "POST":
        slug = request.POST.get("organisation", "")
        form = forms.get(slug)
        if form is None:
            raise Http404("No such organisation in this session.")
        if form.is_valid():
            try:
                services.attendance_record(
                    access=access,
                    session=session,
                    organisation=by_slug[slug].organisation,
                    status=form.cleaned_data["status"],
                    people_ids=[int(pk) for pk in form.cleaned_data["people"]],
                    user=_user(request),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Attendance of %(organisation)s saved.")
                    % {"organisation": by_slug[slug].organisation.name},
                )
                return redirect("coalition:session_attendance", coalition, session.pk)
    return render(
        request,
        "coalition/session_attendance.html",
        {
            "session": session,
            "cohort": session.cohort,
            "rows": [(row, forms[row.organisation.slug]) for row in rows],
        },
    )


@login_required
@require_POST
def session_invite(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    session, access = _session(request, coalition, session_id, manage=True)
    sent = services.session_invitations_send(
        access=access,
        session=session,
        build_url=lambda s: request.build_absolute_uri(
            reverse("coalition:session", args=[coalition, s.pk])
        ),
    )
    messages.success(request, _("Invitation emailed to %(count)s référent(s).") % {"count": sent})
    return redirect("coalition:session", coalition, session.pk)


@login_required
@require_POST
def material_add(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    session, access = _session(request, coalition, session_id, manage=True)
    form = MaterialForm(request.POST)
    if form.is_valid():
        services.material_add(access=access, session=session, **form.cleaned_data)
        messages.success(request, _("Document added."))
    else:
        messages.error(request, _("A document needs a title and a link (https://…)."))
    return redirect("coalition:session", coalition, session.pk)


@login_required
@require_POST
def material_remove(
    request: HttpRequest, coalition: str, session_id: int, material_id: int
) -> HttpResponse:
    session, access = _session(request, coalition, session_id, manage=True)
    material = selectors.material_of(session, material_id)
    if material is None:
        raise Http404("No such document.")
    services.material_remove(access=access, material=material)
    messages.success(request, _("Document removed."))
    return redirect("coalition:session", coalition, session.pk)


@login_required
@require_POST
def session_file_add(request: HttpRequest, coalition: str, session_id: int) -> HttpResponse:
    session, access = _session(request, coalition, session_id, manage=True)
    form = SessionFileForm(request.POST, request.FILES)
    if getattr(request, "capnr_upload_too_large", False):
        messages.error(request, _("The file is too large."))
    elif form.is_valid():
        try:
            services.session_file_add(
                access=access,
                session=session,
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
                user=_user(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, _("Choose a file to add."))
    return redirect("coalition:session", coalition, session.pk)


def _session_file(
    request: HttpRequest, coalition: str, session_id: int, file_id: int, *, manage: bool
) -> tuple[Any, Any]:
    session, access = _session(request, coalition, session_id, manage=manage)
    session_file = selectors.session_file_of(session, file_id)
    if session_file is None:
        raise Http404("No such document.")
    return session_file, access


@login_required
@require_safe
def session_file(
    request: HttpRequest, coalition: str, session_id: int, file_id: int
) -> FileResponse:
    """The document, for the cohort's organisations' members and its facilitators (tenancy's
    ``get_for_cohort``), always as a download: never shown inline from our origin."""
    session_file, _access = _session_file(request, coalition, session_id, file_id, manage=False)
    path = services.session_file_path(session_file)
    if not path.is_file():
        raise Http404("The document's file is missing.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=session_file.original_name,
        content_type=session_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def session_file_delete(
    request: HttpRequest, coalition: str, session_id: int, file_id: int
) -> HttpResponse:
    """Asks first (GET), deletes the document on the confirmation (POST)."""
    session_file, access = _session_file(request, coalition, session_id, file_id, manage=True)
    if request.method == "POST":
        services.session_file_remove(access=access, session_file=session_file)
        messages.success(request, _("Document removed."))
        return redirect("coalition:session", coalition, session_id)
    return render(
        request,
        "coalition/session_file_delete.html",
        {
            "session_file": session_file,
            "back_url": reverse("coalition:session", args=[coalition, session_id]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_notes(request: HttpRequest, coalition: str, slug: str) -> HttpResponse:
    """The coalition's private notes on one of its organisations (facilitators only)."""
    access = tenancy.coalition_access(_user(request), coalition, manage=True)
    organisation = tenancy.coalition_organisation(access, slug)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.note_create(
            access=access,
            organisation=organisation,
            author=_user(request),
            text=form.cleaned_data["text"],
            follow_up_on=form.cleaned_data["follow_up_on"],
        )
        messages.success(request, _("Note saved."))
        return redirect("coalition:notes", coalition, organisation.slug)
    return render(
        request,
        "coalition/notes.html",
        {
            "access": access,
            "organisation": organisation,
            "notes": selectors.notes_on(access, organisation),
            "form": form,
        },
    )


@login_required
@require_POST
def note_delete(request: HttpRequest, coalition: str, note_id: int) -> HttpResponse:
    access = tenancy.coalition_access(_user(request), coalition, manage=True)
    note = selectors.note_of(access, note_id)
    if note is None:
        raise Http404("No such note.")
    services.note_delete(access=access, note=note)
    messages.success(request, _("Note deleted."))
    return redirect("coalition:notes", coalition, note.organisation.slug)
