"""The test suite: fast hashing, no login throttling (its own tests switch it on)."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Jobs run at once, inside the request, so tests see their results.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
