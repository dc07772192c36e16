"""Writes of the roadmap. Every function receives an already-checked OrganisationAccess and
checks the rest here: the référent manages the roadmap and its groups; the owner of an item
(a contributor) updates it, writes its journal and records its indicators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import Access, OrganisationAccess
from capnr.core.i18n import english
from capnr.core.owned import belongs_to, require_same_organisation
from capnr.core.tokens import hash_token, new_raw_token
from capnr.core.versioned import StaleEditError, save_versioned
from capnr.engine import catalogue as engine_catalogue
from capnr.engine import diagnostic as engine_diagnostic
from capnr.organisations.models import Department, Membership, Site

from .models import (
    CalendarFeed,
    DigestSubscription,
    GroupMember,
    ItemStatus,
    JournalEntry,
    KpiMeasurement,
    KpiTarget,
    MeetingNote,
    PlanItem,
    RoadmapApproval,
    WorkingGroup,
)
from .templates_data import GROUP_TEMPLATES

if TYPE_CHECKING:
    from capnr.organisations.models import User

BIN_DAYS = 30


class ItemConflict(Exception):
    """Someone else saved the plan item first: their version is kept and shown."""

    def __init__(self, current: PlanItem) -> None:
        super().__init__(
            _(
                "Someone else changed this item while you were editing it. Your changes were "
                "not saved; their version is shown below. Apply your changes again if needed."
            )
        )
        self.current = current


def can_edit_item(access: OrganisationAccess, item: PlanItem, user: User | None) -> bool:
    """The référent edits every item; a contributor edits the items they own (the same rule as
    ``PlanItem.objects.editable_by(access, user)``, for one item already in hand)."""
    if access.can_administer:
        return True
    return access.can_contribute and user is not None and item.owner_id == user.pk


def _require_item(access: OrganisationAccess, item: PlanItem, user: User | None) -> None:
    require_same_organisation(access, item)
    if not can_edit_item(access, item, user):
        raise PermissionDenied("Only the référent or the item's owner may change it.")


# --- Working groups -------------------------------------------------------------------------


def group_create(
    *, access: OrganisationAccess, name: str, mission: str = "", template: str = ""
) -> WorkingGroup:
    access.require(Access.ADMINISTER)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    try:
        with transaction.atomic():
            return WorkingGroup.objects.create(
                organisation=access.organisation,
                name=name,
                mission=mission.strip(),
                template=template,
            )
    except IntegrityError:
        raise ValidationError(
            {"name": _("There is already a group called “%(name)s”.") % {"name": name}}
        ) from None


@transaction.atomic
def groups_from_templates(*, access: OrganisationAccess, keys: Iterable[str]) -> list[WorkingGroup]:
    """Create the usual groups chosen (skipping those that already exist)."""
    access.require(Access.ADMINISTER)
    in_english = english()
    created = []
    existing = set(access.organisation.working_groups.values_list("template", flat=True))
    for key in keys:
        template = GROUP_TEMPLATES.get(key)
        if template is None or key in existing:
            continue
        name, mission = template.name(in_english), template.mission(in_english)
        if access.organisation.working_groups.filter(name=name).exists():
            continue
        created.append(
            WorkingGroup.objects.create(
                organisation=access.organisation, name=name, mission=mission, template=key
            )
        )
    return created


def group_update(
    *,
    access: OrganisationAccess,
    group: WorkingGroup,
    expected_version: int,
    name: str,
    mission: str,
) -> WorkingGroup:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, group)
    save_versioned(
        group,
        expected_version=expected_version,
        fields={"name": name.strip(), "mission": mission.strip()},
    )
    return group


@transaction.atomic
def group_delete(*, access: OrganisationAccess, group: WorkingGroup) -> None:
    """Its items stay in the roadmap, without a group."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, group)
    group.delete()


