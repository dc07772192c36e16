"""The pages reached without an account, each by a secret link: a box's deposit page (from
the QR code on its poster), the hall screen's leaderboard and, once the référent publishes it,
the page telling depositors what became of their devices. Each finds its one campaign by the
token in the address and reads nothing beyond it; a dead link answers a plain 404 page that
names nothing of the campaign."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core.forms import apply_errors

from . import selectors, services, throttle
from .forms import DepositForm
from .models import Campaign

# The hall screen reloads itself this often (seconds), without JavaScript.
DISPLAY_REFRESH_SECONDS = 60


def _dead_link(request: HttpRequest) -> HttpResponse:
    return render(request, "collection/link_unusable.html", status=404)


def _outcomes_url(request: HttpRequest, campaign: Campaign) -> str:
    """The published page of outcomes, in full (the hall screen shows it as text), or ""."""
    if campaign.outcomes_token is None:
        return ""
    return request.build_absolute_uri(
        reverse("collection_outcomes", args=[campaign.outcomes_token])
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deposit(request: HttpRequest, point_token: str) -> HttpResponse:
    """Declare what one puts in the box: seconds, on a phone, no account."""
    point = selectors.point_for_token(point_token)
    if request.method == "POST" and not throttle.allow_send(request, point_token):
        return render(request, "collection/deposit_throttled.html", status=429)
    if point is None:
        return _dead_link(request)
    campaign = point.campaign
    form = DepositForm(
        request.POST or None,
        teams=selectors.team_list(campaign),
        item_types=campaign.item_types,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_declare(point=point, data=form.deposit_input())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection_deposit_thanks", point_token=point_token)
    return render(
        request,
        "collection/deposit.html",
        {
            "point": point,
            "campaign": campaign,
            "form": form,
            "running": selectors.is_running(campaign),
        },
    )


@require_safe
def deposit_thanks(request: HttpRequest, point_token: str) -> HttpResponse:
    point = selectors.point_for_token(point_token)
    if point is None:
        return _dead_link(request)
    return render(
        request,
        "collection/deposit_thanks.html",
        {
            "point": point,
            "campaign": point.campaign,
            "totals": selectors.leaderboard(point.campaign),
            "outcomes_url": _outcomes_url(request, point.campaign),
        },
    )


@require_safe
def display(request: HttpRequest, display_token: str) -> HttpResponse:
    """The leaderboard in large print for a screen in the hall: no personal data (no first
    names). With ``?screen=1`` (the address given for the hall screen) the page reloads itself
    every minute without JavaScript (``<meta http-equiv="refresh">``): an unattended display,
    where the refresh is the point (WCAG 2.2.1's essential exception). Without it, a person who
    opens the link gets the same page, still, so nothing moves under their eyes."""
    campaign = selectors.campaign_for_display_token(display_token)
    if campaign is None:
        return _dead_link(request)
    return render(
        request,
        "collection/display.html",
        {
            "campaign": campaign,
            "board": selectors.leaderboard(campaign),
            "sorting": selectors.sorting_summary(campaign),
            "refresh_seconds": DISPLAY_REFRESH_SECONDS if request.GET.get("screen") else 0,
            "outcomes_url": _outcomes_url(request, campaign),
        },
    )


@require_safe
def outcomes(request: HttpRequest, outcomes_token: str) -> HttpResponse:
    """What became of the campaign's devices, for the people who brought them: so many reused,
    donated (to which association), sold, refurbished, recycled; the weights; the manufacturing
    avoided, counted only for the devices that spare a purchase. Published by the référent;
    no personal data (no first name, no agent, no erasure detail)."""
    campaign = selectors.campaign_for_outcomes_token(outcomes_token)
    if campaign is None:
        return _dead_link(request)
    return render(
        request,
        "collection/outcomes_public.html",
        {"campaign": campaign, "outcomes": selectors.public_outcomes(campaign)},
    )
