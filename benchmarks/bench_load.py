"""`make bench`, load and fault part (issue 13): Cap NR deployed as the README says (gunicorn
with `config.settings.production`, `capnr db_worker`, PostgreSQL), on loopback only.

1. 20 simulated users, logged in through the login form, ask for the main pages and some API
   endpoints (with personal API tokens) for 60 s, each sending its next request as soon as the
   last one answered: per page, the count, p50 and p95, the errors; the throughput. Then the
   same while the worker checks and stores a 100,000-row GLPI-style import.
2. The worker killed (SIGKILL) in the middle of a store, once its rows are being written: the
   import's assets stored (never half: 0), its status, what its page says; then the cron's
   `capnr purge` (half an hour later, the time simulated) and the page's "Try again".

Runs on a throwaway PostgreSQL cluster (`scripts/with-postgres.sh`, which this script calls
itself) and a throwaway data directory; skipped, with a line saying so, without PostgreSQL.
Prints figures; asserts none (errors are counted and printed, never fatal). Bounded: each user
stops at the end of the phase, and no phase sends more than `MAX_REQUESTS` requests."""

from __future__ import annotations

import argparse
import datetime
import glob
import html
import http.client
import importlib.util
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from capnr.core import demo_clock

ROOT = Path(__file__).resolve().parents[1]
USERS = 20
SECONDS = 60.0
ROWS = 100_000
MAX_REQUESTS = 200_000  # per phase: the loops are bounded in count as well as in time
TIMEOUT_S = 60.0
GUNICORN_WORKERS = 3  # the README's deployment line
THROWAWAY = "CAPNR_BENCH_THROWAWAY_POSTGRES"  # set when this script runs itself in the cluster
SKIPPED_NO_POSTGRES = "skipped: no PostgreSQL (install with scripts/system-deps.sh)"
SKIPPED_NO_GUNICORN = "skipped: gunicorn is not installed (make setup-dev installs it)"
SLUG = "routes-haut-vallon"  # the demo's road agency, with its GLPI inventory and roadmap
ACCOUNTS = tuple(
    f"{who}@routes-haut-vallon.example" for who in ("referent", "contributeur", "lecteur")
)
PASSWORD = "capnr-demo-2025"
# The demo's submitted diagnostic: the story's 2024, named in the real calendar.
LAST_YEAR = 2024 + demo_clock.years(datetime.date.today())
IMPORT_REFERENT = "referent@bench-import.example"


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    expected: int = 200
    api: bool = False


ROUTES = (
    Route("home (→ organisation)", "/", 302),
    Route("organisation home", f"/o/{SLUG}/"),
    Route("footprint", f"/o/{SLUG}/footprint/"),
    Route("inventory", f"/o/{SLUG}/inventory/"),
    Route("diagnostic", f"/o/{SLUG}/diagnostic/"),
    Route("last year's diagnostic results", f"/o/{SLUG}/diagnostic/{LAST_YEAR}/results/"),
    Route("roadmap", f"/o/{SLUG}/roadmap/"),
    Route("actions", f"/o/{SLUG}/actions/"),
    Route("API me", "/api/v1/me", api=True),
    Route("API assets", f"/api/v1/organisations/{SLUG}/inventory/assets", api=True),
    Route("API footprint", f"/api/v1/organisations/{SLUG}/footprint", api=True),
    Route("API diagnostics", f"/api/v1/organisations/{SLUG}/diagnostics", api=True),
    Route("API roadmap items", f"/api/v1/organisations/{SLUG}/roadmap/items", api=True),
)


# --- figures (pure) -----------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least ``q`` % of the samples at or
    below it (p50 of 1..10 is 5, p95 is 10); NaN without samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class PageFigures:
    count: int
    p50_ms: float
    p95_ms: float
    errors: int


@dataclass(frozen=True)
class Phase:
    """One load phase's result: figures per route (and "all"), how long it lasted."""

    label: str
    seconds: float
    pages: Mapping[str, PageFigures]
    error_examples: Sequence[str] = ()

    @property
    def requests(self) -> int:
        return self.pages["all"].count if "all" in self.pages else 0

    @property
    def errors(self) -> int:
        return self.pages["all"].errors if "all" in self.pages else 0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else math.nan


