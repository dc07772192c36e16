"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from capnr.organisations.models import Department, Site

from .models import Answer, Campaign, Erasure, ErasureMethod, ItemType, Outcome, SortingBatch, Team
from .services import DepositInput, DeviceInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    item_types = forms.MultipleChoiceField(
        label=_("What is collected"),
        choices=ItemType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = ["name", "start_date", "end_date", "item_types", "rules", "plan_item"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "rules": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, plan_items: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = plan_items
        self.fields["plan_item"].help_text = _(
            "The roadmap item this challenge carries out, if there is one."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["item_types"].initial = list(ItemType.values)


class TeamForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("One of the organisation's departments, or leave empty and give a name."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    headcount = forms.IntegerField(
        label=_("Headcount (agents)"),
        min_value=0,
        initial=0,
        help_text=_("For the ranking by items per agent; 0 if not known (then not ranked)."),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if not departments.exists():
            del self.fields["department"]
            self.fields["name"].required = True


class PointForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    location = forms.CharField(
        label=_("Where it stands"),
        max_length=200,
        help_text=_("So people find it: “ground floor, beside the coffee machine”."),
    )
    person_in_charge = forms.TypedChoiceField(
        label=_("Person in charge"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A member who empties the box and corrects wrong deposits."),
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], people: Iterable[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["person_in_charge"].choices = [("", "—"), *people]


class DepositForm(forms.Form):
    """The deposit page's form: a department, a count per item type the campaign collects, two
    questions, an optional first name. Counts are checked by the service (every problem worded
    at once), so the fields accept any whole number."""

    team = forms.TypedChoiceField(
        label=_("Your department"), coerce=int, empty_value=None, required=False
    )
    works = forms.ChoiceField(
        label=_("Does it still work?"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    held_data = forms.ChoiceField(
        label=_("Did it hold data (files, photos, contacts)?"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(
        label=_("Your first name (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only for the thank-you list of the campaign. Leave empty to stay anonymous."),
    )

    def __init__(
        self, *args: Any, teams: Iterable[Team], item_types: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Choose…")), *((t.pk, t.name) for t in teams)]
        labels = dict(ItemType.choices)
        self.item_types = [kind for kind in ItemType.values if kind in set(item_types)]
        for kind in self.item_types:
            self.fields[kind] = forms.IntegerField(
                label=labels[kind],
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 50}),
            )
        # The counts first, after the department: what people came to say.
        order = ["team", *self.item_types, "works", "held_data", "first_name"]
        self.order_fields(order)

    def count_fields(self) -> list[forms.BoundField]:
        return [self[kind] for kind in self.item_types]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("works", "held_data", "first_name")]

    def deposit_input(self) -> DepositInput:
        data = self.cleaned_data
        return DepositInput(
            team_id=data.get("team"),
            counts={kind: data.get(kind) or 0 for kind in self.item_types},
            works=data.get("works") or Answer.UNKNOWN,
            held_data=data.get("held_data") or Answer.UNKNOWN,
            first_name=data.get("first_name") or "",
        )


class CorrectionForm(DepositForm):
    reason = forms.CharField(label=_("Why (for the journal)"), max_length=300, required=False)


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Why (for the journal)"), max_length=300, required=False)


class SortingForm(forms.ModelForm):
    class Meta:
        model = SortingBatch
        fields = [
            "date",
            "item_type",
            "count",
            "outcome",
            "recipient",
            "agreement",
            "weight_kg",
            "held_data",
            "replaces_purchase",
        ]
        widgets = {"date": DATE}


class ErasureForm(forms.ModelForm):
    class Meta:
        model = Erasure
        fields = ["date", "method", "devices", "done_by", "certificate"]
        widgets = {"date": DATE}


class DeviceForm(forms.Form):
    """One device on its own; its erasure beside it, required when it held data."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    item_type = forms.ChoiceField(label=_("Kind of equipment"), choices=ItemType.choices)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    asset_tag = forms.CharField(
        label=_("Asset tag"),
        max_length=100,
        required=False,
        help_text=_("The organisation's inventory number, if the device has one."),
    )
    outcome = forms.ChoiceField(label=_("What became of it"), choices=Outcome.choices)
    recipient = forms.CharField(
        label=_("To whom"),
        max_length=200,
        required=False,
        help_text=_("The association, buyer, refurbisher or take-back scheme (eco-organisme)."),
    )
    agreement = forms.CharField(
        label=_("Agreement or slip reference"), max_length=200, required=False
    )
    weight_kg = forms.FloatField(label=_("Weight (kg)"), required=False, min_value=0)
    replaces_purchase = forms.BooleanField(
        label=_("It spares buying a new one"),
        required=False,
        help_text=_("Reused inside, or given to someone who would otherwise buy new."),
    )
    held_data = forms.BooleanField(label=_("It held data"), required=False)
    erasure_method = forms.ChoiceField(
        label=_("Erasure method"),
        choices=[("", _("Choose…")), *ErasureMethod.choices],
        required=False,
    )
    erasure_date = forms.DateField(label=_("Erasure date"), widget=DATE, required=False)
    erasure_done_by = forms.CharField(label=_("Erased by"), max_length=200, required=False)
    erasure_certificate = forms.CharField(
        label=_("Erasure certificate reference"), max_length=200, required=False
    )

    def device_input(self) -> DeviceInput:
        data = self.cleaned_data
        return DeviceInput(
            date=data["date"],
            item_type=data["item_type"],
            outcome=data["outcome"],
            recipient=data.get("recipient") or "",
            agreement=data.get("agreement") or "",
            weight_kg=data.get("weight_kg"),
            serial_number=data.get("serial_number") or "",
            asset_tag=data.get("asset_tag") or "",
            held_data=bool(data.get("held_data")),
            replaces_purchase=bool(data.get("replaces_purchase")),
            erasure_method=data.get("erasure_method") or "",
            erasure_date=data.get("erasure_date"),
            erasure_done_by=data.get("erasure_done_by") or "",
            erasure_certificate=data.get("erasure_certificate") or "",
        )


class CertificateForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate file"),
        help_text=_("PDF, PNG or JPEG, at most %(mb)s MB. Only the référent can open it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, max_mb: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": f"{max_mb:g}"}
