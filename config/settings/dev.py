"""Local development and the demo that `make run` serves: a fixed local secret, DEBUG on unless
CAPNR_DEBUG says otherwise. `make run` turns it off: the demo is what newcomers see, and they
should meet the product's own error pages, not Django's debug page."""

import os

os.environ.setdefault("CAPNR_DEBUG", "true")

from .base import *  # noqa: F403
from .base import DATA_DIR

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
# Static files straight from the apps' folders, with DEBUG off too (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
