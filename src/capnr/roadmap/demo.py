"""The demo road agency's roadmap (invented people and figures): six working groups, twelve
items whose two quick wins of the testimony are done and measured (server-room setpoint raised
by 2 °C, workstations switched off at night), journal entries and indicator history. The commune
has recommendations but no roadmap yet. Created once; a second run leaves it as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from capnr.actions import services as action_services
from capnr.actions.recommend import modelled
from capnr.core import demo_clock
from capnr.core.access import Access, OrganisationAccess
from capnr.inventory.models import Asset, AssetStatus
from capnr.organisations.models import Organisation, User

from . import services
from .models import Commitment, ItemStatus, KpiTarget, PlanItem, WorkingGroup
from .templates_data import TEMPLATES

D = demo_clock.day  # a date of the story, moved to the real calendar


def _count(organisation: Organisation, category: str) -> int:
    total = (
        Asset.objects.filter(organisation=organisation, category=category)
        .exclude(status=AssetStatus.RETIRED)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return int(total or 0)


def _items() -> list[tuple[str, str, str, str, str, dt.date, dt.date, dict[str, Any] | None]]:
    """The agency's items (action id, status, commitment, owner key, group key, start, due,
    model inputs or None), dated when called."""
    return [
        (
            "hosting.raise_setpoint",
            "done",
            "deployed",
            "referent",
            "equipment",
            D(2025, 3, 3),
            D(2025, 3, 31),
            {"it_load_kw": 8, "pue": 1.93, "current_setpoint_c": 22, "new_setpoint_c": 24},
        ),
        (
            "use.auto_shutdown",
            "done",
            "deployed",
            "contributor",
            "equipment",
            D(2025, 4, 1),
            D(2025, 6, 30),
            {"share_left_on": 0.33},
        ),
        (
            "equipment.lifetime_policy",
            "in_progress",
            "pilot",
            "referent",
            "equipment",
            D(2025, 9, 1),
            D(2026, 12, 31),
            None,
        ),
        (
            "purchasing.refurbished_sourcing",
            "planned",
            "considering",
            "referent",
            "equipment",
            D(2026, 1, 15),
            D(2027, 6, 30),
            {"refurbished_share": 0.2},
        ),
        (
            "purchasing.environmental_criterion",
            "in_progress",
            "deployed",
            "referent",
            "quality",
            D(2025, 2, 3),
            D(2025, 8, 29),
            None,
        ),
        (
            "end_of_use.collection_challenge",
            "planned",
            "pilot",
            "contributor",
            "communication",
            D(2025, 11, 3),
            D(2026, 3, 31),
            None,
        ),
        (
            "awareness.field_staff_training",
            "in_progress",
            "pilot",
            "contributor",
            "training",
            D(2025, 3, 3),
            D(2026, 2, 27),
            None,
        ),
        (
            "data.retention_cleanup",
            "planned",
            "considering",
            "contributor",
            "data",
            D(2025, 12, 1),
            D(2026, 6, 30),
            None,
        ),
        (
            "accessibility.rgaa_audit",
            "planned",
            "considering",
            "referent",
            "accessibility",
            D(2026, 1, 15),
            D(2026, 9, 30),
            None,
        ),
        (
            "strategy.quality_process",
            "in_progress",
            "pilot",
            "referent",
            "quality",
            D(2025, 1, 6),
            D(2025, 12, 19),
            None,
        ),
        (
            "communication.internal_plan",
            "in_progress",
            "deployed",
            "contributor",
            "communication",
            D(2025, 10, 1),
            D(2026, 12, 15),
            None,
        ),
        (
            "equipment.desk_phones",
            "abandoned",
            "considering",
            "referent",
            "equipment",
            D(2025, 11, 1),
            D(2026, 6, 30),
            None,
        ),
    ]


ABANDONED = (
    "Les postes fixes restent indispensables au PC de crise viabilité hivernale ; "
    "à revoir avec la téléphonie sur IP en 2028."
)


def _journal() -> dict[str, list[tuple[dt.date, str, bool]]]:
    """The items' journal entries (date, text, side effect), dated when called."""
    return {
        "hosting.raise_setpoint": [
            (
                D(2025, 3, 12),
                "Consigne de la salle du siège relevée de 22 à 24 °C, avec "
                "l'accord du prestataire de maintenance.",
                False,
            ),
            (D(2025, 6, 30), "Premier été à 24 °C : aucune alarme de température.", False),
            (
                D(2025, 11, 14),
                "8 mois plus tard, aucun incident signalé ; le compteur "
                "divisionnaire confirme la baisse.",
                False,
            ),
        ],
        "use.auto_shutdown": [
            (
                D(2025, 4, 1),
                "Extinction programmée à 20 h sur le siège (pilote, 150 postes).",
                False,
            ),
            (
                D(2025, 5, 6),
                "Deux agents d'astreinte ont besoin d'un accès à distance la nuit : "
                "leurs postes sont exclus de l'extinction.",
                True,
            ),
            (
                D(2025, 6, 30),
                "Généralisée aux centres d'exploitation. Les correctifs de sécurité "
                "sont mieux appliqués car les postes redémarrent chaque jour.",
                True,
            ),
        ],
        "equipment.lifetime_policy": [
            (
                D(2025, 10, 2),
                "Pilote : 60 portables de 4 ans équipés d'un SSD et de 16 Go au lieu d'être "
                "remplacés.",
                False,
            ),
        ],
        "purchasing.environmental_criterion": [
            (
                D(2025, 3, 10),
                "Critère environnemental (15 %) ajouté au marché de reprographie.",
                False,
            ),
        ],
    }


