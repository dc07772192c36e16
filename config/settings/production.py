"""Shared deployments: HTTPS only, secrets from the environment, compressed static files.

`capnr check --deploy` with these settings gives no warning (a test asserts it)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PRIVATE_STORAGE, SECRET_KEY, env_bool

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "CAPNR_SECRET_KEY must be set to a random string of at least 50 characters "
        "in production (see .env.example)."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("CAPNR_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CAPNR_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("CAPNR_HSTS_PRELOAD", True)
if env_bool("CAPNR_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # The login throttle reads the client from X-Forwarded-For past this many proxies.
    CAPNR_TRUSTED_PROXIES = int(os.environ.get("CAPNR_TRUSTED_PROXIES") or "1")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
