"""The query layer enforces tenancy, exhaustively: every role against one organisation-owned
model of each app (and the rows that hang off another one), through ``for_access``,
``editable_by``, ``get_for_access`` and ``require_same_organisation``.

Anonymous visitors and outsiders never get an access to the organisation (tenancy answers 404);
what they do get, an outsider's access to their own organisation, reaches none of its rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from capnr.coalition.models import Coalition, Cohort, CohortMembership, Milestone
from capnr.collection.models import Campaign, CollectionPoint, Deposit, Team
from capnr.core.access import Access, OrganisationAccess
from capnr.core.owned import (
    belongs_to,
    get_for_access,
    organisation_id_of,
    require_same_organisation,
)
from capnr.diagnostics.models import Delegation, Diagnostic
from capnr.inventory.models import Asset
from capnr.organisations.models import Organisation, Role, Site
from capnr.organisations.tenancy import access_for, access_organisation
from capnr.roadmap.models import KpiTarget, PlanItem
from capnr.roadmap.services import can_edit_item
from capnr.training.models import (
    Registration,
    SkillsCampaign,
    SkillsResponse,
    Trainee,
    TrainingOffer,
    TrainingSession,
)

ROLES = ["reader", "contributor", "referent", "facilitator", "superuser"]
LEVEL = {
    "reader": Access.READ,
    "contributor": Access.CONTRIBUTE,
    "referent": Access.ADMINISTER,
    "facilitator": Access.READ,
    "superuser": Access.ADMINISTER,
}
# Who changes every row of each model; a contributor also changes the roadmap rows they own,
# and the deposits of the collection box they are in charge of.
EDITS_ALL = {
    Site: {"referent", "superuser"},
    Asset: {"contributor", "referent", "superuser"},
    Diagnostic: {"referent", "facilitator", "superuser"},
    Delegation: {"referent", "facilitator", "superuser"},
    PlanItem: {"referent", "superuser"},
    KpiTarget: {"referent", "superuser"},
    Deposit: {"referent", "superuser"},
    # Training is organised by HR and managers (contributors) as well as the référent.
    Registration: {"contributor", "referent", "superuser"},
    SkillsResponse: {"contributor", "referent", "superuser"},
    Milestone: {"superuser"},  # the cohort's facilitators record them, through their services
}
MODELS = list(EDITS_ALL)


@dataclass
class World:
    organisation: Organisation
    other: Organisation
    users: dict[str, object]
    rows: dict[type, list]  # the organisation's rows of each model; [0] is the contributor's
    foreign: dict[type, object]  # one row of the other organisation per model


def _rows_of(organisation: Organisation, owner: object, year: int = 2025) -> dict[type, list]:
    site = Site.objects.filter(organisation=organisation).first() or Site.objects.create(
        organisation=organisation, name=f"Site of {organisation.slug}"
    )
    assets = [
        Asset.objects.create(organisation=organisation, category="laptop", name=n) for n in "ab"
    ]
    diagnostic = Diagnostic.objects.create(
        organisation=organisation, year=year, referential_version="test"
    )
    delegation = Delegation.objects.create(
        diagnostic=diagnostic,
        question_id="strategy.01",
        email="x@example.org",
        token_hash=f"{organisation.pk}",
    )
    owned = PlanItem.objects.create(
        organisation=organisation, theme="strategy", title="Owned", owner=owner
    )
    other = PlanItem.objects.create(organisation=organisation, theme="strategy", title="Not owned")
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Campaign",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 1, 31),
        item_types=["phones"],
    )
    team = Team.objects.create(campaign=campaign, name="Team", headcount=3)
    kept = CollectionPoint.objects.create(
        campaign=campaign, site=site, location="Hall", person_in_charge=owner
    )
    unkept = CollectionPoint.objects.create(campaign=campaign, site=site, location="Floor 2")
    cohort = Cohort.objects.create(
        coalition=Coalition.objects.get_or_create(name="Milestones", slug="milestones")[0],
        name=f"Cohort of {organisation.slug}",
        year=year,
    )
    membership = CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    training = _training_rows_of(organisation)
    return {
        **training,
        Milestone: [
            Milestone.objects.create(
                membership=membership, kind="closing", reached_on=dt.date(year, 12, 1)
            )
        ],
        Site: [site],
        Asset: assets,
        Diagnostic: [diagnostic],
        Delegation: [delegation],
        PlanItem: [owned, other],
        KpiTarget: [
            KpiTarget.objects.create(item=owned, label="k"),
            KpiTarget.objects.create(item=other, label="k"),
        ],
        Deposit: [
            Deposit.objects.create(point=kept, team=team, phones=1),
            Deposit.objects.create(point=unkept, team=team, phones=2),
        ],
    }


def _training_rows_of(organisation: Organisation) -> dict[type, list]:
    """A registration three keys away from its organisation, and an anonymous answer."""
    import datetime as dt

    from django.utils import timezone

    offer = TrainingOffer.objects.create(
        organisation=organisation, kind="own", title="Offer", duration_hours=1
    )
    now = timezone.now()
    session = TrainingSession.objects.create(
        offer=offer,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        capacity=5,
        trainer_name="T",
    )
    trainee = Trainee.objects.create(organisation=organisation, name="Someone")
    campaign = SkillsCampaign.objects.create(
        organisation=organisation, name="Campaign", link_token=f"token-{organisation.pk}"
    )
    return {
        Registration: [Registration.objects.create(session=session, trainee=trainee)],
        SkillsResponse: [
            SkillsResponse.objects.create(campaign=campaign, answers={}, submitted_on=now.date())
        ],
    }


@pytest.fixture
def world(org_a, org_b, member, make_user) -> World:
    users = {
        "reader": member(org_a, Role.READER),
        "contributor": member(org_a, Role.CONTRIBUTOR),
        "referent": member(org_a, Role.REFERENT),
        "facilitator": make_user(),
        "superuser": make_user(is_superuser=True, is_staff=True),
        "outsider": member(org_b, Role.REFERENT),
    }
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    coalition.facilitators.add(users["facilitator"])
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    rows = _rows_of(org_a, users["contributor"])
    foreign = {model: found[0] for model, found in _rows_of(org_b, users["outsider"]).items()}
    return World(org_a, org_b, users, rows, foreign)


def _access(world: World, role: str) -> OrganisationAccess:
    access = access_for(world.users[role], world.organisation)
    assert access is not None and access.level == LEVEL[role]
    return access


def _pks(rows) -> set[int]:
    return {row.pk for row in rows}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_for_access_gives_the_organisations_rows_and_no_other(world, role, model):
    access = _access(world, role)
    assert _pks(model.objects.for_access(access)) == _pks(world.rows[model])
    assert world.foreign[model].pk not in _pks(model.objects.for_access(access))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_for_accesses_gives_the_rows_of_each_access_and_no_other(world, model):
    access = _access(world, "reader")
    assert _pks(model.objects.for_accesses([access])) == _pks(world.rows[model])
    assert not model.objects.for_accesses([]).exists()
    outsider = access_for(world.users["outsider"], world.other)
    both = _pks(model.objects.for_accesses([access, outsider]))
    assert _pks(world.rows[model]) <= both and world.foreign[model].pk in both


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_editable_by_follows_each_models_rule(world, role, model):
    access = _access(world, role)
    user = world.users[role]
    editable = _pks(model.objects.editable_by(access, user))
    if role in EDITS_ALL[model]:
        expected = _pks(world.rows[model])
    elif role == "contributor" and model in (PlanItem, KpiTarget, Deposit):
        expected = {world.rows[model][0].pk}  # the item they own and its indicator; their box
    else:
        expected = set()
    assert editable == expected
    assert world.foreign[model].pk not in _pks(model.objects.editable_by(access, user))
    if role not in EDITS_ALL[model]:  # without knowing who holds it, nothing they own counts
        assert not model.objects.editable_by(access).exists()
        assert not model.objects.editable_by(access, AnonymousUser()).exists()


@pytest.mark.parametrize("role", ROLES)
def test_editable_items_are_the_items_can_edit_item_allows(world, role):
    access = _access(world, role)
    user = world.users[role]
    allowed = {item.pk for item in world.rows[PlanItem] if can_edit_item(access, item, user)}
    assert _pks(PlanItem.objects.editable_by(access, user)) == allowed


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_get_for_access_is_404_outside_and_403_below_the_need(world, role, model):
    access = _access(world, role)
    row = world.rows[model][0]
    assert get_for_access(model, row.pk, access) == row
    assert get_for_access(model.objects.all(), row.pk, access) == row
    with pytest.raises(Http404):
        get_for_access(model, world.foreign[model].pk, access)
    with pytest.raises(Http404):
        get_for_access(model, 10**9, access)
    for need in Access:
        if LEVEL[role] >= need:
            assert get_for_access(model, row.pk, access, need=need) == row
        else:
            with pytest.raises(PermissionDenied):
                get_for_access(model, row.pk, access, need=need)
        with pytest.raises(Http404):  # not visible wins over not enough
            get_for_access(model, world.foreign[model].pk, access, need=need)


def test_get_for_access_keeps_the_narrowing_of_the_queryset_it_is_given(world):
    access = _access(world, "referent")
    owned, other = world.rows[PlanItem]
    assert get_for_access(PlanItem.objects.filter(title="Owned"), owned.pk, access) == owned
    with pytest.raises(Http404):
        get_for_access(PlanItem.objects.filter(title="Owned"), other.pk, access)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_the_ownership_check_refuses_another_organisations_row(world, role, model):
    access = _access(world, role)
    for row in world.rows[model]:
        require_same_organisation(access, row)
        assert belongs_to(access, row)
        assert organisation_id_of(row) == world.organisation.pk
    foreign = world.foreign[model]
    assert not belongs_to(access, foreign)
    with pytest.raises(PermissionDenied, match="belongs to another organisation"):
        require_same_organisation(access, foreign)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_for_accesses_gives_the_rows_of_exactly_the_accesses_organisations(world, model):
    mine = _access(world, "reader")
    theirs = access_for(world.users["outsider"], world.other)
    assert theirs is not None
    assert _pks(model.objects.for_accesses([mine])) == _pks(world.rows[model])
    both = _pks(model.objects.for_accesses([mine, theirs]))
    assert both >= _pks(world.rows[model]) | {world.foreign[model].pk}
    assert both == _pks(model.objects.for_access(mine)) | _pks(model.objects.for_access(theirs))
    assert not model.objects.for_accesses([]).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_an_outsider_and_an_anonymous_visitor_reach_no_row(world, model):
    outsider = world.users["outsider"]
    for user in (AnonymousUser(), outsider):
        with pytest.raises(Http404):
            access_organisation(user, world.organisation.slug)
    own = access_for(outsider, world.other)  # what the outsider does hold
    assert own is not None and own.level == Access.ADMINISTER
    assert world.foreign[model].pk in _pks(model.objects.for_access(own))
    assert not model.objects.for_access(own).filter(pk__in=_pks(world.rows[model])).exists()
    assert (
        not model.objects.editable_by(own, outsider).filter(pk__in=_pks(world.rows[model])).exists()
    )
    for row in world.rows[model]:
        with pytest.raises(Http404):
            get_for_access(model, row.pk, own, need=Access.ADMINISTER)
        with pytest.raises(PermissionDenied):
            require_same_organisation(own, row)


def test_a_model_that_is_not_organisation_owned_is_refused(world):
    access = _access(world, "referent")
    with pytest.raises(TypeError, match="not organisation-owned"):
        get_for_access(Organisation, world.organisation.pk, access)