def page_figures(
    samples: Mapping[str, Sequence[float]],
    errors: Mapping[str, int],
    unanswered: Mapping[str, int] | None = None,
) -> dict[str, PageFigures]:
    """Count, p50, p95 (ms) and errors per route, and the same over every request ("all").
    ``samples`` holds the times of the requests that got an answer; ``unanswered`` counts the
    others (no answer: counted, and among the errors, but they have no time)."""
    unanswered = unanswered or {}
    names = list(dict.fromkeys([*samples, *errors, *unanswered]))
    figures = {}
    for name in names:
        times = samples.get(name, ())
        figures[name] = PageFigures(
            count=len(times) + unanswered.get(name, 0),
            p50_ms=percentile(times, 50),
            p95_ms=percentile(times, 95),
            errors=errors.get(name, 0),
        )
    every = [time_ms for times in samples.values() for time_ms in times]
    figures["all"] = PageFigures(
        count=sum(figure.count for figure in figures.values()),
        p50_ms=percentile(every, 50),
        p95_ms=percentile(every, 95),
        errors=sum(errors.values()),
    )
    return figures


def _cell(value: float) -> str:
    return "      —" if math.isnan(value) else f"{value:7.1f}"


def side_by_side(phases: Sequence[Phase], indent: str = "   ") -> list[str]:
    """The phases' figures in columns, one row per route, then "all", the throughput and the
    errors: ``n p50 p95 errors`` under each phase's label."""
    names = list(dict.fromkeys(name for phase in phases for name in phase.pages if name != "all"))
    width = max(len(name) for name in [*names, "all", "throughput"])
    heading = f"{'n':>6} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}"
    widths = [max(len(heading), len(phase.label)) for phase in phases]

    def row(first: str, cells: Sequence[str]) -> str:
        columns = "".join(f" | {cell:>{w}}" for cell, w in zip(cells, widths, strict=True))
        return f"{indent}{first:<{width}}{columns}".rstrip()

    def figures(figure: PageFigures | None) -> str:
        if figure is None:
            return ""
        p50, p95 = _cell(figure.p50_ms), _cell(figure.p95_ms)
        return f"{figure.count:6d} {p50} {p95} {figure.errors:6d}"

    pairs = list(zip(phases, widths, strict=True))
    lines = [
        row("", [phase.label.ljust(w) for phase, w in pairs]),
        row("page", [heading] * len(phases)),
    ]
    lines += [row(name, [figures(phase.pages.get(name)) for phase in phases]) for name in names]
    lines.append(row("all", [figures(phase.pages.get("all")) for phase in phases]))
    lines.append(
        row("throughput", [f"{phase.throughput:6.1f} req/s".ljust(w) for phase, w in pairs])
    )
    lines.append(row("", [f"errors: {phase.errors}".ljust(w) for phase, w in pairs]))
    return lines


# --- where the database comes from (pure) --------------------------------------------------------


def postgres_plan(environ: Mapping[str, str], initdb: str | None, clusters: Sequence[str]) -> str:
    """``"here"`` when this process runs inside the throwaway cluster that
    `scripts/with-postgres.sh` started for it; ``"start"`` when PostgreSQL's programs are
    installed (the script then runs itself again inside such a cluster); ``"skip"`` otherwise.
    A DATABASE_URL of the caller's own is never used: the benchmark writes demo data and
    100,000-row imports."""
    if environ.get(THROWAWAY):  # never start a cluster from inside one
        url = environ.get("DATABASE_URL", "")
        return "here" if url.startswith(("postgres://", "postgresql://")) else "skip"
    if initdb or clusters:
        return "start"
    return "skip"


# --- the fault's verdict (pure) -----------------------------------------------------------------


