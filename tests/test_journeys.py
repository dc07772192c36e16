"""Journeys through HTTP as people use the product: log in, read, edit, invite, fail clearly."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from capnr.organisations.models import Invitation, Membership, Role, Site
from conftest import PASSWORD


def login(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.django_db
def test_log_in_with_email_lands_on_the_organisation_journey(client, org_a, member):
    user = member(org_a, Role.REFERENT)
    login(client, user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{org_a.slug}/"
    page = response.content.decode()
    assert "Alpha secret agency" in page
    assert page.count('<li class="step ') == 7  # the seven steps, every one built
    assert 'class="step status-coming' not in page
    assert "Profil" in page  # French by default


@pytest.mark.django_db
def test_english_is_complete_for_the_shell(client, org_a, member):
    login(client, member(org_a))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(f"/o/{org_a.slug}/").content.decode()
    assert 'lang="en"' in page and "Where you stand" in page and "Review" in page


@pytest.mark.django_db
def test_wrong_password_gets_a_message_not_a_stack_trace(client, org_a, member):
    user = member(org_a)
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


@pytest.mark.django_db
def test_profile_edit_shows_field_errors_in_french_and_saves_valid_input(client, org_a, member):
    login(client, member(org_a))
    url = reverse("organisations:profile_edit", args=[org_a.slug])
    data = {
        "name": "Alpha",
        "kind": "state_service",
        "headcount": "-3",
        "siret": "123",
        "purchasing_bracket": "unknown",
        "version": org_a.version,
    }
    page = client.post(url, data).content.decode()
    assert "SIRET" in page and "14 chiffres" in page
    assert "supérieure ou égale à 0" in page  # Django's own French message for the headcount
    data.update(headcount="600", siret="73282932000074")
    response = client.post(url, data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.headcount == 600 and org_a.version == 2


@pytest.mark.django_db
def test_a_stale_profile_form_is_refused_with_a_clear_message(client, org_a, member):
    login(client, member(org_a))
    url = reverse("organisations:profile_edit", args=[org_a.slug])
    base = {"kind": "state_service", "purchasing_bracket": "unknown", "version": 1}
    assert client.post(url, {**base, "name": "First save"}).status_code == 302
    page = client.post(url, {**base, "name": "Second save"}).content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a modifié" in page  # “changed by someone else”
    org_a.refresh_from_db()
    assert org_a.name == "First save"


@pytest.mark.django_db
def test_sites_can_be_added_edited_and_deleted_after_confirmation(client, org_a, member):
    login(client, member(org_a))
    slug = org_a.slug
    client.post(
        reverse("organisations:site_create", args=[slug]),
        {"name": "Dépôt nord", "commune": "Lorcy", "kind": "operations"},
    )
    site = Site.objects.get(organisation=org_a, name="Dépôt nord")
    confirm = client.get(reverse("organisations:site_delete", args=[slug, site.pk]))
    assert confirm.status_code == 200 and "Dépôt nord" in confirm.content.decode()
    assert Site.objects.filter(pk=site.pk).exists()  # nothing deleted before confirming
    client.post(reverse("organisations:site_delete", args=[slug, site.pk]))
    assert not Site.objects.filter(pk=site.pk).exists()


@pytest.mark.django_db
def test_list_pages_use_a_fixed_number_of_queries(
    client, org_a, member, django_assert_max_num_queries
):
    login(client, member(org_a))
    for number in range(30):
        Site.objects.create(organisation=org_a, name=f"Site {number}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organisations:sites", args=[org_a.slug])).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("organisations:departments", args=[org_a.slug])).status_code == 200
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organisations:members", args=[org_a.slug])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_invitation_journey_from_email_to_membership(client, org_a, member):
    login(client, member(org_a))
    client.post(
        reverse("organisations:member_invite", args=[org_a.slug]),
        {"email": "nouvelle@example.org", "role": "contributor"},
    )
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    client.logout()
    page = client.get(link).content.decode()
    assert "Alpha secret agency" in page
    response = client.post(
        link,
        {
            "full_name": "Nouvelle Personne",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="nouvelle@example.org").role == Role.CONTRIBUTOR
    reused = client.get(link)
    assert reused.status_code == 410
    assert "déjà été utilisée" in reused.content.decode()
    assert "Demander une nouvelle invitation" in reused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_expired_invitation_offers_to_ask_for_a_new_one(client, org_a, member):
    referent = member(org_a)
    from capnr.core.tokens import hash_token

    Invitation.objects.create(
        organisation=org_a,
        email="late@example.org",
        role=Role.READER,
        token_hash=hash_token("late-link"),
        invited_by=referent,
        expires_at="2020-01-01T00:00:00Z",
    )
    page = client.get("/invitations/late-link/")
    assert page.status_code == 410 and "expiré" in page.content.decode()
    done = client.post("/invitations/late-link/request-new/")
    assert done.status_code == 200
    assert mail.outbox[-1].to == [referent.email]


@pytest.mark.django_db
def test_password_reset_sends_a_single_use_link(client, org_a, member):
    user = member(org_a)
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    new = "another-strong-password"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


@pytest.mark.django_db
def test_a_user_in_two_organisations_switches_between_them(client, org_a, org_b, member):
    user = member(org_a)
    Membership.objects.create(user=user, organisation=org_b, role=Role.READER)
    login(client, user)
    page = client.get(f"/o/{org_a.slug}/").content.decode()
    assert 'name="organisation"' in page and "Bravo commune" in page
    response = client.post(reverse("web:switch"), {"organisation": org_b.slug})
    assert response["Location"] == f"/o/{org_b.slug}/"
    refused = client.post(reverse("web:switch"), {"organisation": "someone-else"})
    assert refused["Location"] == "/"


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_use_the_site_layout(client, org_a, member):
    login(client, member(org_a, Role.READER))
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Cap NR" in missing.content.decode()
    forbidden = client.get(reverse("organisations:site_create", args=[org_a.slug]))
    assert forbidden.status_code == 403
    assert "référent" in forbidden.content.decode()
    assert "Traceback" not in forbidden.content.decode()


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_login(client, org_a, member):
    user = member(org_a)
    for _attempt in range(3):
        client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()


@pytest.mark.django_db
def test_facilitator_sees_cohort_organisations_read_only(client, org_a, org_b, make_user):
    from capnr.coalition.models import Coalition, Cohort, CohortMembership

    facilitator = make_user()
    coalition = Coalition.objects.create(name="Coalition test", slug="coalition-test")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    login(client, facilitator)
    assert client.get("/")["Location"] == reverse("coalition:list")
    page = client.get(reverse("coalition:list")).content.decode()
    assert "Alpha secret agency" in page and "Bravo commune" not in page
    sites = client.get(reverse("organisations:sites", args=[org_a.slug])).content.decode()
    assert "Alpha hidden site" in sites and "/sites/new/" not in sites


@pytest.mark.django_db
def test_french_is_the_default_even_for_an_english_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr"' in page.content.decode() and "Se connecter" in page.content.decode()
