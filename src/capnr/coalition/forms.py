"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from capnr.organisations.models import Organisation, OrganisationKind, User

from .models import AttendanceStatus, Cohort, FacilitatorNote, Session, SessionKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _moment() -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = _moment()
    ends_at = _moment()
    place = forms.CharField(
        label=_("Place"),
        max_length=250,
        required=False,
        help_text=_("The address, or leave empty for a session by video only."),
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    expected = forms.MultipleChoiceField(
        label=_("Organisations expected"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none when every organisation of the cohort is expected."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        session: Session | None = None,
        **kwargs: Any,
    ) -> None:
        data = args[0] if args else kwargs.get("data")
        if session is not None and data is None:
            kwargs["initial"] = {
                "kind": session.kind,
                "title": session.title,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "place": session.place,
                "video_url": session.video_url,
                "agenda": session.agenda,
                "expected": [str(pk) for pk in session.expected.values_list("pk", flat=True)],
                "version": session.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].label = _("Starts at")
        self.fields["ends_at"].label = _("Ends at")
        self.fields["expected"].choices = [(str(o.pk), o.name) for o in organisations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("video_url"):
            self.add_error("place", _("Give a place, a video link, or both."))
        return data

    def session_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "title", "starts_at", "ends_at", "place", "video_url", "agenda")
        }

    def expected_ids(self) -> list[int] | None:
        chosen = [int(pk) for pk in self.cleaned_data["expected"]]
        return chosen or None


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    url = forms.URLField(label=_("Link"), assume_scheme="https")


class SessionFileForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, image or office document, 10 MB at most."),
    )


class AttendanceForm(forms.Form):
    """One organisation's attendance: its status and who of its people came."""

    status = forms.ChoiceField(
        label=_("Attendance"), choices=AttendanceStatus.choices, widget=forms.RadioSelect
    )
    people = forms.MultipleChoiceField(
        label=_("People present"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the members of the organisation who came."),
    )

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(str(u.pk), u.get_full_name()) for u in members]


class InviteExistingForm(forms.Form):
    slug = forms.SlugField(
        label=_("Short name of the organisation"),
        max_length=80,
        help_text=_(
            "As it appears in its addresses on Cap NR (…/o/short-name/). Its référents are "
            "asked to accept; until then you see nothing of it."
        ),
    )


class NewOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    referent_email = forms.EmailField(
        label=_("Email of its référent"),
        help_text=_("They receive an invitation to join as référent NR."),
    )


class NoteForm(forms.ModelForm):
    class Meta:
        model = FacilitatorNote
        fields = ["text", "follow_up_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "year", "start_date", "end_date", "description"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