def member_add(
    *,
    access: OrganisationAccess,
    group: WorkingGroup,
    user_id: int | None = None,
    name: str = "",
    email: str = "",
    is_lead: bool = False,
) -> GroupMember:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, group)
    user = None
    if user_id:
        membership = Membership.objects.for_access(access).filter(user_id=user_id).first()
        if membership is None:
            raise ValidationError(_("This person is not a member of the organisation."))
        user = membership.user
        if group.members.filter(user=user).exists():
            raise ValidationError(_("This person is already in the group."))
    elif not (name.strip() or email.strip()):
        raise ValidationError(_("Choose a member of the organisation, or give a name or email."))
    return GroupMember.objects.create(
        group=group, user=user, name=name.strip(), email=email.strip().lower(), is_lead=is_lead
    )


def member_remove(*, access: OrganisationAccess, member: GroupMember) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, member.group)
    member.delete()


def meeting_note_add(
    *, access: OrganisationAccess, group: WorkingGroup, date: dt.date, text: str, author: User
) -> MeetingNote:
    access.require(Access.CONTRIBUTE)
    require_same_organisation(access, group)
    if not text.strip():
        raise ValidationError({"text": _("The notes are empty.")})
    return MeetingNote.objects.create(group=group, date=date, text=text.strip(), author=author)


# --- Plan items -----------------------------------------------------------------------------

ITEM_FIELDS = (
    "title",
    "description",
    "theme",
    "owner",
    "working_group",
    "start_date",
    "due_date",
    "status",
    "abandon_reason",
    "commitment",
    "budget_eur",
    "scenario",
)


