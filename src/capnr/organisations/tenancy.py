"""Tenancy in one place: who may see or change which organisation.

Every query on organisation-owned data starts here, with :func:`access_organisation` (one
organisation, from a URL), whose answer the selectors take. A bare ``Model.objects.get(pk=...)``
in a view is a bug.

Levels are cumulative: ``READ`` < ``CONTRIBUTE`` < ``ADMINISTER`` (``capnr.core.access.Access``;
the access type and the view and API decorators live in core, every app imports them from
there).
- a reader, and a facilitator of a coalition whose cohorts include the organisation, may READ;
- a contributor may CONTRIBUTE (edit what is assigned to them);
- the référent ADMINISTERS the organisation (profile, sites, departments, members);
- a superuser may do everything (they use the Django admin);
- the self-diagnostic is run by the référent and by the cohort's facilitator (the workshop);
  a contributor only answers the questions delegated to them.

Who is a facilitator is answered here too (:func:`facilitated_by`,
:func:`facilitates_a_coalition`, :func:`is_facilitator`, :func:`coalitions_facilitated_by`),
though coalitions belong to a higher app: tenancy reaches them through the relations that app
declares (``cohorts``, ``facilitated_coalitions``).

Past the organisation, the query layer enforces the access (``capnr.core.owned``):
``Model.objects.for_access(access)``, ``.editable_by(access)``, ``get_for_access(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from capnr.core.access import FACILITATOR, SUPERUSER, Access, OrganisationAccess

from .models import Membership, Organisation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


ROLE_ACCESS = {
    Role.READER: Access.READ,
    Role.CONTRIBUTOR: Access.CONTRIBUTE,
    Role.REFERENT: Access.ADMINISTER,
}


def _roles_at_least(need: Access) -> list[str]:
    return [role.value for role, level in ROLE_ACCESS.items() if level >= need]


def facilitated_by(user: User) -> Q:
    """Organisations in a cohort of a coalition ``user`` facilitates (they READ them)."""
    return Q(cohorts__coalition__facilitators=user)


def facilitates_a_coalition(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.facilitated_coalitions.exists()  # type: ignore[union-attr]


def is_facilitator(user: User | AnonymousUser) -> bool:
    """Whether ``user`` sees the coalitions' workspace: a facilitator of one, or a superuser."""
    return user.is_authenticated and (user.is_superuser or facilitates_a_coalition(user))


def coalitions_facilitated_by(user: User) -> QuerySet[Any]:
    """The coalitions ``user`` facilitates (every one for a superuser)."""
    coalitions = user.facilitated_coalitions  # declared by the coalition app
    return coalitions.model.objects.all() if user.is_superuser else coalitions.all()


def organisations_for(
    user: User | AnonymousUser, need: Access = Access.READ
) -> QuerySet[Organisation]:
    """The organisations where ``user`` has at least ``need``."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    condition = Q(memberships__user=user, memberships__role__in=_roles_at_least(need))
    if need <= Access.READ:
        condition |= facilitated_by(user)
    ids = Organisation.objects.filter(condition).values("pk")
    return Organisation.objects.filter(pk__in=ids)


def visible_to(user: User | AnonymousUser) -> QuerySet[Organisation]:
    return organisations_for(user, Access.READ)


def editable_by(user: User | AnonymousUser) -> QuerySet[Organisation]:
    return organisations_for(user, Access.CONTRIBUTE)


def administered_by(user: User | AnonymousUser) -> QuerySet[Organisation]:
    return organisations_for(user, Access.ADMINISTER)


def access_for(user: User | AnonymousUser, organisation: Organisation) -> OrganisationAccess | None:
    """The best access ``user`` has to ``organisation``, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return OrganisationAccess(organisation, Access.ADMINISTER, SUPERUSER)
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None:
        return OrganisationAccess(organisation, ROLE_ACCESS[Role(membership.role)], membership.role)
    if Organisation.objects.filter(facilitated_by(user), pk=organisation.pk).exists():
        return OrganisationAccess(organisation, Access.READ, FACILITATOR)
    return None


def access_organisation(
    user: User | AnonymousUser, slug: str, need: Access = Access.READ
) -> OrganisationAccess:
    """The organisation named by ``slug`` as ``user`` may use it.

    Raises Http404 when the user may not even see it (so its existence does not leak) and
    PermissionDenied when they see it but their role is not enough."""
    organisation = Organisation.objects.filter(slug=slug).first()
    access = access_for(user, organisation) if organisation is not None else None
    if access is None:
        raise Http404("No such organisation.")
    access.require(need)
    return access
