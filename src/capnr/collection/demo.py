"""The demo's collection challenges: the road agency's finished one (its 8 departments, a box on
each of its 22 sites, about 600 items, one deposit corrected and one removed) and the commune's
running one. Done once: a second run leaves them as they are. Deposits of the finished campaign
are written as records (the deposit page only takes them while a campaign runs)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from capnr.core import demo_clock
from capnr.core.access import Access, OrganisationAccess
from capnr.engine.collection import ITEM_TYPES
from capnr.organisations.models import Organisation, Site, User
from capnr.roadmap.selectors import item_list

from . import services
from .models import Answer, Campaign, Deposit

D = demo_clock.day  # a date of the story, moved to the real calendar

COMMUNE_CAMPAIGN = "Le grand ménage numérique"
# Agents per department of the agency (600 in all), for the ranking by items per agent.
AGENCY_HEADCOUNTS = {
    "Direction": 14,
    "Secrétariat général": 30,
    "Service des systèmes d'information": 24,
    "Service achats et marchés": 22,
    "Service ressources humaines et formation": 26,
    "Service exploitation et sécurité routière": 290,
    "Service ingénierie routière": 110,
    "Service patrimoine et ouvrages d'art": 84,
}
# What people bring, roughly: many cables and phones, few printers.
MIX = {
    "phones": 30,
    "laptops": 12,
    "tablets": 5,
    "chargers_cables": 30,
    "keyboards_mice": 12,
    "screens": 6,
    "printers": 1,
    "other": 4,
}
COMMUNE_TEAMS = {
    "Services techniques": 180,
    "Affaires scolaires": 95,
    "Culture et médiathèque": 40,
    "Accueil et état civil": 35,
}


def seed_demo_collection(*, agency: Organisation, commune: Organisation) -> None:
    if not Campaign.objects.filter(organisation=agency).exists():
        _agency_challenge(agency)
    if not Campaign.objects.filter(organisation=commune).exists():
        _commune_challenge(commune)


def _deposit_counts(rng: random.Random) -> dict[str, int]:
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=rng.randint(1, 5))
    return {kind: kinds.count(kind) for kind in ITEM_TYPES if kind in kinds}


def _agency_challenge(agency: Organisation) -> None:
    access = OrganisationAccess(agency, Access.ADMINISTER, "demo")
    referent = User.objects.get(email="referent@routes-haut-vallon.example")
    keeper = User.objects.get(email="contributeur@routes-haut-vallon.example")
    plan_item = item_list(access=access).filter(action_id="end_of_use.collection_challenge").first()
    campaign = services.campaign_create(
        access=access,
        fields={
            "name": f"Opération tiroirs vides {demo_clock.year(2025)}",
            "start_date": D(2025, 3, 3),
            "end_date": D(2025, 4, 11),
            "item_types": list(ITEM_TYPES),
            "rules": (
                "Déposez le matériel qui dort dans vos tiroirs, personnel ou professionnel : "
                "téléphones, ordinateurs, câbles, claviers… Pas de piles ni d'ampoules. "
                "Les données sont effacées avant tout réemploi."
            ),
            "plan_item": plan_item,
        },
    )
    services.teams_from_departments(access=access, campaign=campaign)
    for team in campaign.teams.all():
        services.team_save(
            access=access,
            campaign=campaign,
            team=team,
            department=team.department,
            name=team.name,
            headcount=AGENCY_HEADCOUNTS.get(team.name, 0),
        )
    points = [
        services.point_save(
            access=access,
            campaign=campaign,
            site=site,
            location="Hall d'accueil, à côté de la machine à café",
            person_in_charge=keeper if site.name.startswith("Siège") else referent,
        )
        for site in Site.objects.for_access(access)
    ]
    teams = list(campaign.teams.order_by("name"))
    weights = [team.headcount for team in teams]
    rng = random.Random(16)  # the same demo every time
    deposits, items = [], 0
    start = demo_clock.moment(2025, 3, 3, hour=9)
    while items < 600:
        counts = _deposit_counts(rng)
        items += sum(counts.values())
        deposits.append(
            Deposit(
                point=rng.choice(points),
                team=rng.choices(teams, weights=weights)[0],
                works=rng.choice(Answer.values),
                held_data=rng.choice(Answer.values),
                first_name=rng.choice(["", "", "", "Lucie", "Marc", "Inès", "Yann", "Sarah"]),
                **counts,
            )
        )
    created = Deposit.objects.bulk_create(deposits)
    for number, deposit in enumerate(created):
        moment = start + dt.timedelta(days=number * 39 / len(created), hours=number % 8)
        Deposit.objects.filter(pk=deposit.pk).update(created_at=moment)
    first, second = created[0], created[1]
    services.deposit_correct(
        access=access,
        user=keeper,
        deposit=first,
        data=services.DepositInput(
            team_id=first.team_id,
            counts={**first.counts, "chargers_cables": first.chargers_cables + 2},
            works=first.works,
            held_data=first.held_data,
            first_name=first.first_name,
        ),
        reason="Deux chargeurs trouvés en vidant la boîte, non déclarés.",
    )
    services.deposit_remove(
        access=access, user=referent, deposit=second, reason="Déclaré deux fois."
    )
    _agency_sorting(access, campaign, referent)
    # The finished challenge tells its depositors what became of their devices.
    services.outcomes_publish(access=access, campaign=campaign)


# What became of the agency's devices: (date, type, count, outcome, to whom, agreement, kg,
# held data, how many spare a purchase, erasures as (method, devices, by, certificate)).
def _agency_sorting_rows() -> list[tuple]:
    """The rows, dated and numbered in the real calendar when called (`core.demo_clock`)."""
    Y = demo_clock.year(2025)  # the story's year, as its papers number it
    return [
        (D(2025, 4, 22), "laptops", 18, "reused_internally", "", "", 36.0, 18, 18,
         [("overwrite", 18, "Service des systèmes d'information", f"SSI-{Y}-041")]),
        (D(2025, 4, 24), "laptops", 22, "donated", "Association Le Relais numérique",
         f"Convention de don du 24 avril {Y}", 44.0, 22, 22,
         [("overwrite", 22, "Service des systèmes d'information", f"SSI-{Y}-042")]),
        (D(2025, 4, 24), "phones", 60, "refurbisher", "Reconditionneur Vallée Numérique",
         f"Bon d'enlèvement {Y}-117", 7.2, 60, 0,
         [("factory_reset", 45, "Reconditionneur Vallée Numérique", "VN-CERT-8812"),
          ("destruction", 15, "Reconditionneur Vallée Numérique", "VN-CERT-8813")]),
        (D(2025, 4, 25), "tablets", 14, "sold", "Vente aux agents", f"Délibération {Y}-08",
         7.0, 14, 7, [("factory_reset", 14, "Service des systèmes d'information", "")]),
        (D(2025, 4, 30), "keyboards_mice", 60, "reused_internally", "", "", 30.0, 0, 60, []),
        (D(2025, 5, 6), "chargers_cables", 180, "weee", "Ecologic (éco-organisme)",
         f"Bordereau Trackdéchets BSD-{Y}-0456", 27.0, 0, 0, []),
        (D(2025, 5, 6), "screens", 30, "weee", "Ecologic (éco-organisme)",
         f"Bordereau Trackdéchets BSD-{Y}-0456", 135.0, 0, 0, []),
        (D(2025, 5, 6), "printers", 6, "weee", "Ecologic (éco-organisme)",
         f"Bordereau Trackdéchets BSD-{Y}-0456", 60.0, 0, 0, []),
    ]  # fmt: skip


def _agency_sorting(access: OrganisationAccess, campaign: Campaign, referent: User) -> None:
    for row in _agency_sorting_rows():
        date, kind, count, outcome, recipient, agreement, kg, held, replacing, erasures = row
        batch = services.sorting_record(
            access=access,
            user=referent,
            campaign=campaign,
            fields={
                "date": date,
                "item_type": kind,
                "count": count,
                "outcome": outcome,
                "recipient": recipient,
                "agreement": agreement,
                "weight_kg": kg,
                "held_data": held,
                "replaces_purchase": replacing,
            },
        )
        for method, devices, done_by, certificate in erasures:
            services.erasure_record(
                access=access,
                user=referent,
                batch=batch,
                fields={
                    "date": date,
                    "method": method,
                    "devices": devices,
                    "done_by": done_by,
                    "certificate": certificate,
                },
            )


def _commune_challenge(commune: Organisation) -> None:
    access = OrganisationAccess(commune, Access.ADMINISTER, "demo")
    today = timezone.localdate()
    campaign = services.campaign_create(
        access=access,
        fields={
            "name": COMMUNE_CAMPAIGN,
            "start_date": today - dt.timedelta(days=10),
            "end_date": today + dt.timedelta(days=25),
            "item_types": ["phones", "laptops", "tablets", "chargers_cables", "screens"],
            "rules": "Téléphones, ordinateurs, tablettes, chargeurs et écrans. Rien de cassé.",
        },
    )
    teams = [
        services.team_save(access=access, campaign=campaign, name=name, headcount=headcount)
        for name, headcount in COMMUNE_TEAMS.items()
    ]
    keeper = User.objects.get(email="contributeur@belrive-sur-lanne.example")
    points = [
        services.point_save(
            access=access,
            campaign=campaign,
            site=site,
            location="Accueil",
            person_in_charge=keeper,
        )
        for site in Site.objects.for_access(access)
    ]
    rng = random.Random(60)
    for number in range(24):
        counts = {
            kind: count
            for kind, count in _deposit_counts(rng).items()
            if kind in campaign.item_types
        } or {"phones": 1}
        services.deposit_declare(
            point=points[number % len(points)],
            data=services.DepositInput(
                team_id=teams[rng.randrange(len(teams))].pk,
                counts=counts,
                works=rng.choice(Answer.values),
                held_data=rng.choice(Answer.values),
            ),
        )
