"""How often a deposit may be sent without an account: per client address and per box link.

The login throttle (django-axes) locks accounts, which the deposit page has none of, so this one
counts in Django's cache: a counter per address and per link, each living ``WINDOW_SECONDS``.
The address is the one the login throttle uses (``capnr.core.client_address``). Limits are
generous (a whole office may share one address behind its router, and a box sees a queue at
lunchtime); they stop a script filling the leaderboard, not people. With several server processes
the cache must be shared (a database or Redis cache) for the limits to hold across them."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from capnr.core.client_address import client_address
from capnr.core.tokens import hash_token

WINDOW_SECONDS = 600


def limits() -> tuple[int, int]:
    """(sends per address, sends per link) in a window; settings may lower them (tests do)."""
    return (
        int(getattr(settings, "CAPNR_DEPOSITS_PER_ADDRESS", 30)),
        int(getattr(settings, "CAPNR_DEPOSITS_PER_LINK", 120)),
    )


def _hit(key: str, limit: int) -> bool:
    """Count one send under ``key``; False once the window already holds ``limit`` of them."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def allow_send(request: HttpRequest, raw_token: str) -> bool:
    """Whether this send may go on. Counts it against the client's address and the link (the
    link hashed, so the cache never holds a usable token); both counters move on every send."""
    per_address, per_link = limits()
    address_ok = _hit(f"capnr:deposit:addr:{client_address(request)}", per_address)
    link_ok = _hit(f"capnr:deposit:link:{hash_token(raw_token)[:32]}", per_link)
    return address_ok and link_ok
