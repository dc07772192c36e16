"""The collection challenge's news in the weekly digest of those who opted in (the roadmap's
digest, ``roadmap.digest``, to which ``apps.CollectionConfig.ready`` registers
:func:`digest_section`): since the last digest, a campaign reaching 100 items (then 250, 500,
1,000) and a department overtaking another in the ranking by items per agent. No personal data:
departments and counts only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.organisations.models import Organisation, User
from capnr.roadmap.digest import DigestSection

from . import selectors
from .models import Campaign

# Items collected by a campaign that make news, the first one above all.
MILESTONES = (100, 250, 500, 1000)


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day``, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def campaign_news(campaign: Campaign, since: dt.date, today: dt.date) -> list[str]:
    """What happened in ``campaign`` after the day ``since`` and up to ``today`` included: the
    milestones crossed, and each department that went from below another to above it (by items
    per agent; departments without a headcount are not ranked, so never overtake)."""
    before = selectors.leaderboard(campaign, until=_end_of(since))
    now = selectors.leaderboard(campaign, until=_end_of(today))
    news = [
        _("%(campaign)s reached %(milestone)s items collected.")
        % {"campaign": campaign.name, "milestone": milestone}
        for milestone in MILESTONES
        if before.items < milestone <= now.items
    ]
    then = {score.key: score.per_agent for score in before.teams}
    ratios = {score.key: score.per_agent for score in now.teams if score.per_agent is not None}
    names = {score.key: score.name for score in now.teams}
    for ahead, ahead_ratio in ratios.items():
        for behind, behind_ratio in ratios.items():
            was_ahead, was_behind = then.get(ahead), then.get(behind)
            if was_ahead is None or was_behind is None:
                continue
            if was_ahead < was_behind and ahead_ratio > behind_ratio:
                news.append(
                    _("%(campaign)s: %(ahead)s overtook %(behind)s (items per agent).")
                    % {"campaign": campaign.name, "ahead": names[ahead], "behind": names[behind]}
                )
    return news


def digest_section(
    *, user: User, organisation: Organisation, since: dt.date, today: dt.date, base_url: str
) -> DigestSection | None:
    """The news of the organisation's campaigns open at some point after ``since``."""
    campaigns = Campaign.objects.filter(
        organisation=organisation, start_date__lte=today, end_date__gte=since
    ).order_by("start_date", "pk")
    lines = []
    for campaign in campaigns:
        news = campaign_news(campaign, since, today)
        if news:
            link = base_url.rstrip("/") + reverse(
                "collection:campaign", args=[organisation.slug, campaign.pk]
            )
            lines.extend([*news[:-1], f"{news[-1]} {link}"])
    if not lines:
        return None
    return DigestSection(title=str(_("Collection challenge:")), lines=lines)
