"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from capnr.core.access import OrganisationAccess
from capnr.engine import catalogue as engine_catalogue
from capnr.organisations.models import Department, Site, User
from capnr.organisations.selectors import member_list
from capnr.roadmap import selectors as roadmap_selectors

from . import skills
from .models import (
    Attendance,
    AttendanceSource,
    Helped,
    Pace,
    Recommend,
    TrainingOffer,
    TrainingSession,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# The catalogue's themes training serves; an offer names one of their actions.
TRAINING_THEMES = ("awareness", "accessibility", "ecodesign")


def action_choices(english: bool, current: str = "") -> list[tuple[str, str]]:
    actions = [
        action
        for action in engine_catalogue.catalogue().actions
        if action.theme in TRAINING_THEMES or action.id == current
    ]
    return [("", _("None"))] + [
        (action.id, action.title_en if english else action.title_fr) for action in actions
    ]


class OfferForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    action_id = forms.ChoiceField(label=_("Action of the catalogue it serves"), required=False)

    class Meta:
        model = TrainingOffer
        fields = [
            "kind",
            "title",
            "audience",
            "format",
            "duration_hours",
            "provider",
            "cost_eur",
            "prerequisites",
            "action_id",
            "plan_item",
        ]
        widgets = {"prerequisites": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self, *args: Any, access: OrganisationAccess, english: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_id"].choices = action_choices(english, self.instance.action_id)
        plan_item: Any = self.fields["plan_item"]
        plan_item.queryset = roadmap_selectors.item_list(access=access)
        plan_item.empty_label = _("None")
        plan_item.label = _("Roadmap item it serves")
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class SessionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = TrainingSession
        fields = [
            "starts_at",
            "ends_at",
            "site",
            "room",
            "capacity",
            "trainer_name",
            "trainer_email",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args: Any, access: OrganisationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        site: Any = self.fields["site"]
        site.queryset = Site.objects.for_access(access)
        site.empty_label = _("No site (remote)")
        self.fields["trainer_name"].help_text = _("Someone of the organisation or from outside.")
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class RegisterForm(forms.Form):
    """Someone with an account, or an agent without one by name and department."""

    member = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("A member with an account"),
        empty_label=_("Nobody: an agent without an account"),
    )
    name = forms.CharField(
        label=_("Or the name of an agent without an account"), max_length=150, required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Their department"),
        empty_label=_("Not given"),
    )

    def __init__(self, *args: Any, access: OrganisationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member: Any = self.fields["member"]
        member.queryset = User.objects.filter(
            pk__in=member_list(access=access).values("user_id")
        ).order_by("full_name", "email")
        department: Any = self.fields["department"]
        department.queryset = Department.objects.for_access(access)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("member") and data.get("name", "").strip():
            raise forms.ValidationError(_("Choose a member or give a name, not both."))
        if not data.get("member") and not data.get("name", "").strip():
            raise forms.ValidationError(_("Choose a member, or give the agent's name."))
        return data


class AttendanceForm(forms.Form):
    """One choice per person with a place, and how attendance was taken."""

    source = forms.ChoiceField(
        label=_("How was attendance taken?"),
        choices=AttendanceSource.choices,
        widget=forms.RadioSelect,
        initial=AttendanceSource.ROOM,
    )

    def __init__(self, *args: Any, registrations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=str(registration.trainee),
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=registration.attended,
            )

    def marks(self) -> dict[int, str]:
        return {
            registration.pk: self.cleaned_data[f"r{registration.pk}"]
            for registration in self.registrations
        }

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(registration, self[f"r{registration.pk}"]) for registration in self.registrations]


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the campaign"),
        max_length=150,
        help_text=_("For example: “Spring 2026, all sites”."),
    )


class SkillsForm(forms.Form):
    """The self-assessment: where the agent works (optional), then a level per question (each
    may be left out)."""

    site = forms.TypedChoiceField(label=_("Where do you work?"), coerce=int, required=False)
    department = forms.TypedChoiceField(label=_("In which department?"), coerce=int, required=False)

    def __init__(
        self,
        *args: Any,
        sites: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["site"].choices = [("", _("I prefer not to say")), *sites]
        self.fields["department"].choices = [("", _("I prefer not to say")), *departments]
        for question in skills.QUESTIONS:
            self.fields[question.id] = forms.TypedChoiceField(
                label=question.text,
                choices=[(level, skills.LEVEL_LABELS[level]) for level in skills.LEVELS],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def levels(self) -> dict[str, int]:
        return {
            question: self.cleaned_data[question]
            for question in skills.QUESTION_IDS
            if self.cleaned_data.get(question) not in (None, "")
        }

    def questions(self) -> list[tuple[skills.SkillQuestion, forms.BoundField]]:
        return [(question, self[question.id]) for question in skills.QUESTIONS]


class ResultsFilterForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("site", _("Site")), ("department", _("Department"))],
        required=False,
    )
    site = forms.TypedChoiceField(label=_("Only the site"), coerce=int, required=False)
    department = forms.TypedChoiceField(label=_("Only the department"), coerce=int, required=False)

    def __init__(
        self, *args: Any, sites: dict[int, str], departments: dict[int, str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["site"].choices = [("", _("All sites")), *sites.items()]
        self.fields["department"].choices = [("", _("All departments")), *departments.items()]


class RetentionForm(forms.Form):
    retention_months = forms.IntegerField(
        label=_("Keep trainees' names for (months after their last session)"),
        min_value=1,
        max_value=120,
    )
    field_agents = forms.IntegerField(
        label=_("Field agents"),
        help_text=_(
            "How many agents work in the field and rarely use a computer, for the share of "
            "them the programme reaches. Leave empty if you do not know."
        ),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )


class SatisfactionForm(forms.Form):
    helped = forms.TypedChoiceField(
        label=_("Did the training help you?"),
        choices=Helped.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    pace = forms.ChoiceField(
        label=_("Was the pace right for you?"), choices=Pace.choices, widget=forms.RadioSelect
    )
    recommend = forms.ChoiceField(
        label=_("Would you advise a colleague to follow it?"),
        choices=Recommend.choices,
        widget=forms.RadioSelect,
    )