@dataclass
class FaultOutcome:
    """What the fault showed: assets left by the killed store, the import's status after the
    housekeeping, whether its page said so, and the retry."""

    expected_assets: int
    stored_after_kill: int = -1
    status_after_purge: str = ""
    page_says_so: bool = False
    retried_status: str = ""
    retried_assets: int = -1
    status_after_second_purge: str = ""  # the housekeeping again as the retry starts


def fault_verdict(outcome: FaultOutcome) -> str:
    """One line: "fault outcome: OK — …" when the import was never half-stored, ended failed
    with its page saying so, and stored whole when tried again; else "PROBLEM — " and what
    went wrong."""
    problems = []
    if outcome.stored_after_kill < 0:
        problems.append("the store was not killed in the middle")
    elif outcome.stored_after_kill != 0:
        problems.append(f"{outcome.stored_after_kill} assets kept from the killed store")
    if outcome.status_after_purge != "failed":
        problems.append(f"status {outcome.status_after_purge or '?'} after capnr purge")
    if not outcome.page_says_so:
        problems.append("its page does not say that nothing was stored")
    if outcome.status_after_second_purge == "failed":
        problems.append("capnr purge marked the import tried again as failed")
    if outcome.retried_status != "done" or outcome.retried_assets != outcome.expected_assets:
        problems.append(
            f"the retry ended {outcome.retried_status or '?'} with "
            f"{max(outcome.retried_assets, 0):,} of {outcome.expected_assets:,} assets"
        )
    if problems:
        return "fault outcome: PROBLEM — " + "; ".join(problems)
    return (
        "fault outcome: OK — never half-stored (0 assets kept from the killed store); the "
        "import ended failed and its page says nothing was stored; “Try again” stored it "
        f"whole ({outcome.expected_assets:,} assets)"
    )


# --- HTTP, as the proxy would forward it (pure helpers, then the client) -------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(page: str) -> str:
    """The CSRF token of a page's form ("" when it has none)."""
    found = CSRF_FIELD.search(page)
    return found.group(1) if found else ""


def keep_cookie(jar: dict[str, str], set_cookie: str) -> None:
    """Apply one Set-Cookie header to ``jar``: set, or delete when it expires it (Django deletes
    with an empty value and Max-Age=0). The Secure flag is the browser's business: the proxy
    speaks HTTPS to the browser and plain HTTP to gunicorn, as here."""
    cookie = SimpleCookie()
    try:
        cookie.load(set_cookie)
    except CookieError:
        return
    for name, morsel in cookie.items():
        if morsel["max-age"] == "0" or not morsel.value:
            jar.pop(name, None)
        else:
            jar[name] = morsel.value


def visible_text(page: str) -> str:
    """A page's text as read on screen: no tags, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def import_page_says(page: str) -> tuple[str, str]:
    """An import page's status badge and its alert ("" when none)."""
    badge = re.search(r'<span class="badge">(.*?)</span>', page, re.DOTALL)
    alert = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.DOTALL)
    return (
        visible_text(badge.group(1)) if badge else "",
        visible_text(alert.group(1)) if alert else "",
    )


class Browser:
    """One simulated user behind the reverse proxy: its cookies, its API token, its address in
    X-Forwarded-For (a loopback one), HTTPS as told by X-Forwarded-Proto. A fresh connection for
    each request, as gunicorn's sync workers close each one."""

    def __init__(self, port: int, client: str, token: str = "") -> None:
        self.port = port
        self.client = client
        self.token = token
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"

    def send(
        self, method: str, path: str, *, form: Mapping[str, str] | None = None, api: bool = False
    ) -> tuple[int, str]:
        """Status and body text."""
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.client}
        if api:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for line in response.msg.get_all("Set-Cookie") or ():
                keep_cookie(self.cookies, line)
            return response.status, content.decode("utf-8", "replace")
        finally:
            connection.close()

    def log_in(self, email: str, password: str) -> float:
        """Log in through the form; returns the POST's time in ms."""
        _status, page = self.send("GET", "/accounts/login/")
        form = {"username": email, "password": password, "csrfmiddlewaretoken": csrf_token(page)}
        start = time.perf_counter()
        status, _page = self.send("POST", "/accounts/login/", form=form)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{email} could not log in (HTTP {status})")
        return elapsed


