"""The one way Cap NR sends an email: each in its recipient's language.

A person's language is the one they last chose in the footer (``User.language``); an address no
account holds (an invited person, a trainer, a colleague a question was delegated to) gets
French, the default. The message is written by a callable run with that language active, so its
templates, dates (``long_date``), numbers and plurals follow. The languages of all the
recipients are read in one query, whatever their number.

Who sees whom stays the caller's choice: ``send_each`` sends one message per address (the
référents of other organisations stay unseen), ``send_together`` one per language to all the
recipients reading it (colleagues of one organisation, who already know each other)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation

# Written with the recipient's language active: (subject, body).
Compose = Callable[[], tuple[str, str]]


def language_code(language: str | None) -> str:
    """``language`` if Cap NR speaks it, else the default (French)."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def languages_of(addresses: Iterable[str]) -> dict[str, str]:
    """The language of each address (as given): the account's holding it, French for an
    address no account holds. One query for all of them."""
    wanted = {address: address.strip().lower() for address in addresses if address}
    if not wanted:
        return {}
    held = dict(
        get_user_model()
        .objects.filter(email__in=set(wanted.values()))
        .values_list("email", "language")
    )
    return {address: language_code(held.get(email)) for address, email in wanted.items()}


def _one_line(subject: str) -> str:
    return " ".join(str(subject).split())  # a line break in a header would refuse the email


def send_in(language: str, addresses: list[str], compose: Compose) -> None:
    """One message to ``addresses``, written in ``language``: for a caller that already holds
    the account (the digest, the trainees' reminders) and so its language."""
    with translation.override(language_code(language)):
        subject, body = compose()
    send_mail(_one_line(subject), body, None, addresses)


def send_personal(messages: Iterable[tuple[str, Compose]]) -> int:
    """One message per (address, compose) pair, each in its address's language: for messages
    that differ from one recipient to the next. Blank addresses are skipped. Returns how many."""
    pairs = [(address, compose) for address, compose in messages if address]
    languages = languages_of(address for address, _compose in pairs)
    for address, compose in pairs:
        send_in(languages[address], [address], compose)
    return len(pairs)


def send_each(addresses: Iterable[str], compose: Compose) -> int:
    """The same message to each address (each once, blanks skipped) in its language, one
    message per address: nobody sees the other recipients. Returns how many."""
    return send_personal((address, compose) for address in dict.fromkeys(addresses))


def send_together(addresses: Iterable[str], compose: Compose) -> int:
    """The same message to all ``addresses``, one per language, each addressed to all those
    who read it. Returns how many people it went to."""
    by_language: dict[str, list[str]] = {}
    for address, language in languages_of(dict.fromkeys(addresses)).items():
        by_language.setdefault(language, []).append(address)
    for language, recipients in by_language.items():
        send_in(language, recipients, compose)
    return sum(len(recipients) for recipients in by_language.values())
