"""Login throttling behind the documented reverse proxy: a lock holds one account from one client,
the client is read from X-Forwarded-For past the trusted proxies, and a password reset unlocks."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse

from conftest import PASSWORD

PROXY = "10.0.0.2"  # nginx, as gunicorn sees every request behind it
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"

locking = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, CAPNR_TRUSTED_PROXIES=1)


def attempt(client, email: str, password: str, client_ip: str, **extra: str):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
        **extra,
    )


@pytest.mark.django_db
@locking
def test_failed_logins_with_made_up_emails_do_not_lock_out_the_real_users(client, org_a, member):
    user = member(org_a)
    for number in range(6):
        attempt(client, f"nobody{number}@example.org", "wrong", ATTACKER)
    response = attempt(client, user.email, PASSWORD, VICTIM)
    assert response.status_code == 302, response.content.decode()[:300]


@pytest.mark.django_db
@locking
def test_guessing_one_account_locks_that_account_from_that_client_only(client, org_a, member):
    user = member(org_a)
    for _attempt in range(3):
        attempt(client, user.email, "wrong", ATTACKER)
    assert attempt(client, user.email, PASSWORD, ATTACKER).status_code == 429
    # The capitals change nothing: the same account, the same count.
    assert attempt(client, user.email.upper(), PASSWORD, ATTACKER).status_code == 429
    assert attempt(client, user.email, PASSWORD, VICTIM).status_code == 302


@pytest.mark.django_db
@locking
def test_a_spoofed_forwarded_address_does_not_escape_the_lock(client, org_a, member):
    user = member(org_a)
    for number in range(3):
        # The proxy appends the real client after whatever the client sent.
        attempt(client, user.email, "wrong", f"192.0.2.{number}, {ATTACKER}")
    assert attempt(client, user.email, PASSWORD, f"192.0.2.99, {ATTACKER}").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is the client's word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "192.0.2.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not through them
        (1, "", "10.0.0.2"),
        (1, " , ", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    proxies, forwarded, expected
):
    from capnr.core.client_address import client_address

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(CAPNR_TRUSTED_PROXIES=proxies):
        assert client_address(request) == expected


@pytest.mark.django_db
@locking
def test_a_completed_password_reset_unlocks_the_login(client, org_a, member):
    user = member(org_a)
    for _attempt in range(3):
        attempt(client, user.email, "wrong", VICTIM)
    assert attempt(client, user.email, PASSWORD, VICTIM).status_code == 429
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    new = "another-strong-password"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert attempt(client, user.email, new, VICTIM).status_code == 302


@pytest.mark.django_db
@locking
@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("fr", "Réinitialiser votre mot de passe débloque la connexion"),
        ("en", "Resetting your password unlocks logging in"),
    ],
)
def test_the_lockout_page_says_a_password_reset_unlocks(client, org_a, member, language, says):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    user = member(org_a)
    for _attempt in range(3):
        attempt(client, user.email, "wrong", VICTIM)
    locked = attempt(client, user.email, PASSWORD, VICTIM)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert says in page
    assert f'href="{reverse("password_reset")}"' in page


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "0"),
        ({"CAPNR_BEHIND_PROXY": "true"}, "1"),
        ({"CAPNR_BEHIND_PROXY": "true", "CAPNR_TRUSTED_PROXIES": "2"}, "2"),
        ({"CAPNR_TRUSTED_PROXIES": "1"}, "1"),
    ],
)
def test_production_trusts_one_proxy_when_told_it_is_behind_one(environment, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAPNR_", "DJANGO_"))}
    code = "import config.settings.production as p; print(p.CAPNR_TRUSTED_PROXIES)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        env={**clean, "CAPNR_SECRET_KEY": "x" * 60, **environment},
        check=False,
    )
    assert result.stdout.strip() == expected, result.stderr
