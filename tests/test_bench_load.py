"""The load benchmark's own arithmetic and decisions (benchmarks/bench_load.py): percentiles,
the figures per page, the side-by-side table, whether PostgreSQL is there, and what it reads
from the pages. No server, no database, no timing."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "benchmarks/bench_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["bench_load"]


def test_percentile_is_the_nearest_rank(bench):
    ten = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6]  # unsorted on purpose
    assert bench.percentile(ten, 50) == 5
    assert bench.percentile(ten, 95) == 10
    assert bench.percentile(ten, 90) == 9
    assert bench.percentile(ten, 0) == 1
    assert bench.percentile(ten, 100) == 10
    assert bench.percentile([42.0], 95) == 42.0
    hundred = list(range(1, 101))
    assert bench.percentile(hundred, 95) == 95
    assert bench.percentile(hundred, 50) == 50
    assert math.isnan(bench.percentile([], 50))


def test_page_figures_count_unanswered_requests_as_errors_without_a_time(bench):
    figures = bench.page_figures(
        {"home": [10.0, 20.0, 30.0], "api": [5.0]},
        errors={"home": 1, "api": 2},
        unanswered={"api": 1},
    )
    assert figures["home"] == bench.PageFigures(count=3, p50_ms=20.0, p95_ms=30.0, errors=1)
    assert figures["api"] == bench.PageFigures(count=2, p50_ms=5.0, p95_ms=5.0, errors=2)
    assert figures["all"].count == 5
    assert figures["all"].errors == 3
    assert figures["all"].p50_ms == 10.0  # of the four answered requests
    only_failed = bench.page_figures({}, errors={"down": 1}, unanswered={"down": 1})
    assert only_failed["down"].count == 1
    assert math.isnan(only_failed["down"].p50_ms)


def test_the_phases_are_printed_side_by_side_with_throughput_and_errors(bench):
    idle = bench.Phase("idle worker", 10.0, bench.page_figures({"home": [1.0, 3.0]}, {}))
    busy = bench.Phase(
        "worker importing 100,000 rows",
        4.0,
        bench.page_figures({"home": [2.0], "footprint": [8.0]}, {"footprint": 1}),
    )
    lines = bench.side_by_side([idle, busy])
    header, columns, home, footprint, every, throughput, errors = lines
    assert "idle worker" in header and "worker importing 100,000 rows" in header
    assert columns.count("p95 ms") == 2
    # The column separators line up on every row.
    bars = [i for i, char in enumerate(columns) if char == "|"]
    for line in (header, home, every):
        assert [i for i, char in enumerate(line) if char == "|"] == bars
    assert home.split() == ["home", "|", "2", "1.0", "3.0", "0", "|", "1", "2.0", "2.0", "0"]
    assert footprint.split()[:2] == ["footprint", "|"]  # absent from the first phase: blank
    assert footprint.split()[2:] == ["|", "1", "8.0", "8.0", "1"]
    assert every.split() == ["all", "|", "2", "1.0", "3.0", "0", "|", "2", "2.0", "8.0", "1"]
    assert "0.2 req/s" in throughput and "0.5 req/s" in throughput
    assert "errors: 0" in errors and "errors: 1" in errors
    assert all(line == line.rstrip() for line in lines)


def test_the_benchmark_uses_only_a_throwaway_postgresql(bench):
    plan = bench.postgres_plan
    throwaway = {bench.THROWAWAY: "1", "DATABASE_URL": "postgres://capnr@127.0.0.1:5999/postgres"}
    assert plan(throwaway, None, []) == "here"
    # Someone's own database is never written to: a cluster of its own is started instead.
    assert plan({"DATABASE_URL": "postgres://me@db/prod"}, "/usr/bin/initdb", []) == "start"
    assert plan({}, None, ["/usr/lib/postgresql/15/bin/initdb"]) == "start"
    assert plan({"DATABASE_URL": "postgres://me@db/prod"}, None, []) == "skip"
    # Inside the cluster's script but without its database: never start another one.
    assert plan({bench.THROWAWAY: "1"}, "/usr/bin/initdb", []) == "skip"


def test_without_postgresql_the_benchmark_says_it_is_skipped(bench, monkeypatch, capsys):
    monkeypatch.delenv(bench.THROWAWAY, raising=False)
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    monkeypatch.setattr(bench.glob, "glob", lambda pattern: [])
    assert bench.main(["--seconds", "1"]) == 0
    assert "skipped: no PostgreSQL (install with scripts/system-deps.sh)" in capsys.readouterr().out


def test_the_login_form_token_and_cookies_are_read_as_a_browser_would(bench):
    page = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="a1B2">'
    assert bench.csrf_token(page) == "a1B2"
    assert bench.csrf_token("<p>no form</p>") == ""
    jar: dict[str, str] = {}
    bench.keep_cookie(
        jar,
        "csrftoken=tok; expires=Sat, 04 Dec 2027 12:00:00 GMT; Max-Age=31449600; Path=/; "
        "SameSite=Lax; Secure",
    )
    bench.keep_cookie(jar, "sessionid=s1; HttpOnly; Path=/; SameSite=Lax; Secure")
    assert jar == {"csrftoken": "tok", "sessionid": "s1"}
    bench.keep_cookie(jar, 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    assert jar == {"csrftoken": "tok"}
    bench.keep_cookie(jar, "not a cookie;;;=")
    assert jar == {"csrftoken": "tok"}


def test_an_import_page_is_read_for_its_status_and_its_alert(bench):
    page = (
        "<html><head><style>p { color: red }</style></head><body><h1>Import</h1>"
        '<p><span class="badge">Échec</span> · 100 lignes</p>'
        '<div class="error-summary" role="alert"><p>Interrompu : rien n&#x27;a été '
        "enregistré. Vous pouvez réessayer.</p></div>"
        "<form><button>Réessayer</button></form></body></html>"
    )
    badge, alert = bench.import_page_says(page)
    assert badge == "Échec"
    assert alert == "Interrompu : rien n'a été enregistré. Vous pouvez réessayer."
    text = bench.visible_text(page)
    assert "color" not in text and "Réessayer" in text
    assert bench.import_page_says("<p>nothing</p>") == ("", "")


def test_the_fault_verdict_is_ok_only_when_nothing_was_half_stored_and_the_page_says_so(bench):
    whole = bench.FaultOutcome(
        expected_assets=20000,
        stored_after_kill=0,
        status_after_purge="failed",
        page_says_so=True,
        retried_status="done",
        retried_assets=20000,
    )
    assert bench.fault_verdict(whole).startswith("fault outcome: OK")
    assert "20,000 assets" in bench.fault_verdict(whole)
    half = bench.FaultOutcome(**{**whole.__dict__, "stored_after_kill": 7000})
    assert bench.fault_verdict(half) == (
        "fault outcome: PROBLEM — 7000 assets kept from the killed store"
    )
    silent = bench.FaultOutcome(
        **{**whole.__dict__, "status_after_purge": "storing", "page_says_so": False}
    )
    assert bench.fault_verdict(silent) == (
        "fault outcome: PROBLEM — status storing after capnr purge; "
        "its page does not say that nothing was stored"
    )
    assert bench.fault_verdict(
        bench.FaultOutcome(**{**whole.__dict__, "status_after_second_purge": "failed"})
    ) == ("fault outcome: PROBLEM — capnr purge marked the import tried again as failed")
    short = bench.FaultOutcome(**{**whole.__dict__, "retried_assets": 19999})
    assert "the retry ended done with 19,999 of 20,000 assets" in bench.fault_verdict(short)
    never_killed = bench.FaultOutcome(expected_assets=10)
    assert bench.fault_verdict(never_killed).startswith(
        "fault outcome: PROBLEM — the store was not killed in the middle; status ? after"
    )
    assert "the retry ended ? with 0 of 10 assets" in bench.fault_verdict(never_killed)
