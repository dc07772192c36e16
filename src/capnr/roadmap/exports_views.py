"""Roadmap downloads (the XLSX of the plan, the PDF for management approval), the calendar feed
of due dates with its secret address, and the opt-in to the weekly reminders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core import ical
from capnr.core.access import Access, OrganisationAccess, organisation_view

from . import exports, report, selectors, services

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = ical.CONTENT_TYPE
PRODUCT_ID = "-//Cap NR//Roadmap//FR"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(access: OrganisationAccess, extension: str) -> str:
    # Slugs are ASCII letters, digits, "-" and "_": safe in a header without quoting tricks.
    return f"feuille-de-route-{access.organisation.slug}.{extension}"


@organisation_view()
@require_safe
def roadmap_xlsx(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The plan as a workbook: anyone who may see the roadmap may download it."""
    return _download(exports.plan_xlsx(access), _filename(access, "xlsx"), XLSX)


@organisation_view()
@require_safe
def roadmap_pdf(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The roadmap for management approval, structured like a REEN strategy."""
    try:
        content = report.render_report_pdf(access)
    except report.ReportUnavailable as error:
        return render(
            request,
            "roadmap/report_unavailable.html",
            {"access": access, "reason": str(error)},
            status=503,
        )
    return _download(content, _filename(access, "pdf"), PDF)


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """Whether the roadmap has a calendar address; the référent makes a new one (POST), shown
    once: only its hash is kept, and the previous address stops working."""
    feed_url = None
    if request.method == "POST":
        access.require(Access.ADMINISTER)
        had_feed = selectors.calendar_feed_of(access=access) is not None
        raw = services.calendar_feed_renew(access=access)
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[raw]))
        if had_feed:
            messages.success(
                request, _("A new calendar address was made; the previous one no longer works.")
            )
        else:
            messages.success(request, _("The calendar address was made."))
    return render(
        request,
        "roadmap/calendar.html",
        {
            "access": access,
            "feed": selectors.calendar_feed_of(access=access),
            "feed_url": feed_url,
        },
    )


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def reminders(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """The weekly email about one's own items: each member who owns items opts in or out."""
    if request.method == "POST":
        access.require(Access.CONTRIBUTE)
        subscribe = request.POST.get("subscribe") == "on"
        services.digest_subscribe(
            access=access,
            user=request.user,  # type: ignore[arg-type]
            subscribed=subscribe,
        )
        messages.success(
            request,
            _("You will receive the weekly reminder.")
            if subscribe
            else _("You will no longer receive the weekly reminder."),
        )
        return redirect("roadmap:reminders", access.organisation.slug)
    return render(
        request,
        "roadmap/reminders.html",
        {
            "access": access,
            "subscription": selectors.digest_subscription(access=access, user=request.user),
        },
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The due dates of the roadmap's open items, for a calendar application. The secret
    address is the only key (no log-in): an unknown or renewed one is a 404."""
    feed = selectors.calendar_feed_for_token(token)
    if feed is None:
        raise Http404("No calendar at this address.")
    organisation = feed.organisation
    host = request.get_host().split(":")[0]
    events = []
    for item in selectors.calendar_items(feed):
        assert item.due_date is not None  # calendar_items keeps only items with a due date
        details = [_("Status: %(status)s") % {"status": item.get_status_display()}]
        if item.owner:
            details.append(_("Owner: %(owner)s") % {"owner": item.owner})
        if item.working_group:
            details.append(_("Working group: %(group)s") % {"group": item.working_group.name})
        events.append(
            ical.CalendarEvent(
                uid=f"roadmap-item-{item.pk}@{host}",
                start=item.due_date,
                summary=item.title,
                description="\n".join(details),
                url=request.build_absolute_uri(
                    reverse("roadmap:item", args=[organisation.slug, item.pk])
                ),
                busy=False,
            )
        )
    content = ical.calendar_bytes(
        name=_("Roadmap · %(organisation)s") % {"organisation": organisation.name},
        product=PRODUCT_ID,
        events=events,
        stamp=timezone.now(),
    )
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="feuille-de-route.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
