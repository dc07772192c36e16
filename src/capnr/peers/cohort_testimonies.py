"""What a cohort report quotes of peer exchange: the experience reports of the cohort's
organisations that they chose to share with everyone (public) and did not withdraw. The report
goes to funders and elected officials, outside the coalition: a report shared with the cohort or
the coalition only stays there. Registered with ``capnr.coalition.testimonies`` at start-up
(``PeersConfig.ready``): the coalition app builds the report and never imports this app.

The shared visibilities are listed, not excluded: any other visibility, now or added later,
never reaches a report to funders."""

from __future__ import annotations

from collections.abc import Collection

from capnr.coalition.testimonies import Testimony
from capnr.diagnostics.referential import theme_title, themes

from .models import ExperienceReport, Outcome, Visibility

SHARED = (Visibility.PUBLIC,)


def shared_testimonies(organisation_ids: Collection[int]) -> list[Testimony]:
    titles = {theme.id: theme_title(theme) for theme in themes()}
    outcomes = dict(Outcome.choices)
    visibilities = dict(Visibility.choices)
    reports = (
        ExperienceReport.objects.published()
        .filter(organisation_id__in=list(organisation_ids), visibility__in=SHARED)
        .select_related("organisation")
        .order_by("organisation__name", "-year", "pk")
    )
    return [
        Testimony(
            organisation_id=report.organisation_id,
            organisation=report.organisation.name,
            title=report.title,
            year=report.year,
            outcome=str(outcomes.get(report.outcome, report.outcome)),
            theme=titles.get(report.theme, report.theme),
            shared_with=str(visibilities[report.visibility]),
            what_was_done=report.what_was_done,
            result=report.result,
        )
        for report in reports
    ]
