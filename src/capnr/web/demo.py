"""The demo coalition: invented organisations and people at different stages of the journey.

Idempotent: running it again updates the same rows (found by slug and email) and resets the
demo passwords, so `make run` can call it every time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.core import demo_clock
from capnr.inventory import demo_fleet
from capnr.organisations.models import (
    Department,
    Membership,
    Organisation,
    OrganisationKind,
    PurchasingBracket,
    Role,
    Site,
    SiteKind,
    User,
)

FACILITATOR = "facilitator"
COALITION = "trois-rivieres"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    organisation: str = ""
    organisation_slug: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role,
            "organisation": self.organisation,
            "organisation_slug": self.organisation_slug,
        }


# The agency's sites and departments are defined once, beside its generated GLPI inventory.
AGENCY_SERVER_ROOM_SITES = list(demo_fleet.SERVER_ROOM_SITES)
AGENCY_OTHER_SITES = list(demo_fleet.OTHER_SITES)
AGENCY_DEPARTMENTS: list[tuple[str, str | None]] = list(demo_fleet.DEPARTMENTS)

ORGANISATIONS = [
    {
        "slug": "routes-haut-vallon",
        "name": "Direction des routes du Haut-Vallon",
        "kind": OrganisationKind.STATE_SERVICE,
        "headcount": 600,
        "workstation_count": 500,
        "purchasing_bracket": PurchasingBracket.FROM_10M_TO_50M,
        "address": "12 avenue des Cantonniers",
        "postcode": "69990",
        "city": "Valmont",
        "sites": (
            [(demo_fleet.HEADQUARTERS_SITE, "Valmont", SiteKind.HEADQUARTERS)]
            + [
                (name, name.split(" de ")[-1].split(" du ")[-1], SiteKind.SERVER_ROOM)
                for name in AGENCY_SERVER_ROOM_SITES
            ]
            + [(name, "", SiteKind.OPERATIONS) for name in AGENCY_OTHER_SITES]
        ),
        "departments": AGENCY_DEPARTMENTS,
        "people": [
            ("referent", "Julien Marquet"),
            ("contributor", "Sophie Lemaire"),
            ("reader", "Karim Benali"),
        ],
    },
    {
        "slug": "belrive-sur-lanne",
        "name": "Ville de Belrive-sur-Lanne",
        "kind": OrganisationKind.COMMUNE,
        "headcount": 940,
        "population": 60400,
        "purchasing_bracket": PurchasingBracket.FROM_10M_TO_50M,
        "address": "Place de la Mairie",
        "postcode": "69991",
        "city": "Belrive-sur-Lanne",
        "sites": [
            ("Hôtel de ville", "Belrive-sur-Lanne", SiteKind.HEADQUARTERS),
            ("Centre technique municipal", "Belrive-sur-Lanne", SiteKind.SERVER_ROOM),
            ("Médiathèque des Tilleuls", "Belrive-sur-Lanne", SiteKind.OTHER),
        ],
        "departments": [],
        "people": [
            ("referent", "Élodie Garnier"),
            ("contributor", "Thomas Roussel"),
            ("reader", "Nadia Chevalier"),
        ],
    },
    {
        "slug": "ateliers-du-lien",
        "name": "Les Ateliers du Lien",
        "kind": OrganisationKind.ASSOCIATION,
        "headcount": 20,
        "purchasing_bracket": PurchasingBracket.UNKNOWN,
        "address": "3 rue des Tisserands",
        "postcode": "69992",
        "city": "Lorcy",
        "sites": [
            ("Local associatif de Lorcy", "Lorcy", SiteKind.HEADQUARTERS),
            ("Atelier numérique de Briance", "Briance", SiteKind.OPERATIONS),
            ("Point accueil de Valmont", "Valmont", SiteKind.OPERATIONS),
        ],
        "departments": [],
        "people": [
            ("referent", "Marc Delorme"),
            ("contributor", "Inès Morel"),
            ("reader", "Paul Vasseur"),
        ],
    },
]

ROLE_LOCAL_PART = {"referent": "referent", "contributor": "contributeur", "reader": "lecteur"}


def _user(email: str, full_name: str, password: str) -> User:
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def seed_demo(*, password: str) -> list[DemoAccount]:
    """The demo's invented organisations, people and their year, written in French (the
    organisations are French and their roadmaps, groups and indicators are named in the active
    language) whatever language the caller has active."""
    with translation.override("fr"), demo_clock.seeded_on(_first_seeded_on()):
        return _seed_demo(password=password)


def _first_seeded_on() -> dt.date:
    """Today, or the day this database's demo was first seeded: its running cohort keeps its
    dates, and what was created once is not moved again."""
    start, end = demo_clock.COHORTS[2025]
    for cohort in Cohort.objects.filter(coalition__slug=COALITION).order_by("-start_date"):
        if cohort.end_date - cohort.start_date == end - start:
            first = demo_clock.first_seeded_on(cohort.start_date)
            if first is not None:
                return first
    return timezone.localdate()


def _seed_demo(*, password: str) -> list[DemoAccount]:
    coalition, _ = Coalition.objects.update_or_create(
        slug=COALITION,
        defaults={"name": "Coalition Numérique Responsable des Trois Rivières"},
    )
    fields = demo_clock.cohort(2025)  # the running cohort, as the story's today sees it
    cohort, _ = Cohort.objects.update_or_create(
        coalition=coalition, name=fields.pop("name"), defaults=fields
    )
    facilitator = _user("facilitation@trois-rivieres.example", "Claire Fontanel", password)
    coalition.facilitators.add(facilitator)
    accounts = [DemoAccount(facilitator.email, facilitator.full_name, FACILITATOR)]

    for spec in ORGANISATIONS:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"slug", "sites", "departments", "people"}
        }
        organisation, _ = Organisation.objects.update_or_create(slug=spec["slug"], defaults=fields)
        CohortMembership.objects.get_or_create(cohort=cohort, organisation=organisation)
        for name, commune, kind in spec["sites"]:  # type: ignore[union-attr]
            Site.objects.update_or_create(
                organisation=organisation, name=name, defaults={"commune": commune, "kind": kind}
            )
        created: dict[str, Department] = {}
        for name, parent in spec["departments"]:  # type: ignore[union-attr]
            created[name], _ = Department.objects.update_or_create(
                organisation=organisation,
                name=name,
                defaults={"parent": created[parent] if parent else None},
            )
        domain = f"{spec['slug']}.example"
        for role, full_name in spec["people"]:  # type: ignore[union-attr]
            user = _user(f"{ROLE_LOCAL_PART[role]}@{domain}", full_name, password)
            Membership.objects.update_or_create(
                user=user, organisation=organisation, defaults={"role": Role(role)}
            )
            accounts.append(
                DemoAccount(user.email, full_name, role, organisation.name, organisation.slug)
            )
    _demo_inventories()
    from capnr.diagnostics.demo import seed_demo_diagnostics

    seed_demo_diagnostics(
        agency=Organisation.objects.get(slug="routes-haut-vallon"),
        commune=Organisation.objects.get(slug="belrive-sur-lanne"),
    )
    from capnr.roadmap.demo import seed_demo_roadmap

    seed_demo_roadmap(agency=Organisation.objects.get(slug="routes-haut-vallon"))
    from capnr.collection.demo import seed_demo_collection

    seed_demo_collection(
        agency=Organisation.objects.get(slug="routes-haut-vallon"),
        commune=Organisation.objects.get(slug="belrive-sur-lanne"),
    )
    from capnr.peers.demo import seed_demo_peers

    seed_demo_peers(
        coalition=coalition, inspired=Organisation.objects.get(slug="routes-haut-vallon")
    )
    from capnr.training.demo import seed_demo_training

    seed_demo_training(agency=Organisation.objects.get(slug="routes-haut-vallon"))
    from .demo_cohorts import seed_demo_cohorts

    seed_demo_cohorts(coalition)
    from capnr.coalition.demo import seed_demo_sessions

    # Once the cohort has its eight organisations: every one is expected at its sessions.
    seed_demo_sessions(cohort=cohort, facilitator=facilitator)
    return accounts


def _demo_inventories() -> None:
    """The road agency imported its GLPI inventory; the commune entered a few counts; the
    association has not started. Done once: a second run leaves the inventories as they are."""
    import tempfile
    from pathlib import Path

    from capnr.core.access import Access, OrganisationAccess
    from capnr.inventory import services as inventory
    from capnr.inventory.demo_fleet import write_glpi_csv
    from capnr.inventory.models import Asset

    agency = Organisation.objects.get(slug="routes-haut-vallon")
    if not Asset.objects.filter(organisation=agency).exists():
        access = OrganisationAccess(agency, Access.ADMINISTER, "demo")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"export-glpi-parc-{demo_clock.year(2025)}.csv"
            write_glpi_csv(path, moved=demo_clock.shift())
            inventory.import_now(access=access, source=path)
    commune = Organisation.objects.get(slug="belrive-sur-lanne")
    if not Asset.objects.filter(organisation=commune).exists():
        inventory.counts_save(
            access=OrganisationAccess(commune, Access.ADMINISTER, "demo"),
            counts={
                "desktop": 620,
                "laptop": 180,
                "monitor": 700,
                "printer_mfp": 35,
                "server_rack": 14,
                "smartphone": 210,
                "switch": 40,
                "wifi_ap": 60,
            },
        )