def _measurements() -> dict[str, list[tuple[dt.date, int]]]:
    """KPI id → its measurements (date, value), dated when called."""
    return {
        "setpoint": [(D(2025, 2, 28), 22), (D(2025, 3, 31), 24), (D(2025, 9, 30), 24)],
        "server_room_energy": [
            (D(2025, 2, 28), 7350),
            (D(2025, 4, 30), 7010),
            (D(2025, 6, 30), 7060),
            (D(2025, 8, 31), 7090),
            (D(2025, 10, 31), 6990),
        ],
        "temperature_alarms": [(D(2025, 6, 30), 0), (D(2025, 11, 14), 0)],
        "off_at_night": [(D(2025, 3, 15), 64), (D(2025, 5, 15), 88), (D(2025, 9, 15), 97)],
        "patch_compliance": [(D(2025, 3, 15), 78), (D(2025, 6, 15), 91), (D(2025, 10, 15), 96)],
    }


TARGETS = {
    "setpoint": (22, 24),
    "server_room_energy": (7350, 6900),
    "temperature_alarms": (0, 0),
    "off_at_night": (64, 95),
    "patch_compliance": (78, 95),
}


def seed_demo_roadmap(*, agency: Organisation) -> None:
    if PlanItem.objects.filter(organisation=agency).exists():
        return
    access = OrganisationAccess(agency, Access.ADMINISTER, "demo")
    people = {
        "referent": User.objects.get(email="referent@routes-haut-vallon.example"),
        "contributor": User.objects.get(email="contributeur@routes-haut-vallon.example"),
    }
    services.groups_from_templates(access=access, keys=[t.key for t in TEMPLATES])
    groups = {group.template: group for group in WorkingGroup.objects.filter(organisation=agency)}
    leads = {
        "equipment": ("referent", ""),
        "quality": ("", "Hélène Carpentier"),
        "data": ("contributor", ""),
        "communication": ("", "Lucas Ferrand"),
        "training": ("", "Amina Diallo"),
        "accessibility": ("", "Bruno Lefèvre"),
    }
    for key, (person, name) in leads.items():
        services.member_add(
            access=access,
            group=groups[key],
            user_id=people[person].pk if person else None,
            name=name,
            email=f"{name.split()[0].lower()}@routes-haut-vallon.example" if name else "",
            is_lead=True,
        )
    services.member_add(access=access, group=groups["equipment"], user_id=people["contributor"].pk)
    services.meeting_note_add(
        access=access,
        group=groups["equipment"],
        date=D(2025, 2, 20),
        text="Lancement : deux gains rapides retenus (consigne de la salle serveur, extinction "
        "des postes la nuit) avant le chantier de la durée de vie.",
        author=people["referent"],
    )
    services.meeting_note_add(
        access=access,
        group=groups["equipment"],
        date=D(2025, 10, 2),
        text="Bilan des gains rapides présenté en comité de direction ; pilote SSD lancé.",
        author=people["referent"],
    )
    fleet = {
        "desktops": _count(agency, "desktop"),
        "laptops": _count(agency, "laptop"),
        "monitors": _count(agency, "monitor"),
        "smartphones": _count(agency, "smartphone"),
    }
    journal, measurements = _journal(), _measurements()
    for action_id, status, commitment, owner, group, start, due, inputs in _items():
        scenario = None
        model = _model(action_id)
        if model:
            params = _inputs(model, fleet, inputs or {})
            scenario = action_services.scenario_save(
                access=access,
                model_id=model,
                inputs=params,
                input_sources=_sources(model, params, fleet),
                name=f"Chiffrage initial — {_title(action_id)}",
                user=people["referent"],
                action_id=action_id,
            )
        item = services.item_create(
            access=access,
            action_id=action_id,
            fields={
                "owner": people[owner],
                "working_group": groups[group],
                "start_date": start,
                "due_date": due,
                "status": status,
                "commitment": commitment,
                "abandon_reason": ABANDONED if status == ItemStatus.ABANDONED else "",
                "scenario": scenario,
            },
        )
        for date, text, side_effect in journal.get(action_id, []):
            services.journal_add(
                access=access,
                item=item,
                user=people[owner],
                date=date,
                text=text,
                side_effect=side_effect,
            )
        for kpi in KpiTarget.objects.filter(item=item):
            if kpi.kpi_id in TARGETS:
                baseline, target = TARGETS[kpi.kpi_id]
                services.kpi_update(
                    access=access, kpi=kpi, user=people[owner], baseline=baseline, target=target
                )
            for date, value in measurements.get(kpi.kpi_id, []):
                services.measurement_add(
                    access=access, kpi=kpi, user=people[owner], date=date, value=value
                )
    services.approval_record(
        access=access,
        user=people["referent"],
        approved_on=D(2025, 10, 2),
        approved_by="Comité de direction",
        note=f"Feuille de route {demo_clock.year(2025)}-{demo_clock.year(2027)} validée avec le "
        "bilan des gains rapides.",
    )
    assert Commitment.DEPLOYED  # the choices used above exist


