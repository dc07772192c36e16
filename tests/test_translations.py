"""The French catalogue is complete: every message of the code and templates is translated.

Messages are extracted again into a copy of the source tree (so the check also catches a new
string nobody extracted), then the copy's catalogue must have no untranslated or fuzzy entry."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "capnr"
CATALOGUE = SOURCE / "locale" / "fr" / "LC_MESSAGES" / "django.po"

EXTRACT = """
import sys
from django.conf import settings
settings.configure(LOCALE_PATHS=[sys.argv[1] + "/locale"], USE_I18N=True)
import django
django.setup()
from django.core.management import call_command
call_command("makemessages", locale=["fr"], no_obsolete=True, no_location=True, verbosity=0)
"""


def describe(entries: list[polib.POEntry]) -> str:
    return "\n".join(f"  - {entry.msgid[:90]!r}" for entry in entries[:30])


def test_the_committed_catalogue_is_fully_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = catalogue.untranslated_entries()
    fuzzy = [entry for entry in catalogue.fuzzy_entries() if entry.msgid]
    assert not untranslated, "Untranslated French entries:\n" + describe(untranslated)
    assert not fuzzy, "Fuzzy French entries (review, then remove the flag):\n" + describe(fuzzy)
    assert len(catalogue) > 100


def test_every_message_in_the_source_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail(
            "xgettext (Debian package gettext) is missing: run `make test`, which installs it."
        )
    copy = tmp_path / "capnr"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
    result = subprocess.run(
        [sys.executable, "-c", EXTRACT, str(copy)],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    missing = extracted.untranslated_entries() + [
        entry for entry in extracted.fuzzy_entries() if entry.msgid
    ]
    assert not missing, (
        "Messages without a French translation (run `make messages`, then translate them in "
        f"{CATALOGUE.relative_to(ROOT)}):\n" + describe(missing)
    )
