"""The self-diagnostic referential, read-only: themes and questions with their mappings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router

from capnr.engine.diagnostic import referential

router = Router(tags=["diagnostic"])


@router.get("/referential", response=dict[str, Any])
def diagnostic_referential(request: HttpRequest) -> dict[str, Any]:
    """Every theme and question (French and English), with priorities, efforts, applicability,
    legal obligations (``to_confirm`` when our sources are uncertain) and the identifiers of the
    national referentials each question covers."""
    data = referential()
    return {
        "version": data.version,
        "themes": [asdict(theme) for theme in data.themes],
        "questions": [asdict(question) for question in data.questions],
    }