def _title(action_id: str) -> str:
    """The action's French title: the demo's people work in French and name things in words."""
    from capnr.engine.catalogue import catalogue

    return catalogue().action(action_id).title_fr


def _model(action_id: str) -> str:
    """The impact model of an action whose simulator gives figures; "" for any other."""
    from capnr.engine.catalogue import catalogue

    action = catalogue().action(action_id)
    return action.model if modelled(action) else ""


def _inputs(model: str, fleet: dict[str, int], given: dict[str, Any]) -> dict[str, Any]:
    from capnr.engine import impact

    names = {spec.name for spec in impact.MODELS[model].inputs}
    params = {name: value for name, value in fleet.items() if name in names}
    if model == "refurbished":
        params = {
            "laptops_bought": round(fleet["laptops"] / 5),
            "desktops_bought": round(fleet["desktops"] / 6),
            "monitors_bought": round(fleet["monitors"] / 7),
            "smartphones_bought": round(fleet["smartphones"] / 3),
        }
    params.update(given)
    return params


def _sources(model: str, params: dict[str, Any], fleet: dict[str, int]) -> dict[str, str]:
    """Where each input of a demo scenario came from: the inventory, or typed by the référent;
    the inputs left out keep their default."""
    from capnr.engine import impact

    sources = {}
    for spec in impact.MODELS[model].inputs:
        if spec.name in fleet and spec.name in params:
            sources[spec.name] = "inventory"
        elif spec.name in params:
            sources[spec.name] = "user"
        else:
            sources[spec.name] = "default"
    return sources
