"""French by default, whatever the browser asks.

Cap NR's users are French public bodies, and many browsers (kiosks, shared workstations, headless
tools) announce English by accident. The language changes only when the person chooses it in the
footer (a cookie), so Django's Accept-Language negotiation is switched off here."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class FrenchByDefaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
