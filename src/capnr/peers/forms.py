"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from capnr.organisations.models import OrganisationKind
from capnr.organisations.sizes import size_labels

from .benchmarks import SIZE_BRACKET_IDS
from .models import ExperienceReport, Outcome


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = ExperienceReport
        fields = [
            "title",
            "visibility",
            "what_was_done",
            "year",
            "effort",
            "cost_eur",
            "duration_months",
            "result",
            "expected_kwh",
            "measured_kwh",
            "expected_eur",
            "measured_eur",
            "expected_kgco2e",
            "measured_kgco2e",
            "difficulties",
            "tips",
            "links",
            "contact_mode",
            "contact_name",
            "contact_email",
        ]
        widgets = {
            "visibility": forms.RadioSelect,
            "contact_mode": forms.RadioSelect,
            "what_was_done": forms.Textarea(attrs={"rows": 4}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "tips": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "visibility": _(
                "You can change it or withdraw the report at any time; a withdrawn report "
                "disappears from every page at once."
            ),
            "contact_name": _("Only kept and shown when you chose a named person."),
        }


class SuggestionForm(forms.Form):
    message = forms.CharField(
        label=_("Your message to the organisation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: your night-shutdown results would help others."),
    )


class LibraryFilterForm(forms.Form):
    """The library's filters, sent by GET so that a filtered list has an address."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(label=_("Result"), required=False)

    def __init__(
        self,
        *args: Any,
        themes: list[tuple[str, str]],
        actions: list[tuple[str, str]],
        years: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["theme"].choices = every + themes
        self.fields["action"].choices = every + actions
        self.fields["kind"].choices = every + list(OrganisationKind.choices)
        self.fields["size"].choices = every + [
            (key, size_labels()[key]) for key in SIZE_BRACKET_IDS
        ]
        self.fields["year"].choices = every + [(str(year), str(year)) for year in years]
        self.fields["outcome"].choices = every + list(Outcome.choices)
