"""The weekly reminder: to each person who opted in, one email about THEIR OWN open plan items
due within 14 days or without news for 60 days (``selectors.digest_items``), and the news other
apps register (``register_section``: the collection challenge's milestones). Never anyone
else's items, never an email with nothing in it, at most one a week.

It runs as a background job (``tasks.send_digests``, enqueued each week by
``capnr send_digests`` from cron), outside any request: the links are built on ``base_url`` and
the email is written in the person's language (``User.language``, through ``core.mail``)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from capnr.core import mail
from capnr.organisations.tenancy import access_for

from . import selectors
from .models import DigestSubscription, PlanItem

if TYPE_CHECKING:
    from capnr.organisations.models import Organisation, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestSection:
    """News another app adds to a person's digest: a heading and a few lines of text."""

    title: str
    lines: list[str]


class SectionProvider(Protocol):
    def __call__(
        self,
        *,
        user: User,
        organisation: Organisation,
        since: dt.date,
        today: dt.date,
        base_url: str,
    ) -> DigestSection | None: ...


# Registered at start-up by the apps that have news for the digest (the collection challenge's
# milestones): the roadmap never imports them.
_SECTIONS: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> None:
    """Add ``provider``'s news to every digest; called from an app's ``ready()``."""
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)


def _sections(
    user: User, organisation: Organisation, since: dt.date, today: dt.date, base_url: str
) -> list[DigestSection]:
    with translation.override(mail.language_code(user.language)):
        found = [
            provider(
                user=user, organisation=organisation, since=since, today=today, base_url=base_url
            )
            for provider in _SECTIONS
        ]
    return [section for section in found if section is not None and section.lines]


# A digest already sent less than this many days ago is not sent again (a retried job, a second
# cron line): the reminder stays weekly.
MIN_DAYS_BETWEEN = 6


def _email(
    user: User,
    organisation: Organisation,
    items: dict[str, list[PlanItem]],
    base_url: str,
    sections: list[DigestSection] | None = None,
) -> tuple[str, str]:
    """The subject and text of one person's digest, in the language active."""

    def link(name: str, *args: object) -> str:
        return base_url.rstrip("/") + reverse(name, args=[organisation.slug, *args])

    context = {
        "user": user,
        "organisation": organisation,
        "due": [(item, link("roadmap:item", item.pk)) for item in items["due"]],
        "stale": [(item, link("roadmap:item", item.pk)) for item in items["stale"]],
        "reminders_url": link("roadmap:reminders"),
        "sections": sections or [],
    }
    subject = _("Cap NR · your roadmap items to follow up (%(organisation)s)") % {
        "organisation": organisation.name
    }
    return subject, render_to_string("roadmap/email/digest.txt", context)


def send_digests(*, today: dt.date, base_url: str) -> int:
    """Send the digests due on ``today``; returns how many emails were sent."""
    sent = failed = 0
    subscriptions = DigestSubscription.objects.select_related("user", "organisation").order_by("pk")
    for subscription in subscriptions:
        user, organisation = subscription.user, subscription.organisation
        last = subscription.last_sent_at
        if last is not None and timezone.localdate(last) > today - dt.timedelta(
            days=MIN_DAYS_BETWEEN
        ):
            continue
        access = access_for(user, organisation) if user.is_active else None
        if access is None or not access.can_contribute:
            continue  # left the organisation, or now only reads it: nothing of theirs to do
        items = selectors.digest_items(user=user, organisation=organisation, today=today)
        # The news since the last digest (a week, for a first one).
        since = timezone.localdate(last) if last is not None else today - dt.timedelta(days=7)
        sections = _sections(user, organisation, since, today, base_url)
        if not items["due"] and not items["stale"] and not sections:
            continue
        try:
            mail.send_in(
                user.language,
                [user.email],
                partial(_email, user, organisation, items, base_url, sections),
            )
        except Exception:  # one failed address must not deprive the others of their digest
            logger.exception("Roadmap digest to subscription %s not sent", subscription.pk)
            failed += 1
            continue
        DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
        sent += 1
    logger.info("Roadmap digests sent: %s, failed: %s", sent, failed)
    return sent
