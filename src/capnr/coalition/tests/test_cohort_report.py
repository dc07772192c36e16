"""The cohort report's figures against hand-computed ones, on a small cohort and the cohort
before it; the workbook holds the same figures; only the cohort's facilitators reach it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from capnr.actions.models import Scenario
from capnr.coalition import services, testimonies
from capnr.coalition.cohort_report import cohort_report
from capnr.coalition.cohort_report_documents import render_report_html, report_xlsx
from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.diagnostics.models import Answer, Diagnostic, DiagnosticStatus
from capnr.diagnostics.referential import questions_for
from capnr.organisations.models import OrganisationKind, Role
from capnr.organisations.tenancy import CoalitionAccess
from capnr.peers.models import ExperienceReport
from capnr.roadmap.models import KpiMeasurement, KpiTarget, PlanItem

NOW = timezone.make_aware(dt.datetime(2025, 11, 3, 12, 0))
WITHDRAWN_SECRET = "Withdrawn secret testimony"
PRIVATE_SECRET = "Organisation-private secret testimony"
OUTSIDER_SECRET = "Another cohort's testimony"
COHORT_ONLY_SECRET = "A testimony shared with the cohort only"
COALITION_ONLY_SECRET = "A testimony shared with the coalition only"


def _diagnostic(organisation, year, answers, *, submitted=True):
    """A diagnostic whose every applicable question of each theme in ``answers`` has that
    value, so each theme scores exactly 100 × the value (yes 1, partly 0.5, no 0)."""
    diagnostic = Diagnostic.objects.create(
        organisation=organisation,
        year=year,
        referential_version=f"v{year}",
        status=DiagnosticStatus.SUBMITTED if submitted else DiagnosticStatus.IN_PROGRESS,
        submitted_at=NOW if submitted else None,
    )
    for question in questions_for(organisation):
        if question.theme in answers:
            Answer.objects.create(
                diagnostic=diagnostic, question_id=question.id, value=answers[question.theme]
            )
    return diagnostic


VALUE = {"yes": 1.0, "partly": 0.5, "no": 0.0}


def _overall(organisation, answers):
    """The global score by hand: priorities times values over the priorities answered."""
    questions = [q for q in questions_for(organisation) if q.theme in answers]
    points = sum(q.priority * VALUE[answers[q.theme]] for q in questions)
    return 100 * points / sum(q.priority for q in questions)


def _scenario(organisation, kg, low, high, kwh=0.0, eur=0.0):
    return Scenario.objects.create(
        organisation=organisation,
        model_id="auto_shutdown",
        name="Simulation",
        results={
            "kgco2e_total": {"value": kg, "low": low, "high": high},
            "kwh": {"value": kwh, "low": kwh / 2, "high": kwh * 2},
            "eur": {"value": eur, "low": eur, "high": eur},
        },
        method_version="m1",
        data_version="d1",
    )


def _item(organisation, status, scenario=None, title="Action"):
    return PlanItem.objects.create(
        organisation=organisation, theme="strategy", title=title, status=status, scenario=scenario
    )


def _report(organisation, title, visibility="cohort", withdrawn=False):
    return ExperienceReport.objects.create(
        organisation=organisation,
        theme="equipment",
        title=title,
        outcome="done",
        year=2025,
        what_was_done=f"{title}: what was done",
        result="Fewer printers.",
        visibility=visibility,
        withdrawn_at=NOW if withdrawn else None,
    )


@pytest.fixture
def cohorts(make_organisation, make_user, member):
    """Promotion 2025 of four organisations (one still a pending invitation), Promotion 2024 of
    one and Promotion 2023 of one, in one coalition."""
    coalition = Coalition.objects.create(name="Trois Rivières", slug="trois-rivieres")
    facilitator = make_user(full_name="Fanny Facilitatrice")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(
        coalition=coalition,
        name="Promotion 2025",
        year=2025,
        start_date=dt.date(2025, 1, 20),
        end_date=dt.date(2025, 12, 12),
    )
    alpha = make_organisation("Alpha agency", kind=OrganisationKind.STATE_SERVICE, headcount=40)
    bravo = make_organisation("Bravo commune", kind=OrganisationKind.COMMUNE, headcount=600)
    charlie = make_organisation("Charlie town", kind=OrganisationKind.COMMUNE, headcount=120)
    pending = make_organisation("Pending association", kind=OrganisationKind.ASSOCIATION)
    for organisation in (alpha, bravo, charlie):
        CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    CohortMembership.objects.create(cohort=cohort, organisation=pending, pending=True)
    before = Cohort.objects.create(coalition=coalition, name="Promotion 2024", year=2024)
    echo = make_organisation("Echo association", kind=OrganisationKind.ASSOCIATION, headcount=10)
    CohortMembership.objects.create(cohort=before, organisation=echo)
    older = Cohort.objects.create(coalition=coalition, name="Promotion 2023", year=2023)
    foxtrot = make_organisation("Foxtrot hospital", kind=OrganisationKind.HOSPITAL)
    CohortMembership.objects.create(cohort=older, organisation=foxtrot)
    return {
        "coalition": coalition,
        "cohort": cohort,
        "facilitator": facilitator,
        "alpha": alpha,
        "bravo": bravo,
        "charlie": charlie,
        "pending": pending,
        "echo": echo,
        "foxtrot": foxtrot,
        "people": {
            name: [member(org, Role.REFERENT), member(org, Role.READER)]
            for name, org in (("alpha", alpha), ("bravo", bravo), ("charlie", charlie))
        },
    }


def _sessions(world):
    """Three sessions held (the third one's attendance never recorded) and one to come."""
    access = CoalitionAccess(world["coalition"], True, frozenset())
    alpha, bravo, charlie = world["alpha"], world["bravo"], world["charlie"]
    people = world["people"]

    def session(kind, days, expected):
        starts = NOW + dt.timedelta(days=days)
        return services.session_create(
            access=access,
            cohort=world["cohort"],
            user=world["facilitator"],
            fields={
                "kind": kind,
                "title": f"{kind} session",
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2),
                "place": "Town hall",
            },
            expected_ids=[o.pk for o in expected],
        )

    def attend(held, organisation, status, who=()):
        services.attendance_record(
            access=access,
            session=held,
            organisation=organisation,
            status=status,
            people_ids=[person.pk for person in who],
        )

    kick_off = session("kick_off", -200, [alpha, bravo, charlie])
    attend(kick_off, alpha, "present", people["alpha"])
    attend(kick_off, bravo, "present", people["bravo"][:1])
    attend(kick_off, charlie, "absent")
    workshop = session("diagnostic_workshop", -100, [alpha, bravo])
    attend(workshop, alpha, "present", people["alpha"][:1])
    attend(workshop, bravo, "excused")
    attend(workshop, charlie, "present", people["charlie"][:1])  # came, not expected
    session("peer_meeting", -10, [alpha, bravo, charlie])  # attendance never recorded
    session("closing", 20, [alpha, bravo, charlie])


