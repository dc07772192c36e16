"""Rules of the layout that must fail loudly when broken."""

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

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


# --- Layers -------------------------------------------------------------------------------------
# engine -> core -> organisations -> feature apps -> web/api -> config: a module imports its own
# app and lower layers only. `capnr.cli` (the console command) sits with config, on top.
LAYERS = {
    "engine": 0,
    "core": 1,
    "organisations": 2,
    "inventory": 3,
    "diagnostics": 3,
    "actions": 3,
    "roadmap": 3,
    "coalition": 3,
    "collection": 3,
    "peers": 3,
    "training": 3,
    "web": 4,
    "api": 4,
    "cli": 5,
    "config": 5,
}
# Imports between two apps of the same layer, each with why, and the modules they may reach.
# Feature apps read each other one way only (inventory <- diagnostics <- actions <- roadmap), never
# back.
ALLOWED_EDGES = {
    ("diagnostics", "inventory"): (
        {"selectors", "presentation", "engine_adapter", "models"},
        "the results page shows the footprint's stakes beside the scores",
    ),
    ("actions", "diagnostics"): (
        {"selectors", "referential", "models"},
        "recommendations and simulators start from the answers",
    ),
    ("actions", "inventory"): (
        {"selectors", "presentation", "engine_adapter"},
        "simulators are pre-filled from the fleet; recommendations weigh its hotspots",
    ),
    ("roadmap", "actions"): (
        {"models", "selectors", "services", "recommend", "plan"},
        "plan items name catalogue actions and keep a simulator scenario as their expected "
        "effect; the roadmap tells the actions pages which actions it holds (actions.plan)",
    ),
    ("roadmap", "diagnostics"): (
        {"selectors", "presentation"},
        "the report shows the scores",
    ),
    ("roadmap", "inventory"): (
        {"selectors", "presentation", "models"},
        "the report shows the footprint; the demo roadmap counts the fleet",
    ),
    ("collection", "roadmap"): (
        {"selectors", "services", "digest"},
        "a campaign names the roadmap item it carries out; its form lists the items; its results "
        "are written as that item's indicator values through the roadmap's services; its "
        "milestones join the roadmap's weekly digest (registered at start-up)",
    ),
    ("collection", "inventory"): (
        {"selectors"},
        "the organisation's reuse rate counts the devices the inventory marks retired (their "
        "outcome unknown) beside the devices sorted",
    ),
    ("peers", "roadmap"): (
        {"models", "selectors", "services"},
        "a report is written from a finished roadmap item and pre-filled from it; an item names "
        "the report that inspired it; the demo writes the alumni's finished items",
    ),
    ("peers", "coalition"): (
        {"peer_selectors", "models", "testimonies"},
        "who shares a cohort or a coalition decides who reads a report and which groups the "
        "benchmarks compare; a coalition's publication choices name the coalition; peers tells "
        "the cohort report which reports its organisations shared (coalition.testimonies)",
    ),
    ("peers", "diagnostics"): (
        {"selectors", "referential", "models"},
        "the benchmarks compare the submitted diagnostics' scores (the results page shows the "
        "organisation's own position only for its latest submitted one); reports carry a theme",
    ),
    ("peers", "inventory"): (
        {"selectors"},
        "the benchmarks compare the footprint per agent and the share of devices past their "
        "lifetime",
    ),
    ("training", "roadmap"): (
        {"selectors", "services"},
        "an offer names the roadmap item it serves (chosen from the roadmap's items); the "
        "programme's indicators are written to that item through the roadmap's services",
    ),
    ("coalition", "diagnostics"): (
        {"selectors", "presentation", "models"},
        "the cohort dashboard and milestones read each organisation's scores and submission; "
        "the cohort report averages the submitted diagnostics' theme scores",
    ),
    ("coalition", "inventory"): (
        {"selectors", "presentation"},
        "the cohort dashboard and milestones read each organisation's first and latest footprint",
    ),
    ("coalition", "roadmap"): (
        {"selectors", "models"},
        "the cohort dashboard and milestones read each roadmap's items, savings and approval; "
        "the cohort report sums the items done and their savings",
    ),
    ("web", "api"): (
        {"selectors", "services"},
        "the account page creates and revokes personal API tokens",
    ),
}


def _app_of(module: str) -> str | None:
    """`capnr.inventory.views` -> "inventory", `config.settings` -> "config"; None outside."""
    parts = module.split(".")
    if parts[0] == "config":
        return "config"
    if parts[0] == "capnr" and len(parts) > 1:
        return parts[1]
    return None


