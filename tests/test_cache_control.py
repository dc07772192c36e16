"""Nothing shown to a logged-in user stays in a browser's or a proxy's cache; anonymous pages and
static files keep theirs."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from capnr.api.services import api_token_create


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_response_to_a_logged_in_user_says_no_store(client, org_a, member):
    client.force_login(member(org_a))
    for url in (
        "/",
        f"/o/{org_a.slug}/",
        reverse("organisations:sites", args=[org_a.slug]),
        reverse("web:account"),
        "/api/v1/me",
        "/no-such-page/",
    ):
        assert no_store(client.get(url)), url


@pytest.mark.django_db
def test_an_api_answer_to_a_token_says_no_store(org_a, member):
    _, raw = api_token_create(user=member(org_a), name="script")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and no_store(response)


@pytest.mark.django_db
def test_anonymous_pages_and_static_files_are_left_cacheable(org_a, member):
    anonymous = Client()
    assert not no_store(anonymous.get(reverse("web:legal")))
    assert not no_store(anonymous.get(reverse("web:accessibility")))
    with override_settings(WHITENOISE_USE_FINDERS=True):
        logged_in = Client()
        logged_in.force_login(member(org_a))
        css = logged_in.get("/static/capnr/capnr.css")
    assert css.status_code == 200 and not no_store(css)
