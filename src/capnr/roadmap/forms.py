"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capnr.engine import diagnostic as engine_diagnostic
from capnr.organisations.models import Department, Site

from .models import ItemStatus, KpiTarget, PlanItem, RoadmapApproval, WorkingGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def theme_choices(english: bool) -> list[tuple[str, str]]:
    return [
        (theme.id, theme.title_en if english else theme.title_fr)
        for theme in engine_diagnostic.referential().themes
    ]


class PlanItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    theme = forms.ChoiceField(label=_("Theme"))

    class Meta:
        model = PlanItem
        fields = [
            "title",
            "description",
            "theme",
            "owner",
            "working_group",
            "sites",
            "departments",
            "start_date",
            "due_date",
            "status",
            "abandon_reason",
            "commitment",
            "budget_eur",
            "scenario",
        ]
        widgets = {
            "start_date": DATE,
            "due_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "abandon_reason": forms.Textarea(attrs={"rows": 2}),
            "sites": forms.CheckboxSelectMultiple,
            "departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, access: Any, english: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = access.organisation
        self.fields["theme"].choices = theme_choices(english)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = owner_field.queryset.filter(
            memberships__organisation=organisation
        ).distinct()
        group_field: Any = self.fields["working_group"]
        group_field.queryset = WorkingGroup.objects.for_access(access)
        scenario_field: Any = self.fields["scenario"]
        scenario_field.queryset = scenario_field.queryset.for_access(access)
        sites_field: Any = self.fields["sites"]
        sites_field.queryset = Site.objects.for_access(access)
        departments_field: Any = self.fields["departments"]
        departments_field.queryset = Department.objects.for_access(access)
        # Say what an empty choice means instead of Django's "---------".
        owner_field.empty_label = _("Nobody yet")
        group_field.empty_label = _("No working group")
        scenario_field.empty_label = _("No scenario")
        if not self.instance.pk:
            # A new item is not abandoned yet: neither that status nor its reason is asked.
            del self.fields["abandon_reason"]
            status_field: Any = self.fields["status"]
            status_field.choices = [
                (value, label) for value, label in status_field.choices
                if value != ItemStatus.ABANDONED
            ]  # fmt: skip
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class JournalForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    side_effect = forms.BooleanField(label=_("This is a side effect"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class KpiForm(forms.ModelForm):
    class Meta:
        model = KpiTarget
        fields = ["label", "unit", "baseline", "target", "direction"]
        widgets = {
            "direction": forms.Select(
                choices=[("up", _("More is better")), ("down", _("Less is better"))]
            )
        }


class MeasurementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.FloatField(label=_("Value"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class MeasurementRecordForm(MeasurementForm):
    """One form for all of an item's indicators: which indicator, then the measurement (one
    form on the item's page instead of one per indicator)."""

    kpi = forms.TypedChoiceField(label=_("Indicator"), coerce=int)

    def __init__(self, *args: Any, kpis: Iterable[KpiTarget] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kpi_field = self.fields["kpi"]
        assert isinstance(kpi_field, forms.TypedChoiceField)
        kpi_field.choices = [(kpi.pk, kpi.label) for kpi in kpis]
        # The indicator first: the date, value and note follow it.
        self.order_fields(["kpi", "date", "value", "note"])


class GroupForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = WorkingGroup
        fields = ["name", "mission"]
        widgets = {"mission": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class GroupTemplatesForm(forms.Form):
    templates = forms.MultipleChoiceField(
        label=_("The usual groups"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["templates"].choices = choices


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(
        label=_("A member of the organisation"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=_("Or a name"), max_length=120, required=False)
    email = forms.EmailField(label=_("and an email address"), required=False)
    is_lead = forms.BooleanField(label=_("Leads the group"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— nobody —")), *members]


class MeetingNoteForm(forms.Form):
    date = forms.DateField(label=_("Meeting date"), widget=DATE)
    text = forms.CharField(
        label=_("Notes"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = RoadmapApproval
        fields = ["approved_on", "approved_by", "note"]
        widgets = {"approved_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}
