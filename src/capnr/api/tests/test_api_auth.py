"""Who the API answers: a write with no credentials or a dead token gets 401 and says how to
authenticate; a password change or reset revokes the account's tokens."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from capnr.api.models import ApiToken
from capnr.api.services import api_token_create, api_token_revoke
from capnr.organisations.models import Role, Site
from conftest import PASSWORD

SITES = "/api/v1/organisations/alpha/sites"


def post_site(client: Client, **headers: str):
    return client.post(SITES, json.dumps({"name": "X"}), content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_write_without_credentials_is_401_with_www_authenticate(org_a):
    response = post_site(Client(enforce_csrf_checks=True))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Site.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_a_write_with_a_revoked_token_is_401_invalid_token(org_a, member):
    user = member(org_a, Role.REFERENT)
    token, raw = api_token_create(user=user, name="script")
    api_token_revoke(user=user, token_id=token.pk)
    response = post_site(Client(enforce_csrf_checks=True), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert not Site.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_a_logged_in_session_still_needs_the_csrf_token_and_a_live_token_does_not(org_a, member):
    user = member(org_a, Role.REFERENT)
    session = Client(enforce_csrf_checks=True)
    session.force_login(user)
    assert post_site(session).status_code == 403
    _, raw = api_token_create(user=user, name="script")
    scripted = post_site(Client(enforce_csrf_checks=True), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert scripted.status_code == 201


def live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


@pytest.mark.django_db
def test_changing_the_password_revokes_the_api_tokens(client, org_a, member):
    user = member(org_a)
    _, raw = api_token_create(user=user, name="script")
    client.force_login(user)
    form = client.get(reverse("password_change")).content.decode()
    assert "API" in form  # the page says what will happen to the tokens
    new = "another-strong-password"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert live_tokens(user) == 0
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_a_password_reset_revokes_the_api_tokens(client, org_a, member):
    user = member(org_a)
    api_token_create(user=user, name="script")
    api_token_create(user=user, name="another")
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    assert "API" in form.content.decode()
    new = "another-strong-password"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)
    assert live_tokens(user) == 0


@pytest.mark.django_db
def test_a_refused_password_change_keeps_the_tokens(client, org_a, member):
    user = member(org_a)
    api_token_create(user=user, name="script")
    client.force_login(user)
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert live_tokens(user) == 1
