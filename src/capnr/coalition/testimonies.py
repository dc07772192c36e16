"""The testimonies a cohort report quotes: the experience reports its organisations made public.

Peer exchange (``capnr.peers``) builds on this app (a report's readers depend on who shares a
cohort), so this app never imports it: peers registers its reader when Django starts
(``PeersConfig.ready``), as the roadmap tells the actions pages what it holds. The reader
decides what counts as shared (``peers.cohort_testimonies``); answers are plain values, so the
report never handles another app's rows. Without a reader, the report says none is available."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Testimony:
    organisation_id: int
    organisation: str
    title: str
    year: int
    outcome: str  # in words, in the current language
    theme: str  # in words
    shared_with: str  # in words: the cohort, the coalition, everyone
    what_was_done: str
    result: str


TestimonyReader = Callable[[Collection[int]], list[Testimony]]

_registered: list[TestimonyReader] = []


def register(reader: TestimonyReader) -> None:
    """Called once by the peers app; a second call replaces the first."""
    _registered[:] = [reader]


def is_available() -> bool:
    return bool(_registered)


def shared_testimonies(organisation_ids: Collection[int]) -> list[Testimony]:
    """The shared, not withdrawn reports of these organisations, as the registered reader gives
    them; none without one."""
    return _registered[0](organisation_ids) if _registered else []
