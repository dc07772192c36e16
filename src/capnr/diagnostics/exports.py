"""The workbook of every answer of a diagnostic, for everyone in the organisation.

One row per question that applies to the organisation, answered or not, with comments and
evidence: what the theme pages show every member, read-only for those who do not answer. Cells
are written by ``capnr.core.spreadsheets.xlsx_bytes``, which neutralises text that would read as
a formula."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import require_same_organisation
from capnr.core.spreadsheets import xlsx_bytes

from . import referential, selectors
from .models import AnswerValue, Diagnostic


def _due_date(due: str) -> dt.date | str | None:
    """A date cell when the referential gives an ISO date, else its text as given."""
    if not due:
        return None
    try:
        return dt.date.fromisoformat(due)
    except ValueError:
        return due


def answers_header() -> list[str]:
    return [
        _("No."),
        _("Question id"),
        _("Theme"),
        _("Question"),
        _("Priority"),
        _("Answer"),
        _("Comment"),
        _("Evidence"),
        _("Answered by"),
        _("Date"),
        _("Carried over from last year, to confirm"),
        _("Delegated to"),
        _("DINUM guide"),
        _("Legal obligation"),
        _("Due date"),
        _("Due date to confirm"),
    ]


def answers_rows(diagnostic: Diagnostic) -> list[list[Any]]:
    answers = selectors.answers_by_question(diagnostic)
    delegated: dict[str, list[str]] = {}
    for delegation in selectors.delegations(diagnostic):
        delegated.setdefault(delegation.question_id, []).append(delegation.recipient)
    value_labels = dict(AnswerValue.choices)
    themes = {theme.id: referential.theme_title(theme) for theme in referential.themes()}
    yes = _("yes")
    rows = []
    for number, question in enumerate(referential.questions_for(diagnostic.organisation), start=1):
        answer = answers.get(question.id)
        obligation = question.obligation
        rows.append(
            [
                number,
                question.id,
                themes.get(question.theme, question.theme),
                referential.text(question),
                str(referential.PRIORITY_LABELS.get(question.priority, question.priority)),
                str(value_labels[answer.value]) if answer and answer.value else "",
                answer.comment if answer else "",
                answer.evidence if answer else "",
                answer.author if answer else "",
                timezone.localtime(answer.updated_at) if answer else None,
                yes if answer and answer.to_confirm else "",
                ", ".join(delegated.get(question.id, [])),
                ", ".join(question.dinum),
                obligation.reference if obligation else "",
                _due_date(obligation.due) if obligation else None,
                yes if obligation and obligation.to_confirm else "",
            ]
        )
    return rows


def answers_xlsx(access: OrganisationAccess, diagnostic: Diagnostic) -> bytes:
    """The workbook: the answers, and a sheet saying what they are. Anyone who may read the
    organisation's diagnostic gets it, comments included, as on the theme pages."""
    require_same_organisation(access, diagnostic)
    organisation = diagnostic.organisation
    about = (
        _("About"),
        [_("item"), _("value")],
        [
            [_("Organisation"), organisation.name],
            [_("Year"), diagnostic.year],
            [_("Status"), str(diagnostic.get_status_display())],
            [_("Questions version"), diagnostic.referential_version],
            [_("Exported on"), timezone.localtime().replace(microsecond=0)],
        ],
    )
    sheet_title = _("Answers %(year)s") % {"year": diagnostic.year}
    return xlsx_bytes([(sheet_title, answers_header(), answers_rows(diagnostic)), about])
