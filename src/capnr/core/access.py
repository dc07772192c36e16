"""What a view or a service knows about the user's rights in one organisation, and the view and
API decorators that give it.

Who may do what is decided in one place, ``capnr.organisations.tenancy``; core only declares the
types every app passes around. The decorator needs tenancy's ``access_organisation`` but core
sits below the organisations app, so that app hands it over when Django starts
(``OrganisationsConfig.ready`` calls :func:`provide_access_resolver`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from capnr.organisations.models import Organisation

View = Callable[..., HttpResponse]
AccessResolver = Callable[[Any, str, "Access"], "OrganisationAccess"]
LAST_ORGANISATION_KEY = "capnr_last_organisation"
FACILITATOR = "facilitator"
SUPERUSER = "superuser"


class Access(IntEnum):
    READ = 1
    CONTRIBUTE = 2
    ADMINISTER = 3


@dataclass(frozen=True)
class OrganisationAccess:
    """What one user may do in one organisation; views and services receive this."""

    organisation: Organisation
    level: Access
    role: str  # a Role value, "facilitator" or "superuser"

    @property
    def can_contribute(self) -> bool:
        return self.level >= Access.CONTRIBUTE

    @property
    def can_administer(self) -> bool:
        return self.level >= Access.ADMINISTER

    @property
    def can_run_diagnostic(self) -> bool:
        """Answer the self-diagnostic for the whole organisation: the référent, and the
        facilitator of a cohort it belongs to, who runs the workshop with them."""
        return self.level >= Access.ADMINISTER or self.role == FACILITATOR

    @property
    def can_submit_diagnostic(self) -> bool:
        """Submit the diagnostic as the year's reference, or reopen it: the organisation's own
        decision, so the référent's (or a superuser's). The facilitator runs the workshop and
        answers with them, but does not submit."""
        return self.level >= Access.ADMINISTER

    def require_diagnostic(self) -> None:
        if not self.can_run_diagnostic:
            raise PermissionDenied("Only the référent or the facilitator runs the diagnostic.")

    def require_diagnostic_submit(self) -> None:
        if not self.can_submit_diagnostic:
            raise PermissionDenied("Only the organisation's référent submits or reopens it.")

    def require(self, need: Access) -> None:
        if self.level < need:
            raise PermissionDenied("Your role in this organisation does not allow this.")


_resolver: AccessResolver | None = None


def provide_access_resolver(resolver: AccessResolver) -> None:
    """Install the function that turns (user, slug, need) into an access, or raises Http404 /
    PermissionDenied: ``capnr.organisations.tenancy.access_organisation``."""
    global _resolver
    _resolver = resolver


def resolve_access(user: Any, slug: str, need: Access) -> OrganisationAccess:
    if _resolver is None:
        raise RuntimeError(
            "No access resolver: is capnr.organisations in INSTALLED_APPS? Its AppConfig.ready "
            "provides one."
        )
    return _resolver(user, slug, need)


def organisation_view(need: Access = Access.READ) -> Callable[[View], View]:
    """Log-in, then tenancy: the view receives ``access`` for the organisation in the URL."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            access = resolve_access(request.user, slug, need)
            request.capnr_access = access  # type: ignore[attr-defined]
            request.session[LAST_ORGANISATION_KEY] = access.organisation.slug
            return view(request, access, **kwargs)

        return wrapper

    return decorate


def organisation_endpoint(need: Access = Access.READ) -> Callable[[Callable[..., Any]], Any]:
    """The API's ``@organisation_view``: the endpoint declares ``access`` where its path has
    ``{slug}`` and receives the organisation access (Http404 when the organisation is not
    visible, PermissionDenied when the level is below ``need``). The API authenticates first
    (session or personal token), so ``request.user`` is known here.

    django-ninja reads an endpoint's parameters from its signature: the wrapper shows ``slug``
    in place of ``access``, with the other parameters' annotations already resolved (they are
    strings under ``from __future__ import annotations`` and the wrapper's module could not
    resolve them)."""

    def decorate(endpoint: Callable[..., Any]) -> Any:
        signature = inspect.signature(endpoint)
        if list(signature.parameters)[:2] != ["request", "access"]:
            raise TypeError(f"{endpoint.__name__} must start with (request, access, ...).")
        parameters = [
            parameter.replace(annotation=_resolved(parameter.annotation, endpoint))
            for parameter in signature.parameters.values()
        ]

        @wraps(endpoint)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
            return endpoint(request, resolve_access(request.user, slug, need), **kwargs)

        slug = inspect.Parameter("slug", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[parameters[0], slug, *parameters[2:]]
        )
        return wrapper

    return decorate


def _resolved(annotation: Any, function: Callable[..., Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    return eval(annotation, getattr(function, "__globals__", {}))  # noqa: S307 - source annotations
