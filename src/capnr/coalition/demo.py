"""The demo cohort's calendar: eleven sessions from its kick-off to its closing, within its dates,
most of them past (with their attendance) and the last ones upcoming, dated on the story's
calendar (`core.demo_clock`) so that the demo always has both; and the facilitator's notes.
Made once: a second run leaves the cohort's sessions and notes as they are."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from capnr.core import demo_clock
from capnr.organisations.models import Membership, Organisation, Role, User
from capnr.organisations.tenancy import CoalitionAccess

from . import services
from .models import (
    AttendanceStatus,
    Cohort,
    CohortMembership,
    FacilitatorNote,
    Session,
    SessionKind,
)

HALL = "Maison des associations, 8 rue du Port, Valmont"
BELRIVE = "Hôtel de ville de Belrive-sur-Lanne, salle du conseil"


def _visio() -> str:
    return f"https://visio.trois-rivieres.example/promotion-{demo_clock.year(2025)}"


# (story day, hour, hours long, kind, title, place, video?, agenda); weekdays only.
SESSIONS = [
    (
        (2025, 1, 20),
        9,
        3,
        SessionKind.KICK_OFF,
        "Lancement de la promotion",
        HALL,
        False,
        "Accueil, tour de table\nLe parcours de l'année\nPremiers pas dans Cap NR",
    ),
    (
        (2025, 2, 13),
        9,
        4,
        SessionKind.DIAGNOSTIC_WORKSHOP,
        "Atelier autodiagnostic (1/2) : stratégie, achats, équipements",
        HALL,
        False,
        "Autodiagnostic en mode atelier, thème par thème\nRestitution croisée",
    ),
    (
        (2025, 3, 13),
        9,
        4,
        SessionKind.DIAGNOSTIC_WORKSHOP,
        "Atelier autodiagnostic (2/2) : usages, hébergement, données",
        HALL,
        False,
        "Les thèmes restants\nPremières pistes d'action",
    ),
    (
        (2025, 4, 3),
        14,
        2,
        SessionKind.WEBINAR,
        "Webinaire : mesurer son empreinte",
        "",
        True,
        "Importer un inventaire GLPI\nLire l'empreinte et ses incertitudes",
    ),
    (
        (2025, 5, 22),
        9,
        3,
        SessionKind.ROADMAP_WORKSHOP,
        "Atelier feuille de route",
        HALL,
        True,
        "Choisir cinq actions\nPorteurs, échéances, indicateurs",
    ),
    (
        (2025, 6, 19),
        14,
        3,
        SessionKind.PEER_MEETING,
        "Rencontre entre pairs : les achats responsables",
        HALL,
        True,
        "Clauses environnementales : ce qui a marché\nLe matériel reconditionné",
    ),
    (
        (2025, 9, 25),
        14,
        2,
        SessionKind.WEBINAR,
        "Webinaire : sensibiliser les agents de terrain",
        "",
        True,
        "Formats courts sur site\nMesurer la portée d'une formation",
    ),
    (
        (2025, 10, 9),
        9,
        3,
        SessionKind.DIAGNOSTIC_WORKSHOP,
        "Atelier autodiagnostic : séance de rattrapage",
        BELRIVE,
        False,
        "Pour les organisations qui n'ont pas encore soumis leur autodiagnostic",
    ),
    (
        (2025, 11, 20),
        14,
        3,
        SessionKind.PEER_MEETING,
        "Rencontre entre pairs : le réemploi",
        HALL,
        True,
        "Retours d'expérience sur le réemploi des postes\nQuestions-réponses",
    ),
    (
        (2025, 12, 11),
        14,
        2,
        SessionKind.WEBINAR,
        "Webinaire : suivre ses indicateurs",
        "",
        True,
        "Relever une mesure\nLire l'écart à la cible",
    ),
    (
        (2025, 12, 12),
        10,
        3,
        SessionKind.CLOSING,
        "Clôture de la promotion",
        HALL,
        False,
        "Bilan de l'année, témoignages\nRemise des attestations",
    ),
]
MATERIALS = {
    (2025, 4, 3): {
        "title": "Support du webinaire (PDF)",
        "url": "https://documents.trois-rivieres.example/webinaire-empreinte.pdf",
    },
    (2025, 5, 22): {
        "title": "Modèle de fiche action",
        "url": "https://documents.trois-rivieres.example/fiche-action.odt",
    },
}
# Who missed a past session (story day → organisation → status): the association missed the
# last two, the mission locale stopped coming after its first weeks, the tourist office is an
# alumnus and not expected.
MISSED = {
    (2025, 4, 3): {"ateliers-du-lien": AttendanceStatus.EXCUSED},
    (2025, 5, 22): {"mission-locale-trois-rivieres": AttendanceStatus.EXCUSED},
    (2025, 6, 19): {"mission-locale-trois-rivieres": AttendanceStatus.ABSENT},
    (2025, 9, 25): {
        "mission-locale-trois-rivieres": AttendanceStatus.ABSENT,
        "belrive-sur-lanne": AttendanceStatus.EXCUSED,
    },
    (2025, 10, 9): {
        "mission-locale-trois-rivieres": AttendanceStatus.ABSENT,
        "ateliers-du-lien": AttendanceStatus.ABSENT,
    },
    (2025, 11, 20): {
        "mission-locale-trois-rivieres": AttendanceStatus.ABSENT,
        "ateliers-du-lien": AttendanceStatus.ABSENT,
        "cc-val-d-orbe": AttendanceStatus.EXCUSED,
    },
}


DESCRIPTION = (
    "Une année pour engager votre organisation dans le numérique responsable, avec d'autres : "
    "un autodiagnostic en atelier, la mesure de votre empreinte, une feuille de route validée "
    "par votre direction, et des rencontres entre pairs tout au long de l'année."
)


def seed_demo_sessions(*, cohort: Cohort, facilitator: User) -> None:
    if not cohort.description:
        cohort.description = DESCRIPTION
        cohort.save(update_fields=["description"])
    if Session.objects.filter(cohort=cohort).exists():
        return
    access = CoalitionAccess(cohort.coalition, True, frozenset())
    today = timezone.localdate()
    now = timezone.now()
    members = list(CohortMembership.objects.filter(cohort=cohort))
    for story_day, hour, hours, kind, title, place, video, agenda in SESSIONS:
        starts = demo_clock.moment(*story_day, hour=hour)
        session = services.session_create(
            access=access,
            cohort=cohort,
            user=facilitator,
            # The organisations that had joined by then (one joined in April).
            expected_ids=[m.organisation_id for m in members if m.joined_at <= starts.date()],
            fields={
                "kind": kind,
                "title": title,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=hours),
                "place": place,
                "video_url": _visio() if video else "",
                "agenda": agenda,
            },
        )
        if session.ends_at < now:
            _attendance(access, session, facilitator, MISSED.get(story_day, {}))
        if story_day in MATERIALS:
            services.material_add(access=access, session=session, **MATERIALS[story_day])
    _notes(access, cohort, facilitator, today)


def _attendance(
    access: CoalitionAccess,
    session: Session,
    facilitator: User,
    missed: dict[str, AttendanceStatus],
) -> None:
    for organisation in session.expected.all():
        status = missed.get(organisation.slug, AttendanceStatus.PRESENT)
        people = []
        if status == AttendanceStatus.PRESENT:
            people = list(
                Membership.objects.filter(
                    organisation=organisation, role__in=[Role.REFERENT, Role.CONTRIBUTOR]
                ).values_list("user_id", flat=True)
            )
        services.attendance_record(
            access=access,
            session=session,
            organisation=organisation,
            status=status,
            people_ids=people,
            user=facilitator,
        )


def _notes(access: CoalitionAccess, cohort: Cohort, facilitator: User, today: dt.date) -> None:
    if FacilitatorNote.objects.filter(coalition=cohort.coalition).exists():
        return
    notes = {
        "ateliers-du-lien": (
            "Absents aux deux derniers rendez-vous. Le référent manque de temps : proposer un "
            "créneau individuel d'une heure pour l'inventaire.",
            today - dt.timedelta(days=2),
        ),
        "belrive-sur-lanne": (
            "Diagnostic commencé en atelier ; la DSI attend l'accord de la DGS pour la suite.",
            today + dt.timedelta(days=10),
        ),
        "routes-haut-vallon": (
            "Feuille de route avancée : à proposer comme témoignage à la clôture.",
            None,
        ),
    }
    for slug, (text, follow_up_on) in notes.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        services.note_create(
            access=access,
            organisation=organisation,
            author=facilitator,
            text=text,
            follow_up_on=follow_up_on,
        )
