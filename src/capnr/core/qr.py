"""QR codes and the A4 poster that carries one (segno, docs/adr/0008): the collection box's
poster and the self-assessment's both lay out their page with :data:`POSTER_STYLESHEET` (on
top of ``core/print.css``) and draw their code with :func:`qr_svg`."""

from __future__ import annotations

from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

# One A4 page, large type read from a few metres, the QR code big enough to scan from arm's
# length; an app's own stylesheet comes after it for what only its poster has.
POSTER_STYLESHEET = Path(__file__).resolve().parent / "templates" / "core" / "poster.css"


def qr_svg(url: str, *, title: str) -> SafeString:
    """The QR code of ``url`` as inline SVG, sized by the stylesheet, ``title`` naming it for
    screen readers. Error correction "M" (15 % of the code may be torn or dirty) suits a poster
    people pass and touch. segno is imported here, like WeasyPrint, only when a poster is
    made."""
    import segno

    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=title)
    # The URL is drawn as modules, never written as text, and segno escapes the title.
    return mark_safe(svg)  # noqa: S308