def _diagnostics(world):
    _diagnostic(world["alpha"], 2025, {"strategy": "yes", "awareness": "no"})
    _diagnostic(world["bravo"], 2025, {"strategy": "partly", "awareness": "yes"})
    _diagnostic(world["charlie"], 2025, {"strategy": "no"}, submitted=False)
    _diagnostic(world["echo"], 2024, {"strategy": "partly", "measurement": "yes"})
    _diagnostic(world["foxtrot"], 2023, {"strategy": "no"})  # an older cohort: not compared


def _indicator(item, unit, baseline, values, direction="down"):
    kpi = KpiTarget.objects.create(
        item=item, label="Indicator", unit=unit, baseline=baseline, direction=direction
    )
    for day, value in enumerate(values, start=1):
        KpiMeasurement.objects.create(kpi=kpi, date=dt.date(2025, 6, day), value=value)


def _roadmaps(world):
    alpha, bravo = world["alpha"], world["bravo"]
    first = _item(alpha, "done", _scenario(alpha, 100, 50, 200, kwh=1000, eur=300))
    _indicator(first, "kWh/an", 5000, [4500, 4200])  # measured: 5000 - 4200 = 800 kWh
    _indicator(first, "kWh/yr", 100, [50], direction="up")  # should go up: not a saving
    _indicator(first, "€/yr", 300, [])  # never measured: says nothing
    planned = _item(alpha, "planned", _scenario(alpha, 40, 30, 60, kwh=200, eur=50))
    _indicator(planned, "kWh/yr", 9000, [1000])  # not done: not counted
    _item(alpha, "done")  # no simulation: counted done, saves nothing known
    shared = _scenario(bravo, 10, 5, 20, kwh=100, eur=10)
    bravo_done = _item(bravo, "done", shared)
    _indicator(bravo_done, "€/yr", 1000, [900])  # measured: 100 €
    _item(bravo, "in_progress", shared)  # the same simulation counts once
    _item(bravo, "abandoned", _scenario(bravo, 1000, 900, 1100))  # abandoned: never counted


