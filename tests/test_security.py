"""Security settings that must not regress."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_every_page_sends_a_csp_without_unsafe_inline_and_anti_framing_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_templates_hold_no_inline_script_or_style(client, org_a, member):
    client.force_login(member(org_a))
    for url in ("/", f"/o/{org_a.slug}/", f"/o/{org_a.slug}/sites/", "/account/"):
        body = client.get(url, follow=True).content.decode()
        assert "<script>" not in body and "<style" not in body and 'style="' not in body, url


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_USER_MODEL == "organisations.User"


@pytest.mark.django_db
def test_login_form_posts_are_csrf_protected(org_a, member):
    from django.test import Client

    user = member(org_a)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": user.email, "password": "x"})
    assert response.status_code == 403
