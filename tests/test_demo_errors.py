"""The demo (`make run`) shows the product's own error pages, in French, with its styles: a
newcomer who mistypes an address must not meet Django's English debug page (issue 12, 13)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="127.0.0.1")
missing = client.get("/o/nowhere/inventaire/")
css = client.get("/static/capnr/capnr.css")
print(json.dumps({"debug": settings.DEBUG, "status": missing.status_code,
                  "page": missing.content.decode(), "css": css.status_code}))
"""


def test_the_run_target_turns_debug_off() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: export CAPNR_DEBUG \?= false$", makefile, re.MULTILINE)


def test_with_debug_off_the_demo_settings_serve_our_404_page_and_the_styles(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "CAPNR_DEBUG": "false",
        "CAPNR_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False and probe["status"] == 404
    assert "Page introuvable" in probe["page"] and "capnr.css" in probe["page"]
    assert "Django tried these URL patterns" not in probe["page"]
    assert probe["css"] == 200  # the stylesheet, with no collectstatic run
