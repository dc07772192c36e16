"""Walk every URL and every API endpoint the project defines, as people who must not get the data.

URLs come from the resolver and endpoints from the OpenAPI schema, so a new page or endpoint is
covered the day it is added; a URL parameter this walk does not know makes it fail until a value
is given below.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capnr.actions.models import Scenario
from capnr.api.api import api
from capnr.api.models import ApiToken
from capnr.api.services import api_token_create
from capnr.coalition import services as coalition_services
from capnr.coalition.models import (
    Attendance,
    CalendarSubscription,
    Coalition,
    Cohort,
    CohortMembership,
    FacilitatorNote,
    Milestone,
    Session,
    SessionFile,
    SessionMaterial,
)
from capnr.collection import services as collection_services
from capnr.collection.models import (
    Campaign,
    CollectionPoint,
    Deposit,
    DepositChange,
    Erasure,
    SortingBatch,
    Team,
)
from capnr.core.tokens import hash_token
from capnr.diagnostics.models import Answer, Delegation, Diagnostic
from capnr.diagnostics.services import (
    Submission,
    answer_save,
    delegation_create,
    diagnostic_start,
)
from capnr.inventory.models import Asset, InventoryImport
from capnr.organisations.models import Department, Invitation, Membership, Organisation, Role, Site
from capnr.organisations.tenancy import CoalitionAccess, access_for
from capnr.peers import services as peer_services
from capnr.peers.models import ExperienceReport, ReportSuggestion
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import (
    CalendarFeed,
    DigestSubscription,
    GroupMember,
    JournalEntry,
    KpiMeasurement,
    KpiTarget,
    MeetingNote,
    PlanItem,
    WorkingGroup,
)
from capnr.training import services as training_services
from capnr.training.models import (
    Registration,
    SkillsCampaign,
    SkillsResponse,
    Trainee,
    TrainingOffer,
    TrainingSession,
)

# A facilitator's private note on organisation A: no one of A (nor anyone else) ever reads it.
NOTE_SECRET = "Alpha secret facilitator note"
SECRETS = (
    "Alpha secret agency",
    "Alpha hidden site",
    "Alpha hidden department",
    "alpha-referent@example.org",
    "Alpha secret diagnostic comment",
    "Alpha secret roadmap item",
    NOTE_SECRET,
    "Alpha secret campaign",
    "Alpha secret experience report",
    "Alpha secret suggestion",
    "Alpha secret trainee",
    "alpha-trainer@example.org",
)

# Pages anyone may open; they are still checked never to show organisation A's data.
PUBLIC = {
    "web:home",
    "web:accessibility",
    "web:legal",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "invitation_request_new",
    "satisfaction_thanks",
    "admin:login",
    "admin:logout",
    "peers_public:library",
    "peers_public:report",
    "peers_public:coalition",
    "peers_public:open_data",
}
# The invitation link shows its organisation's name to whoever holds the secret link, by design.
# A collection box's deposit page, the hall screen and the published page of outcomes show their
# one campaign, by design too.
PUBLIC_BY_SECRET_LINK = {
    "invitation_accept",
    "delegated",
    "calendar_feed",
    "collection_deposit",
    "collection_deposit_thanks",
    "collection_display",
    "collection_outcomes",
}
# The session's trainer's pages, by the link emailed to them: that session and its people.
TRAINER_PAGES = {"trainer_session", "trainer_attendance", "trainer_sign_in_sheet"}
PUBLIC_BY_SECRET_LINK |= TRAINER_PAGES
# Pages about the logged-in person themselves, not about an organisation.
PERSONAL = {
    "web:account",
    "web:switch",
    "web:token_revoke",
    "coalition:list",
    "coalition:calendar_subscription",
    "coalition:calendar_subscription_renew",
    "coalition:calendar_subscription_revoke",
    "password_change",
    "password_change_done",
}


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]


def iter_routes(patterns: list[object] | None = None, namespace: str = "") -> Iterator[Route]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue  # walked through the OpenAPI schema below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            converters = tuple(entry.pattern.regex.groupindex)
            for route in iter_routes(entry.url_patterns, inner):
                yield Route(route.name, converters + route.kwargs)
        elif isinstance(entry, URLPattern):
            if entry.name is None and namespace.startswith("admin:"):
                continue  # the admin's redirect from old object URLs; the named ones are walked
            if entry.name is None:
                raise AssertionError(f"Unnamed URL pattern {entry.pattern}: name it.")
            yield Route(namespace + entry.name, tuple(entry.pattern.regex.groupindex))


@pytest.fixture
def world(org_a, org_b, member, make_user):
    referent_a = member(org_a, Role.REFERENT, email="alpha-referent@example.org")
    reader_a = member(org_a, Role.READER)
    outsider = member(org_b, Role.REFERENT)
    invitation_raw = "alpha-invitation-secret"
    invitation = Invitation.objects.create(
        organisation=org_a,
        email="guest@example.org",
        role=Role.READER,
        token_hash=hash_token(invitation_raw),
        invited_by=referent_a,
    )
    token_a, _ = api_token_create(user=referent_a, name="Alpha token")
    world_import = InventoryImport.objects.create(
        organisation=org_a,
        uploaded_by=referent_a,
        file_name="alpha-secret-fleet.csv",
        header=["Nom"],
        mapping={"0": "name"},
        status="to_confirm",
        total_rows=1,
        summary={"rows": 1, "to_create": 1, "to_update": 0, "to_retire": 0},  # as checked
    )
    Asset.objects.create(
        organisation=org_a,
        category="laptop",
        name="Alpha hidden laptop",
        site=Site.objects.get(organisation=org_a),
    )
    _, outsider_token = api_token_create(user=outsider, name="Outsider token")
    _, reader_token = api_token_create(user=reader_a, name="Reader token")
    access_a = access_for(referent_a, org_a)
    diagnostic = diagnostic_start(access=access_a, year=2025, user=referent_a)
    delegation = delegation_create(
        access=access_a,
        diagnostic=diagnostic,
        question_id="strategy.01",
        created_by=referent_a,
        email="delegate@example.org",
        build_url=lambda raw: "http://x/",
    )
    answer_save(
        access=access_a,
        diagnostic=diagnostic,
        submission=Submission("strategy.02", "yes", "Alpha secret diagnostic comment", "", 0),
        user=referent_a,
    )
    group = roadmap_services.group_create(access=access_a, name="Alpha group")
    group_member = roadmap_services.member_add(
        access=access_a, group=group, user_id=referent_a.pk, is_lead=True
    )
    scenario = Scenario.objects.create(
        organisation=org_a,
        model_id="auto_shutdown",
        name="Alpha scenario",
        results={"kgco2e_total": {"value": 1.0, "low": 0.5, "high": 2.0}},
        method_version="1",
        data_version="1",
    )
    item = roadmap_services.item_create(
        access=access_a,
        fields={
            "title": "Alpha secret roadmap item",
            "theme": "strategy",
            "owner": referent_a,
            "working_group": group,
            "scenario": scenario,
        },
    )
    kpi = roadmap_services.kpi_add(
        access=access_a, item=item, user=referent_a, label="Alpha KPI", target=90
    )
    roadmap_services.measurement_add(
        access=access_a, kpi=kpi, user=referent_a, date=item.created_at.date(), value=42
    )
    coalition = _coalition_of(org_a, org_b, referent_a, make_user)
    campaign, point, team, deposit, batch = _collection_world(access_a, referent_a, item)
    item.status = "done"
    item.save(update_fields=["status"])
    report = peer_services.report_create(
        access=access_a,
        user=referent_a,
        item=item,
        fields={
            "title": "Alpha secret experience report",
            "year": 2025,
            "what_was_done": "Alpha secret roadmap item",
            "visibility": "cohort",
        },
    )
    suggestion = ReportSuggestion.objects.create(
        organisation=org_a, message="Alpha secret suggestion"
    )
    # Training has ids of its own under names other apps use too (session_id, campaign_id):
    # its URLs and API paths take them from here (see `values_for`).
    training = _training_rows(access_a, referent_a)
    trainer_token = training.pop("trainer_token")
    values = {
        "coalition": coalition["coalition"].slug,
        "cohort_id": coalition["cohort"].pk,
        "session_id": coalition["session"].pk,
        "material_id": coalition["material"].pk,
        "file_id": coalition["file"].pk,
        "note_id": coalition["note"].pk,
        "feed_token": "not-a-calendar-address",
        "cohort_membership_id": coalition["pending"].pk,
        "campaign_id": campaign.pk,
        "team_id": team.pk,
        "point_id": point.pk,
        "deposit_id": deposit.pk,
        "batch_id": batch.pk,
        "erasure_id": Erasure.objects.get(batch=batch).pk,
        "point_token": point.token,
        "display_token": campaign.display_token,
        "outcomes_token": campaign.outcomes_token,
        "slug": org_a.slug,
        "site_id": Site.objects.get(organisation=org_a).pk,
        "department_id": Department.objects.get(organisation=org_a).pk,
        "membership_id": Membership.objects.get(user=referent_a).pk,
        "invitation_id": invitation.pk,
        "token_id": token_a.pk,
        "token": invitation_raw,
        "uidb64": "MQ",
        "object_id": str(org_a.pk),
        "id": str(org_a.pk),
        "app_label": "organisations",
        "content_type_id": "1",
        "url": "x",
        "import_id": world_import.pk,
        "year": 2025,
        "question_id": "strategy.01",
        "theme": "strategy",
        "delegation_id": delegation.pk,
        "item_id": item.pk,
        "kpi_id": kpi.pk,
        "group_id": group.pk,
        "member_id": group_member.pk,
        "scenario_id": scenario.pk,
        "action_id": "strategy.appoint_lead",
        "model_id": "auto_shutdown",
        "report_id": report.pk,
        "suggestion_id": suggestion.pk,
        "coalition_slug": "walk",
        "trainer_token": trainer_token,
    }
    return {
        "org_a": org_a,
        "referent_a": referent_a,
        "reader_a": reader_a,
        "outsider": outsider,
        "outsider_token": outsider_token,
        "reader_token": reader_token,
        "values": values,
        "scoped_values": {"training": training},
        **coalition,
    }


def _coalition_of(org_a, org_b, referent_a, make_user) -> dict[str, object]:
    """Organisation A in a cohort of a coalition with its facilitator, a session (a document,
    A's attendance) and a private note on A; B in another coalition, with its own facilitator;
    a pending invitation of A into that other coalition's cohort."""
    import datetime as dt

    from django.utils import timezone

    coalition = Coalition.objects.create(name="Alpha coalition", slug="alpha-coalition")
    facilitator = make_user(full_name="Fanny Facilitator")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    other = Coalition.objects.create(name="Bravo coalition", slug="bravo-coalition")
    other_facilitator = make_user(full_name="Otto Other")
    other.facilitators.add(other_facilitator)
    other_cohort = Cohort.objects.create(coalition=other, name="Other 2025", year=2025)
    CohortMembership.objects.create(cohort=other_cohort, organisation=org_b)
    pending = CohortMembership.objects.create(cohort=other_cohort, organisation=org_a, pending=True)
    access = CoalitionAccess(coalition, True, frozenset())
    starts = timezone.now() + dt.timedelta(days=3)
    session = coalition_services.session_create(
        access=access,
        cohort=cohort,
        user=facilitator,
        fields={
            "kind": "peer_meeting",
            "title": "Alpha peer meeting",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "place": "Town hall",
        },
    )
    material = coalition_services.material_add(
        access=access, session=session, title="Slides", url="https://docs.example/s.pdf"
    )
    # A document's row without its file on disk (the view answers 404 for a missing file):
    # the walk checks who reaches the row.
    session_file = SessionFile.objects.create(
        session=session,
        title="Alpha handout",
        original_name="handout.pdf",
        stored_name="walk-handout.pdf",
        content_type="application/pdf",
        size=10,
    )
    coalition_services.attendance_record(
        access=access,
        session=session,
        organisation=org_a,
        status="present",
        people_ids=[referent_a.pk],
    )
    note = coalition_services.note_create(
        access=access, organisation=org_a, author=facilitator, text=NOTE_SECRET
    )
    _, facilitator_token = api_token_create(user=facilitator, name="Facilitator token")
    _, other_token = api_token_create(user=other_facilitator, name="Other facilitator token")
    return {
        "coalition": coalition,
        "cohort": cohort,
        "session": session,
        "material": material,
        "file": session_file,
        "note": note,
        "pending": pending,
        "facilitator": facilitator,
        "facilitator_token": facilitator_token,
        "other_facilitator": other_facilitator,
        "other_facilitator_token": other_token,
    }


def _collection_world(access, referent, item):
    """A running collection campaign of organisation A with a box, a department and a deposit
    corrected once (so its journal has an entry)."""
    import datetime as dt

    today = dt.date.today()
    campaign = collection_services.campaign_create(
        access=access,
        fields={
            "name": "Alpha secret campaign",
            "start_date": today - dt.timedelta(days=3),
            "end_date": today + dt.timedelta(days=30),
            "item_types": ["phones", "laptops"],
            "rules": "",
            "plan_item": item,
        },
    )
    team = collection_services.team_save(
        access=access,
        campaign=campaign,
        name="",
        headcount=12,
        department=Department.objects.get(organisation=access.organisation),
    )
    point = collection_services.point_save(
        access=access,
        campaign=campaign,
        site=Site.objects.get(organisation=access.organisation),
        location="Alpha hidden hall",
        person_in_charge=referent,
    )
    data = collection_services.DepositInput(team_id=team.pk, counts={"phones": 2})
    deposit = collection_services.deposit_declare(point=point, data=data)
    collection_services.deposit_correct(
        access=access,
        user=referent,
        deposit=deposit,
        data=collection_services.DepositInput(team_id=team.pk, counts={"phones": 3}),
        reason="miscounted",
    )
    batch = collection_services.sorting_record(
        access=access,
        user=referent,
        campaign=campaign,
        fields={
            "date": today,
            "item_type": "phones",
            "count": 3,
            "outcome": "donated",
            "recipient": "Alpha hidden association",
            "agreement": "",
            "weight_kg": None,
            "held_data": 2,
        },
    )
    collection_services.erasure_record(
        access=access,
        user=referent,
        batch=batch,
        fields={
            "date": today,
            "method": "factory_reset",
            "devices": 1,
            "done_by": "Alpha",
            "certificate": "",
        },
    )
    collection_services.outcomes_publish(access=access, campaign=campaign)
    return campaign, point, team, deposit, batch


def _training_rows(access, referent) -> dict[str, object]:
    """An offer with an upcoming session, an agent without an account registered by name (the
    personal data a walk must never leak), the session's trainer link, and a self-assessment
    campaign with an answer."""
    import datetime as dt

    from django.utils import timezone

    offer = training_services.offer_create(
        access=access,
        fields={"kind": "field_basics", "title": "Alpha training", "duration_hours": 2},
    )
    starts = timezone.now() + dt.timedelta(days=10)
    session = training_services.session_create(
        access=access,
        offer=offer,
        fields={
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "capacity": 5,
            "trainer_name": "Alpha trainer",
            "trainer_email": "alpha-trainer@example.org",
        },
    )
    trainee = training_services.trainee_for_name(
        access=access, name="Alpha secret trainee", department=None
    )
    registration = training_services.registration_create(
        access=access, session=session, trainee=trainee, by=referent
    )
    trainer_links: list[str] = []
    training_services.trainer_link_send(
        access=access,
        session=session,
        by=referent,
        build_url=lambda raw: trainer_links.append(raw) or "http://x/",
    )
    campaign = training_services.campaign_create(access=access, name="Alpha campaign")
    training_services.skills_answer(
        campaign=campaign, site_id=None, department_id=None, levels={"email": 0}
    )
    return {
        "offer_id": offer.pk,
        "session_id": session.pk,
        "registration_id": registration.pk,
        "trainee_id": trainee.pk,
        "campaign_id": campaign.pk,
        "trainer_token": trainer_links[0],
    }


def snapshot(org: Organisation) -> tuple[object, ...]:
    org.refresh_from_db()
    return (
        org.version,
        org.name,
        tuple(Site.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(Department.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(Membership.objects.filter(organisation=org).values_list("pk", "role")),
        tuple(Invitation.objects.filter(organisation=org).values_list("pk", "revoked_at")),
        tuple(Asset.objects.filter(organisation=org).values_list("pk", "status", "quantity")),
        tuple(InventoryImport.objects.filter(organisation=org).values_list("pk", "status")),
        tuple(Diagnostic.objects.filter(organisation=org).values_list("pk", "status", "version")),
        tuple(Answer.objects.filter(diagnostic__organisation=org).values_list("pk", "version")),
        tuple(
            Delegation.objects.filter(diagnostic__organisation=org).values_list("pk", "revoked_at")
        ),
        tuple(
            ApiToken.objects.filter(user__memberships__organisation=org).values_list(
                "pk", "revoked_at"
            )
        ),
        tuple(
            PlanItem.objects.filter(organisation=org).values_list(
                "pk", "title", "status", "version", "deleted_at"
            )
        ),
        tuple(JournalEntry.objects.filter(item__organisation=org).values_list("pk", "text")),
        tuple(KpiTarget.objects.filter(item__organisation=org).values_list("pk", "target")),
        tuple(KpiMeasurement.objects.filter(kpi__item__organisation=org).values_list("pk")),
        tuple(WorkingGroup.objects.filter(organisation=org).values_list("pk", "name", "version")),
        tuple(GroupMember.objects.filter(group__organisation=org).values_list("pk", "is_lead")),
        tuple(MeetingNote.objects.filter(group__organisation=org).values_list("pk")),
        tuple(Scenario.objects.filter(organisation=org).values_list("pk")),
        tuple(CalendarFeed.objects.filter(organisation=org).values_list("token_hash")),
        tuple(DigestSubscription.objects.filter(organisation=org).values_list("user_id")),
        tuple(TrainingOffer.objects.filter(organisation=org).values_list("pk", "title", "version")),
        tuple(
            TrainingSession.objects.filter(offer__organisation=org).values_list(
                "pk", "capacity", "cancelled", "version"
            )
        ),
        tuple(Trainee.objects.filter(organisation=org).values_list("pk", "name", "erased_at")),
        tuple(
            Registration.objects.filter(session__offer__organisation=org).values_list(
                "pk", "status", "position", "attended"
            )
        ),
        tuple(SkillsCampaign.objects.filter(organisation=org).values_list("pk", "closed_at")),
        tuple(SkillsResponse.objects.filter(campaign__organisation=org).values_list("pk")),
        tuple(CohortMembership.objects.values_list("pk", "pending")),
        tuple(Cohort.objects.values_list("pk", "name", "year", "end_date", "description")),
        tuple(Session.objects.values_list("pk", "title", "version")),
        tuple(SessionMaterial.objects.values_list("pk")),
        tuple(SessionFile.objects.values_list("pk", "stored_name")),
        tuple(Attendance.objects.values_list("pk", "status")),
        tuple(FacilitatorNote.objects.values_list("pk", "text")),
        tuple(Campaign.objects.filter(organisation=org).values_list("pk", "version", "name")),
        tuple(
            Campaign.objects.filter(organisation=org).values_list("display_token", "outcomes_token")
        ),
        tuple(Team.objects.filter(campaign__organisation=org).values_list("pk", "headcount")),
        tuple(
            CollectionPoint.objects.filter(campaign__organisation=org).values_list(
                "pk", "token", "token_revoked_at", "location"
            )
        ),
        tuple(
            Deposit.objects.filter(point__campaign__organisation=org).values_list(
                "pk", "phones", "removed_at"
            )
        ),
        tuple(
            DepositChange.objects.filter(deposit__point__campaign__organisation=org).values_list(
                "pk"
            )
        ),
        tuple(SortingBatch.objects.filter(campaign__organisation=org).values_list("pk", "count")),
        tuple(
            Erasure.objects.filter(batch__campaign__organisation=org).values_list(
                "pk", "certificate_file"
            )
        ),
        tuple(
            ExperienceReport.objects.filter(organisation=org).values_list(
                "pk", "title", "visibility", "version", "withdrawn_at"
            )
        ),
        tuple(ReportSuggestion.objects.filter(organisation=org).values_list("pk", "dismissed_at")),
        tuple(
            Milestone.objects.filter(membership__organisation=org).values_list("pk", "reached_on")
        ),
    )


def values_for(world, namespace: str) -> dict[str, object]:
    """The walk's values, with those of an app whose ids go by names other apps use too."""
    return {**world["values"], **world.get("scoped_values", {}).get(namespace, {})}


def urls_for(world) -> list[tuple[str, str]]:
    urls = []
    for route in iter_routes():
        values = values_for(world, route.name.split(":")[0])
        unknown = [name for name in route.kwargs if name not in values]
        assert not unknown, (
            f"The tenancy walk has no value for {unknown} in {route.name}: add one to `values`."
        )
        urls.append(
            (route.name, reverse(route.name, kwargs={name: values[name] for name in route.kwargs}))
        )
    assert len(urls) > 20, "The URL walk found suspiciously few URLs."
    return urls


def assert_no_secret(response, label: str) -> None:
    body = response.content.decode(errors="replace")
    leaked = [secret for secret in SECRETS if secret in body]
    assert not leaked, f"{label} shows {leaked}"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_everywhere_but_public_pages(client, world):
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"anonymous {method.upper()} {url} ({name})"
            if name in PUBLIC_BY_SECRET_LINK:
                continue
            assert_no_secret(response, label)
            if name in PUBLIC:
                continue
            assert response.status_code in (302, 403, 404, 405), label
            if response.status_code == 302:
                assert "login" in response["Location"], f"{label} → {response['Location']}"
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_user_of_another_organisation_never_gets_the_data(client, world):
    client.force_login(world["outsider"])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if name in PUBLIC_BY_SECRET_LINK or name == "logout":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"outsider {method.upper()} {url} ({name})"
            assert_no_secret(response, label)
            if name.startswith(("organisations:", "collection:", "training:")):
                assert response.status_code == 404, f"{label}: {response.status_code}"
            elif name.startswith("admin:") and name not in PUBLIC:
                assert response.status_code in (302, 403, 404), label
    assert snapshot(world["org_a"]) == before


@pytest.fixture
def coalition_neighbours(world, org_b, make_organisation, member, make_user):
    """Organisation A in a cohort of a coalition; a member of another cohort of the same
    coalition; a facilitator of another coalition (whose cohort holds org_b)."""
    from capnr.coalition.models import Coalition, Cohort, CohortMembership

    coalition = Coalition.objects.create(name="Walk coalition", slug="walk")
    CohortMembership.objects.create(
        cohort=Cohort.objects.create(coalition=coalition, name="A's cohort", year=2025),
        organisation=world["org_a"],
    )
    charlie = make_organisation("Charlie agency", slug="charlie")
    CohortMembership.objects.create(
        cohort=Cohort.objects.create(coalition=coalition, name="Other cohort", year=2024),
        organisation=charlie,
    )
    elsewhere = Coalition.objects.create(name="Elsewhere", slug="elsewhere")
    CohortMembership.objects.create(
        cohort=Cohort.objects.create(coalition=elsewhere, name="Far cohort", year=2025),
        organisation=org_b,
    )
    facilitator = make_user(full_name="Far facilitator")
    elsewhere.facilitators.add(facilitator)
    return {
        "member_of_another_cohort": member(charlie, Role.REFERENT),
        "facilitator_of_another_coalition": facilitator,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member_of_another_cohort", "facilitator_of_another_coalition"])
def test_coalition_neighbours_never_get_the_data(client, world, coalition_neighbours, who):
    """A's cohort-only report and everything else of A stay out of reach of a member of another
    cohort of the same coalition and of another coalition's facilitator."""
    client.force_login(coalition_neighbours[who])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if name in PUBLIC_BY_SECRET_LINK or name == "logout":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"{who} {method.upper()} {url} ({name})"
            assert_no_secret(response, label)
            if name.startswith(("organisations:", "peers:")):
                assert response.status_code == 404, f"{label}: {response.status_code}"
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_personal_calendar_address_gives_only_its_owners_cohorts(client, world, make_user):
    """Without a log-in, the address is the only key: a guessed, altered, renewed or revoked one
    gets nothing; the outsider's own address never gives Alpha's cohort's sessions."""
    referent = world["referent_a"]
    raw = coalition_services.calendar_subscription_renew(user=referent)
    own = client.get(reverse("coalition:personal_calendar_feed", args=[raw]))
    assert own.status_code == 200 and "Alpha peer meeting" in own.content.decode()
    stored = CalendarSubscription.objects.get(user=referent).token_hash
    for guess in ("", "x", raw[:-1], raw.upper(), stored, hash_token(stored)):
        if not guess:
            continue
        response = client.get(reverse("coalition:personal_calendar_feed", args=[guess]))
        assert response.status_code == 404, guess
        assert "Alpha peer meeting" not in response.content.decode()
    for who in ("outsider", "other_facilitator"):
        theirs = coalition_services.calendar_subscription_renew(user=world[who])
        body = client.get(reverse("coalition:personal_calendar_feed", args=[theirs])).content
        assert b"Alpha peer meeting" not in body, who
    renewed = coalition_services.calendar_subscription_renew(user=referent)
    assert client.get(reverse("coalition:personal_calendar_feed", args=[raw])).status_code == 404
    coalition_services.calendar_subscription_revoke(user=referent)
    gone = client.get(reverse("coalition:personal_calendar_feed", args=[renewed]))
    assert gone.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "member_of_another_cohort", "facilitator_of_another_coalition"]
)
def test_the_public_open_data_api_shows_nothing_of_a_published_coalition_but_aggregates(
    client, world, coalition_neighbours, who
):
    """A's coalition publishes its open data: the endpoint answers everyone, and nobody reads
    A's data in it (A's coalition has fewer than five organisations: no row at all)."""
    from capnr.peers.models import CoalitionPublication

    CoalitionPublication.objects.create(coalition=world["coalition"], open_data=True)
    if who == "outsider":
        client.force_login(world["outsider"])
    elif who != "anonymous":
        client.force_login(coalition_neighbours[who])
    for slug in (world["values"]["coalition"], "walk"):
        response = client.get(f"/api/v1/open-data/coalitions/{slug}/benchmarks")
        assert_no_secret(response, f"{who} open data of {slug}")
        assert response.status_code == (200 if slug == world["values"]["coalition"] else 404)
    assert response.status_code == 404  # "walk" publishes nothing
    assert (
        client.get(f"/api/v1/open-data/coalitions/{world['values']['coalition']}/benchmarks").json()
        == []
    )
    assert (
        client.post(
            f"/api/v1/open-data/coalitions/{world['values']['coalition']}/benchmarks"
        ).status_code
        == 405
    )


# What a reader may write about themselves alone (tested in the app: they register nobody else).
READER_WRITES_FOR_THEMSELVES = {
    "training:register_me",
    # Their own personal calendar address (it gives only their own cohorts' sessions).
    "coalition:calendar_subscription_renew",
    "coalition:calendar_subscription_revoke",
}


@pytest.mark.django_db
def test_a_reader_cannot_write_anything(client, world):
    client.force_login(world["reader_a"])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if not name.startswith(
            (
                "organisations:",
                "diagnostics:",
                "actions:",
                "roadmap:",
                "coalition:",
                "collection:",
                "peers:",
                "training:",
            )
        ):
            continue
        if name in READER_WRITES_FOR_THEMSELVES:
            continue
        response = client.post(
            url,
            {
                "name": "Written by a reader",
                "version": 1,
                "email": "x@example.org",
                "role": "referent",
            },
        )
        # A question delegated to someone else is simply not found for the reader.
        allowed = (403, 404, 405) if name == "diagnostics:my_question" else (403, 405)
        assert response.status_code in allowed, f"reader POST {url}: {response.status_code}"
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_trainees_names_are_never_shown_to_a_reader_nor_to_a_trainer_outside(
    client, world, make_user
):
    """Trainees' names are seen by the référent, HR and the session's trainer only: a reader
    (an agent) walks every training page without meeting one, and the session's trainer, who
    has an account but is not a member, reaches none of them."""
    training = [(name, url) for name, url in urls_for(world) if name.startswith("training:")]
    assert len(training) >= 15, "the training pages are walked"
    before = snapshot(world["org_a"])
    client.force_login(world["reader_a"])
    for name, url in training:
        response = client.get(url)
        assert "Alpha secret trainee" not in response.content.decode(errors="replace"), name
    trainer = make_user(email="alpha-trainer@example.org")
    client.force_login(trainer)
    for name, url in training:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"trainer {method.upper()} {url} ({name})"
            assert response.status_code == 404, f"{label}: {response.status_code}"
            assert_no_secret(response, label)
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_trainer_who_is_not_a_member_reaches_their_session_only(client, world, make_user):
    """The session's trainer holds its link and an account with their address, but no
    membership: the link's pages open their session with its people (by design), and every
    other URL of the project gives them nothing of organisation A."""
    client.force_login(make_user(email="alpha-trainer@example.org"))
    before = snapshot(world["org_a"])
    walked = 0
    for name, url in urls_for(world):
        if name == "logout" or name in PERSONAL:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"trainer {method.upper()} {url} ({name})"
            if name in TRAINER_PAGES:
                if method == "get":
                    assert response.status_code == 200, label
                    walked += 1
                continue
            if name in PUBLIC_BY_SECRET_LINK or name.startswith("admin:"):
                continue  # the admin's pages name the logged-in account: the trainer's own
            assert_no_secret(response, label)
            if url.startswith(f"/o/{world['org_a'].slug}/"):
                assert response.status_code in (404, 405), f"{label}: {response.status_code}"
    assert walked == len(TRAINER_PAGES)
    page = client.get(reverse("trainer_session", args=[world["values"]["trainer_token"]]))
    assert "Alpha secret trainee" in page.content.decode()
    assert snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_a_self_assessment_link_reaches_only_its_own_campaign(client, world, org_b, member):
    """An anonymous agent holding organisation B's link sees B's sites only, and cannot file an
    answer under A's sites or departments, nor reach A's campaign."""
    bravo = access_for(member(org_b, Role.REFERENT), org_b)
    campaign_b = training_services.campaign_create(access=bravo, name="Bravo campaign")
    link = reverse("skills_assessment", args=[campaign_b.link_token])
    before = snapshot(world["org_a"])
    page = client.get(link)
    assert page.status_code == 200 and "Bravo town hall" in page.content.decode()
    assert_no_secret(page, "Bravo's self-assessment")
    alpha_site = world["values"]["site_id"]
    alpha_department = world["values"]["department_id"]
    for field, value in (("site", alpha_site), ("department", alpha_department)):
        response = client.post(link, {field: value, "email": "0"})
        assert response.status_code == 200, f"{field} of A accepted by B's link"
        assert_no_secret(response, f"Bravo's self-assessment posting A's {field}")
    assert not SkillsResponse.objects.filter(campaign=campaign_b).exists()
    alpha = SkillsCampaign.objects.get(organisation=world["org_a"])
    for guess in (str(alpha.pk), alpha.link_token[:-1], alpha.link_token.upper()):
        assert client.get(reverse("skills_assessment", args=[guess])).status_code == 404
    assert snapshot(world["org_a"]) == before


# API paths anyone may read, with no credentials: a coalition's published open data (still
# checked never to show organisation A's data).
PUBLIC_API = ("/api/v1/open-data/",)


def api_operations(world) -> list[tuple[str, str, bool]]:
    """(method, url, takes a file upload) for every operation of the OpenAPI schema."""
    schema = api.get_openapi_schema()
    operations = []
    values = {
        "coalition": world["values"]["coalition"],
        "cohort_id": world["values"]["cohort_id"],
        "session_id": world["values"]["session_id"],
        "slug": world["values"]["slug"],
        "site_id": world["values"]["site_id"],
        "department_id": world["values"]["department_id"],
        "import_id": world["values"]["import_id"],
        "year": world["values"]["year"],
        "question_id": world["values"]["question_id"],
        "item_id": world["values"]["item_id"],
        "kpi_id": world["values"]["kpi_id"],
        "campaign_id": world["values"]["campaign_id"],
        "point_id": world["values"]["point_id"],
        "batch_id": world["values"]["batch_id"],
        "report_id": world["values"]["report_id"],
        "coalition_slug": world["values"]["coalition"],
        "kind": "closing",
    }
    training = world["scoped_values"]["training"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            url = path
            scoped = {**values, **training} if "/training/" in path else values
            for name, value in scoped.items():
                url = url.replace("{" + name + "}", str(value))
            assert "{" not in url, f"The API walk has no value for a parameter in {path}."
            content = operation.get("requestBody", {}).get("content", {})
            operations.append((method.upper(), url, "multipart/form-data" in content))
    assert len(operations) >= 10
    return operations


# A body every write endpoint accepts, so that the refusal comes from tenancy, not validation.
WRITE_FIELDS = {
    "version": 1,
    "text": "Written by someone not allowed",
    "name": "Written by someone not allowed",
    "mapping": {"0": "name"},
    "category_choices": {},
}


# The coalition's writes need a body of their own to pass validation (a session's kind and
# times, an attendance's status), so that there too the refusal comes from tenancy.
SESSION_BODY = {
    "kind": "webinar",
    "title": "Written by someone not allowed",
    "starts_at": "2030-01-01T10:00:00+01:00",
    "ends_at": "2030-01-01T11:00:00+01:00",
    "video_url": "https://visio.example/x",
}


# The collection's writes (campaigns, boxes, sorting, devices, erasures): one body valid for
# each of them (a body's unknown fields are ignored).
COLLECTION_BODY = {
    "start_date": "2030-01-01",
    "end_date": "2030-01-02",
    "item_types": ["phones"],
    "site_id": 1,
    "location": "Written by someone not allowed",
    "date": "2030-01-01",
    "item_type": "phones",
    "count": 1,
    "outcome": "reused_internally",
    "method": "overwrite",
    "devices": 1,
    "done_by": "Written by someone not allowed",
}


def _body(url: str) -> dict[str, object]:
    if "/collection/" in url:
        return {**WRITE_FIELDS, **COLLECTION_BODY}
    if "/coalitions/" in url and url.endswith("/sessions"):
        return {**WRITE_FIELDS, **SESSION_BODY}
    if "/coalitions/" in url and "/attendance/" in url:
        return {**WRITE_FIELDS, "status": "absent"}
    return WRITE_FIELDS


def call(client, method: str, url: str, token: str | None = None, upload: bool = False):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            url, {"file": SimpleUploadedFile("x.csv", b"category\nlaptop\n")}, **headers
        )
    return client.generic(
        method,
        url,
        json.dumps(_body(url)) if method != "GET" else "",
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_every_api_endpoint_refuses_anonymous_outsiders_and_reader_writes(client, world):
    before = snapshot(world["org_a"])
    for method, url, upload in api_operations(world):
        anonymous = call(client, method, url, upload=upload)
        assert_no_secret(anonymous, f"anonymous {method} {url}")
        if url.startswith(PUBLIC_API):
            assert method == "GET" and anonymous.status_code in (200, 404), url
            continue
        assert anonymous.status_code == 401, f"anonymous {method} {url}: {anonymous.status_code}"

        outsider = call(client, method, url, world["outsider_token"], upload=upload)
        assert_no_secret(outsider, f"outsider {method} {url}")
        if "/organisations/" in url or "/coalitions/alpha-coalition" in url:
            assert outsider.status_code in (403, 404), f"outsider {method} {url}"

        if method != "GET":
            reader = call(client, method, url, world["reader_token"], upload=upload)
            assert reader.status_code == 403, f"reader {method} {url}: {reader.status_code}"
    assert snapshot(world["org_a"]) == before


# What the facilitator of A's cohort may do in A: run the self-diagnostic's workshop (answer,
# hand a question over, time the themes). Every other write in A is refused.
FACILITATOR_MAY_POST = {
    "diagnostics:start",
    "diagnostics:theme",
    "diagnostics:theme_autosave",
    "diagnostics:delegate",
    "diagnostics:delegation_revoke",
    "diagnostics:workshop",
    "diagnostics:workshop_summary",
    "diagnostics:workshop_pause",
    "diagnostics:workshop_question",
}
# The coalition's own pages, where the facilitator writes (sessions, attendance, notes).
ORGANISATION_APPS = ("organisations:", "inventory:", "diagnostics:", "actions:", "roadmap:", "web:")


def _organisation_snapshot(org: Organisation) -> tuple[object, ...]:
    """What the facilitator must never change: everything of A but the diagnostic's answers
    (which the workshop writes) and the coalition's rows."""
    full = snapshot(org)
    return full[:8] + full[11:-5]


@pytest.mark.django_db
def test_the_facilitator_writes_nothing_of_the_organisation_but_the_workshop(client, world):
    client.force_login(world["facilitator"])
    before = _organisation_snapshot(world["org_a"])
    diagnostic_before = Diagnostic.objects.filter(organisation=world["org_a"]).values_list(
        "status", flat=True
    )
    diagnostic_before = list(diagnostic_before)
    for name, url in urls_for(world):
        if not name.startswith(ORGANISATION_APPS) or name in FACILITATOR_MAY_POST:
            continue
        if "/o/" not in url:
            continue  # the shell's own pages (account, legal): not the organisation's
        response = client.post(
            url,
            {
                "name": "Written by the facilitator",
                "version": 1,
                "email": "x@example.org",
                "role": "referent",
                "title": "Written by the facilitator",
            },
        )
        allowed = (403, 404, 405) if name == "diagnostics:my_question" else (403, 405)
        assert response.status_code in allowed, f"facilitator POST {url}: {response.status_code}"
    assert _organisation_snapshot(world["org_a"]) == before
    # Never submitted nor reopened on the organisation's behalf.
    assert (
        list(
            Diagnostic.objects.filter(organisation=world["org_a"]).values_list("status", flat=True)
        )
        == diagnostic_before
    )


@pytest.mark.django_db
def test_the_facilitator_reads_every_page_of_the_organisation_a_reader_reads(world):
    from django.test import Client

    client = Client()
    pages = [
        (name, url)
        for name, url in urls_for(world)
        if name.startswith(ORGANISATION_APPS) and "/o/" in url
    ]
    client.force_login(world["reader_a"])
    read = {url for _name, url in pages if client.get(url).status_code == 200}
    assert len(read) > 20
    client.force_login(world["facilitator"])
    refused = [url for url in sorted(read) if client.get(url).status_code != 200]
    assert not refused, f"pages a reader of A opens but the facilitator cannot: {refused}"


@pytest.mark.django_db
def test_a_facilitator_of_another_coalition_sees_nothing(client, world):
    client.force_login(world["other_facilitator"])
    before = snapshot(world["org_a"])
    for name, url in urls_for(world):
        if name in PUBLIC_BY_SECRET_LINK or name in PUBLIC or name == "logout":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            label = f"other facilitator {method.upper()} {url} ({name})"
            assert_no_secret(response, label)
            assert "Alpha peer meeting" not in response.content.decode(errors="replace"), label
            if name in PERSONAL or name.startswith("admin:"):
                continue
            if "/o/alpha/" in url or "/coalitions/alpha-coalition/" in url:
                # 405: a GET of a form's target, refused before anything is read.
                assert response.status_code in (404, 405), f"{label}: {response.status_code}"
            elif name == "coalition:join":  # A's pending invitation into their own cohort
                assert response.status_code == 404, f"{label}: {response.status_code}"
    token = world["other_facilitator_token"]
    for method, url, upload in api_operations(world):
        response = call(client, method, url, token, upload=upload)
        assert_no_secret(response, f"other facilitator API {method} {url}")
        if "/organisations/alpha" in url or "/coalitions/alpha-coalition" in url:
            assert response.status_code == 404, f"other facilitator {method} {url}"
    assert snapshot(world["org_a"]) == before


# The cohort report goes to funders: the cohort's facilitators make it, nobody else reaches it.
COHORT_REPORT = ("cohorts:report_pdf", "cohorts:report_xlsx")


@pytest.mark.django_db
def test_only_the_cohorts_facilitators_reach_the_cohort_report(client, world):
    urls = [reverse(name, args=[world["values"]["cohort_id"]]) for name in COHORT_REPORT]
    assert {name for name, _url in urls_for(world)} >= set(COHORT_REPORT)  # walked above too
    for who in ("referent_a", "reader_a", "outsider", "other_facilitator"):
        client.force_login(world[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, f"{who} GET {url}: {response.status_code}"
            assert_no_secret(response, f"{who} GET {url}")
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    client.force_login(world["facilitator"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"facilitator GET {url}: {response.status_code}"
        assert client.post(url).status_code == 405, url


# API writes the facilitator may make in A: the diagnostic's answers and delegations, and the
# milestones they record by hand (the cohort's facilitators' own write, tested in the app).
FACILITATOR_MAY_CALL = ("/diagnostics", "/milestones/")


@pytest.mark.django_db
def test_the_facilitator_is_refused_every_api_write_on_the_organisation(client, world):
    before = _organisation_snapshot(world["org_a"])
    token = world["facilitator_token"]
    for method, url, upload in api_operations(world):
        if method == "GET" or "/organisations/" not in url:
            continue
        if any(part in url for part in FACILITATOR_MAY_CALL) and not url.endswith(
            ("/submit", "/reopen")
        ):
            continue
        response = call(client, method, url, token, upload=upload)
        assert response.status_code == 403, f"facilitator {method} {url}: {response.status_code}"
    assert _organisation_snapshot(world["org_a"]) == before


@pytest.mark.django_db
def test_no_member_of_the_organisation_ever_reads_the_facilitators_notes(world):
    """Every page, every API read and the organisation's export, as each of A's members."""
    import io
    import zipfile

    from django.test import Client

    from capnr.web.portability import export_organisation

    client = Client()
    for user, token in ((world["referent_a"], None), (world["reader_a"], world["reader_token"])):
        client.force_login(user)
        for name, url in urls_for(world):
            if name in ("logout", "web:token_revoke"):
                continue
            body = client.get(url).content
            assert NOTE_SECRET.encode() not in body, f"{user} GET {url} ({name})"
        raw = token or api_token_create(user=user, name="notes")[1]
        for method, url, _upload in api_operations(world):
            if method == "GET":
                response = call(client, method, url, raw)
                assert NOTE_SECRET not in response.content.decode(errors="replace"), url
    archive = zipfile.ZipFile(io.BytesIO(export_organisation(world["org_a"])))
    for member in archive.namelist():
        assert NOTE_SECRET.encode() not in archive.read(member), member


# Forms every page carries for anyone logged in: the organisation switcher, the language, logging
# out.
SHELL_FORMS = {"web:switch", "set_language", "logout"}
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


@pytest.mark.django_db
def test_the_facilitator_is_offered_no_form_they_may_not_send(world):
    """Every POST form on every page of A the facilitator opens leads to something they may do
    (the workshop's, or the shell's): no "Submit the diagnostic", no profile, member, inventory
    or roadmap form."""
    from django.test import Client
    from django.urls import resolve

    client = Client()
    client.force_login(world["facilitator"])
    offered = set()
    for name, url in urls_for(world):
        if not name.startswith(ORGANISATION_APPS) or "/o/" not in url:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for tag in FORM.findall(response.content.decode()):
            attributes = {
                key.lower(): html.unescape(value) for key, value in ATTRIBUTE.findall(tag)
            }
            if attributes.get("method", "get").lower() != "post":
                continue
            target = urlsplit(attributes.get("action") or url).path
            offered.add((resolve(target).view_name, url))
    refused = sorted(
        (view, page)
        for view, page in offered
        if view not in FACILITATOR_MAY_POST and view not in SHELL_FORMS
    )
    assert not refused, f"forms offered to the facilitator that they may not send: {refused}"
    assert any(
        view == "diagnostics:start" or view.startswith("diagnostics:") for view, _ in offered
    )
