"""The A4 poster stuck on a collection box: the campaign, its dates and rules, where to declare
a deposit, and the QR code that opens the box's deposit page (``capnr.core.qr``: segno,
docs/adr/0008, and the poster's page layout).

Laid out by WeasyPrint through ``capnr.core.pdf`` (print stylesheets as files, no inline
style); the QR code is inline SVG, so the PDF needs nothing fetched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from capnr.core import qr as core_qr
from capnr.core.pdf import ReportUnavailable, render_pdf

from .models import Campaign, CollectionPoint, ItemType

__all__ = [
    "ReportUnavailable",
    "labels_pdf",
    "poster_html",
    "poster_pdf",
    "qr_svg",
    "summary_pdf",
]

STYLESHEET = Path(__file__).resolve().parent / "templates" / "collection" / "poster.css"


def qr_svg(url: str) -> SafeString:
    """The QR code of ``url``, the box's deposit page (``capnr.core.qr``)."""
    return core_qr.qr_svg(url, title=_("QR code of this box's deposit page"))


def poster_html(point: CollectionPoint, url: str) -> str:
    campaign = point.campaign
    labels = dict(ItemType.choices)
    return render_to_string(
        "collection/poster.html",
        {
            "point": point,
            "campaign": campaign,
            "organisation": campaign.organisation,
            "kinds": [labels[kind] for kind in campaign.item_types],
            "url": url,
            "qr": qr_svg(url),
            "LANGUAGE_CODE": get_language(),
        },
    )


def poster_pdf(point: CollectionPoint, url: str) -> bytes:
    """The poster as a tagged PDF. Raises ReportUnavailable when the server cannot make PDFs."""
    return render_pdf(poster_html(point, url), stylesheets=[core_qr.POSTER_STYLESHEET, STYLESHEET])


LABELS_STYLESHEET = Path(__file__).resolve().parent / "templates" / "collection" / "labels.css"
LABELS_PER_SHEET = 12  # 3 × 4 labels of about 63 × 68 mm


def labels_pdf(point: CollectionPoint, url: str) -> bytes:
    """An A4 sheet of small labels with the box's QR code, to stick on devices' drawers, on the
    box's lid, at the coffee machine. Raises ReportUnavailable like the poster."""
    campaign = point.campaign
    html = render_to_string(
        "collection/labels.html",
        {
            "point": point,
            "campaign": campaign,
            "organisation": campaign.organisation,
            "qr": qr_svg(url),
            "labels": range(LABELS_PER_SHEET),
            "LANGUAGE_CODE": get_language(),
        },
    )
    return render_pdf(html, stylesheets=[LABELS_STYLESHEET])


SUMMARY_STYLESHEET = Path(__file__).resolve().parent / "templates" / "collection" / "summary.css"


def summary_pdf(campaign: Campaign, board: Any, today: dt.date) -> bytes:
    """The leaderboard on one printable page, to pin up each week: totals, departments by items
    per agent, sites by items. No personal data (no first names)."""
    html = render_to_string(
        "collection/summary.html",
        {
            "campaign": campaign,
            "organisation": campaign.organisation,
            "board": board,
            "today": today,
            "LANGUAGE_CODE": get_language(),
        },
    )
    return render_pdf(html, stylesheets=[SUMMARY_STYLESHEET])
