"""The form a facilitator records a by-hand milestone with (the six-month review, the closing)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Milestone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=Milestone.Kind.choices)
    reached_on = forms.DateField(label=_("Reached on"), widget=DATE)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
