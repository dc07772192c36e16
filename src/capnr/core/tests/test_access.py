"""The view decorator reaches tenancy through the resolver the organisations app installs."""

import pytest

from capnr.core import access
from capnr.organisations import tenancy


def test_the_organisations_app_installs_tenancy_as_the_access_resolver():
    assert access._resolver is tenancy.access_organisation


def test_without_a_resolver_the_decorator_fails_loudly(monkeypatch):
    monkeypatch.setattr(access, "_resolver", None)
    with pytest.raises(RuntimeError, match="No access resolver"):
        access.resolve_access(None, "any", access.Access.READ)


def test_the_api_decorator_shows_slug_in_place_of_access_and_resolves_it(monkeypatch):
    import inspect

    seen = []

    def resolver(user, slug, need):
        seen.append((user, slug, need))
        return "the access"

    monkeypatch.setattr(access, "_resolver", resolver)

    @access.organisation_endpoint(access.Access.CONTRIBUTE)
    def endpoint(request, access: "access.OrganisationAccess", item_id: "int", payload=None):
        return access, item_id, payload

    parameters = inspect.signature(endpoint).parameters
    assert list(parameters) == ["request", "slug", "item_id", "payload"]
    assert parameters["slug"].annotation is str and parameters["item_id"].annotation is int

    class Request:
        user = "someone"

    assert endpoint(Request(), slug="alpha", item_id=3) == ("the access", 3, None)
    assert seen == [("someone", "alpha", access.Access.CONTRIBUTE)]


def test_the_api_decorator_refuses_an_endpoint_without_access():
    with pytest.raises(TypeError, match=r"\(request, access, \.\.\.\)"):

        @access.organisation_endpoint()
        def endpoint(request, slug: str):
            return slug