def _testimonies(world):
    _report(world["alpha"], "Alpha's public testimony", "public")
    _report(world["alpha"], COHORT_ONLY_SECRET, "cohort")  # funders are not the cohort
    _report(world["charlie"], COALITION_ONLY_SECRET, "coalition")  # nor the coalition
    _report(world["bravo"], "Bravo's public testimony", "public")
    _report(world["charlie"], WITHDRAWN_SECRET, "coalition", withdrawn=True)
    _report(world["alpha"], PRIVATE_SECRET, "organisation")  # kept to the organisation
    _report(world["echo"], OUTSIDER_SECRET, "public")  # not an organisation of this cohort


@pytest.fixture
def report_world(cohorts):
    _sessions(cohorts)
    _diagnostics(cohorts)
    _roadmaps(cohorts)
    _testimonies(cohorts)
    return cohorts


def _build(world):
    return cohort_report(user=world["facilitator"], cohort=world["cohort"], now=NOW)


def test_the_organisations_are_counted_by_kind_and_size_pending_invitations_aside(report_world):
    report = _build(report_world)
    assert [p.name for p in report.participants] == [
        "Alpha agency",
        "Bravo commune",
        "Charlie town",
    ]
    assert [(c.key, c.count) for c in report.by_kind] == [("state_service", 1), ("commune", 2)]
    assert [(c.key, c.count) for c in report.by_size] == [
        ("under_50", 1),
        ("50_249", 1),
        ("250_999", 1),
    ]
    assert [(p.diagnostic_submitted, p.items_done) for p in report.participants] == [
        (True, 2),
        (True, 1),
        (False, 0),
    ]


def test_attendance_counts_expected_and_present_on_the_sessions_held_and_recorded(report_world):
    report = _build(report_world)
    lines = [
        (line.title, line.held, line.recorded, line.expected, line.present, line.people)
        for line in report.sessions
    ]
    assert lines == [
        ("kick_off session", True, True, 3, 2, 3),
        ("diagnostic_workshop session", True, True, 2, 2, 2),
        ("peer_meeting session", True, False, 3, 0, 0),
        ("closing session", False, False, 3, 0, 0),
    ]
    totals = report.attendance
    assert (totals.held, totals.recorded, totals.upcoming) == (3, 2, 1)
    # Expected 3 + 2 = 5; of them present: Alpha and Bravo, then Alpha (Charlie unexpected).
    assert (totals.expected, totals.expected_present, totals.present) == (5, 3, 4)
    assert totals.people == 5
    assert totals.rate == pytest.approx(60.0)


def test_theme_averages_are_compared_with_the_latest_earlier_cohort(report_world):
    report = _build(report_world)
    diagnostics = report.diagnostics
    assert (diagnostics.current.submitted, diagnostics.current.members) == (2, 3)
    assert diagnostics.previous_cohort.name == "Promotion 2024"  # not 2023's
    assert (diagnostics.previous.submitted, diagnostics.previous.members) == (1, 1)
    rows = {row.theme_id: row for row in diagnostics.themes}
    assert list(rows) == ["strategy", "awareness", "measurement"]
    # Strategy: (100 + 50) / 2 = 75 against Echo's 50: +25.
    strategy = rows["strategy"]
    assert (strategy.average, strategy.count) == (pytest.approx(75.0), 2)
    assert (strategy.previous, strategy.previous_count) == (pytest.approx(50.0), 1)
    assert strategy.change == 25
    # Awareness: (0 + 100) / 2 = 50; the previous cohort did not score it.
    awareness = rows["awareness"]
    assert (awareness.rounded, awareness.previous, awareness.change) == (50, None, None)
    # Measurement: only the previous cohort scored it.
    measurement = rows["measurement"]
    assert (measurement.average, measurement.previous_rounded) == (None, 100)
    alpha = _overall(report_world["alpha"], {"strategy": "yes", "awareness": "no"})
    bravo = _overall(report_world["bravo"], {"strategy": "partly", "awareness": "yes"})
    echo = _overall(report_world["echo"], {"strategy": "partly", "measurement": "yes"})
    assert diagnostics.overall.average == pytest.approx((alpha + bravo) / 2)
    assert diagnostics.overall.previous == pytest.approx(echo)
    assert diagnostics.current.versions == ("v2025",)
    assert diagnostics.previous.versions == ("v2024",)


def test_a_cohort_without_an_earlier_one_says_so(cohorts):
    first = Cohort.objects.get(name="Promotion 2023")
    report = cohort_report(user=cohorts["facilitator"], cohort=first, now=NOW)
    assert report.diagnostics.previous_cohort is None
    assert report.diagnostics.previous is None
    assert "Pas de promotion précédente dans cette coalition" in render_report_html(report)
    with translation.override("en"):
        assert "No previous cohort in this coalition" in render_report_html(report)


