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

The facilitator's rights, all of them decided here and in ``OrganisationAccess``:
- in each organisation of their coalition's cohorts (alumni included), READ with the role
  ``facilitator``, plus ``can_run_diagnostic`` (the workshop); never CONTRIBUTE, so never the
  inventory, the roadmap, the members or the profile, and never ``can_submit_diagnostic``;
- in their coalition (:func:`coalition_access`, :func:`cohort_access`, :func:`get_for_cohort`):
  ``can_manage``: its cohorts, their organisations, sessions and attendance, and the private
  notes, which only the coalition's facilitators read;
- a member of an organisation in a cohort reads that cohort, its sessions and its coalition's
  name, but manages nothing and never reads a note; anyone else gets 404.

Past the organisation, the query layer enforces the access (``capnr.core.owned``):
``Model.objects.for_access(access)``, ``.editable_by(access)``, ``get_for_access(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from capnr.core.access import FACILITATOR, SUPERUSER, Access, OrganisationAccess

from ..models import Membership, Organisation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ..models import User


ROLE_ACCESS = {
    Role.READER: Access.READ,
    Role.CONTRIBUTOR: Access.CONTRIBUTE,
    Role.REFERENT: Access.ADMINISTER,
}


def _roles_at_least(need: Access) -> list[str]:
    return [role.value for role, level in ROLE_ACCESS.items() if level >= need]


def facilitated_by(user: User) -> Q:
    """Organisations in a cohort of a coalition ``user`` facilitates (they READ them); an
    invitation the organisation has not accepted yet gives nothing."""
    return Q(
        cohort_memberships__pending=False,
        cohort_memberships__cohort__coalition__facilitators=user,
    )


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


# Coalition-owned rows (cohorts, sessions, attendance, notes). The coalition app is above this
# one: its models are reached through the relations it declares on Organisation and User.


@dataclass(frozen=True)
class CoalitionAccess:
    """What one user may do in one coalition: read its cohorts (a facilitator, or a member of
    one of its organisations) and, for ``can_manage``, run them and read the notes."""

    coalition: Any  # a capnr.coalition.models.Coalition
    can_manage: bool  # a facilitator of the coalition, or a superuser
    organisation_ids: frozenset[int]  # the user's own organisations among its cohorts'

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only the coalition's facilitators do this.")


def _cohort_model() -> type[Model]:
    return Organisation._meta.get_field("cohorts").related_model  # type: ignore[return-value]


def _member_organisation_ids(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def coalitions_visible_to(user: User | AnonymousUser) -> QuerySet[Any]:
    """The coalitions ``user`` facilitates or has an organisation in (all for a superuser)."""
    coalition_model = _cohort_model()._meta.get_field("coalition").related_model
    if not user.is_authenticated or not user.is_active:
        return coalition_model._default_manager.none()  # type: ignore[union-attr]
    rows = coalition_model._default_manager.all()  # type: ignore[union-attr]
    if user.is_superuser:
        return rows
    ids = rows.filter(
        Q(facilitators=user)
        | Q(
            cohorts__memberships__pending=False,
            cohorts__memberships__organisation__memberships__user=user,
        )
    ).values("pk")
    return rows.filter(pk__in=ids)


def cohorts_visible_to(user: User | AnonymousUser) -> QuerySet[Any]:
    """The cohorts of the coalitions ``user`` facilitates, and those holding one of their
    organisations (all for a superuser)."""
    rows = _cohort_model()._default_manager.all()
    if not user.is_authenticated or not user.is_active:
        return rows.none()
    if user.is_superuser:
        return rows
    ids = rows.filter(
        Q(coalition__facilitators=user)
        | Q(memberships__pending=False, memberships__organisation__memberships__user=user)
    ).values("pk")
    return rows.filter(pk__in=ids)


def _access_to(user: User | AnonymousUser, coalition: Any) -> CoalitionAccess:
    if user.is_superuser:
        return CoalitionAccess(coalition, True, frozenset())
    manages = coalition.facilitators.filter(pk=user.pk).exists()
    own = _member_organisation_ids(user)  # type: ignore[arg-type]
    in_coalition = set(
        Organisation.objects.filter(
            pk__in=own,
            cohort_memberships__pending=False,
            cohort_memberships__cohort__coalition=coalition,
        ).values_list("pk", flat=True)
    )
    return CoalitionAccess(coalition, manages, frozenset(in_coalition))


def coalition_access(
    user: User | AnonymousUser, slug: str, *, manage: bool = False
) -> CoalitionAccess:
    """The coalition named ``slug`` as ``user`` may use it: Http404 when they may not see it,
    PermissionDenied when they see it but ``manage`` is asked of a non-facilitator."""
    coalition = coalitions_visible_to(user).filter(slug=slug).first()
    if coalition is None:
        raise Http404("No such coalition.")
    access = _access_to(user, coalition)
    if manage:
        access.require_manage()
    return access


def cohort_access(
    user: User | AnonymousUser, coalition_slug: str, cohort_id: Any, *, manage: bool = False
) -> tuple[Any, CoalitionAccess]:
    """The cohort ``cohort_id`` of the coalition ``coalition_slug`` and the user's access:
    Http404 when not visible, PermissionDenied when ``manage`` is asked of a non-facilitator."""
    cohort = (
        cohorts_visible_to(user)
        .filter(pk=cohort_id, coalition__slug=coalition_slug)
        .select_related("coalition")
        .first()
    )
    if cohort is None:
        raise Http404("No such cohort.")
    access = _access_to(user, cohort.coalition)
    if manage:
        access.require_manage()
    return cohort, access


def get_for_cohort(
    rows: QuerySet[Any], pk: Any, user: User | AnonymousUser, *, manage: bool = False
) -> tuple[Any, CoalitionAccess]:
    """One row of a cohort (a session, say: ``rows`` has a ``cohort`` key) as ``user`` may use
    it, the ``get_for_access`` of coalition rows: Http404 when its cohort is not visible to
    them, PermissionDenied when ``manage`` is asked of a non-facilitator."""
    row = (
        rows.filter(pk=pk, cohort__in=cohorts_visible_to(user).values("pk"))
        .select_related("cohort__coalition")
        .first()
    )
    if row is None:
        raise Http404("No such row in your cohorts.")
    access = _access_to(user, row.cohort.coalition)
    if manage:
        access.require_manage()
    return row, access


def coalition_organisation(access: CoalitionAccess, slug: str) -> Organisation:
    """An organisation of one of the coalition's cohorts (alumni included), for its
    facilitators: Http404 when it is in none of them, PermissionDenied for anyone else."""
    access.require_manage()
    organisation = Organisation.objects.filter(
        slug=slug,
        cohort_memberships__pending=False,
        cohort_memberships__cohort__coalition=access.coalition,
    ).first()
    if organisation is None:
        raise Http404("No such organisation in this coalition.")
    return organisation
