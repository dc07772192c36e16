"""The login throttle (django-axes) as accounts see it: a lock holds one account from one client
address (``AXES_LOCKOUT_PARAMETERS``), the account named as the login form's email is stored,
and a completed password reset lifts the account's locks."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account a login attempt names, as stored: emails are kept lower-case, so
    ``Alice@…`` and ``alice@…`` count as one account (``AXES_USERNAME_CALLABLE``)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field)
    if raw is None:
        raw = request.POST.get(field, "")
    return str(raw).strip().lower()


def login_lockout_clear(*, email: str) -> int:
    """Forget the failed logins on ``email`` from every address, so its owner, who has just
    proved they hold the mailbox, can log in at once. Returns how many records went."""
    return reset(username=email.strip().lower())