def _clean_item(access: OrganisationAccess, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(fields.get("title", "")).strip()
    if not title:
        errors["title"] = _("Give the item a title.")
    try:  # the API does not bound it as the form does; the column would refuse it
        MaxLengthValidator(PlanItem._meta.get_field("title").max_length)(title)
    except ValidationError as error:
        errors["title"] = error.messages[0]
    themes = {theme.id for theme in engine_diagnostic.referential().themes}
    if fields.get("theme") not in themes:  # required, also for an item made through the API
        errors["theme"] = _("Choose one of the themes.")
    start, due = fields.get("start_date"), fields.get("due_date")
    if start and due and due < start:
        errors["due_date"] = _("The due date comes before the start.")
    if (
        fields.get("status") == ItemStatus.ABANDONED
        and not str(fields.get("abandon_reason", "")).strip()
    ):
        errors["abandon_reason"] = _("Say why the item was abandoned: it helps next year.")
    budget = fields.get("budget_eur")
    if budget is not None and Decimal(budget) < 0:
        errors["budget_eur"] = _("A budget cannot be negative.")
    owner = fields.get("owner")
    if owner is not None and not Membership.objects.for_access(access).filter(user=owner).exists():
        errors["owner"] = _("The owner must be a member of the organisation.")
    group = fields.get("working_group")
    if group is not None and not belongs_to(access, group):
        errors["working_group"] = _("Unknown working group.")
    scenario = fields.get("scenario")
    if scenario is not None and not belongs_to(access, scenario):
        errors["scenario"] = _("Unknown scenario.")
    if errors:
        raise ValidationError(errors)
    fields["title"] = str(fields["title"]).strip()
    return fields


def _places(
    access: OrganisationAccess,
    item: PlanItem,
    sites: Iterable[Site],
    departments: Iterable[Department],
) -> None:
    sites, departments = list(sites), list(departments)
    for place in [*sites, *departments]:
        require_same_organisation(access, place)
    item.sites.set(sites)
    item.departments.set(departments)


@transaction.atomic
def item_create(
    *,
    access: OrganisationAccess,
    fields: dict[str, Any],
    sites: Iterable[Site] = (),
    departments: Iterable[Department] = (),
    action_id: str = "",
) -> PlanItem:
    """A plan item from a catalogue action (its KPIs come along) or written from scratch."""
    access.require(Access.ADMINISTER)
    action = None
    if action_id:
        try:
            action = engine_catalogue.catalogue().action(action_id)
        except KeyError:
            raise ValidationError(_("Unknown action.")) from None
        fields.setdefault("theme", action.theme)
        fields.setdefault("title", action.title_fr)
    fields = _clean_item(access, {name: fields.get(name) for name in ITEM_FIELDS if name in fields})
    item = PlanItem.objects.create(
        organisation=access.organisation,
        action_id=action_id,
        last_activity_at=timezone.now(),
        **fields,
    )
    _places(access, item, sites, departments)
    if action is not None:
        in_english = english()
        KpiTarget.objects.bulk_create(
            KpiTarget(
                item=item,
                kpi_id=kpi.id,
                label=kpi.label_en if in_english else kpi.label_fr,
                unit=kpi.unit_en if in_english else kpi.unit_fr,
                direction=kpi.direction,
            )
            for kpi in action.kpis
        )
    return item


@transaction.atomic
def item_update(
    *,
    access: OrganisationAccess,
    item: PlanItem,
    user: User | None,
    expected_version: int,
    fields: dict[str, Any],
    sites: Iterable[Site] | None = None,
    departments: Iterable[Department] | None = None,
) -> PlanItem:
    _require_item(access, item, user)
    if item.deleted_at is not None:
        raise ValidationError(_("This item is in the bin: restore it first."))
    fields = _clean_item(access, {name: fields[name] for name in ITEM_FIELDS if name in fields})
    if not access.can_administer:
        fields.pop("owner", None)  # an owner does not hand the item over; the référent does
    fields["last_activity_at"] = timezone.now()
    try:
        save_versioned(item, expected_version=expected_version, fields=fields)
    except StaleEditError:
        raise ItemConflict(PlanItem.objects.get(pk=item.pk)) from None
    if sites is not None or departments is not None:
        _places(
            access,
            item,
            sites if sites is not None else item.sites.all(),
            departments if departments is not None else item.departments.all(),
        )
    return item


def item_delete(*, access: OrganisationAccess, item: PlanItem) -> None:
    """Into the bin: restorable for 30 days, then purged."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, item)
    PlanItem.objects.filter(pk=item.pk).update(deleted_at=timezone.now())


def item_restore(*, access: OrganisationAccess, item: PlanItem) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, item)
    if item.deleted_at is None:
        return
    if item.deleted_at < timezone.now() - dt.timedelta(days=BIN_DAYS):
        raise ValidationError(_("This item was deleted more than 30 days ago."))
    PlanItem.objects.filter(pk=item.pk).update(deleted_at=None)


def purge_bin(*, now: dt.datetime | None = None) -> int:
    """Delete for good the items in the bin for more than 30 days, in every organisation, with
    their journal and indicators; returns how many items went. Run daily by the job
    ``tasks.purge_bin`` (``capnr purge`` from cron)."""
    limit = (now or timezone.now()) - dt.timedelta(days=BIN_DAYS)
    _total, details = PlanItem.objects.filter(deleted_at__lt=limit).delete()
    return details.get(PlanItem._meta.label, 0)


def _touch(item: PlanItem) -> None:
    PlanItem.objects.filter(pk=item.pk).update(last_activity_at=timezone.now())


def journal_add(
    *,
    access: OrganisationAccess,
    item: PlanItem,
    user: User,
    date: dt.date,
    text: str,
    side_effect: bool = False,
) -> JournalEntry:
    _require_item(access, item, user)
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("A journal entry cannot be dated in the future.")})
    entry = JournalEntry.objects.create(
        item=item, date=date, text=text.strip(), side_effect=side_effect, author=user
    )
    _touch(item)
    return entry


def kpi_add(
    *,
    access: OrganisationAccess,
    item: PlanItem,
    user: User,
    label: str,
    unit: str = "",
    baseline: float | None = None,
    target: float | None = None,
    direction: str = "up",
    kpi_id: str = "",
) -> KpiTarget:
    """``kpi_id`` names an indicator another app keeps up to date (``training.hours``), so it
    finds it again; "" for one the users named."""
    _require_item(access, item, user)
    if not label.strip():
        raise ValidationError({"label": _("Name the indicator.")})
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose whether more or less is better.")})
    return KpiTarget.objects.create(
        item=item,
        kpi_id=kpi_id,
        label=label.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        direction=direction,
    )


def kpi_update(
    *,
    access: OrganisationAccess,
    kpi: KpiTarget,
    user: User,
    baseline: float | None,
    target: float | None,
) -> KpiTarget:
    _require_item(access, kpi.item, user)
    kpi.baseline, kpi.target = baseline, target
    kpi.save(update_fields=["baseline", "target"])
    return kpi


def measurement_add(
    *,
    access: OrganisationAccess,
    kpi: KpiTarget,
    user: User,
    date: dt.date,
    value: float,
    note: str = "",
) -> KpiMeasurement:
    _require_item(access, kpi.item, user)
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("A measurement cannot be dated in the future.")})
    measurement = KpiMeasurement.objects.create(
        kpi=kpi, date=date, value=value, note=note.strip()[:300], author=user
    )
    _touch(kpi.item)
    return measurement


@transaction.atomic
def measurement_set(
    *,
    access: OrganisationAccess,
    kpi: KpiTarget,
    user: User | None,
    date: dt.date,
    value: float,
    note: str = "",
) -> bool:
    """The indicator's one value on ``date``, made or corrected: for figures another app
    computes and writes again (a collection campaign's results, the training programme's
    indicators), so writing the same day twice keeps one measurement and adds nothing. That
    date's other measurements are replaced. Returns whether anything changed."""
    _require_item(access, kpi.item, user)
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("A measurement cannot be dated in the future.")})
    same_day = list(kpi.measurements.filter(date=date).order_by("pk"))
    if len(same_day) == 1 and same_day[0].value == value:
        return False
    for old in same_day:
        old.delete()
    KpiMeasurement.objects.create(
        kpi=kpi, date=date, value=value, note=note.strip()[:300], author=user
    )
    _touch(kpi.item)
    return True


