"""Production settings pass Django's deployment checklist with no warning at all."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAPNR = str(Path(sys.executable).with_name("capnr"))


def capnr(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAPNR_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return subprocess.run(
        [CAPNR, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **env},
        check=False,
        timeout=120,
    )


def test_check_deploy_with_production_settings_gives_no_warning(tmp_path):
    result = capnr(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "CAPNR_SECRET_KEY": "k" * 20 + "q9!Xz$0pL@2vB7nM4rT6yU8wE1sD3fG5hJ",
            "CAPNR_ALLOWED_HOSTS": "capnr.example.org",
            "CAPNR_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = capnr(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "CAPNR_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "CAPNR_SECRET_KEY" in result.stderr


def test_default_database_is_sqlite_in_wal_mode_under_the_data_dir(tmp_path):
    result = capnr("migrate", "--noinput", env={"CAPNR_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    database = tmp_path / "capnr.sqlite3"
    assert database.exists()
    mode = sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_debug_is_off_unless_asked():
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    assert settings.DEBUG is False
    code = (
        "import os; os.environ.pop('CAPNR_DEBUG', None); "
        "os.environ['CAPNR_SECRET_KEY'] = 'x' * 60; "
        "import config.settings.production as p; print(p.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip() == "False", result.stderr


def test_every_environment_variable_is_documented_in_env_example():
    import re

    used: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        used |= set(
            re.findall(
                r"""(?:environ\.get|env_bool|env_list|setdefault)\(\s*["']([A-Z_]+)["']""",
                path.read_text(),
            )
        )
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used, "found no environment variable: the pattern is wrong"
    missing = used - documented
    assert not missing, f"Document these in .env.example (and the README): {sorted(missing)}"
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(name for name in used if name.startswith("CAPNR_") and name not in readme)
    assert not undocumented, f"Add these to the README's configuration table: {undocumented}"
