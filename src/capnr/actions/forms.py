"""Forms of the catalogue and simulator pages (the simulator's own inputs come from the engine's
model and are checked by it, see ``simulator.check``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from capnr.diagnostics.referential import theme_title, themes

EFFORT_CHOICES = (
    ("", _("Any effort")),
    ("easy", _("Easy")),
    ("medium", _("Medium")),
    ("hard", _("Hard")),
)


class CatalogueFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    effort = forms.ChoiceField(label=_("Effort"), required=False, choices=EFFORT_CHOICES)
    quick_win = forms.BooleanField(label=_("Quick wins only"), required=False)
    simulator = forms.BooleanField(label=_("With a simulator only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["theme"]
        field.choices = [("", _("All themes"))] + [
            (theme.id, theme_title(theme)) for theme in themes()
        ]


class ScenarioSaveForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the scenario"),
        max_length=160,
        required=False,
        help_text=_("For example “Shutdown at 8 pm, all sites”. Leave empty for a dated name."),
    )
