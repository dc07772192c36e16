"""A small roadmap for the export, calendar, reminder and API tests, built through the services.

org_a gets: a référent (Rita), two contributors who own items (Olga, Paul), a working group led
by Olga, a saved scenario, and five items: two open with due dates and an indicator, one done,
one abandoned, one without a due date, plus one in the bin (never exported)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from capnr.actions.models import Scenario
from capnr.organisations.models import Department, Organisation, Role, Site, User
from capnr.roadmap import services
from capnr.roadmap.models import ItemStatus, KpiTarget, PlanItem, WorkingGroup

FORMULA = '=HYPERLINK("https://example.org/steal","Click")'
# Long, accented and with the characters iCalendar escapes: it must be folded and escaped.
SHUTDOWN = "Éteindre les postes la nuit; et le week-end, y compris les écrans des salles partagées"
RESULTS = {
    "kwh": {"value": 48000.0, "low": 30000.0, "high": 65000.0},
    "eur": {"value": 9600.0, "low": 6000.0, "high": 13000.0},
    "kgco2e_total": {"value": 2500.0, "low": 1500.0, "high": 3400.0},
}


@dataclass
class Plan:
    organisation: Organisation
    referent: User
    olga: User
    paul: User
    group: WorkingGroup
    scenario: Scenario
    shutdown: PlanItem
    formula: PlanItem
    done: PlanItem
    abandoned: PlanItem
    undated: PlanItem
    binned: PlanItem
    kpi: KpiTarget
    access: Any


def build_plan(org: Organisation, member: Any, access_of: Any) -> Plan:
    today = timezone.localdate()
    referent = member(org, Role.REFERENT, full_name="Rita Référente")
    olga = member(org, Role.CONTRIBUTOR, full_name="Olga Owner")
    paul = member(org, Role.CONTRIBUTOR, full_name="Paul Porteur")
    access = access_of(referent, org)
    group = services.group_create(
        access=access, name="Équipements", mission="Garder les équipements plus longtemps."
    )
    services.member_add(access=access, group=group, user_id=olga.pk, is_lead=True)
    services.member_add(access=access, group=group, name="Jean Externe", email="jean@example.org")
    scenario = Scenario.objects.create(
        organisation=org,
        model_id="auto_shutdown",
        name="Extinction 480 postes",
        inputs={"desktops": 480},
        results=RESULTS,
        method_version="test",
        data_version="test",
        created_by=referent,
    )

    def create(title: str, **fields: Any) -> PlanItem:
        return services.item_create(access=access, fields={"title": title, **fields})

    shutdown = create(
        SHUTDOWN,
        theme="use",
        owner=olga,
        working_group=group,
        start_date=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=5),
        status=ItemStatus.IN_PROGRESS,
        commitment="pilot",
        budget_eur=Decimal("1200.50"),
        scenario=scenario,
    )
    PlanItem.objects.filter(pk=shutdown.pk).update(action_id="use.auto_shutdown")
    shutdown.refresh_from_db()
    sites = list(Site.objects.filter(organisation=org))
    departments = list(Department.objects.filter(organisation=org))
    shutdown.sites.set(sites)
    shutdown.departments.set(departments)
    kpi = services.kpi_add(
        access=access,
        item=shutdown,
        user=referent,
        label="Postes éteints la nuit",
        unit="%",
        baseline=30,
        target=90,
    )
    services.measurement_add(
        access=access, kpi=kpi, user=olga, date=today - dt.timedelta(days=40), value=55
    )
    services.measurement_add(
        access=access, kpi=kpi, user=olga, date=today - dt.timedelta(days=10), value=82
    )
    services.journal_add(
        access=access,
        item=shutdown,
        user=olga,
        date=today - dt.timedelta(days=60),
        text="Pilote lancé sur le site principal.",
    )
    services.journal_add(
        access=access,
        item=shutdown,
        user=olga,
        date=today - dt.timedelta(days=3),
        text="8 mois plus tard, aucun incident signalé.",
    )
    formula = create(FORMULA, theme="strategy", owner=paul, due_date=today + dt.timedelta(days=40))
    done = create(
        "Relever la consigne de la salle serveur de 2 °C",
        theme="hosting",
        owner=paul,
        due_date=today - dt.timedelta(days=20),
        status=ItemStatus.DONE,
        # Its own scenario, with the same figures (a scenario shared by items counts once).
        scenario=Scenario.objects.create(
            organisation=org,
            model_id="setpoint",
            name="Consigne +2 °C",
            results=RESULTS,
            method_version="test",
            data_version="test",
            created_by=referent,
        ),
    )
    abandoned = create(
        "Supprimer les imprimantes individuelles",
        theme="equipment",
        status=ItemStatus.ABANDONED,
        abandon_reason="Pas de budget cette année",
        due_date=today + dt.timedelta(days=8),
    )
    undated = create("Former les nouveaux arrivants", theme="awareness", owner=olga)
    binned = create("Action supprimée", theme="use", due_date=today + dt.timedelta(days=2))
    services.item_delete(access=access, item=binned)
    return Plan(
        organisation=org,
        referent=referent,
        olga=olga,
        paul=paul,
        group=group,
        scenario=scenario,
        shutdown=shutdown,
        formula=formula,
        done=done,
        abandoned=abandoned,
        undated=undated,
        binned=binned,
        kpi=kpi,
        access=access,
    )
