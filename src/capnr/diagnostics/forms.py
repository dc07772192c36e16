from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Answer, AnswerValue
from .services import fingerprint

ANSWER_CHOICES = [(value, label) for value, label in AnswerValue.choices]


class AnswerForm(forms.Form):
    """One question's answer; on a theme page each question has its own prefix."""

    value = forms.ChoiceField(
        label=_("Answer"), choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=500,
        help_text=_("A document, a link or a figure (e.g. “PUE 1.6 in 2025”)."),
    )
    confirm = forms.BooleanField(label=_("Confirm last year's answer"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    initial_print = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)


class StartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.now().year


class DelegationForm(forms.Form):
    user = forms.TypedChoiceField(
        label=_("A member of the organisation"), coerce=int, required=False, empty_value=None
    )
    email = forms.EmailField(
        label=_("Or an email address"),
        required=False,
        help_text=_("They receive a link to this question only, valid 30 days, no account needed."),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— nobody —")), *members]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("user")) == bool(data.get("email")):
            raise forms.ValidationError(
                _("Choose a member of the organisation or type an email address (not both).")
            )
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Quick note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


def initial_for(answer: Answer | None) -> dict[str, Any]:
    """What a question's form shows, with the version and fingerprint it started from. A
    carried-over answer left as shown stays to confirm: only the ``confirm`` box (or a button
    that says so) confirms it."""
    value = answer.value if answer else ""
    comment = answer.comment if answer else ""
    evidence = answer.evidence if answer else ""
    return {
        "value": value,
        "comment": comment,
        "evidence": evidence,
        "version": answer.version if answer else 0,
        "initial_print": fingerprint(value, comment, evidence),
    }
