"""Roadmap pages: plan items (by theme, group, status, or on a timeline), their journal and
indicators, the bin, and the working groups. Catalogue and simulators live in ``action_views``;
exports in ``exports_views``."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.i18n import english as _english
from capnr.core.versioned import StaleEditError
from capnr.engine import catalogue as engine_catalogue
from capnr.engine import diagnostic as engine_diagnostic
from capnr.organisations.selectors import member_list

from . import charts, selectors, services
from .forms import (
    ApprovalForm,
    GroupForm,
    GroupTemplatesForm,
    JournalForm,
    KpiForm,
    MeasurementForm,
    MeasurementRecordForm,
    MeetingNoteForm,
    MemberForm,
    PlanItemForm,
)
from .models import ItemStatus, PlanItem
from .templates_data import TEMPLATES

VIEWS = ("theme", "group", "status", "timeline")


def _theme_titles() -> dict[str, str]:
    english = _english()
    return {
        theme.id: theme.title_en if english else theme.title_fr
        for theme in engine_diagnostic.referential().themes
    }


@organisation_view()
@require_safe
def roadmap(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    view = request.GET.get("by", "theme")
    view = view if view in VIEWS else "theme"
    items = list(selectors.item_list(access=access))
    titles = _theme_titles()
    status_labels = dict(ItemStatus.choices)
    groups: dict[str, list[PlanItem]] = defaultdict(list)
    for item in items:
        if view == "theme":
            key = titles.get(item.theme, item.theme)
        elif view == "group":
            key = item.working_group.name if item.working_group else _("No working group")
        else:
            key = str(status_labels[item.status])
        groups[key].append(item)
    if view == "status":
        order = [str(label) for label in status_labels.values()]
        sections = [(key, groups[key]) for key in order if key in groups]
    elif view == "theme":
        sections = [(title, groups[title]) for title in titles.values() if title in groups]
    else:
        sections = sorted(groups.items())
    timeline = None
    if view == "timeline":
        timeline = charts.timeline(items, today=timezone.localdate(), language_en=_english())
    views = [
        ("theme", _("By theme")),
        ("group", _("By working group")),
        ("status", _("By status")),
        ("timeline", _("Timeline")),
    ]
    approval = selectors.latest_approval(access=access)
    return render(
        request,
        "roadmap/roadmap.html",
        {
            "access": access,
            "view": view,
            "views": views,
            # One table, a row group per section (a table per section repeated its header).
            "view_caption": dict(views)[view],
            "sections": sections,
            "items": items,
            "timeline": timeline,
            "effect": selectors.roadmap_effect(items),
            "bin_count": selectors.item_bin(access=access).count(),
            "approval": approval,
            "changed_since_approval": selectors.changed_since_approval(
                access=access, approval=approval
            ),
        },
    )


def _item_form_context(
    access: OrganisationAccess, form: PlanItemForm, title: str, back_url: str, **extra: Any
) -> dict[str, Any]:
    return {"access": access, "form": form, "title": title, "back_url": back_url, **extra}


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def item_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    action_id = request.GET.get("action", "") or request.POST.get("action_id", "")
    action = None
    if action_id:
        try:
            action = engine_catalogue.catalogue().action(action_id)
        except KeyError:
            action_id = ""
    initial: dict[str, Any] = {}
    if action is not None:
        english = _english()
        initial = {
            "title": action.title_en if english else action.title_fr,
            "description": action.summary_en if english else action.summary_fr,
            "theme": action.theme,
        }
    scenario_pk = request.GET.get("scenario", "")
    if scenario_pk.isdigit():
        initial["scenario"] = int(scenario_pk)
    form = PlanItemForm(request.POST or None, initial=initial, access=access, english=_english())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                access=access,
                fields={name: data[name] for name in services.ITEM_FIELDS if name in data},
                sites=data["sites"],
                departments=data["departments"],
                action_id=action_id,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is in the roadmap.") % {"title": item.title})
            return redirect("roadmap:item", access.organisation.slug, item.pk)
    return render(
        request,
        "roadmap/item_form.html",
        _item_form_context(
            access,
            form,
            _("New roadmap item"),
            reverse("roadmap:roadmap", args=[access.organisation.slug]),
            action=action,
            action_id=action_id,
        ),
    )


@organisation_view()
@require_safe
def item_detail(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    item = selectors.item_get(access=access, pk=item_id)
    detail = selectors.item_detail(item)
    can_edit = services.can_edit_item(access, item, request.user)
    # Several forms share a page: distinct id prefixes keep every label tied to its own field.
    kpi_charts = [
        {
            "kpi": kpi,
            "chart": charts.kpi_chart(kpi, language_en=_english()),
            # The Note column only when a measurement has a note.
            "has_notes": any(measurement.note for measurement in kpi.measurements.all()),
        }
        for kpi in detail["kpis"]
    ]
    action = None
    if item.action_id:
        try:
            action = engine_catalogue.catalogue().action(item.action_id)
        except KeyError:
            action = None
    return render(
        request,
        "roadmap/item_detail.html",
        {
            "access": access,
            "item": item,
            "action": action,
            "theme_title": _theme_titles().get(item.theme, item.theme),
            "journal": detail["journal"],
            "kpis": kpi_charts,
            "can_edit": can_edit,
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    item = selectors.item_get(access=access, pk=item_id)
    if not services.can_edit_item(access, item, request.user):
        raise PermissionDenied("Only the référent or the item's owner may change it.")
    # Before validation: a bound ModelForm writes the posted values onto ``item``.
    heading = _("Edit “%(title)s”") % {"title": item.title}
    form = PlanItemForm(request.POST or None, instance=item, access=access, english=_english())
    if not access.can_administer:
        form.fields["owner"].disabled = True  # the référent hands items over, not their owner
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_update(
                access=access,
                item=selectors.item_get(access=access, pk=item_id),
                user=request.user,
                expected_version=data.get("version") or 0,
                fields={name: data[name] for name in services.ITEM_FIELDS if name in data},
                sites=data["sites"],
                departments=data["departments"],
            )
        except services.ItemConflict as error:
            conflict = error.current
            form.add_error(None, str(error))
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("roadmap:item", access.organisation.slug, item_id)
    return render(
        request,
        "roadmap/item_form.html",
        _item_form_context(
            access,
            form,
            heading,
            reverse("roadmap:item", args=[access.organisation.slug, item_id]),
            conflict=conflict,
            status_labels=dict(ItemStatus.choices),
        ),
        status=409 if conflict else 200,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def item_delete(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    item = selectors.item_get(access=access, pk=item_id)
    if request.method == "POST":
        services.item_delete(access=access, item=item)
        messages.success(
            request,
            _("“%(title)s” is in the bin; you can restore it for 30 days.") % {"title": item.title},
        )
        return redirect("roadmap:roadmap", access.organisation.slug)
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": _("Delete “%(title)s”?") % {"title": item.title},
                "consequence": _(
                    "The item goes to the bin with its journal and indicators; it can be "
                    "restored for 30 days, then it is deleted for good."
                ),
                "confirm_label": _("Delete"),
            },
            "back_url": reverse("roadmap:item", args=[access.organisation.slug, item_id]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_safe
def item_bin(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "roadmap/bin.html",
        {"access": access, "items": selectors.item_bin(access=access)},
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def item_restore(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    item = selectors.item_get(access=access, pk=item_id, deleted=True)
    try:
        services.item_restore(access=access, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roadmap:bin", access.organisation.slug)
    messages.success(request, _("“%(title)s” is back in the roadmap.") % {"title": item.title})
    return redirect("roadmap:item", access.organisation.slug, item_id)


def _back_to_item(access: OrganisationAccess, item_id: int, anchor: str) -> HttpResponse:
    url = reverse("roadmap:item", args=[access.organisation.slug, item_id])
    return redirect(f"{url}#{anchor}")


def _add_to_item(
    request: HttpRequest,
    access: OrganisationAccess,
    item_id: int,
    *,
    form: Any,
    save: Any,
    saved: str,
    invalid: str,
    anchor: str,
) -> HttpResponse:
    """A small form posted from an item's page: save it, say so, and go back to its section."""
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, saved)
    else:
        messages.error(request, invalid)
    return _back_to_item(access, item_id, anchor)


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(["GET", "HEAD", "POST"])
def journal_add(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    """Like adding an indicator, a journal entry has a page of its own, linked from the item's
    page, which keeps the item's page short."""
    item = selectors.item_get(access=access, pk=item_id)
    if request.method != "POST":
        if not services.can_edit_item(access, item, request.user):
            raise PermissionDenied
        return render(
            request,
            "roadmap/journal_form.html",
            {"access": access, "item": item, "form": JournalForm(auto_id="journal-%s")},
        )
    return _add_to_item(
        request,
        access,
        item_id,
        form=JournalForm(request.POST),
        save=partial(services.journal_add, access=access, item=item, user=request.user),
        saved=_("Journal entry added."),
        invalid=_("The journal entry needs a date and a text."),
        anchor="journal",
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_add(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    """Adding an indicator is rarer than recording a measurement: its form has a page of its
    own (linked from the item's page), which keeps the item's page short."""
    item = selectors.item_get(access=access, pk=item_id)
    if request.method != "POST":
        if not services.can_edit_item(access, item, request.user):
            raise PermissionDenied
        return render(
            request,
            "roadmap/kpi_form.html",
            {"access": access, "item": item, "form": KpiForm(auto_id="new-kpi-%s")},
        )
    return _add_to_item(
        request,
        access,
        item_id,
        form=KpiForm(request.POST),
        save=partial(services.kpi_add, access=access, item=item, user=request.user),
        saved=_("Indicator added."),
        invalid=_("The indicator needs a name; values must be numbers."),
        anchor="kpis",
    )


@organisation_view(Access.CONTRIBUTE)
@require_POST
def measurement_add(
    request: HttpRequest, access: OrganisationAccess, item_id: int, kpi_id: int
) -> HttpResponse:
    item = selectors.item_get(access=access, pk=item_id)
    kpi = selectors.kpi_get(access=access, item=item, pk=kpi_id)
    return _add_to_item(
        request,
        access,
        item_id,
        form=MeasurementForm(request.POST),
        save=partial(services.measurement_add, access=access, kpi=kpi, user=request.user),
        saved=_("Measurement recorded."),
        invalid=_("A measurement needs a date and a number."),
        anchor=f"kpi-{kpi_id}",
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(["GET", "HEAD", "POST"])
def measurement_record(
    request: HttpRequest, access: OrganisationAccess, item_id: int
) -> HttpResponse:
    """One measurement form for all of an item's indicators (the indicator is a field of the
    form), on a page of its own linked from the item's page, like the journal's and the
    indicators' forms: the item's page stays a short page to read. ``?kpi=`` preselects one."""
    item = selectors.item_get(access=access, pk=item_id)
    if request.method != "POST":
        if not services.can_edit_item(access, item, request.user):
            raise PermissionDenied
        form = MeasurementRecordForm(
            kpis=item.kpis.all(), auto_id="measurement-%s", initial={"kpi": request.GET.get("kpi")}
        )
        return render(
            request,
            "roadmap/measurement_form.html",
            {"access": access, "item": item, "form": form},
        )
    form = MeasurementRecordForm(request.POST, kpis=item.kpis.all())
    if not form.is_valid():
        messages.error(request, _("A measurement needs an indicator, a date and a number."))
        return _back_to_item(access, item_id, "kpis")
    data = dict(form.cleaned_data)
    kpi = selectors.kpi_get(access=access, item=item, pk=data.pop("kpi"))
    return _add_to_item(
        request,
        access,
        item_id,
        form=MeasurementForm(request.POST),
        save=partial(services.measurement_add, access=access, kpi=kpi, user=request.user),
        saved=_("Measurement recorded."),
        invalid=_("A measurement needs a date and a number."),
        anchor=f"kpi-{kpi.pk}",
    )


# --- Working groups -------------------------------------------------------------------------


def _template_choices(access: OrganisationAccess) -> list[tuple[str, str]]:
    english = _english()
    existing = {group.template for group in selectors.group_list(access=access)}
    return [(t.key, t.name(english)) for t in TEMPLATES if t.key not in existing]


@organisation_view()
@require_safe
def group_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    choices = _template_choices(access)
    return render(
        request,
        "roadmap/group_list.html",
        {
            "access": access,
            "groups": selectors.group_list(access=access),
            "templates_form": (
                GroupTemplatesForm(
                    choices=choices, initial={"templates": [key for key, _ in choices]}
                )
                if choices
                else None
            ),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def group_templates(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = GroupTemplatesForm(request.POST, choices=_template_choices(access))
    if form.is_valid():
        created = services.groups_from_templates(access=access, keys=form.cleaned_data["templates"])
        messages.success(
            request,
            ngettext(
                "%(count)s working group created.",
                "%(count)s working groups created.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.error(request, _("Tick at least one group."))
    return redirect("roadmap:groups", access.organisation.slug)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def group_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                access=access, name=form.cleaned_data["name"], mission=form.cleaned_data["mission"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("roadmap:group", access.organisation.slug, group.pk)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("New working group"),
            "back_url": reverse("roadmap:groups", args=[access.organisation.slug]),
        },
    )


def _members(access: OrganisationAccess) -> list[tuple[int, str]]:
    return [(m.user.pk, str(m.user)) for m in member_list(access=access)]


@organisation_view()
@require_safe
def group_detail(request: HttpRequest, access: OrganisationAccess, group_id: int) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    return render(
        request,
        "roadmap/group_detail.html",
        {
            "access": access,
            "group": group,
            "notes": group.notes.select_related("author"),
            "member_form": MemberForm(members=_members(access)),
            "note_form": MeetingNoteForm(),
            "theme_titles": _theme_titles(),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def group_edit(request: HttpRequest, access: OrganisationAccess, group_id: int) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                access=access,
                group=group,
                expected_version=form.cleaned_data.get("version") or 0,
                name=form.cleaned_data["name"],
                mission=form.cleaned_data["mission"],
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("roadmap:group", access.organisation.slug, group_id)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Edit the group"),
            "back_url": reverse("roadmap:group", args=[access.organisation.slug, group_id]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def group_delete(request: HttpRequest, access: OrganisationAccess, group_id: int) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    if request.method == "POST":
        services.group_delete(access=access, group=group)
        messages.success(request, _("The group was deleted; its items stay in the roadmap."))
        return redirect("roadmap:groups", access.organisation.slug)
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": _("Delete the group “%(name)s”?") % {"name": group.name},
                "consequence": _(
                    "Its members and meeting notes are deleted; its roadmap items stay, "
                    "without a group."
                ),
                "confirm_label": _("Delete"),
            },
            "back_url": reverse("roadmap:group", args=[access.organisation.slug, group_id]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def member_add(request: HttpRequest, access: OrganisationAccess, group_id: int) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    form = MemberForm(request.POST, members=_members(access))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_add(
                access=access,
                group=group,
                user_id=data["user"],
                name=data["name"],
                email=data["email"],
                is_lead=data["is_lead"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Member added."))
    else:
        messages.error(request, _("Check the member's details."))
    return redirect("roadmap:group", access.organisation.slug, group_id)


@organisation_view(Access.ADMINISTER)
@require_POST
def member_remove(
    request: HttpRequest, access: OrganisationAccess, group_id: int, member_id: int
) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    services.member_remove(
        access=access, member=selectors.member_get(access=access, group=group, pk=member_id)
    )
    messages.success(request, _("Member removed from the group."))
    return redirect("roadmap:group", access.organisation.slug, group_id)


@organisation_view(Access.CONTRIBUTE)
@require_POST
def meeting_note_add(
    request: HttpRequest, access: OrganisationAccess, group_id: int
) -> HttpResponse:
    group = selectors.group_get(access=access, pk=group_id)
    form = MeetingNoteForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_note_add(
                access=access, group=group, author=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Meeting notes added."))
    else:
        messages.error(request, _("The notes need a date and a text."))
    return redirect("roadmap:group", access.organisation.slug, group_id)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def approval(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = ApprovalForm(request.POST or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_record(access=access, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The approval of the roadmap is recorded."))
            return redirect("roadmap:roadmap", access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Record the approval of the roadmap"),
            "back_url": reverse("roadmap:roadmap", args=[access.organisation.slug]),
        },
    )
