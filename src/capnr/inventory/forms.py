from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from capnr.engine.reference import reference_data

from .models import AssetStatus

FIELD_LABELS = {
    "": _("— ignore this column —"),
    "name": _("Name (host name)"),
    "category": _("Cap NR category"),
    "type": _("Type (GLPI / OCS)"),
    "manufacturer": _("Manufacturer"),
    "model": _("Model"),
    "serial_number": _("Serial number"),
    "inventory_number": _("Inventory number"),
    "site": _("Site (location)"),
    "entity": _("Entity (GLPI)"),
    "department": _("Department"),
    "purchase_date": _("Purchase date"),
    "lifetime_years": _("Planned lifetime (years)"),
    "quantity": _("Quantity"),
    "status": _("Status"),
    "os_name": _("Operating system"),
    "country": _("Country"),
    "user": _("User"),
    "retirement_date": _("Retirement date"),
    "annual_kwh": _("Yearly consumption (kWh)"),
}


def category_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    from .presentation import category_label

    choices = [(code, category_label(code)) for code in reference_data().category_codes]
    return ([("", blank)] if blank is not None else []) + choices


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Inventory file"))
    full_reimport = forms.BooleanField(
        label=_("This file is my complete inventory"),
        required=False,
        help_text=_(
            "Devices imported before and missing from this file will be marked as "
            "retired, after your confirmation."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["file"].help_text = _(
            "CSV (GLPI, OCS Inventory or our template) or XLSX/ODS, up to %(mb)s MB."
        ) % {"mb": f"{settings.CAPNR_IMPORT_MAX_MB:g}"}


DATE_ORDERS = [
    ("auto", _("Recognise it from the dates themselves")),
    ("dmy", _("Day first (31/01/2024)")),
    ("mdy", _("Month first (01/31/2024)")),
]


def column_label(header: list[str], index: int) -> str:
    return header[index] or _("(column %(number)s without a name)") % {"number": index + 1}


def column_values(samples: list[list[str]], index: int) -> str:
    """The column's first values, as read (at most 120 characters)."""
    return ", ".join(row[index] for row in samples if index < len(row) and row[index])[:120]


def column_examples(samples: list[list[str]], index: int) -> str:
    values = column_values(samples, index)
    if not values:
        return str(_("No value in the first rows."))
    return _("Examples: %(values)s") % {"values": values}


def pending_columns(query: Any, header: list[str]) -> dict[int, str]:
    """The columns changed on the page and not checked yet, as the address carries them
    (``?column_3=model``): known columns and fields only, anything else is ignored."""
    pending = {}
    for key, value in query.items():
        index = key.removeprefix("column_")
        if index != key and index.isdigit() and int(index) < len(header) and value in FIELD_LABELS:
            pending[int(index)] = value
    return pending


class ColumnChangeForm(forms.Form):
    """What one column of an import holds, chosen on its own: a GET form, so that the choice
    waits in the address (with the other changes) until the whole mapping is checked."""

    def __init__(
        self, *args: Any, header: list[str], samples: list[list[str]], index: int, field: str
    ) -> None:
        super().__init__(*args)
        self.fields[f"column_{index}"] = forms.ChoiceField(
            label=_("Column “%(column)s”: what it holds") % {"column": column_label(header, index)},
            choices=list(FIELD_LABELS.items()),
            required=False,
            initial=field,
            help_text=column_examples(samples, index),
        )


class MappingForm(forms.Form):
    date_order = forms.ChoiceField(
        label=_("Order of the dates"),
        choices=DATE_ORDERS,
        required=False,
        initial="auto",
        help_text=_(
            "When every date of the file could be read both ways (e.g. 03/04/2024), say which "
            "order it follows."
        ),
    )
    save_as = forms.CharField(
        label=_("Save these columns as"),
        required=False,
        max_length=100,
        help_text=_("Give a name to reuse this mapping next time, e.g. “Export GLPI parc”."),
    )

    def __init__(
        self,
        *args: Any,
        header: list[str],
        initial_mapping: dict[str, str],
        samples: list[list[str]],
        hidden_columns: bool = False,
        **kwargs: Any,
    ) -> None:
        """`hidden_columns`: each column's choice goes as a hidden field (the page shows the
        columns in a table, with one column to change at a time: see ColumnChangeForm)."""
        super().__init__(*args, **kwargs)
        choices = list(FIELD_LABELS.items())
        self.columns = []
        for index in range(len(header)):
            field_name = f"column_{index}"
            self.fields[field_name] = forms.ChoiceField(
                label=column_label(header, index),
                choices=choices,
                required=False,
                initial=initial_mapping.get(str(index), ""),
                help_text=column_examples(samples, index),
                widget=forms.HiddenInput if hidden_columns else None,
            )
            self.columns.append(field_name)
        self.order_fields([*self.columns, "date_order", "save_as"])

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("column_")): self.cleaned_data[name]
            for name in self.columns
            if self.cleaned_data.get(name)
        }


class ConfirmForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        uncertain: list[dict[str, Any]],
        new_sites: list[str] | None = None,
        existing_sites: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys: list[tuple[str, str]] = []
        self.site_keys: list[tuple[str, str]] = []
        for position, site in enumerate(new_sites or []):
            name = f"site_{position}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Location “%(site)s”") % {"site": site},
                choices=[
                    ("", _("Create this site")),
                    *[
                        (pk, _("It is the site “%(name)s”") % {"name": existing})
                        for pk, existing in existing_sites or []
                    ],
                ],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.site_keys.append((name, site))
        for position, group in enumerate(uncertain):
            name = f"group_{position}"
            devices = int(group.get("devices") or group["count"])
            described = " ".join(str(part) for part in (group["type"], group["model"]) if part)
            self.fields[name] = forms.ChoiceField(
                label=ngettext(
                    "%(what)s (%(count)s device)", "%(what)s (%(count)s devices)", devices
                )
                % {"what": described or _("(neither type nor model)"), "count": devices},
                choices=category_choices(blank=str(_("Choose…"))),
                initial=group.get("suggested") or "",
                required=True,
            )
            self.keys.append((name, str(group["key"])))

    def choices(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for name, key in self.keys}

    def site_choices(self) -> dict[str, int]:
        """Locations of the file that the user matched to an existing site."""
        return {
            site: self.cleaned_data[name]
            for name, site in self.site_keys
            if self.cleaned_data.get(name)
        }


COUNT_CATEGORIES = (
    "desktop",
    "laptop",
    "thin_client",
    "workstation",
    "monitor",
    "smartphone",
    "tablet",
    "ip_phone",
    "printer_small",
    "printer_mfp",
    "server_rack",
    "switch",
    "wifi_ap",
    "nas",
    "projector",
    "display",
)


class CountsForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .presentation import category_label

        for code in COUNT_CATEGORIES:
            self.fields[code] = forms.IntegerField(
                label=category_label(code),
                min_value=0,
                max_value=1_000_000,
                required=False,
                initial=current.get(code, 0),
            )

    def counts(self) -> dict[str, int]:
        return {code: int(self.cleaned_data.get(code) or 0) for code in COUNT_CATEGORIES}


class AssetFilterForm(forms.Form):
    AGE_CHOICES = [
        ("", _("All ages")),
        ("0-2", _("Under 2 years")),
        ("2-4", _("2 to 4 years")),
        ("4-6", _("4 to 6 years")),
        ("6-8", _("6 to 8 years")),
        ("8-200", _("8 years and more")),
    ]
    category = forms.ChoiceField(label=_("Category"), required=False)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *AssetStatus.choices]
    )
    age = forms.ChoiceField(label=_("Age"), required=False, choices=AGE_CHOICES)

    def __init__(
        self,
        *args: Any,
        sites: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("All categories")))
        self.fields["site"].choices = [("", _("All sites")), *sites]  # type: ignore[attr-defined]
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("All departments")),
            *departments,
        ]