# --- the load ------------------------------------------------------------------------------------


class Tally:
    """What the users measured, shared between their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {route.name: [] for route in ROUTES}
        self.errors: dict[str, int] = {}
        self.unanswered: dict[str, int] = {}
        self.examples: list[str] = []
        self.sent = 0

    def take_turn(self) -> bool:
        with self.lock:
            self.sent += 1
            return self.sent <= MAX_REQUESTS

    def record(self, route: Route, elapsed_ms: float | None, error: str = "") -> None:
        """One request: its time (None when no answer came), what went wrong ("" if nothing)."""
        with self.lock:
            if elapsed_ms is None:
                self.unanswered[route.name] = self.unanswered.get(route.name, 0) + 1
            else:
                self.samples[route.name].append(elapsed_ms)
            if error:
                self.errors[route.name] = self.errors.get(route.name, 0) + 1
                if len(self.examples) < 5:
                    self.examples.append(f"{route.name} {route.path}: {error}")

    def phase(self, label: str, seconds: float) -> Phase:
        with self.lock:
            figures = page_figures(self.samples, self.errors, self.unanswered)
            return Phase(label, seconds, figures, tuple(self.examples))


def visit(browser: Browser, route: Route, tally: Tally) -> None:
    start = time.perf_counter()
    try:
        status, _body = browser.send("GET", route.path, api=route.api)
    except (OSError, http.client.HTTPException) as error:
        tally.record(route, None, type(error).__name__)
        return
    elapsed = (time.perf_counter() - start) * 1000
    tally.record(route, elapsed, "" if status == route.expected else f"HTTP {status}")


def simulate(browser: Browser, seed: int, stop_at: float, tally: Tally) -> None:
    """One user: every route in a shuffled order, again and again, until the phase ends."""
    rng = random.Random(seed)
    routes = list(ROUTES)
    while True:
        rng.shuffle(routes)
        for route in routes:
            if time.monotonic() >= stop_at or not tally.take_turn():
                return
            visit(browser, route, tally)


def load_phase(
    label: str, browsers: Sequence[Browser], seconds: float, alongside: Callable[[], Any] | None
) -> tuple[Phase, Any]:
    """The users for ``seconds``, while ``alongside`` runs in this thread."""
    tally = Tally()
    start = time.monotonic()
    stop_at = start + seconds
    users = [
        threading.Thread(target=simulate, args=(browser, index, stop_at, tally), daemon=True)
        for index, browser in enumerate(browsers)
    ]
    for user in users:
        user.start()
    try:
        result = alongside() if alongside else None
    finally:
        for user in users:
            user.join()
    return tally.phase(label, time.monotonic() - start), result


# --- the deployment ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_environment(folder: Path) -> dict[str, str]:
    """The README's production variables, for loopback: behind a proxy (one), this tree's code."""
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "CAPNR_SECRET_KEY": secrets.token_urlsafe(64),
        "CAPNR_ALLOWED_HOSTS": "127.0.0.1",
        "CAPNR_DATA_DIR": str(folder),
        "CAPNR_BEHIND_PROXY": "true",
        "CAPNR_TRUSTED_PROXIES": "1",
        "CAPNR_LOG_LEVEL": "ERROR",
        "PYTHONPATH": path.rstrip(os.pathsep),
    }


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this script started, with its own children (its process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_worker(folder: Path) -> subprocess.Popen[bytes]:
    return start([sys.executable, "-m", "capnr.cli", "db_worker"], folder / "worker.log")


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    server = start(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS),
        ],
        folder / "gunicorn.log",
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                "gunicorn stopped:\n" + (folder / "gunicorn.log").read_text()[-2000:]
            )
        try:
            if Browser(port, "127.0.0.1").send("GET", "/accounts/login/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 120 s")


def prepare_database() -> dict[str, float]:
    """As the README deploys: migrate, translations, static files; then the demo. Returns the
    seconds of each step."""
    from io import StringIO

    from django.core.management import call_command

    quiet = StringIO()
    steps = {
        "migrate": lambda: call_command("migrate", verbosity=0, stdout=quiet),
        "static files": lambda: (
            call_command("compile_translations", stdout=quiet),
            call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet),
        ),
        "demo": lambda: call_command("seed_demo", password=PASSWORD, stdout=quiet),
    }
    seconds = {}
    for name, step in steps.items():
        start = time.perf_counter()
        step()
        seconds[name] = time.perf_counter() - start
    return seconds


def api_tokens() -> dict[str, str]:
    from capnr.api.services import api_token_create
    from capnr.organisations.models import User

    return {
        email: api_token_create(user=User.objects.get(email=email), name="load benchmark")[1]
        for email in ACCOUNTS
    }


def bench_organisation(slug: str, name: str) -> Any:
    """An organisation of its own for each import, with a référent (who reads its pages)."""
    from capnr.organisations.models import Membership, Organisation, Role, User

    organisation = Organisation.objects.create(
        name=name, slug=slug, kind="state_service", headcount=60000
    )
    user = User.objects.filter(email=IMPORT_REFERENT).first()
    if user is None:
        user = User.objects.create_user(IMPORT_REFERENT, PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Role.REFERENT)
    return organisation


def glpi_file(folder: Path, rows: int) -> Path:
    """The 100,000-row GLPI-style export of the inventory benchmark."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_inventory import glpi_rows, write_csv

    header, lines = glpi_rows(rows)
    path = folder / f"glpi-{rows}.csv"
    write_csv(path, header, lines)
    return path


