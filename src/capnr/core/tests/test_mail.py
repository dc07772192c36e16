"""core.mail: each email in its recipient's language, the languages read in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as outbox
from django.utils import translation
from django.utils.translation import gettext as _

from capnr.core import mail
from capnr.core.i18n import long_date

pytestmark = pytest.mark.django_db


def compose() -> tuple[str, str]:
    """A subject and a body that change with the language: words, a date, a plural."""
    subject = f"{_('Remote')} · {long_date(dt.date(2026, 4, 1))}"
    waiting = translation.ngettext(
        "%(count)s question is waiting for your answer.",
        "%(count)s questions are waiting for your answer.",
        3,
    )
    body = f"{_('Thank you,')}\n{waiting % {'count': 3}}"
    return subject, body


def test_a_french_and_an_english_account_each_get_the_email_in_their_language(make_user):
    make_user("francoise@example.org")  # French, the default
    make_user("emma@example.org", language="en")
    sent = mail.send_each(["francoise@example.org", "emma@example.org"], compose)
    assert sent == 2
    by_address = {message.to[0]: message for message in outbox.outbox}
    french, english = by_address["francoise@example.org"], by_address["emma@example.org"]
    assert french.subject == "À distance · 1er avril 2026"
    assert english.subject == "Remote · April 1, 2026"
    assert french.body.startswith("Merci,") and "3 questions attendent" in french.body
    assert english.body.startswith("Thank you,") and "3 questions are waiting" in english.body


def test_an_address_no_account_holds_gets_french_even_when_english_is_active(make_user):
    with translation.override("en"):
        mail.send_each(["stranger@example.net"], compose)
        assert translation.get_language() == "en"  # given back as it was
    assert outbox.outbox[0].subject == "À distance · 1er avril 2026"


def test_the_account_is_found_whatever_the_case_of_the_address(make_user):
    make_user("emma@example.org", language="en")
    mail.send_each(["Emma@Example.org"], compose)
    assert outbox.outbox[0].to == ["Emma@Example.org"]
    assert outbox.outbox[0].subject.startswith("Remote")


@pytest.mark.parametrize("how_many", [1, 2, 7])
def test_the_languages_take_one_query_whatever_the_number_of_recipients(
    make_user, django_assert_num_queries, how_many
):
    addresses = [
        make_user(f"p{n}@example.org", language="en" if n % 2 else "fr").email
        for n in range(how_many)
    ] + ["nobody@example.net"]
    with django_assert_num_queries(1):
        assert mail.send_each(addresses, compose) == how_many + 1
    with django_assert_num_queries(1):
        mail.send_together(addresses, compose)


def test_send_each_sends_one_message_per_address_and_skips_blanks_and_repeats(make_user):
    mail.send_each(["a@example.org", "", "b@example.org", "a@example.org"], compose)
    assert [message.to for message in outbox.outbox] == [["a@example.org"], ["b@example.org"]]


def test_send_together_sends_one_message_per_language_to_all_its_readers(make_user):
    make_user("ada@example.org", language="en")
    make_user("bob@example.org", language="en")
    make_user("chloe@example.org")
    assert mail.send_together(["ada@example.org", "chloe@example.org", "bob@example.org"], compose)
    assert sorted((message.subject[:6], sorted(message.to)) for message in outbox.outbox) == [
        ("Remote", ["ada@example.org", "bob@example.org"]),
        ("À dist", ["chloe@example.org"]),
    ]


def test_send_personal_writes_each_message_for_its_own_recipient(make_user):
    make_user("emma@example.org", language="en")
    mail.send_personal(
        [
            ("emma@example.org", lambda: (_("Remote"), "one")),
            ("nobody@example.net", lambda: (_("Remote"), "two")),
        ]
    )
    assert [(m.to[0], m.subject, m.body) for m in outbox.outbox] == [
        ("emma@example.org", "Remote", "one"),
        ("nobody@example.net", "À distance", "two"),
    ]


def test_a_subject_keeps_to_one_line_and_an_unknown_language_falls_back_to_french():
    mail.send_in("de", ["x@example.org"], lambda: ("Atelier\nroadmap", _("Remote")))
    assert outbox.outbox[0].subject == "Atelier roadmap"
    assert outbox.outbox[0].body == "À distance"