def _is_type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST, module: str) -> Iterator[tuple[int, str, list[str], bool]]:
    """(line, imported module, imported names, type-only) for every import of ``tree``, relative
    ones resolved against ``module`` (a dotted name; packages end with ``__init__``)."""

    def walk(node: ast.AST, type_only: bool) -> Iterator[tuple[int, str, list[str], bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child.lineno, alias.name, [], type_only
            elif isinstance(child, ast.ImportFrom):
                target = child.module or ""
                if child.level:
                    package = module.split(".")[: -child.level]
                    target = ".".join([*package, *([child.module] if child.module else [])])
                names = [alias.name for alias in child.names]
                if target == "capnr":  # `from capnr import web`
                    for name in names:
                        yield child.lineno, f"capnr.{name}", [], type_only
                else:
                    yield child.lineno, target, names, type_only
            yield from walk(child, type_only or _is_type_checking_block(child))

    yield from walk(tree, False)


def layer_violations(sources: Iterable[tuple[str, str]]) -> list[str]:
    """Every import of ``sources`` (dotted module name, source text) that breaks the layers.

    - a lower layer never imports a higher one (imports under ``if TYPE_CHECKING:`` are only
      annotations and are exempt from this rule alone);
    - two apps of the same layer import each other only along ``ALLOWED_EDGES``;
    - no module imports another app's ``_private`` name.
    Test modules (``tests`` packages) may set up data through any layer, but not reach private
    names."""
    found = []
    for module, source in sources:
        app = _app_of(module)
        if app is None:
            continue
        is_test = "tests" in module.split(".")
        for line, target, names, type_only in _imports(ast.parse(source), module):
            other = _app_of(target)
            if other is None or other == app:
                continue
            where = f"{module}:{line} imports {target}"
            private = [name for name in names if name.startswith("_") and name != "__version__"]
            if private:
                found.append(f"{where}: another app's private names {private}")
            if is_test or type_only:
                continue
            if LAYERS[other] > LAYERS[app]:
                found.append(f"{where}: {app} (layer {LAYERS[app]}) is below {other}")
            elif LAYERS[other] == LAYERS[app]:
                modules, _why = ALLOWED_EDGES.get((app, other), (set(), ""))
                targets = [target.split(".")[2]] if target.count(".") >= 2 else names
                reached = [name for name in targets if name not in modules]
                if reached:
                    found.append(f"{where}: {app} may not import {other} {reached}")
    return found


def _tree_sources() -> Iterator[tuple[str, str]]:
    for path in sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "config").rglob("*.py")]):
        relative = path.relative_to(ROOT / "src" if path.is_relative_to(ROOT / "src") else ROOT)
        yield ".".join(relative.with_suffix("").parts), path.read_text()


def test_every_app_has_a_layer():
    apps = {path.name for path in (ROOT / "src" / "capnr").iterdir() if path.is_dir()}
    apps -= {"locale", "__pycache__"}
    assert apps <= LAYERS.keys(), f"Give these apps a layer in LAYERS: {apps - LAYERS.keys()}"


def test_layers_point_one_way_and_no_app_reaches_another_apps_private_names():
    sources = list(_tree_sources())
    modules = {module for module, _ in sources}
    assert {"capnr.core.access", "capnr.actions.prefill", "config.urls"} <= modules  # not vacuous
    violations = layer_violations(sources)
    assert not violations, (
        "Layers: engine -> core -> organisations -> feature apps -> web/api -> config (see "
        "ARCHITECTURE.md). Move what two apps share down to capnr.core:\n" + "\n".join(violations)
    )


