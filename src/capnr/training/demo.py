"""The demo road agency's training programme (invented people): digital basics for field agents
on four operations centres (two sessions held, attendance taken on a tablet in one and typed in
from the signed sheet in the other; one upcoming session full with a waiting list; one with
places left), a Fresque du Numérique, eco-design for two developers, and a closed
self-assessment campaign in which some groups are under the anonymity threshold.

Sessions are dated from today, so there are always past and upcoming ones. Created once; a
second run leaves it as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from capnr.core.access import Access, OrganisationAccess
from capnr.organisations.models import Department, Organisation, Site, User
from capnr.roadmap import selectors as roadmap_selectors

from . import services
from .models import (
    Attendance,
    AttendanceSource,
    OfferKind,
    Registration,
    Trainee,
    TrainingOffer,
    TrainingSession,
)

OPERATIONS = "Service exploitation et sécurité routière"
IT = "Service des systèmes d'information"
SECRETARIAT = "Secrétariat général"
HR = "Service ressources humaines et formation"
HEADQUARTERS = "Siège — Valmont"
CENTRES = (
    "Centre d'exploitation de Valmont",
    "Centre d'exploitation de Lorcy",
    "Centre d'exploitation du Pas-Rouge",
    "Centre d'exploitation de Briance",
)
FIELD_AGENTS = (
    "Bernard Roux",
    "Nadia Perrin",
    "Gilles Fabre",
    "Sandrine Vidal",
    "Mathieu Colin",
    "Yasmina Haddad",
    "Pascal Giraud",
    "Élodie Marchal",
    "Thierry Lebrun",
    "Fatou Diallo",
    "Olivier Brunet",
    "Chantal Renaud",
    "Hugo Lacombe",
    "Martine Carré",
    "Rémi Bouvier",
    "Aurélie Masson",
    "Sébastien Noël",
    "Karine Dumas",
    "Laurent Picard",
    "Céline Aubert",
)
DEVELOPERS = ("Lucas Morel", "Inès Berthier")
# (site, department, answers, level of each answer for the ten questions): some cells under 5.
CAMPAIGN_CELLS = (
    (CENTRES[0], OPERATIONS, 9, (1, 1, 0, 0, 1, 2, 0, 1, 0, 1)),
    (CENTRES[1], OPERATIONS, 6, (2, 1, 1, 0, 1, 2, 0, 0, 1, 1)),
    (CENTRES[2], OPERATIONS, 3, (0, 0, 0, 0, 0, 1, 0, 0, 0, 0)),
    (HEADQUARTERS, SECRETARIAT, 5, (2, 2, 1, 1, 2, 2, 2, 2, 2, 1)),
    (HEADQUARTERS, IT, 2, (2, 2, 2, 2, 2, 2, 2, 2, 2, 2)),
)


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session(
    access: OrganisationAccess,
    offer: TrainingOffer,
    *,
    site: Site | None,
    room: str,
    capacity: int,
    trainer: tuple[str, str],
    hours: int,
) -> TrainingSession:
    starts = _at(30, 9)  # created ahead, moved to its date once people are registered
    return services.session_create(
        access=access,
        offer=offer,
        fields={
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=hours),
            "site": site,
            "room": room,
            "capacity": capacity,
            "trainer_name": trainer[0],
            "trainer_email": trainer[1],
        },
    )


def _move(session: TrainingSession, days: int, hour: int, hours: int) -> None:
    starts = _at(days, hour)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=hours)
    )
    session.refresh_from_db()


def _offers(access: OrganisationAccess) -> dict[str, TrainingOffer]:
    items = roadmap_selectors.item_list(access=access)
    field_item = items.filter(action_id="awareness.field_staff_training").first()
    return {
        "basics": services.offer_create(
            access=access,
            fields={
                "kind": OfferKind.FIELD_BASICS,
                "title": "Les bases du numérique pour les agents de terrain",
                "audience": "Agents des centres d'exploitation et d'entretien",
                "format": "on_site",
                "duration_hours": Decimal("7"),
                "provider": HR,
                "cost_eur": Decimal("0"),
                "prerequisites": "Aucun : la formation part de zéro.",
                "action_id": "awareness.field_staff_training",
                "plan_item": field_item,
            },
        ),
        "fresque": services.offer_create(
            access=access,
            fields={
                "kind": OfferKind.FRESQUE,
                "title": "Fresque du Numérique",
                "audience": "Tous les agents",
                "format": "on_site",
                "duration_hours": Decimal("3"),
                "provider": "Animatrice certifiée (externe)",
                "cost_eur": Decimal("45"),
                "action_id": "awareness.staff_awareness",
            },
        ),
        "ecodesign": services.offer_create(
            access=access,
            fields={
                "kind": OfferKind.ECODESIGN,
                "title": "Écoconception de services numériques (RGESN)",
                "audience": "Développeurs et chefs de projet",
                "format": "remote",
                "duration_hours": Decimal("14"),
                "provider": "Organisme de formation externe",
                "cost_eur": Decimal("950"),
                "prerequisites": "Savoir développer une application web.",
                "action_id": "ecodesign.rgesn_declaration",
            },
        ),
    }


FIELD_AGENT_COUNT = 180  # of the agency's 600: the staff of its maintenance centres


def seed_demo_training(*, agency: Organisation) -> None:
    if TrainingOffer.objects.filter(organisation=agency).exists():
        return
    access = OrganisationAccess(agency, Access.ADMINISTER, "demo")
    hr_user = User.objects.filter(
        memberships__organisation=agency, memberships__role="contributor"
    ).first()
    reader = User.objects.filter(
        memberships__organisation=agency, memberships__role="reader"
    ).first()
    organiser = hr_user or User.objects.filter(memberships__organisation=agency).first()
    assert organiser is not None, "the demo agency has members"
    sites = {site.name: site for site in Site.objects.filter(organisation=agency)}
    departments = {
        department.name: department for department in Department.objects.filter(organisation=agency)
    }
    offers = _offers(access)
    trainer = ("Sophie Lemaire", "rh@routes-haut-vallon.example")

    def agent(name: str, department: str = OPERATIONS) -> Trainee:
        return services.trainee_for_name(
            access=access, name=name, department=departments.get(department)
        )

    def register(session: TrainingSession, people: list[Trainee]) -> list[Registration]:
        return [
            services.registration_create(
                access=access, session=session, trainee=trainee, by=organiser
            )
            for trainee in people
        ]

    # Field basics on four centres: two held, two to come.
    held_room, held_sheet, full, open_ = (
        _session(
            access,
            offers["basics"],
            site=sites.get(centre),
            room="Salle de réunion",
            capacity=capacity,
            trainer=trainer,
            hours=7,
        )
        for centre, capacity in zip(CENTRES, (6, 6, 4, 8), strict=True)
    )
    in_room = register(held_room, [agent(name) for name in FIELD_AGENTS[:6]])
    on_sheet = register(held_sheet, [agent(name) for name in FIELD_AGENTS[6:11]])
    register(full, [agent(name) for name in FIELD_AGENTS[11:17]])  # 4 places, 2 waiting
    register(open_, [agent(name) for name in FIELD_AGENTS[17:20]])
    _move(held_room, -21, 9, 7)
    _move(held_sheet, -7, 9, 7)
    _move(full, 12, 9, 7)
    _move(open_, 26, 9, 7)
    services.attendance_record(
        access=access,
        session=held_room,
        marks={
            row.pk: (Attendance.ABSENT if index == 4 else Attendance.PRESENT)
            for index, row in enumerate(in_room)
        },
        source=AttendanceSource.ROOM,
    )
    services.attendance_record(
        access=access,
        session=held_sheet,
        marks={row.pk: Attendance.PRESENT for row in on_sheet},
        source=AttendanceSource.SHEET,
    )

    # Satisfaction: four of the five people present at the first session answered.
    links = services.satisfaction_links_create(
        access=access, session=held_room, build_url=lambda raw: raw
    )
    for invitation, (helped, pace) in zip(
        links[:4],
        ((3, "right"), (3, "right"), (2, "too_fast"), (1, "too_fast")),
        strict=False,
    ):
        link = services.satisfaction_link_for(invitation.url)
        assert link is not None
        services.satisfaction_answer(link=link, helped=helped, pace=pace, recommend="yes")

    # A Fresque at headquarters, the reader registered by themselves.
    fresque = _session(
        access,
        offers["fresque"],
        site=sites.get(HEADQUARTERS),
        room="Salle du conseil",
        capacity=14,
        trainer=("Camille Arnaud", "camille.arnaud@fresque.example"),
        hours=3,
    )
    people = [agent("Véronique Blanc", SECRETARIAT), agent("Jean Morin", SECRETARIAT)]
    if reader is not None:
        people.append(services.trainee_for_user(access=access, user=reader))
    register(fresque, people)
    _move(fresque, 9, 14, 3)

    # Eco-design for the two developers, remote.
    ecodesign = _session(
        access,
        offers["ecodesign"],
        site=None,
        room="",
        capacity=2,
        trainer=("Organisme de formation externe", "inscriptions@formation.example"),
        hours=7,
    )
    register(ecodesign, [agent(name, IT) for name in DEVELOPERS])
    _move(ecodesign, 19, 9, 7)

    _campaign(access, sites, departments)

    # The agency counts its field agents; the programme's indicators feed its roadmap item.
    services.policy_save(access=access, retention_months=36, field_agents=FIELD_AGENT_COUNT)
    referent = User.objects.filter(
        memberships__organisation=agency, memberships__role="referent"
    ).first()
    services.kpis_to_roadmap(access=access, user=referent or organiser)


def _campaign(
    access: OrganisationAccess, sites: dict[str, Site], departments: dict[str, Department]
) -> None:
    from .skills import QUESTION_IDS

    campaign = services.campaign_create(access=access, name="Printemps — tous les sites")
    for site, department, count, levels in CAMPAIGN_CELLS:
        for _ in range(count):
            services.skills_answer(
                campaign=campaign,
                site_id=sites[site].pk if site in sites else None,
                department_id=departments[department].pk if department in departments else None,
                levels=dict(zip(QUESTION_IDS, levels, strict=True)),
            )
    services.campaign_close(access=access, campaign=campaign)
    services.campaign_create(access=access, name="Automne — centres d'entretien")
