"""The training programme's PDF documents, made by ``capnr.core.pdf`` (tagged, PDF/UA-1): the
sign-in sheet printed for a session (names of the people with a place, a column to sign), the
certificate of attendance of one person present, and the A4 poster of a self-assessment
campaign with the QR code of its link (``capnr.core.qr``, as the collection box's poster)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from capnr.core import qr as core_qr
from capnr.core.pdf import ReportUnavailable, render_pdf

from .models import Attendance, Registration, RegistrationStatus, SkillsCampaign, TrainingSession

__all__ = [
    "ReportUnavailable",
    "certificate_html",
    "certificate_pdf",
    "sign_in_sheet_pdf",
    "skills_poster_html",
    "skills_poster_pdf",
]

STYLESHEET = Path(__file__).resolve().parent / "templates" / "training" / "documents.css"


def _frame(session: TrainingSession, title: str) -> dict[str, Any]:
    return {
        "organisation": session.offer.organisation,
        "session": session,
        "offer": session.offer,
        "language": get_language() or "fr",
        "generated_at": timezone.localtime().replace(microsecond=0),
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "document_title": title,
    }


def sign_in_sheet_html(session: TrainingSession, registrations: list[Registration]) -> str:
    """``registrations``: the people with a place, in the order to print."""
    context = _frame(
        session,
        _("Sign-in sheet · %(offer)s") % {"offer": session.offer.title},
    )
    context["registrations"] = registrations
    # A few empty lines for people who come without having registered.
    context["blank_lines"] = range(3)
    return render_to_string("training/sign_in_sheet.html", context)


def sign_in_sheet_pdf(session: TrainingSession, registrations: list[Registration]) -> bytes:
    return render_pdf(sign_in_sheet_html(session, registrations), stylesheets=[STYLESHEET])


def certificate_html(registration: Registration) -> str:
    """Refused (ValidationError) unless the person was marked present."""
    if (
        registration.status != RegistrationStatus.REGISTERED
        or registration.attended != Attendance.PRESENT
    ):
        raise ValidationError(
            _("A certificate is made only for someone marked present at the session.")
        )
    session = registration.session
    context = _frame(
        session,
        _("Certificate of attendance · %(name)s") % {"name": registration.trainee},
    )
    context["registration"] = registration
    context["trainee"] = registration.trainee
    return render_to_string("training/certificate.html", context)


def certificate_pdf(registration: Registration) -> bytes:
    return render_pdf(certificate_html(registration), stylesheets=[STYLESHEET])


def skills_poster_html(campaign: SkillsCampaign, url: str) -> str:
    """``url``: the campaign's link, which the QR code opens."""
    return render_to_string(
        "training/skills_poster.html",
        {
            "organisation": campaign.organisation,
            "campaign": campaign,
            "url": url,
            "qr": core_qr.qr_svg(url, title=_("QR code of the self-assessment")),
            "LANGUAGE_CODE": get_language() or "fr",
        },
    )


def skills_poster_pdf(campaign: SkillsCampaign, url: str) -> bytes:
    """The poster to put up where agents pass (A4, large type, plain words)."""
    return render_pdf(
        skills_poster_html(campaign, url), stylesheets=[core_qr.POSTER_STYLESHEET, STYLESHEET]
    )