def test_the_allowed_edges_between_feature_apps_go_one_way():
    edges = set(ALLOWED_EDGES)
    assert not {(b, a) for a, b in edges} & edges, "an allowed edge goes both ways"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("capnr.core.charts", "from capnr.inventory import charts", "core (layer 1) is below"),
        ("capnr.engine.x", "import capnr.core.access", "engine (layer 0) is below"),
        ("capnr.organisations.x", "from capnr.web.journey import j", "is below web"),
        ("capnr.organisations.x", "def f():\n    from capnr.roadmap import models", "below"),
        ("capnr.inventory.x", "from capnr.roadmap.selectors import s", "may not import roadmap"),
        ("capnr.diagnostics.x", "from capnr.inventory.views import v", "['views']"),
        ("capnr.diagnostics.x", "from capnr.inventory import views", "['views']"),
        ("capnr.roadmap.charts", "from capnr.core.charts import _svg", "private names ['_svg']"),
        ("capnr.roadmap.tests.t", "from capnr.inventory.x import _y", "private names ['_y']"),
        ("capnr.web.x", "import config.settings", "web (layer 4) is below config"),
        ("capnr.core.x", "from capnr import web", "core (layer 1) is below web"),
        ("capnr.inventory.sub.x", "from ...web import demo", "is below web"),
    ],
)
def test_the_layer_checker_reports_a_synthetic_violation(module, source, expected):
    violations = layer_violations([(module, source)])
    assert len(violations) == 1 and expected in violations[0], violations


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("capnr.inventory.x", "from capnr.core.access import organisation_view"),
        ("capnr.roadmap.x", "from capnr.inventory.selectors import latest_footprint"),
        ("capnr.actions.x", "from capnr.diagnostics import selectors, referential"),
        ("capnr.core.access", "if TYPE_CHECKING:\n    from capnr.organisations.models import O"),
        ("capnr.roadmap.tests.t", "from capnr.api.services import api_token_create"),
        ("capnr.roadmap.charts", "from ._private import _x"),
        ("config.urls", "from capnr.web import views"),
        ("capnr.web.x", "import django.db"),
    ],
)
def test_the_layer_checker_accepts_what_the_layers_allow(module, source):
    assert layer_violations([(module, source)]) == []


# --- Function length ----------------------------------------------------------------------------

MAX_FUNCTION_LINES = 100  # def to last line, docstring included
# Functions still longer, each with why it is not split yet. Keyed by name alone, so a move to
# another module keeps the entry; the test fails when an entry is no longer needed.
LONG_FUNCTIONS_ALLOWED = {
    "kpi_chart": "roadmap chart (axes, bands, target, points): left to the roadmap split",
    "timeline": "roadmap chart (lanes per quarter): left to the roadmap split",
    "_input_spec": "impact-model TOML reader: one branch per input kind, each with its message",
}
# Demo data reads as a list of records, not as logic.
LENGTH_EXEMPT_MODULES = {"demo.py", "demo_cohorts.py", "demo_fleet.py"}


def long_functions(root: Path = ROOT, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, str]]:
    """(function name, "path:line (n lines)") for every function under `root`/src/capnr (tests,
    migrations and demo data aside) longer than `limit` lines."""
    found = []
    for path in sorted((root / "src" / "capnr").rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts or path.name in LENGTH_EXEMPT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append((node.name, f"{path.relative_to(root)}:{node.lineno} ({length})"))
    return found


def test_no_function_is_longer_than_a_screenful_or_two():
    """A function over MAX_FUNCTION_LINES is split into named steps; the few left are listed
    with their reason, and an entry goes once its function is split."""
    found = long_functions()
    too_long = [item for item in found if item[0] not in LONG_FUNCTIONS_ALLOWED]
    assert not too_long, f"Split these into named steps: {too_long}"
    stale = sorted(set(LONG_FUNCTIONS_ALLOWED) - {name for name, _ in found})
    assert not stale, f"No longer too long, remove from LONG_FUNCTIONS_ALLOWED: {stale}"


def test_the_length_check_finds_a_long_function_and_skips_tests_and_demo_data(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    long_source = f"def short():\n    return 1\n\n\ndef long_one():\n{body}\n"
    app = tmp_path / "src" / "capnr" / "app"
    (app / "tests").mkdir(parents=True)
    (app / "views.py").write_text(long_source)
    (app / "demo.py").write_text(long_source.replace("long_one", "demo_records"))
    (app / "tests" / "test_views.py").write_text(long_source.replace("long_one", "test_it"))
    found = long_functions(tmp_path)
    assert [name for name, _ in found] == ["long_one"]
    assert found[0][1] == f"src/capnr/app/views.py:5 ({MAX_FUNCTION_LINES + 1})"


def test_emails_go_through_core_mail():
    """Only capnr.core.mail sends: it writes each email in its recipient's language (ADR 0016)."""
    mail_module = ROOT / "src" / "capnr" / "core" / "mail.py"
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "src" / "capnr").rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and path != mail_module
        and any(name.startswith("django.core.mail") for name in imported_modules(path))
    )
    assert offenders == [], f"send emails through capnr.core.mail: {offenders}"
