"""French by default, whatever the browser asks.

Cap NR's users are French public bodies, and many browsers (kiosks, shared workstations, headless
tools) announce English by accident. The language changes only when the person chooses it in the
footer (a cookie), so Django's Accept-Language negotiation is switched off here."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class FrenchByDefaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Set on the request by ``remember_account_language`` when someone logs in.
_LOGIN_LANGUAGE = "capnr_login_language"


def remember_account_language(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """``user_logged_in``: note the language kept on the account, for the response's cookie
    (a signal cannot set a cookie; ``AccountLanguageMiddleware`` does)."""
    if request is not None and user.language in dict(settings.LANGUAGES):
        setattr(request, _LOGIN_LANGUAGE, user.language)


class AccountLanguageMiddleware:
    """When someone logs in, the language they last chose (on any browser, kept on their
    account) becomes this browser's (ADR 0016)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, _LOGIN_LANGUAGE, None)
        if language is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