# --- Reminders and calendar -----------------------------------------------------------------


def digest_subscribe(*, access: OrganisationAccess, user: User, subscribed: bool) -> None:
    access.require(Access.CONTRIBUTE)
    if subscribed:
        DigestSubscription.objects.get_or_create(user=user, organisation=access.organisation)
    else:
        DigestSubscription.objects.for_access(access).filter(user=user).delete()


def calendar_feed_renew(*, access: OrganisationAccess) -> str:
    """A new secret address for the calendar feed; the previous one stops working."""
    access.require(Access.ADMINISTER)
    raw = new_raw_token()
    CalendarFeed.objects.update_or_create(
        organisation=access.organisation, defaults={"token_hash": hash_token(raw)}
    )
    return raw


def approval_record(
    *,
    access: OrganisationAccess,
    user: User,
    approved_on: dt.date,
    approved_by: str,
    note: str = "",
) -> RoadmapApproval:
    """Record that management approved the roadmap as it stands (its fingerprint kept, so that
    a later change shows)."""
    from .selectors import plan_fingerprint  # selectors import this module

    access.require(Access.ADMINISTER)
    errors = {}
    if approved_on > timezone.localdate():
        errors["approved_on"] = _("An approval cannot be dated in the future.")
    if not approved_by.strip():
        errors["approved_by"] = _("Say who approved the roadmap.")
    if errors:
        raise ValidationError(errors)
    return RoadmapApproval.objects.create(
        organisation=access.organisation,
        approved_on=approved_on,
        approved_by=approved_by.strip(),
        note=note.strip(),
        plan_fingerprint=plan_fingerprint(access=access),
        recorded_by=user,
    )
