"""Writes of peer exchange: reports written, changed, withdrawn and published again;
suggestions made and dismissed; the benchmarks opt-out; a roadmap item's inspiration. Each
checks the access it needs (``visibility``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import require_same_organisation
from capnr.core.versioned import save_versioned
from capnr.organisations.tenancy import peers as visibility
from capnr.roadmap.models import ItemStatus, PlanItem

from .models import (
    BenchmarkOptOut,
    CoalitionPublication,
    ContactMode,
    ExperienceReport,
    Inspiration,
    Outcome,
    PublicListing,
    ReportSuggestion,
)

if TYPE_CHECKING:
    from capnr.coalition.models import Coalition
    from capnr.organisations.models import User

# What the form changes; the organisation, item, action, theme and outcome come from the item.
REPORT_FIELDS = (
    "title",
    "year",
    "what_was_done",
    "effort",
    "cost_eur",
    "duration_months",
    "result",
    "expected_kwh",
    "expected_eur",
    "expected_kgco2e",
    "measured_kwh",
    "measured_eur",
    "measured_kgco2e",
    "difficulties",
    "tips",
    "links",
    "contact_mode",
    "contact_name",
    "contact_email",
    "visibility",
)
ENDED = (ItemStatus.DONE, ItemStatus.ABANDONED)


def _require_writer(access: OrganisationAccess) -> None:
    if not visibility.may_write_reports(access):
        raise PermissionDenied(_("Only the organisation's référent shares its experience."))


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """A contact person's name and email are kept only when the organisation chose to show
    them; links are web addresses."""
    fields = {name: fields[name] for name in REPORT_FIELDS if name in fields}
    mode = fields.get("contact_mode", ContactMode.FACILITATOR)
    if mode == ContactMode.PERSON and not (
        fields.get("contact_name") and fields.get("contact_email")
    ):
        raise ValidationError(
            {"contact_name": _("Give the name and email of the person to contact.")}
        )
    if mode != ContactMode.PERSON:
        fields["contact_name"] = ""
        fields["contact_email"] = ""
    links = [line.strip() for line in str(fields.get("links", "")).splitlines() if line.strip()]
    bad = [link for link in links if not link.startswith(("https://", "http://"))]
    if bad:
        raise ValidationError(
            {
                "links": _("Each line must be a web address starting with https://: %(link)s")
                % {"link": bad[0]}
            }
        )
    fields["links"] = "\n".join(links)
    return fields


@transaction.atomic
def report_create(
    *, access: OrganisationAccess, user: User, item: PlanItem, fields: dict[str, Any]
) -> ExperienceReport:
    """A report on ``item``, which must be done or abandoned and have no report yet."""
    _require_writer(access)
    require_same_organisation(access, item)
    if item.status not in ENDED or item.deleted_at is not None:
        raise ValidationError(
            _("Only a finished or abandoned item can be the subject of a report.")
        )
    if ExperienceReport.objects.filter(item=item).exists():
        raise ValidationError(_("This item already has a report: edit it instead."))
    report = ExperienceReport(
        organisation=access.organisation,
        item=item,
        action_id=item.action_id,
        theme=item.theme,
        outcome=Outcome.DONE if item.status == ItemStatus.DONE else Outcome.ABANDONED,
        kpis=fields.pop("kpis", []),
        author=user,
        **_clean(fields),
    )
    report.full_clean(exclude=["organisation", "item", "author"])
    report.save()
    ReportSuggestion.objects.filter(
        organisation=access.organisation, item=item, dismissed_at__isnull=True
    ).update(dismissed_at=timezone.now())
    return report


@transaction.atomic
def report_update(
    *,
    access: OrganisationAccess,
    report: ExperienceReport,
    expected_version: int,
    fields: dict[str, Any],
) -> ExperienceReport:
    """Change a report, its visibility included; takes effect on every page at once."""
    _require_writer(access)
    require_same_organisation(access, report)
    save_versioned(report, expected_version=expected_version, fields=_clean(fields))
    return report


@transaction.atomic
def report_withdraw(*, access: OrganisationAccess, report: ExperienceReport) -> None:
    """The report leaves every page, list, count, export and API answer for peers at once; its
    organisation keeps it and may publish it again."""
    _require_writer(access)
    require_same_organisation(access, report)
    ExperienceReport.objects.filter(pk=report.pk).update(withdrawn_at=timezone.now())
    report.refresh_from_db()


@transaction.atomic
def report_republish(*, access: OrganisationAccess, report: ExperienceReport) -> None:
    _require_writer(access)
    require_same_organisation(access, report)
    ExperienceReport.objects.filter(pk=report.pk).update(withdrawn_at=None)
    report.refresh_from_db()


@transaction.atomic
def suggestion_create(
    *, access: OrganisationAccess, user: User, message: str, item: PlanItem | None = None
) -> ReportSuggestion:
    """A facilitator suggests that the organisation share a report (on ``item``, or in
    general). It publishes nothing: the organisation sees it and decides."""
    if not visibility.may_suggest_report(access):
        raise PermissionDenied(_("Only the facilitator of the organisation's cohort suggests."))
    if item is not None:
        require_same_organisation(access, item)
    if not message.strip():
        raise ValidationError({"message": _("Say what would help others.")})
    return ReportSuggestion.objects.create(
        organisation=access.organisation, item=item, message=message.strip(), suggested_by=user
    )


@transaction.atomic
def suggestion_dismiss(*, access: OrganisationAccess, suggestion: ReportSuggestion) -> None:
    _require_writer(access)
    require_same_organisation(access, suggestion)
    ReportSuggestion.objects.filter(pk=suggestion.pk).update(dismissed_at=timezone.now())


@transaction.atomic
def benchmarks_opt_out(*, access: OrganisationAccess, user: User, opt_out: bool) -> None:
    """Leave the anonymous benchmarks (neither counted nor shown them), or join them again."""
    _require_writer(access)
    if opt_out:
        BenchmarkOptOut.objects.get_or_create(
            organisation=access.organisation, defaults={"decided_by": user}
        )
    else:
        BenchmarkOptOut.objects.for_access(access).delete()


@transaction.atomic
def inspiration_set(
    *,
    access: OrganisationAccess,
    user: User,
    item: PlanItem,
    report: ExperienceReport | None,
) -> None:
    """Name the report that inspired ``item`` (None: no longer). The report must be one the
    organisation may read; its authors only ever see a count."""
    require_same_organisation(access, item)
    if not visibility.may_name_inspiration(access, item, user):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    Inspiration.objects.filter(item=item).delete()
    if report is None:
        return
    if not visibility.reports_visible_to(access.organisation).filter(pk=report.pk).exists():
        raise PermissionDenied(_("This report is not shared with your organisation."))
    if report.organisation_id == access.organisation.pk:
        raise ValidationError(_("An item cannot be inspired by your own report."))
    Inspiration.objects.create(item=item, report=report)


@transaction.atomic
def publication_set(
    *, user: User, coalition: Coalition, public_page: bool, open_data: bool
) -> CoalitionPublication:
    """What the coalition publishes; its facilitators decide (PermissionDenied otherwise)."""
    if not visibility.may_publish_for(user, coalition):
        raise PermissionDenied(_("Only the coalition's facilitators decide what it publishes."))
    publication, _created = CoalitionPublication.objects.update_or_create(
        coalition=coalition,
        defaults={"public_page": public_page, "open_data": open_data, "updated_by": user},
    )
    return publication


@transaction.atomic
def listing_set(*, access: OrganisationAccess, user: User, listed: bool) -> None:
    """Whether the organisation appears by name on its coalition's public page."""
    _require_writer(access)
    if listed:
        PublicListing.objects.get_or_create(
            organisation=access.organisation, defaults={"decided_by": user}
        )
    else:
        PublicListing.objects.for_access(access).delete()
