from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from capnr.core.versioned import StaleEditError
from capnr.organisations import services
from capnr.organisations.forms import OrganisationProfileForm
from capnr.organisations.models import Department, Invitation, Membership, Role, Site, User


def accept_url(raw: str) -> str:
    return f"https://capnr.test/invitations/{raw}/"


def test_site_create_update_delete_by_the_referent(org_a, member, access_of):
    access = access_of(member(org_a), org_a)
    site = services.site_create(access=access, name="  Depot  ", commune="Lorcy")
    assert site.name == "Depot" and site.version == 1
    services.site_update(access=access, site=site, expected_version=1, name="Main depot")
    site.refresh_from_db()
    assert site.name == "Main depot" and site.version == 2
    services.site_delete(access=access, site=site)
    assert not Site.objects.filter(pk=site.pk).exists()


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER])
def test_only_the_referent_changes_sites(role, org_a, member, access_of):
    access = access_of(member(org_a, role), org_a)
    with pytest.raises(PermissionDenied):
        services.site_create(access=access, name="Nope")
    site = org_a.sites.get()
    with pytest.raises(PermissionDenied):
        services.site_update(access=access, site=site, expected_version=1, name="Nope")
    with pytest.raises(PermissionDenied):
        services.site_delete(access=access, site=site)
    assert org_a.sites.get().name == "Alpha hidden site"


def test_a_site_of_another_organisation_cannot_be_touched(org_a, org_b, member, access_of):
    access = access_of(member(org_a), org_a)
    foreign = org_b.sites.get()
    with pytest.raises(PermissionDenied):
        services.site_update(access=access, site=foreign, expected_version=1, name="Taken")
    with pytest.raises(PermissionDenied):
        services.site_delete(access=access, site=foreign)


def test_duplicate_site_name_is_a_field_error(org_a, member, access_of):
    access = access_of(member(org_a), org_a)
    with pytest.raises(ValidationError) as error:
        services.site_create(access=access, name="Alpha hidden site")
    assert "name" in error.value.message_dict


def test_second_save_from_a_stale_version_is_refused_and_nothing_is_lost(org_a, member, access_of):
    access = access_of(member(org_a), org_a)
    first_copy = Site.objects.get(organisation=org_a)
    second_copy = Site.objects.get(organisation=org_a)
    services.site_update(access=access, site=first_copy, expected_version=1, name="First")
    with pytest.raises(StaleEditError):
        services.site_update(access=access, site=second_copy, expected_version=1, name="Second")
    assert Site.objects.get(organisation=org_a).name == "First"


def test_profile_update_checks_siret_and_version(org_a, member, access_of):
    access = access_of(member(org_a), org_a)
    with pytest.raises(ValidationError) as error:
        services.organisation_update(access=access, expected_version=1, siret="12345678901234")
    assert "siret" in error.value.message_dict
    org_a.refresh_from_db()
    services.organisation_update(
        access=access, expected_version=org_a.version, siret="732 829 320 00074", headcount=120
    )
    org_a.refresh_from_db()
    assert org_a.siret == "73282932000074" and org_a.headcount == 120


def test_profile_records_a_company_turnover_above_250m(org_a, member, access_of):
    """The accessibility obligations reach companies above €250 M: the profile must say so."""
    access = access_of(member(org_a), org_a)
    assert org_a.turnover_over_250m is False  # the default: nothing changes for existing rows
    services.organisation_update(
        access=access, expected_version=org_a.version, kind="company", turnover_over_250m=True
    )
    org_a.refresh_from_db()
    assert org_a.kind == "company" and org_a.turnover_over_250m is True
    form = OrganisationProfileForm(instance=org_a)
    assert "turnover_over_250m" in form.fields
    assert set(form.Meta.fields) <= set(services.ORGANISATION_PROFILE_FIELDS)


def test_department_cannot_become_part_of_itself(org_a, member, access_of):
    access = access_of(member(org_a), org_a)
    top = services.department_create(access=access, name="Direction")
    middle = services.department_create(access=access, name="Secrétariat", parent=top)
    bottom = services.department_create(access=access, name="SI", parent=middle)
    with pytest.raises(ValidationError):
        services.department_update(access=access, department=top, expected_version=1, parent=bottom)
    with pytest.raises(ValidationError):
        services.department_delete(access=access, department=top)  # still has children
    services.department_delete(access=access, department=bottom)
    assert not Department.objects.filter(pk=bottom.pk).exists()


