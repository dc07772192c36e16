"""Who is on the other end of a request, behind the reverse proxies the deployment trusts.

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so with
``CAPNR_TRUSTED_PROXIES`` = n the client is the n-th entry from the right; anything further left
was written by the client and proves nothing. With no trusted proxy, ``REMOTE_ADDR`` is the client.
The login throttle (django-axes, ``AXES_CLIENT_IP_CALLABLE``) locks on this address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address; ``REMOTE_ADDR`` when the request did not come through as many
    proxies as configured (then the header cannot be told from the client's own words)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "CAPNR_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < proxies or not hops[-proxies]:
        return remote
    return hops[-proxies]
