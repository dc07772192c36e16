"""The digital-skills self-assessment: ten everyday tasks, in plain words (easy-to-read French,
"FALC": short sentences, one idea each, the words agents use), each answered on three levels.

Each question names the offer that fills the gap it reveals, so that results suggest where to
start. Declared once here: the page, the aggregation and the suggestions read this list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import OfferKind

MAX_QUESTIONS = 10


@dataclass(frozen=True)
class SkillQuestion:
    id: str
    text: Promise
    pictogram: str  # the name of an icon in training/_pictogram.html
    offer: OfferKind  # what fills the gap


# Levels: the higher, the more at ease. Kept as numbers in the answers.
EASY, WITH_HELP, NOT_YET = 2, 1, 0
LEVELS = (EASY, WITH_HELP, NOT_YET)
LEVEL_LABELS = {
    EASY: _("Yes, easily"),
    WITH_HELP: _("Yes, with help"),
    NOT_YET: _("Not yet"),
}

QUESTIONS: tuple[SkillQuestion, ...] = (
    SkillQuestion("email", _("I read and send emails."), "mail", OfferKind.FIELD_BASICS),
    SkillQuestion(
        "attachment",
        _("I open a file sent with an email, and I save it."),
        "clip",
        OfferKind.FIELD_BASICS,
    ),
    SkillQuestion(
        "password",
        _("I choose a strong password. I keep it secret."),
        "lock",
        OfferKind.FIELD_BASICS,
    ),
    SkillQuestion(
        "phishing",
        _("I can tell a trick message that asks for my password."),
        "warning",
        OfferKind.AWARENESS,
    ),
    SkillQuestion("form", _("I fill in a form on a website."), "form", OfferKind.FIELD_BASICS),
    SkillQuestion(
        "photo",
        _("I take a photo with a phone, and I send it for my work."),
        "camera",
        OfferKind.FIELD_BASICS,
    ),
    SkillQuestion("video", _("I take part in a video meeting."), "video", OfferKind.FIELD_BASICS),
    SkillQuestion(
        "shared_folder",
        _("I find a document in a shared folder."),
        "folder",
        OfferKind.FIELD_BASICS,
    ),
    SkillQuestion(
        "intranet",
        _("I use the intranet for my leave or my pay slips."),
        "house",
        OfferKind.FIELD_BASICS,
    ),
    SkillQuestion(
        "impact",
        _("I know simple ways to make my devices last longer."),
        "leaf",
        OfferKind.AWARENESS,
    ),
)
QUESTION_IDS = tuple(question.id for question in QUESTIONS)