def test_department_parent_must_be_in_the_same_organisation(org_a, org_b, member, access_of):
    access = access_of(member(org_a), org_a)
    foreign = Department.objects.create(organisation=org_b, name="Foreign")
    with pytest.raises(ValidationError):
        services.department_create(access=access, name="Child", parent=foreign)


def test_the_last_referent_cannot_leave_or_be_demoted(org_a, member, access_of):
    referent = member(org_a)
    access = access_of(referent, org_a)
    membership = Membership.objects.get(user=referent)
    with pytest.raises(ValidationError):
        services.membership_change_role(access=access, membership=membership, role=Role.READER)
    with pytest.raises(ValidationError):
        services.membership_remove(access=access, membership=membership)
    other = member(org_a)
    services.membership_remove(access=access, membership=Membership.objects.get(user=other))
    assert list(org_a.memberships.values_list("user", flat=True)) == [referent.pk]


@pytest.mark.django_db(transaction=True)
def test_invitation_is_emailed_single_use_and_creates_the_account(org_a, member, access_of):
    referent = member(org_a)
    invitation = services.invitation_create(
        access=access_of(referent, org_a),
        invited_by=referent,
        email="New@Example.org",
        role=Role.CONTRIBUTOR,
        build_accept_url=accept_url,
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    raw = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    assert invitation.token_hash != raw  # only a hash is stored

    membership = services.invitation_accept(
        raw_token=raw, user=None, full_name="Nouvelle", password="a-long-enough-password"
    )
    assert membership.role == Role.CONTRIBUTOR
    assert User.objects.get(email="new@example.org").check_password("a-long-enough-password")
    with pytest.raises(services.InvitationUnusable) as error:
        services.invitation_accept(raw_token=raw, user=None)
    assert error.value.reason == "used"


@pytest.mark.django_db(transaction=True)
def test_expired_revoked_and_unknown_invitations_say_why(org_a, member, access_of):
    referent = member(org_a)
    access = access_of(referent, org_a)
    services.invitation_create(
        access=access,
        invited_by=referent,
        email="a@example.org",
        role=Role.READER,
        build_accept_url=accept_url,
    )
    first_raw = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    services.invitation_create(
        access=access,
        invited_by=referent,
        email="a@example.org",
        role=Role.READER,
        build_accept_url=accept_url,
    )
    second_raw = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    with pytest.raises(services.InvitationUnusable) as error:
        services.invitation_find(raw_token=first_raw)
    assert error.value.reason == "revoked"  # replaced by the newer one

    Invitation.objects.filter(email="a@example.org", revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationUnusable) as error:
        services.invitation_find(raw_token=second_raw)
    assert error.value.reason == "expired"
    with pytest.raises(services.InvitationUnusable) as error:
        services.invitation_find(raw_token="not-a-token")
    assert error.value.reason == "unknown" and error.value.invitation is None

    notified = services.invitation_request_new(
        invitation=error.value.invitation or Invitation.objects.first(), message_url="x"
    )
    assert notified == 1 and referent.email in mail.outbox[-1].to


def test_inviting_an_existing_member_is_a_field_error(org_a, member, access_of):
    referent = member(org_a)
    with pytest.raises(ValidationError) as error:
        services.invitation_create(
            access=access_of(referent, org_a),
            invited_by=referent,
            email=referent.email.upper(),
            role=Role.READER,
            build_accept_url=accept_url,
        )
    assert "email" in error.value.message_dict


def test_accepting_as_an_existing_member_never_lowers_their_role(org_a, member, access_of):
    referent = member(org_a)
    invitee = member(org_a, Role.CONTRIBUTOR)
    Membership.objects.filter(user=invitee).delete()
    Membership.objects.create(user=invitee, organisation=org_a, role=Role.CONTRIBUTOR)
    raw = "raw-token-for-test"
    from capnr.core.tokens import hash_token

    Invitation.objects.create(
        organisation=org_a,
        email=invitee.email,
        role=Role.READER,
        token_hash=hash_token(raw),
        invited_by=referent,
    )
    membership = services.invitation_accept(raw_token=raw, user=invitee)
    assert membership.role == Role.CONTRIBUTOR
