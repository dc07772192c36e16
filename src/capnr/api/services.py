"""Personal API tokens: create (the secret is shown once), revoke, authenticate."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from capnr.core.tokens import hash_token, new_raw_token
from capnr.organisations.models import User

from .models import ApiToken

TOKEN_PREFIX = "capnr_"


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret; only a hash of the secret is stored."""
    raw = TOKEN_PREFIX + new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:12], token_hash=hash_token(raw)
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens. False when it is not theirs or already revoked."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every live token of ``user``: done when their password changes or is reset, since
    a token copied by whoever knew the old password must not outlive it. Returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_user(raw: str) -> User | None:
    """The active user behind a token secret, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
