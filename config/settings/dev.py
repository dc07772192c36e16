"""Local development and the demo that `make run` serves: DEBUG on, a fixed local secret."""

import os

os.environ.setdefault("CAPNR_DEBUG", "true")

from .base import *  # noqa: F403
from .base import DATA_DIR

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
