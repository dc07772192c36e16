"""What every page's header needs: the organisations the user can switch between."""

from typing import Any

from django.http import HttpRequest

from capnr.organisations.selectors import organisation_choices_for
from capnr.organisations.tenancy import is_facilitator


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = getattr(request, "capnr_access", None)
    return {
        "organisation_choices": lambda: organisation_choices_for(user),  # type: ignore[arg-type]
        "current_access": access,
        "is_facilitator": lambda: is_facilitator(user),
    }
