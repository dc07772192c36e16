"""Forms validate input and show field-level messages; the rules live in services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from capnr.core.access import OrganisationAccess

from .models import Department, Organisation, Role, Site


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a concurrent save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class OrganisationProfileForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "headcount",
            "workstation_count",
            "population",
            "purchasing_bracket",
            "turnover_over_250m",
            "siret",
            "electricity_price_eur_per_kwh",
            "address",
            "postcode",
            "city",
        ]


class SiteForm(VersionedForm):
    class Meta:
        model = Site
        fields = ["name", "commune", "kind"]


# The empty choice of a department's parent, instead of Django's "---------".
TOP_LEVEL = _("None (a top-level department)")


class SiteCreateForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "commune", "kind"]


class DepartmentForm(VersionedForm):
    class Meta:
        model = Department
        fields = ["name", "parent"]

    def __init__(self, *args: object, access: OrganisationAccess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        parents = Department.objects.for_access(access)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = TOP_LEVEL  # type: ignore[attr-defined]


class DepartmentCreateForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "parent"]

    def __init__(self, *args: object, access: OrganisationAccess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].queryset = Department.objects.for_access(access)  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = TOP_LEVEL  # type: ignore[attr-defined]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.CONTRIBUTOR,
        help_text=_(
            "Référent: administers the organisation. Contributor: "
            "edits what is assigned to them. Reader: reads only."
        ),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from .models import User

            try:
                password_validation.validate_password(
                    str(first), User(email=self.email, full_name=str(cleaned.get("full_name", "")))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
