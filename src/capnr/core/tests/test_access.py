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
