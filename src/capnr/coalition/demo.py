"""The demo cohort's calendar: sessions past (with their attendance) and upcoming, placed around
today so that the demo always has both, and the facilitator's notes. Made once: a second run
leaves the cohort's sessions and notes as they are."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from capnr.organisations.models import Membership, Organisation, Role, User
from capnr.organisations.tenancy import CoalitionAccess

from . import services
from .models import AttendanceStatus, Cohort, FacilitatorNote, Session, SessionKind

VISIO = "https://visio.trois-rivieres.example/promotion-2025"
HALL = "Maison des associations, 8 rue du Port, Valmont"

# (days from today, hour, hours long, kind, title, place, video, agenda)
SESSIONS = [
    (
        -150,
        9,
        3,
        SessionKind.KICK_OFF,
        "Lancement de la promotion",
        HALL,
        "",
        "Accueil, tour de table\nLe parcours de l'année\nPremiers pas dans Cap NR",
    ),
    (
        -110,
        9,
        4,
        SessionKind.DIAGNOSTIC_WORKSHOP,
        "Atelier autodiagnostic",
        HALL,
        "",
        "Autodiagnostic en mode atelier, thème par thème\nRestitution croisée",
    ),
    (
        -60,
        14,
        2,
        SessionKind.WEBINAR,
        "Webinaire : mesurer son empreinte",
        "",
        VISIO,
        "Importer un inventaire GLPI\nLire l'empreinte et ses incertitudes",
    ),
    (
        -25,
        9,
        3,
        SessionKind.ROADMAP_WORKSHOP,
        "Atelier feuille de route",
        HALL,
        VISIO,
        "Choisir cinq actions\nPorteurs, échéances, indicateurs",
    ),
    (
        9,
        14,
        2,
        SessionKind.PEER_MEETING,
        "Rencontre entre pairs : le réemploi",
        HALL,
        VISIO,
        "Retours d'expérience sur le réemploi des postes\nQuestions-réponses",
    ),
    (
        45,
        10,
        3,
        SessionKind.CLOSING,
        "Clôture de la promotion",
        HALL,
        "",
        "Bilan de l'année, témoignages\nRemise des attestations",
    ),
]
# Who came to the past sessions: the association missed the webinar and the roadmap workshop.
ABSENT = {
    ("ateliers-du-lien", -60): AttendanceStatus.EXCUSED,
    ("ateliers-du-lien", -25): AttendanceStatus.ABSENT,
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
    for days, hour, hours, kind, title, place, video, agenda in SESSIONS:
        day = today + dt.timedelta(days=days)
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        session = services.session_create(
            access=access,
            cohort=cohort,
            user=facilitator,
            fields={
                "kind": kind,
                "title": title,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=hours),
                "place": place,
                "video_url": video,
                "agenda": agenda,
            },
        )
        if days < 0:
            _attendance(access, session, facilitator, days)
        if kind == SessionKind.WEBINAR:
            services.material_add(
                access=access,
                session=session,
                title="Support du webinaire (PDF)",
                url="https://documents.trois-rivieres.example/webinaire-empreinte.pdf",
            )
    _notes(access, cohort, facilitator, today)


def _attendance(access: CoalitionAccess, session: Session, facilitator: User, days: int) -> None:
    for organisation in session.expected.all():
        status = ABSENT.get((organisation.slug, days), AttendanceStatus.PRESENT)
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
