"""The groups to confirm are named by what the file says of them, with their device count."""

from __future__ import annotations

from django.utils import translation

from capnr.inventory.forms import ConfirmForm


def group(type_text: str, model: str, devices: int) -> dict[str, object]:
    return {"key": f"{type_text} | {model}", "type": type_text, "model": model,
            "suggested": "", "count": 1, "devices": devices}  # fmt: skip


def test_a_group_is_labelled_by_its_type_and_model_with_its_device_count() -> None:
    uncertain = [group("", "Boîtier 3000", 1), group("Portable", "X1", 12), group("", "", 2)]
    with translation.override("fr"):
        labels = [str(field.label) for field in ConfirmForm(uncertain=uncertain).fields.values()]
    assert labels == [
        "Boîtier 3000 (1 équipement)",
        "Portable X1 (12 équipements)",
        "(ni type ni modèle) (2 équipements)",
    ]
    with translation.override("en"):
        labels = [str(field.label) for field in ConfirmForm(uncertain=uncertain).fields.values()]
    assert labels[0] == "Boîtier 3000 (1 device)"