def test_savings_add_central_figures_and_bounds_separately(report_world):
    report = _build(report_world)
    actions = report.actions
    assert (actions.done, actions.in_progress, actions.planned) == (3, 1, 1)
    assert actions.organisations_with_done == 2
    expected, achieved = actions.expected, actions.achieved
    # Expected: Alpha's two simulations and Bravo's shared one (once); the abandoned aside.
    assert expected.items == 3
    assert (expected.kgco2e, expected.low_kgco2e, expected.high_kgco2e) == (150, 85, 280)
    assert (expected.kwh, expected.low_kwh, expected.high_kwh) == (1300, 650, 2600)
    assert (expected.eur, expected.low_eur, expected.high_eur) == (360, 360, 360)
    # Achieved: the items done with a simulation, Alpha's first and Bravo's.
    assert achieved.items == 2
    assert (achieved.kgco2e, achieved.low_kgco2e, achieved.high_kgco2e) == (110, 55, 220)
    # Measured by the indicators of the items done: Alpha's 800 kWh, Bravo's 100 €.
    measured = actions.measured
    assert (measured.kwh, measured.eur, measured.items) == (800, 100, 2)
    assert actions.method_versions == ("auto_shutdown m1",)
    assert actions.data_versions == ("d1",)


def test_only_public_testimonies_not_withdrawn_of_the_cohorts_organisations(report_world):
    report = _build(report_world)
    assert testimonies.is_available()  # peers registered its reader at start-up
    assert [(t.organisation, t.title) for t in report.testimonies] == [
        ("Alpha agency", "Alpha's public testimony"),
        ("Bravo commune", "Bravo's public testimony"),
    ]
    html = render_report_html(report)
    assert "Alpha&#x27;s public testimony" in html and "Bravo&#x27;s public testimony" in html
    for secret in (
        WITHDRAWN_SECRET,
        PRIVATE_SECRET,
        OUTSIDER_SECRET,
        COHORT_ONLY_SECRET,
        COALITION_ONLY_SECRET,
    ):
        assert secret not in html
        assert secret.encode() not in _xlsx_text(report)


def _xlsx_text(report) -> bytes:
    workbook = load_workbook(io.BytesIO(report_xlsx(report)), read_only=True)
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    return "\n".join(cells).encode()


def _sheet(workbook, title):
    rows = list(workbook[title].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_workbook_holds_the_same_figures(report_world):
    with translation.override("en"):
        report = _build(report_world)
        workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    assert workbook.sheetnames == [
        "Summary",
        "Organisations",
        "By kind and size",
        "Sessions",
        "Scores by theme",
        "Savings",
        "Testimonies",
    ]
    _header, summary = _sheet(workbook, "Summary")
    figures = dict(summary)
    assert figures["Organisations"] == 3
    assert figures["Attendance rate (%)"] == 60
    assert figures["Expected organisations present"] == 3
    assert figures["People present"] == 5
    assert figures["Diagnostics submitted"] == 2
    assert figures["Previous cohort"] == "Promotion 2024 (2024)"
    assert figures["Roadmap items done"] == 3
    assert figures["Report date"].date() == NOW.date()
    assert figures["Questions version (diagnostics of the cohort)"] == "v2025"
    assert figures["Impact models and method versions"] == "auto_shutdown m1"
    _header, groups = _sheet(workbook, "By kind and size")
    assert ("Kind", "Commune", 2) in groups and ("Size", "fewer than 50 agents", 1) in groups
    _header, themes = _sheet(workbook, "Scores by theme")
    assert themes[0][:2] == ("Strategy and governance", 75) and themes[0][4:] == (50, 50, 1, 25)
    _header, savings = _sheet(workbook, "Savings")
    assert savings[0] == ("Expected savings", "kg CO2e", 3, 150, 85, 280)
    assert savings[3] == ("Achieved savings", "kg CO2e", 2, 110, 55, 220)
    assert savings[6:] == [
        ("Measured savings", "kWh", 2, 800, None, None),
        ("Measured savings", "€", 2, 100, None, None),
    ]
    _header, shared = _sheet(workbook, "Testimonies")
    assert [row[1] for row in shared] == ["Alpha's public testimony", "Bravo's public testimony"]


def test_only_the_cohorts_facilitators_download_it(client, report_world, make_user):
    cohort = report_world["cohort"]
    urls = [reverse(f"cohorts:report_{kind}", args=[cohort.pk]) for kind in ("pdf", "xlsx")]
    other = Coalition.objects.create(name="Elsewhere", slug="elsewhere")
    other_facilitator = make_user()
    other.facilitators.add(other_facilitator)
    refused = [
        *report_world["people"]["alpha"],
        make_user(),  # an outsider
        other_facilitator,
    ]
    for user in refused:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(report_world["facilitator"])
    response = client.get(urls[1])
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    dashboard = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert urls[0] in dashboard and urls[1] in dashboard