# --- the import, driven as its pages would, run by the worker -----------------------------------


def referent_access(organisation: Any) -> Any:
    from capnr.core.access import Access, OrganisationAccess
    from capnr.organisations.models import Role

    return OrganisationAccess(organisation, Access.ADMINISTER, Role.REFERENT)


def wait_for_status(import_id: int, statuses: set[str], timeout: float = 900) -> str:
    from capnr.inventory.models import InventoryImport

    deadline = time.monotonic() + timeout
    while True:
        status = InventoryImport.objects.values_list("status", flat=True).get(pk=import_id)
        if status in statuses or time.monotonic() > deadline:
            return str(status)
        time.sleep(0.1)


def uploaded(organisation: Any, source: Path) -> Any:
    """The upload's part, in this process: the file read and its columns proposed."""
    from capnr.inventory import services

    return services.import_from_path(access=referent_access(organisation), source=source)


def checked_in_worker(item: Any) -> float:
    """Columns confirmed as proposed; the worker checks every row. Returns the seconds."""
    from capnr.inventory import services
    from capnr.inventory.models import ImportStatus

    start = time.perf_counter()
    services.import_set_mapping(
        access=referent_access(item.organisation),
        inventory_import=item,
        mapping={int(k): v for k, v in item.mapping.items()},
    )
    status = wait_for_status(
        item.pk, {ImportStatus.TO_CONFIRM, ImportStatus.REJECTED, ImportStatus.FAILED}
    )
    if status != ImportStatus.TO_CONFIRM:
        raise RuntimeError(f"the check ended {status}")
    return time.perf_counter() - start


def confirmed(item: Any) -> None:
    """The user's go, taking the proposed categories; the worker stores."""
    from capnr.inventory import services

    item.refresh_from_db()
    choices = {str(group["key"]): str(group["suggested"]) for group in item.uncertain}
    services.import_confirm(
        access=referent_access(item.organisation), inventory_import=item, category_choices=choices
    )


@dataclass
class ImportRun:
    check_s: float = math.nan
    store_s: float = math.nan
    status: str = ""
    assets: int = 0
    ended_at: float = math.nan  # seconds from the phase's start


