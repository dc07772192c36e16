"""The demo's peer exchange (invented organisations, people and figures): two organisations of
the coalition's cohort of the story's 2024 (its alumni) share what they did: some reports public,
some for the coalition only, one withdrawn; the road agency's training item of 2025 names one of
them as its inspiration. The story's dates and years are moved to the real calendar by
`core.demo_clock`. Created once; a second run leaves it as it is."""

from __future__ import annotations

from typing import Any

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.core import demo_clock
from capnr.core.access import Access, OrganisationAccess
from capnr.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import PlanItem

from . import services
from .models import CoalitionPublication, ExperienceReport, Inspiration, PublicListing

D = demo_clock.day  # a date of the story, moved to the real calendar
TRAINING = "awareness.field_staff_training"

# (slug, name, kind, headcount, city, référent)
ALUMNI = (
    (
        "ville-de-vernay",
        "Ville de Vernay",
        OrganisationKind.COMMUNE,
        380,
        "Vernay",
        "Odile Ferrand",
    ),
    (
        "syndicat-eaux-lirou",
        "Syndicat des eaux du Lirou",
        OrganisationKind.PUBLIC_ESTABLISHMENT,
        120,
        "Lirou",
        "Hugo Bastide",
    ),
)

# (organisation slug, action id, status, visibility, withdrawn, fields)
REPORTS: tuple[tuple[str, str, str, str, bool, dict[str, Any]], ...] = (
    (
        "ville-de-vernay",
        TRAINING,
        "done",
        "public",
        False,
        {
            "title": "Une formation courte pour les agents de terrain",
            "what_was_done": (
                "Deux heures par équipe (voirie, espaces verts, écoles), sur leur lieu de "
                "travail : éteindre, imprimer moins, signaler un appareil en panne plutôt que "
                "le remplacer."
            ),
            "effort": "6 jours du service informatique, 2 jours de la référente",
            "cost_eur": 1200,
            "duration_months": 4,
            "result": "180 agents formés sur 210 ; les demandes de réparation ont doublé.",
            "difficulties": "Trouver des créneaux avec les équipes en horaires décalés.",
            "tips": "Former d'abord les chefs d'équipe : ils reprennent le message ensuite.",
            "contact_mode": "facilitator",
        },
    ),
    (
        "ville-de-vernay",
        "use.auto_shutdown",
        "done",
        "coalition",
        False,
        {
            "title": "Extinction des postes la nuit",
            "what_was_done": "Extinction programmée à 20 h de 300 postes, réveil à 7 h.",
            "effort": "3 jours du service informatique",
            "cost_eur": 0,
            "duration_months": 2,
            "expected_kwh": 38000,
            "measured_kwh": 31000,
            "expected_eur": 6840,
            "measured_eur": 5580,
            "tips": "Prévenir les agents qui laissent tourner des traitements la nuit.",
            "contact_mode": "person",
            "contact_name": "Odile Ferrand",
            "contact_email": "referente@ville-de-vernay.example",
        },
    ),
    (
        "ville-de-vernay",
        "equipment.lifetime_policy",
        "done",
        "public",
        True,
        {
            "title": "Durée de vie des ordinateurs portée à 7 ans",
            "what_was_done": "Une politique écrite, validée par la direction générale.",
            "contact_mode": "none",
        },
    ),
    (
        "syndicat-eaux-lirou",
        "hosting.raise_setpoint",
        "done",
        "public",
        False,
        {
            "title": "Salle serveur : consigne relevée de 21 à 26 °C",
            "what_was_done": "Relevé la consigne par paliers d'un degré sur cinq semaines.",
            "effort": "1 jour de l'informaticien",
            "cost_eur": 0,
            "duration_months": 2,
            "expected_kwh": 9000,
            "measured_kwh": 7400,
            "difficulties": "Un onduleur ancien a dû être déplacé près de la bouche de froid.",
            "contact_mode": "facilitator",
        },
    ),
    (
        "syndicat-eaux-lirou",
        "use.duplex_default",
        "abandoned",
        "coalition",
        False,
        {
            "title": "Recto verso par défaut : abandonné",
            "what_was_done": "Essai sur les copieurs du siège pendant deux mois.",
            "difficulties": (
                "Les copieurs loués ne permettaient pas de changer le réglage par défaut ; "
                "à reprendre au renouvellement du contrat."
            ),
            "contact_mode": "facilitator",
        },
    ),
)


def seed_demo_peers(*, coalition: Coalition, inspired: Organisation | None = None) -> None:
    fields = demo_clock.cohort(2024)
    cohort, _ = Cohort.objects.get_or_create(
        coalition=coalition, name=fields.pop("name"), defaults=fields
    )
    accesses = {}
    for slug, name, kind, headcount, city, referent_name in ALUMNI:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "headcount": headcount, "city": city}
        )
        CohortMembership.objects.get_or_create(cohort=cohort, organisation=organisation)
        referent, created = User.objects.get_or_create(
            email=f"referent@{slug}.example", defaults={"full_name": referent_name}
        )
        if created:  # a background person: no password, not among the demo accounts
            referent.set_unusable_password()
            referent.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=referent, organisation=organisation, defaults={"role": Role.REFERENT}
        )
        accesses[slug] = (
            OrganisationAccess(organisation, Access.ADMINISTER, Role.REFERENT),
            referent,
        )
    for slug, action_id, status, visibility, withdrawn, fields in REPORTS:
        access, referent = accesses[slug]
        if ExperienceReport.objects.filter(
            organisation=access.organisation, action_id=action_id
        ).exists():
            continue
        _report(access, referent, action_id, status, visibility, withdrawn, dict(fields))
    if inspired is not None:
        _inspiration(inspired)
    # The coalition publishes its page and its open data; the alumni agreed to appear on it.
    CoalitionPublication.objects.get_or_create(
        coalition=coalition, defaults={"public_page": True, "open_data": True}
    )
    for access, _referent in accesses.values():
        PublicListing.objects.get_or_create(organisation=access.organisation)


def _report(
    access: OrganisationAccess,
    referent: User,
    action_id: str,
    status: str,
    visibility: str,
    withdrawn: bool,
    fields: dict[str, Any],
) -> None:
    item = roadmap_services.item_create(
        access=access,
        action_id=action_id,
        fields={
            "title": fields["title"],
            "start_date": D(2024, 2, 1),
            "due_date": D(2024, 11, 30),
            "status": status,
            "abandon_reason": fields.get("difficulties", ""),
        },
    )
    report = services.report_create(
        access=access,
        user=referent,
        item=item,
        fields={"year": demo_clock.year(2024), "visibility": visibility, **fields},
    )
    if withdrawn:
        services.report_withdraw(access=access, report=report)


def _inspiration(organisation: Organisation) -> None:
    """The road agency's field-staff training names Vernay's report as its inspiration."""
    item = PlanItem.objects.filter(
        organisation=organisation, action_id=TRAINING, deleted_at__isnull=True
    ).first()
    report = ExperienceReport.objects.filter(
        organisation__slug="ville-de-vernay", action_id=TRAINING
    ).first()
    if item is None or report is None or Inspiration.objects.filter(item=item).exists():
        return
    Inspiration.objects.create(item=item, report=report)
