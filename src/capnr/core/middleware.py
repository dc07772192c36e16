"""Middleware every page goes through."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForLoggedInMiddleware:
    """A response to a logged-in user (a page, a download, an API answer to a session or a
    token) carries their organisation's data: ``Cache-Control: no-store``, so that neither the
    browser's cache (a shared computer's back button) nor a proxy keeps it. Anonymous pages keep
    their caching, and static files never reach this (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