def import_in_worker(item: Any, phase_start: float) -> ImportRun:
    from capnr.inventory.models import Asset, ImportStatus

    run = ImportRun()
    run.check_s = checked_in_worker(item)
    start = time.perf_counter()
    confirmed(item)
    run.status = wait_for_status(item.pk, {ImportStatus.DONE, ImportStatus.FAILED})
    run.store_s = time.perf_counter() - start
    run.ended_at = time.monotonic() - phase_start
    run.assets = Asset.objects.filter(organisation=item.organisation).count()
    return run


# --- the fault -----------------------------------------------------------------------------------

INSERT_UNDER_WAY = (
    "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
    "AND xact_start IS NOT NULL AND query LIKE %s"
)


def rows_being_written(import_id: int, before_bytes: int, grown_bytes: int) -> int:
    """Wait until another session is inside a transaction whose statement is an INSERT into the
    asset table and that table has grown by ``grown_bytes`` (rows written, not committed).
    Returns the growth, or -1 when the store ended first."""
    from django.db import connection

    from capnr.inventory.models import Asset, ImportStatus, InventoryImport

    table = Asset._meta.db_table
    deadline = time.monotonic() + 600
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(INSERT_UNDER_WAY, [f'INSERT INTO "{table}"%'])
            under_way = cursor.fetchone()[0] > 0
            cursor.execute("SELECT pg_relation_size(%s::regclass)", [table])
            grown = int(cursor.fetchone()[0]) - before_bytes
            if under_way and grown >= grown_bytes:
                return grown
            status = InventoryImport.objects.values_list("status", flat=True).get(pk=import_id)
            if status != ImportStatus.STORING:
                return -1
            time.sleep(0.01)
    return -1


def table_bytes() -> int:
    from django.db import connection

    from capnr.inventory.models import Asset

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [Asset._meta.db_table])
        return int(cursor.fetchone()[0])


def killed_job_status() -> str:
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.filter(task_path__endswith="store_import")
    return str(job.order_by("-enqueued_at").values_list("status", flat=True).first())


def current_status(import_id: int) -> str:
    from capnr.inventory.models import InventoryImport

    return str(InventoryImport.objects.values_list("status", flat=True).get(pk=import_id))


def say(text: str) -> None:
    print("   " + text, flush=True)


def fault_phase(
    folder: Path, source: Path, port: int, worker: subprocess.Popen[bytes], rows: int
) -> subprocess.Popen[bytes]:
    """Kill the worker while it stores; show what is left, what the page says, the recovery.
    Returns the worker running at the end (a new one)."""
    from capnr.inventory.models import Asset

    organisation = bench_organisation("bench-fault", "Bench fault")
    item = uploaded(organisation, source)
    checked_in_worker(item)
    item.refresh_from_db()
    outcome = FaultOutcome(expected_assets=int(item.summary.get("to_create", 0)))
    page_path = f"/o/{organisation.slug}/inventory/imports/{item.pk}/"
    referent = Browser(port, "127.0.0.250")
    referent.log_in(IMPORT_REFERENT, PASSWORD)

    before = table_bytes()
    confirmed(item)
    grown = rows_being_written(item.pk, before, grown_bytes=min(1_000_000, 20 * rows))
    if grown < 0:
        say(f"the store ended ({current_status(item.pk)}) before it could be killed")
        say(fault_verdict(outcome))
        return worker
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    outcome.stored_after_kill = Asset.objects.filter(organisation=organisation).count()
    say(f"killed with {grown / 1e6:.1f} MB of its rows written, not committed, in the asset table")
    say(
        f"assets of that import stored: {outcome.stored_after_kill}; "
        f"status: {current_status(item.pk)}"
    )
    page = referent.send("GET", page_path)[1]
    goes_on = "le traitement continue" in visible_text(page)
    say(
        f"its page right after: [{import_page_says(page)[0]}]"
        + (" « … le traitement continue. » (nothing runs: see below)" if goes_on else "")
    )
    worker = start_worker(folder)
    say(
        f"worker restarted; the killed job stays {killed_job_status()} in django-tasks-db "
        "(no worker takes it again)"
    )
    page = recovered_by_purge(item.pk, referent, page_path, outcome)
    tried_again(item, referent, page, page_path, outcome)
    say(fault_verdict(outcome))
    return worker


