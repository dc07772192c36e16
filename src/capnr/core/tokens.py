"""Secrets sent by email or shown once (invitations, delegation links, API tokens, calendar
feeds): only their hash is stored."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return secrets.token_urlsafe(32)
