"""The roadmap's write rules, against the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from capnr.engine.catalogue import catalogue
from capnr.organisations.models import Role
from capnr.roadmap import selectors, services
from capnr.roadmap.models import ItemStatus, KpiTarget, PlanItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)


def create(access, **fields):
    return services.item_create(
        access=access, fields={"title": "Night shutdown", "theme": "strategy", **fields}
    )


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_a_due_date_before_the_start_is_refused(access):
    with pytest.raises(ValidationError) as caught:
        create(access, start_date=dt.date(2026, 5, 1), due_date=dt.date(2026, 4, 1))
    assert "due_date" in errors_of(caught.value)
    assert not PlanItem.objects.exists()


def test_abandoning_needs_a_reason(access):
    with pytest.raises(ValidationError) as caught:
        create(access, status=ItemStatus.ABANDONED, abandon_reason="  ")
    assert "abandon_reason" in errors_of(caught.value)
    item = create(access, status=ItemStatus.ABANDONED, abandon_reason="No budget this year")
    assert item.status == ItemStatus.ABANDONED


def test_a_negative_budget_is_refused(access):
    with pytest.raises(ValidationError) as caught:
        create(access, budget_eur=Decimal("-1"))
    assert "budget_eur" in errors_of(caught.value)


def test_the_owner_must_be_a_member_of_the_organisation(access, org_b, member):
    stranger = member(org_b, Role.REFERENT)
    with pytest.raises(ValidationError) as caught:
        create(access, owner=stranger)
    assert "owner" in errors_of(caught.value)


def test_an_empty_title_is_refused(access):
    with pytest.raises(ValidationError) as caught:
        create(access, title="   ")
    assert "title" in errors_of(caught.value)


def test_a_group_of_another_organisation_is_refused(access, org_b, member, access_of):
    other = services.group_create(
        access=access_of(member(org_b, Role.REFERENT), org_b), name="Bravo group"
    )
    with pytest.raises(ValidationError) as caught:
        create(access, working_group=other)
    assert "working_group" in errors_of(caught.value)


def test_an_item_from_a_catalogue_action_copies_its_kpis(access):
    action = catalogue().actions[0]
    item = services.item_create(
        access=access, fields={"title": "From the catalogue"}, action_id=action.id
    )
    assert item.action_id == action.id and item.theme == action.theme
    kpis = KpiTarget.objects.filter(item=item)
    assert sorted(kpi.kpi_id for kpi in kpis) == sorted(kpi.id for kpi in action.kpis)
    assert {kpi.unit for kpi in kpis} == {kpi.unit_fr for kpi in action.kpis}


def test_an_items_indicators_keep_their_unit_in_words_of_the_page_language(access):
    action = next(a for a in catalogue().actions if any(k.unit == "kWh/yr" for k in a.kpis))
    units = {}
    for language in ("fr", "en"):
        with translation.override(language):
            item = services.item_create(
                access=access, fields={"title": f"In {language}"}, action_id=action.id
            )
        units[language] = {kpi.unit for kpi in KpiTarget.objects.filter(item=item)}
    assert "kWh/an" in units["fr"] and "kWh/yr" in units["en"]
    assert not {"per year", "number", "count/yr"} & (units["fr"] | units["en"])


def test_an_unknown_catalogue_action_is_refused(access):
    with pytest.raises(ValidationError):
        services.item_create(access=access, fields={"title": "x"}, action_id="nope.nothing")


def test_only_the_referent_creates_items(org_a, member, access_of):
    contributor = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        create(access_of(contributor, org_a))


def test_the_owner_updates_their_item_but_cannot_hand_it_over(access, org_a, member, access_of):
    contributor = member(org_a, Role.CONTRIBUTOR)
    item = create(access, owner=contributor)
    contributor_access = access_of(contributor, org_a)
    services.item_update(
        access=contributor_access,
        item=item,
        user=contributor,
        expected_version=1,
        fields={"title": "Renamed", "theme": "strategy", "owner": None, "status": "in_progress"},
    )
    item.refresh_from_db()
    assert item.title == "Renamed" and item.owner == contributor and item.version == 2
    other = create(access, title="Not theirs")
    with pytest.raises(PermissionDenied):
        services.journal_add(
            access=contributor_access,
            item=other,
            user=contributor,
            date=dt.date.today(),
            text="Hello",
        )


def test_a_stale_save_raises_a_conflict_carrying_the_saved_version(access, referent):
    item = create(access)
    fields = {"title": "First", "theme": "strategy"}
    services.item_update(access=access, item=item, user=referent, expected_version=1, fields=fields)
    stale = PlanItem.objects.get(pk=item.pk)
    with pytest.raises(services.ItemConflict) as caught:
        services.item_update(
            access=access,
            item=stale,
            user=referent,
            expected_version=1,
            fields={"title": "Second", "theme": "strategy"},
        )
    assert caught.value.current.title == "First"
    assert PlanItem.objects.get(pk=item.pk).title == "First"


def test_journal_and_measurements_cannot_be_dated_in_the_future(access, referent):
    item = create(access)
    later = dt.date.today() + dt.timedelta(days=10)
    with pytest.raises(ValidationError):
        services.journal_add(access=access, item=item, user=referent, date=later, text="x")
    kpi = services.kpi_add(access=access, item=item, user=referent, label="Share off", unit="%")
    with pytest.raises(ValidationError):
        services.measurement_add(access=access, kpi=kpi, user=referent, date=later, value=1)


def test_the_bin_keeps_items_30_days_then_purges_them(access):
    from django.utils import timezone

    recent, old = create(access, title="Recent"), create(access, title="Old")
    services.item_delete(access=access, item=recent)
    services.item_delete(access=access, item=old)
    PlanItem.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    assert [item.title for item in selectors.item_bin(access=access)] == ["Recent"]
    assert not selectors.item_list(access=access).exists()
    services.purge_bin()
    assert list(PlanItem.objects.values_list("title", flat=True)) == ["Recent"]


def test_usual_groups_are_created_once(access):
    keys = ["quality", "data", "communication", "training", "equipment", "accessibility"]
    assert len(services.groups_from_templates(access=access, keys=keys)) == 6
    assert services.groups_from_templates(access=access, keys=keys) == []


def test_a_group_member_is_a_member_of_the_organisation_or_a_name(access, org_b, member):
    group = services.group_create(access=access, name="Equipment")
    with pytest.raises(ValidationError):
        services.member_add(access=access, group=group, user_id=member(org_b).pk)
    with pytest.raises(ValidationError):
        services.member_add(access=access, group=group)
    guest = services.member_add(access=access, group=group, name="Camille", email="C@Example.org")
    assert guest.email == "c@example.org"


def test_the_effect_sums_scenarios_and_what_is_done(access):
    from capnr.actions.models import Scenario

    def scenario(kwh, kg):
        return Scenario.objects.create(
            organisation=access.organisation,
            model_id="auto_shutdown",
            name="s",
            results={
                "kwh": {"value": kwh, "low": kwh / 2, "high": kwh * 2},
                "eur": {"value": kwh / 5, "low": kwh / 10, "high": kwh / 2},
                "kgco2e_total": {"value": kg, "low": kg / 2, "high": kg * 2},
            },
            method_version="1",
            data_version="1",
        )

    create(access, title="Done", status=ItemStatus.DONE, scenario=scenario(1000, 50))
    create(access, title="Planned", scenario=scenario(3000, 150))
    create(
        access,
        title="Dropped",
        status=ItemStatus.ABANDONED,
        abandon_reason="no",
        scenario=scenario(9, 9),
    )
    effect = selectors.roadmap_effect(list(selectors.item_list(access=access)))
    assert effect.expected.items == 2 and effect.expected.kwh == 4000
    assert effect.expected.low_kwh == 2000 and effect.expected.high_kgco2e == 400
    assert effect.done.items == 1 and effect.done.eur == 200


def test_the_roadmap_approval_is_recorded_by_the_referent_only(org_a, member, access_of):
    from django.utils import timezone

    referent = member(org_a, Role.REFERENT)
    access = access_of(referent, org_a)
    with pytest.raises(ValidationError):
        services.approval_record(
            access=access,
            user=referent,
            approved_on=timezone.localdate() + dt.timedelta(days=3),
            approved_by="Comité de direction",
        )
    with pytest.raises(ValidationError):
        services.approval_record(
            access=access, user=referent, approved_on=timezone.localdate(), approved_by=" "
        )
    services.approval_record(
        access=access, user=referent, approved_on=dt.date(2025, 10, 2), approved_by="Comité"
    )
    assert selectors.latest_approval(access=access).approved_by == "Comité"
    contributor = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.approval_record(
            access=access_of(contributor, org_a),
            user=contributor,
            approved_on=dt.date(2025, 10, 2),
            approved_by="Moi",
        )
