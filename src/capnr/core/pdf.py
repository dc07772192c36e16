"""Tagged PDF documents (PDF/UA-1) made by WeasyPrint, for the reports people take to management.

A report is an HTML template rendered as usual, laid out by print stylesheets kept as files under
``templates/`` (never a ``<style>`` element, so report templates obey the same no-inline-style
rule as the pages): ``core/print.css`` for what every report shares (page, type, title block,
tables, figures), then the report's own stylesheet.

WeasyPrint is imported only when a PDF is made: it needs the Pango system libraries, and a server
without them should still serve every other page. ``ReportUnavailable`` then says what to
install; views answer it with a friendly 503 page."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Debian packages that provide the libraries WeasyPrint loads (scripts/system-deps.sh checks them).
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
BASE_STYLESHEET = Path(__file__).resolve().parent / "templates" / "core" / "print.css"
# PDF/UA-1 makes WeasyPrint tag the structure (headings, tables, lists, figures with their
# SVG <title> as alternative text) and write the title and language in the catalogue.
PDF_VARIANT = "pdf/ua-1"
# Chart labels drawn over a white halo (a stroke painted first with `paint-order="stroke"`).
_HALO_TAG = re.compile(r'<(?:g|text)\b[^>]*\bpaint-order="stroke"[^>]*>')
_HALO_ATTRIBUTE = re.compile(r'\s(?:stroke|stroke-width|stroke-linejoin|paint-order)="[^"]*"')


class ReportUnavailable(RuntimeError):
    """This server cannot make PDF files; the message says what to install."""


def weasyprint_module() -> ModuleType:
    try:
        import weasyprint
    except OSError as error:  # cffi could not load Pango
        logger.error("WeasyPrint cannot load its system libraries: %s", error)
        raise ReportUnavailable(
            _(
                "The server cannot make PDF files: the Pango libraries are missing. Install the "
                "Debian packages %(packages)s (apt-get install %(packages)s), then restart "
                "Cap NR."
            )
            % {"packages": SYSTEM_PACKAGES}
        ) from error
    except ImportError as error:
        logger.error("WeasyPrint is not installed: %s", error)
        raise ReportUnavailable(
            _(
                "The server cannot make PDF files: the Python package WeasyPrint is missing. "
                "Reinstall Cap NR with its dependencies (pip install -e .)."
            )
        ) from error
    return weasyprint


def without_halo(svg: SafeString | None) -> SafeString | None:
    """The chart without the white halo under its labels: WeasyPrint ignores `paint-order`, so
    the halo would be painted over the labels and hide them. Only attributes are removed from
    markup that the chart modules escaped, so it stays safe."""
    if svg is None:
        return None
    cleaned = _HALO_TAG.sub(lambda tag: _HALO_ATTRIBUTE.sub("", tag.group(0)), str(svg))
    return mark_safe(cleaned)  # noqa: S308


def render_pdf(html: str, *, stylesheets: Sequence[Path] = ()) -> bytes:
    """``html`` as a tagged PDF (PDF/UA-1), laid out by ``core/print.css`` then ``stylesheets``.

    The document's ``<title>`` and ``<html lang>`` become the PDF's title and language. Raises
    ReportUnavailable when WeasyPrint or the system libraries it needs are missing."""
    weasyprint = weasyprint_module()
    # No base URL: reports hold no link to fetch (charts are inline SVG).
    document = weasyprint.HTML(string=html)
    pdf: bytes = document.write_pdf(
        stylesheets=[
            weasyprint.CSS(filename=str(path)) for path in (BASE_STYLESHEET, *stylesheets)
        ],
        pdf_variant=PDF_VARIANT,
    )
    return pdf
