"""Demo self-diagnostics (invented organisations and people): the road agency submitted its
diagnostic of the story's 2024 and is half-way through 2025's (pre-filled from 2024); the commune
is in the middle of its first workshop with the coalition's facilitator. The story's dates and
years are moved to the real calendar by `core.demo_clock`. Created once; a second run leaves
them."""

from __future__ import annotations

import hashlib

from capnr.core import demo_clock
from capnr.core.access import FACILITATOR, Access, OrganisationAccess
from capnr.organisations.models import Organisation, User

from . import services
from .models import Diagnostic, ThemeTime
from .referential import questions_for
from .services import Submission

# Answers that tell the testimony's story: the two quick wins were done in 2025.
AGENCY_2024 = {
    "hosting.01": ("no", "Consigne de climatisation à 20 °C dans la salle du siège."),
    "use.01": ("no", "Les postes restent allumés la nuit pour les mises à jour."),
    "strategy.01": (
        "partly",
        "Engagement de la direction annoncé, pas encore de feuille de route.",
    ),
}
AGENCY_2025 = {
    "hosting.01": ("yes", "Consigne relevée à 24 °C en mars {2025}, sans incident depuis."),
    "use.01": (
        "yes",
        "Extinction automatique à 20 h depuis avril ; conformité des correctifs en hausse.",
    ),
    "strategy.01": ("yes", "Feuille de route validée par le comité de direction."),
}


def _draw(question_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _answer_2024(question_id: str, priority: int) -> str:
    roll = _draw(question_id, "agency-2024")
    if roll < 0.06:
        return "unknown"
    if roll < 0.10:
        return "na"
    if roll < 0.30 + 0.05 * priority:
        return "partly" if roll > 0.2 else "yes"
    return "no"


def _improve(value: str, question_id: str) -> str:
    roll = _draw(question_id, "agency-2025")
    if value == "no" and roll < 0.45:
        return "partly"
    if value == "partly" and roll < 0.6:
        return "yes"
    if value == "unknown":
        return "no" if roll < 0.5 else "partly"
    return value


def seed_demo_diagnostics(*, agency: Organisation, commune: Organisation) -> None:
    referent = User.objects.get(email="referent@routes-haut-vallon.example")
    contributor = User.objects.get(email="contributeur@routes-haut-vallon.example")
    if not Diagnostic.objects.filter(organisation=agency).exists():
        _agency(agency, referent, contributor)
    if not Diagnostic.objects.filter(organisation=commune).exists():
        facilitator = User.objects.get(email="facilitation@trois-rivieres.example")
        _commune_workshop(commune, facilitator)


def _agency(agency: Organisation, referent: User, contributor: User) -> None:
    access = OrganisationAccess(agency, Access.ADMINISTER, "demo")
    questions = questions_for(agency)
    first = services.diagnostic_start(access=access, year=demo_clock.year(2024), user=referent)
    answers = {q.id: _answer_2024(q.id, q.priority) for q in questions}
    comments = {qid: comment for qid, (value, comment) in AGENCY_2024.items()}
    answers.update({qid: value for qid, (value, _comment) in AGENCY_2024.items()})
    services.answers_save(
        access=access,
        diagnostic=first,
        submissions=[
            Submission(qid, value, comments.get(qid, ""), "", 0) for qid, value in answers.items()
        ],
        user=referent,
    )
    services.diagnostic_submit(access=access, diagnostic=first, user=referent)
    Diagnostic.objects.filter(pk=first.pk).update(
        submitted_at=demo_clock.moment(2024, 11, 14, hour=16, minute=30)
    )

    second = services.diagnostic_start(access=access, year=demo_clock.year(2025), user=referent)
    # The first six themes are reviewed; the rest is still to confirm.
    reviewed_themes = [theme for theme in dict.fromkeys(q.theme for q in questions)][:6]
    current = {a.question_id: a for a in second.answers.all()}
    submissions = []
    for question in questions:
        if question.theme not in reviewed_themes and question.id not in AGENCY_2025:
            continue
        old = current.get(question.id)
        value, comment = AGENCY_2025.get(
            question.id, (_improve(old.value if old else "no", question.id), "")
        )
        comment = comment.replace("{2025}", str(demo_clock.year(2025)))
        submissions.append(Submission(question.id, value, comment, "", old.version if old else 0))
    services.answers_save(access=access, diagnostic=second, submissions=submissions, user=referent)
    hosting = next(q.id for q in questions if q.theme == "hosting" and q.id not in AGENCY_2025)
    services.delegation_create(
        access=access,
        diagnostic=second,
        question_id=hosting,
        created_by=referent,
        user_id=contributor.pk,
        message="Tu connais mieux que moi la salle serveur du siège : peux-tu répondre ?",
        build_url=lambda raw: "",
        notify=False,
    )
    services.delegation_create(
        access=access,
        diagnostic=second,
        question_id="end_of_use.01",
        created_by=referent,
        email="logistique@routes-haut-vallon.example",
        build_url=lambda raw: "",
        notify=False,
    )


def _commune_workshop(commune: Organisation, facilitator: User) -> None:
    """The first workshop, stopped after three themes: answers, notes and times per theme."""
    access = OrganisationAccess(commune, Access.READ, FACILITATOR)
    diagnostic = services.diagnostic_start(
        access=access, year=demo_clock.year(2025), user=facilitator
    )
    questions = questions_for(commune)
    themes = list(dict.fromkeys(q.theme for q in questions))[:3]
    services.answers_save(
        access=access,
        diagnostic=diagnostic,
        submissions=[
            Submission(q.id, _answer_2024(q.id, q.priority), "", "", 0)
            for q in questions
            if q.theme in themes
        ],
        user=facilitator,
    )
    started = demo_clock.moment(2025, 10, 9, hour=9)
    for minutes, theme in zip((26, 18, 21), themes, strict=True):
        ThemeTime.objects.create(diagnostic=diagnostic, theme=theme, seconds=minutes * 60)
    services.workshop_note_add(
        access=access,
        diagnostic=diagnostic,
        theme=themes[0],
        question_id=questions[0].id,
        text="Présenter la démarche au bureau municipal de novembre.",
        author=facilitator,
    )
    services.workshop_note_add(
        access=access,
        diagnostic=diagnostic,
        theme=themes[1],
        question_id="",
        text="Demander aux RH le nombre d'agents sans poste de travail.",
        author=facilitator,
    )
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        workshop_started_at=started, workshop_theme="", workshop_theme_since=None
    )
