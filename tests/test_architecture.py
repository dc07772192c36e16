"""Rules of the layout that must fail loudly when broken."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "src" / "capnr" / "engine"
FORBIDDEN_IN_ENGINE = (
    "django",
    "ninja",
    "capnr.organisations",
    "capnr.coalition",
    "capnr.api",
    "capnr.web",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_engine_never_imports_django_or_the_apps():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in imported_modules(path)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_ENGINE)
        )
        for path in ENGINE.rglob("*.py")
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert not offenders, f"The engine must stay pure Python: {offenders}"


def test_importing_the_engine_loads_no_django_module():
    code = (
        "import sys, capnr.engine; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_views_reach_organisation_data_only_through_the_tenancy_layer():
    """No `Model.objects` in views or API modules: they go through selectors and services."""
    offenders = []
    for path in (ROOT / "src" / "capnr").rglob("*.py"):
        if not (path.name.endswith("views.py") or path.name == "api.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ".objects." in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "Use a selector or service instead:\n" + "\n".join(offenders)


def test_the_application_never_imports_boaviztapi():
    """boaviztapi is AGPL-3.0: a test-only oracle. Only test modules and maintainer scripts may
    import it."""
    offenders = []
    for path in (ROOT / "src" / "capnr").rglob("*.py"):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        names = imported_modules(path)
        if any(name == "boaviztapi" or name.startswith("boaviztapi.") for name in names):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"boaviztapi imported by application code: {offenders}"


def test_engine_data_files_are_the_only_source_of_figures():
    """Reference data lives in versioned files with a source for every row."""
    data = ROOT / "src" / "capnr" / "engine" / "data"
    assert (data / "VERSION").read_text().strip()
    assert (data / "sources.csv").exists()