def recovered_by_purge(
    import_id: int, referent: Browser, page_path: str, outcome: FaultOutcome
) -> str:
    """`capnr purge` from cron, once the import has not moved for 30 minutes: the time is
    simulated by moving the import's last change back 31 minutes, then the real command runs.
    Returns the import's page."""
    import datetime as dt

    from django.db.models import F

    from capnr.inventory.models import InventoryImport

    InventoryImport.objects.filter(pk=import_id).update(
        updated_at=F("updated_at") - dt.timedelta(minutes=31)
    )
    say(f"capnr purge 31 minutes later (time simulated): « {purged()} »")
    outcome.status_after_purge = current_status(import_id)
    page = referent.send("GET", page_path)[1]
    badge, alert = import_page_says(page)
    say(f"status {outcome.status_after_purge}; its page: [{badge}] « {alert} »")
    outcome.page_says_so = "rien n'a été enregistré" in alert and "Réessayer" in visible_text(page)
    return page


def purged() -> str:
    """Run `capnr purge --now` as cron would; its first line of output."""
    purge = subprocess.run(
        [sys.executable, "-m", "capnr.cli", "purge", "--now"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return (purge.stdout.strip().splitlines() or [purge.stderr.strip()[-300:]])[0]


def tried_again(
    item: Any, referent: Browser, page: str, page_path: str, outcome: FaultOutcome
) -> None:
    """The page's "Try again", as the référent; the restarted worker stores."""
    from capnr.inventory import services
    from capnr.inventory.models import Asset, ImportStatus

    start = time.perf_counter()
    retry = re.search(r'action="([^"]*/retry/)"', page)
    if retry is None:
        say("no “Try again” button on the page")
        return
    token = {"csrfmiddlewaretoken": csrf_token(page)}
    answer = referent.send("POST", html.unescape(retry.group(1)), form=token)[0]
    # The next housekeeping must leave the import tried again alone: its recovery at once, in
    # this process (the command's start-up would often outlast the store).
    recovered = services.recover_interrupted_imports()
    outcome.status_after_second_purge = current_status(item.pk)
    say(
        f"“Try again” on the page (HTTP {answer}); capnr purge's recovery at once: "
        f"{recovered} import(s) marked as failed, status {outcome.status_after_second_purge}"
    )
    outcome.retried_status = wait_for_status(item.pk, {ImportStatus.DONE, ImportStatus.FAILED})
    seconds = time.perf_counter() - start
    outcome.retried_assets = Asset.objects.filter(organisation=item.organisation).count()
    badge = import_page_says(referent.send("GET", page_path)[1])[0]
    say(
        f"the restarted worker stores it: {outcome.retried_status} in {seconds:.1f} s, "
        f"{outcome.retried_assets:,} assets; its page: [{badge}]"
    )


# --- the run -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help="each load phase")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of each import")
    options = parser.parse_args(argv)
    plan = postgres_plan(
        os.environ, shutil.which("initdb"), glob.glob("/usr/lib/postgresql/*/bin/initdb")
    )
    if plan == "skip":
        print(f"Load and fault benchmark · {SKIPPED_NO_POSTGRES}")
        return 0
    if importlib.util.find_spec("gunicorn") is None:
        print(f"Load and fault benchmark · {SKIPPED_NO_GUNICORN}")
        return 0
    if plan == "start":
        sys.stdout.flush()
        arguments = list(argv) if argv is not None else sys.argv[1:]
        command = [sys.executable, str(Path(__file__).resolve()), *arguments]
        env = {**os.environ, THROWAWAY: "1"}
        return subprocess.run(
            ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command], env=env, check=False
        ).returncode
    folder = Path(tempfile.mkdtemp(prefix="capnr-loadbench-"))
    try:
        run(options, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(options: argparse.Namespace, folder: Path) -> None:
    os.environ.update(production_environment(folder))
    import django

    django.setup()
    from django.db import connections

    processes: list[subprocess.Popen[bytes]] = []
    load_before = os.getloadavg()[0]
    try:
        setup = prepare_database()
        tokens = api_tokens()
        start = time.perf_counter()
        source = glpi_file(folder, options.rows)
        setup[f"{options.rows:,}-row file"] = time.perf_counter() - start
        port = free_port()
        start = time.perf_counter()
        processes.append(start_server(folder, port))
        setup["gunicorn up"] = time.perf_counter() - start
        processes.append(start_worker(folder))
        print(
            f"Load and fault benchmark · gunicorn ({GUNICORN_WORKERS} workers, "
            f"config.settings.production, behind a simulated proxy) + capnr db_worker · "
            f"{postgres_version()} · loopback port {port}\n"
            f"Every process shares this machine's {os.cpu_count()} cores with the load generator "
            f"(and with anything else running: load average {load_before:.1f} before the "
            "set-up): the figures are noisy.\nSet-up: "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in setup.items())
            + "\n\n"
            f"1. {options.users} users on the main pages and the API, {options.seconds:.0f} s "
            "per phase, each user sending its next request as soon as the last one answered",
            flush=True,
        )
        browsers, logins = logged_in(port, options.users, tokens)
        print(
            f"   {len(browsers)} logins through the form (Argon2): p50 "
            f"{percentile(logins, 50):.0f} ms, p95 {percentile(logins, 95):.0f} ms",
            flush=True,
        )
        idle, _ = load_phase("idle worker", browsers, options.seconds, None)
        organisation = bench_organisation("bench-import", "Bench import")
        item = uploaded(organisation, source)
        phase_start = time.monotonic()
        busy, imported = load_phase(
            f"worker importing {options.rows:,} rows",
            browsers,
            options.seconds,
            lambda: import_in_worker(item, phase_start),
        )
        print_load(options, idle, busy, imported)
        print(f"   load average after the two phases: {os.getloadavg()[0]:.1f}\n", flush=True)
        print(f"2. the worker killed (SIGKILL) in the middle of storing {options.rows:,} rows")
        processes[1] = fault_phase(folder, source, port, processes[1], options.rows)
        print(f"   {logged_errors(folder)}")
    finally:
        for process in processes:
            stop(process)
        connections.close_all()


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def logged_in(
    port: int, users: int, tokens: Mapping[str, str]
) -> tuple[list[Browser], list[float]]:
    """The users, logged in one after the other (the three demo accounts of the agency in turn:
    référent, contributor, reader), each with its account's API token."""
    browsers, logins = [], []
    for index in range(users):
        email = ACCOUNTS[index % len(ACCOUNTS)]
        browser = Browser(port, f"127.0.0.{10 + index}", tokens[email])
        logins.append(browser.log_in(email, PASSWORD))
        browsers.append(browser)
    return browsers, logins


def logged_errors(folder: Path) -> str:
    """How many tracebacks the server and the worker wrote to their logs."""
    counts = []
    for name in ("gunicorn", "worker"):
        log = folder / f"{name}.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        counts.append(f"{text.count('Traceback (most recent call last)')} ({name})")
    return "tracebacks in the logs: " + ", ".join(counts)


def print_load(options: argparse.Namespace, idle: Phase, busy: Phase, imported: ImportRun) -> None:
    print("   (errors: answers other than the page's usual one, or no answer)")
    for line in side_by_side([idle, busy]):
        print(line)
    for phase in (idle, busy):
        for example in phase.error_examples:
            print(f"   error ({phase.label}): {example}")
    total = imported.check_s + imported.store_s
    print(
        f"   the import in the worker: checked in {imported.check_s:.1f} s, stored in "
        f"{imported.store_s:.1f} s (total {total:.1f} s, from the columns' confirmation; read "
        f"at upload before the phase), ended {imported.status} with {imported.assets:,} assets"
        + (
            f", {imported.ended_at - busy.seconds:.0f} s after the load phase"
            if imported.ended_at > busy.seconds
            else ""
        ),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
