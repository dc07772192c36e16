"""What every page's header needs: the organisations the user can switch between, and the
cohort the current organisation is in (its navigation links to it)."""

from functools import cache
from typing import Any

from django.http import HttpRequest

from capnr.organisations.selectors import organisation_choices_for
from capnr.organisations.tenancy import is_facilitator


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = getattr(request, "capnr_access", None)

    @cache
    def choices() -> list[Any]:
        return organisation_choices_for(user)  # type: ignore[arg-type]

    def in_cohort() -> bool:
        return access is not None and any(
            choice.in_cohort and choice.organisation.pk == access.organisation.pk
            for choice in choices()
        )

    return {
        "organisation_choices": choices,
        "current_access": access,
        "is_facilitator": lambda: is_facilitator(user),
        # The header reads the choices anyway: whether the current organisation is in a cohort
        # costs no query more (its navigation then links to the cohort).
        "current_in_cohort": in_cohort,
    }
