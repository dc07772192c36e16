"""Rows that belong to one organisation, and the only way to query them.

Who may see or change an organisation is decided in ``capnr.organisations.tenancy``, which
turns a user and a URL into an :class:`~capnr.core.access.OrganisationAccess`. From there on the
query layer enforces it, so that no selector, service or view writes a tenancy filter by hand
(Kausal Watch's ``visible_for_user`` / ``modifiable_by``, Zulip's ``access_stream_by_id``):

- an organisation-owned model sets ``objects = OrganisationOwnedQuerySet.as_manager()`` (or a
  subclass of the queryset stating its own edit rule), with two optional class attributes:
  ``organisation_path``, the lookup from a row to its organisation when the row hangs off
  another one (``"item__organisation"``; ``"organisation"`` by default), ``edit_need``, the
  level that changes every row (``Access.CONTRIBUTE`` by default), and ``owner_path``, the
  lookup to the user who owns a row when a contributor changes the rows they own (the
  roadmap's items, ``"owner"``);
- ``Model.objects.for_access(access)``: the rows of the access's organisation;
  ``.for_accesses(accesses)`` those of several at once (an aggregate over many organisations,
  like the peers' anonymous benchmarks, reads in one query what it would read one by one);
- ``Model.objects.editable_by(access, user)``: those the access may change: all of them from
  ``edit_need`` up, the rows ``user`` owns for a contributor when the model has an owner, none
  otherwise;
- :func:`get_for_access`: one row by id, or Http404 when the access cannot see it and
  PermissionDenied when it sees it but its level is not enough;
- :func:`require_same_organisation`: the one ownership check services make on a row they were
  handed, raising PermissionDenied (:func:`belongs_to` answers the same question for a form
  field that names a row).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .access import Access, OrganisationAccess

if TYPE_CHECKING:
    from capnr.organisations.models import User

M = TypeVar("M", bound=models.Model)

DEFAULT_PATH = "organisation"
DEFAULT_EDIT_NEED = Access.CONTRIBUTE


def organisation_path(model: type[models.Model]) -> str:
    """The lookup from a row of ``model`` to its organisation: ``"organisation"`` or, for rows
    that hang off another organisation-owned row, ``"item__organisation"`` and the like."""
    return str(getattr(model, "organisation_path", DEFAULT_PATH))


def edit_need(model: type[models.Model]) -> Access:
    """The level that changes every row of ``model``."""
    return Access(getattr(model, "edit_need", DEFAULT_EDIT_NEED))


def owner_path(model: type[models.Model]) -> str | None:
    """The lookup to the user who owns a row of ``model``, if contributors edit what they own."""
    path = getattr(model, "owner_path", None)
    return str(path) if path else None


class OrganisationOwnedQuerySet(models.QuerySet[M]):
    """A queryset over rows that belong to one organisation each."""

    def for_access(self, access: OrganisationAccess) -> Self:
        """The rows of the access's organisation: what its holder may see."""
        return self.filter(**{organisation_path(self.model): access.organisation})

    def for_accesses(self, accesses: Iterable[OrganisationAccess]) -> Self:
        """The rows of every access's organisation, in one query: ``for_access`` over many."""
        organisations = [access.organisation for access in accesses]
        return self.filter(**{f"{organisation_path(self.model)}__in": organisations})

    def may_edit_all(self, access: OrganisationAccess) -> bool:
        """Whether ``access`` changes every row of its organisation (a subclass may refine it,
        the diagnostic does)."""
        return access.level >= edit_need(self.model)

    def editable_by(self, access: OrganisationAccess, user: User | None = None) -> Self:
        """The rows ``access`` may change. ``user`` is who holds it: on a model with an owner, a
        contributor changes the rows they own."""
        rows = self.for_access(access)
        if self.may_edit_all(access):
            return rows
        owner = owner_path(self.model)
        if owner and access.can_contribute and user is not None and user.is_authenticated:
            return rows.filter(**{owner: user})
        return rows.none()


def _owned_rows(rows: type[M] | models.QuerySet[M]) -> OrganisationOwnedQuerySet[M]:
    queryset = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    if not isinstance(queryset, OrganisationOwnedQuerySet):
        raise TypeError(
            f"{queryset.model.__name__} is not organisation-owned: give it "
            "`objects = OrganisationOwnedQuerySet.as_manager()`."
        )
    return queryset


def get_for_access(
    rows: type[M] | models.QuerySet[M],
    pk: Any,
    access: OrganisationAccess,
    *,
    need: Access = Access.READ,
) -> M:
    """The row ``pk`` of ``rows`` (a model or an already narrowed queryset) as ``access`` may
    use it. Raises Http404 when it is not among the access's rows, so that another
    organisation's ids do not leak, and PermissionDenied when it is but ``access`` is below
    ``need``."""
    queryset = _owned_rows(rows)
    row = queryset.for_access(access).filter(pk=pk).first()
    if row is None:
        raise Http404(f"No such {queryset.model._meta.verbose_name_raw} in this organisation.")
    access.require(need)
    return row


def organisation_id_of(row: models.Model) -> Any:
    """The id of the organisation ``row`` belongs to, following its ``organisation_path``."""
    *through, last = organisation_path(type(row)).split("__")
    owner: Any = row
    for name in through:
        owner = getattr(owner, name)
    return getattr(owner, f"{last}_id")


def belongs_to(access: OrganisationAccess, row: models.Model) -> bool:
    """Whether ``row`` belongs to the access's organisation (no query when the path is direct)."""
    return bool(organisation_id_of(row) == access.organisation.pk)


def require_same_organisation(access: OrganisationAccess, row: models.Model) -> None:
    """The one ownership check: a service handed ``row`` refuses it (PermissionDenied) unless it
    belongs to the access's organisation."""
    if not belongs_to(access, row):
        raise PermissionDenied(
            f"This {row._meta.verbose_name_raw} belongs to another organisation."
        )
