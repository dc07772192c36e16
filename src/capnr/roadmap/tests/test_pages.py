"""The roadmap and working-group pages through the test client: who sees and does what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capnr.organisations.models import Role
from capnr.roadmap import services
from capnr.roadmap.models import (
    GroupMember,
    ItemStatus,
    JournalEntry,
    KpiMeasurement,
    MeetingNote,
    PlanItem,
    WorkingGroup,
)
from capnr.roadmap.templates_data import TEMPLATES

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def contributor(org_a, member):
    return member(org_a, Role.CONTRIBUTOR, full_name="Chloé Contributrice")


@pytest.fixture
def reader(org_a, member):
    return member(org_a, Role.READER, full_name="Raoul Lecteur")


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)


def url(name, *args):
    return reverse(f"roadmap:{name}", args=["alpha", *args])


def make_item(access, **fields):
    values = {"title": "Night shutdown of workstations", "theme": "strategy", **fields}
    return services.item_create(access=access, fields=values)


def form_data(item, **changes):
    data = {
        "title": item.title,
        "description": item.description,
        "theme": item.theme,
        "owner": item.owner_id or "",
        "working_group": item.working_group_id or "",
        "start_date": item.start_date.isoformat() if item.start_date else "",
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "status": item.status,
        "abandon_reason": item.abandon_reason,
        "commitment": item.commitment,
        "budget_eur": "",
        "scenario": "",
        "version": item.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def full_roadmap(access, referent, contributor):
    """Two groups, items in several states, a KPI with measurements, journal, members, notes."""
    group = services.group_create(access=access, name="Equipment", mission="Keep devices longer.")
    services.member_add(access=access, group=group, user_id=contributor.pk, is_lead=True)
    services.member_add(access=access, group=group, name="Camille Extérieure", email="c@x.org")
    services.meeting_note_add(
        access=access, group=group, date=TODAY, text="Kick-off meeting", author=referent
    )
    done = make_item(
        access,
        title="Server room setpoint +2 °C",
        working_group=group,
        owner=contributor,
        start_date=TODAY - dt.timedelta(days=200),
        due_date=TODAY - dt.timedelta(days=150),
        status=ItemStatus.DONE,
    )
    make_item(
        access,
        title="Late purchasing clause",
        due_date=TODAY - dt.timedelta(days=3),
        status=ItemStatus.IN_PROGRESS,
    )
    make_item(access, title="Someday <b>maybe</b>")
    kpi = services.kpi_add(
        access=access, item=done, user=referent, label="Setpoint", unit="°C", target=27, baseline=25
    )
    for days, value in ((150, 25), (90, 26.5), (10, 27)):
        services.measurement_add(
            access=access,
            kpi=kpi,
            user=referent,
            date=TODAY - dt.timedelta(days=days),
            value=value,
        )
    services.journal_add(
        access=access, item=done, user=referent, date=TODAY, text="8 months, no incident"
    )
    services.journal_add(
        access=access,
        item=done,
        user=referent,
        date=TODAY,
        text="Fans louder in summer",
        side_effect=True,
    )
    return {"group": group, "done": done, "kpi": kpi}


# --- Every page, for the référent -----------------------------------------------------------


def test_every_page_renders_for_the_referent(client, referent, full_roadmap):
    client.force_login(referent)
    item, group = full_roadmap["done"], full_roadmap["group"]
    pages = [
        url("roadmap"),
        *(f"{url('roadmap')}?by={view}" for view in ("theme", "group", "status", "timeline")),
        url("item_create"),
        url("item", item.pk),
        url("item_edit", item.pk),
        url("item_delete", item.pk),
        url("bin"),
        url("groups"),
        url("group_create"),
        url("group", group.pk),
        url("group_edit", group.pk),
        url("group_delete", group.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert body.count("<h1") == 1, page
        assert len(response.content) < 100_000, page
        assert "&lt;b&gt;" in body or "Someday" not in body, page  # titles are escaped


def test_the_timeline_draws_dated_items_and_lists_the_others(client, referent, full_roadmap):
    client.force_login(referent)
    body = client.get(url("roadmap"), {"by": "timeline"}).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" id="roadmap-timeline"' in body
    chart = body[body.index("<svg") : body.index("</svg>")]
    assert "Server room setpoint" in chart and "Someday" not in chart
    undated = body[body.index("</svg>") :]
    assert "Someday &lt;b&gt;maybe&lt;/b&gt;" in undated
    assert 'href="?by=timeline" aria-current="page"' in body


def test_the_sections_are_row_groups_of_one_table(client, referent, full_roadmap):
    """Issue 12: a table per section repeated its caption and header row each time."""
    client.force_login(referent)
    sections = []
    for view in ("theme", "group", "status"):
        body = client.get(url("roadmap"), {"by": view}).content.decode()
        assert body.count("<table") == 1, view
        groups = body.count('<th scope="rowgroup"')
        assert groups >= 1 and body.count("<tbody>") == groups, view
        sections.append(groups)
    assert max(sections) >= 2  # several sections, still one table
    timeline = client.get(url("roadmap"), {"by": "timeline"}).content.decode()
    table = timeline[timeline.index("<table") : timeline.index("</table>")]
    assert "Date de début" in table and 'scope="rowgroup"' not in table


def test_the_item_page_shows_kpi_chart_table_and_journal(client, referent, full_roadmap):
    client.force_login(referent)
    item, kpi = full_roadmap["done"], full_roadmap["kpi"]
    body = client.get(url("item", item.pk)).content.decode()
    assert 'id="kpis"' in body and f'id="kpi-{kpi.pk}"' in body and 'id="journal"' in body
    assert f'id="kpi-{kpi.pk}-chart"' in body
    assert "8 months, no incident" in body and "side-effect" in body
    # A page to read: the forms (a measurement, an indicator, an entry) have pages of their own.
    assert 'name="date"' not in body
    assert f'href="{url("journal_add", item.pk)}"' in body
    page = client.get(url("journal_add", item.pk)).content.decode()
    assert 'id="journal-date"' in page and 'name="side_effect"' in page
    assert f'href="{url("measurement_record", item.pk)}"' in body
    page = client.get(url("measurement_record", item.pk), {"kpi": kpi.pk}).content.decode()
    assert 'id="measurement-kpi"' in page and f'<option value="{kpi.pk}" selected' in page
    assert 'id="measurement-date"' in page and 'name="value"' in page
    assert url("item_edit", item.pk) in body and url("item_delete", item.pk) in body


def test_the_empty_roadmap_says_what_to_do_next(client, referent):
    client.force_login(referent)
    body = client.get(url("roadmap")).content.decode()
    assert (
        reverse("actions:recommendations", args=["alpha"]) in body
        and url("item_create") in body
        and url("groups") in body
    )


def test_the_roadmap_page_does_not_query_per_item(client, referent, access):
    client.force_login(referent)
    group = services.group_create(access=access, name="Data")
    for number in range(2):
        make_item(access, title=f"Item {number}", owner=referent, working_group=group)
    with CaptureQueriesContext(connection) as few:
        client.get(url("roadmap"), {"by": "group"})
    for number in range(2, 8):
        make_item(access, title=f"Item {number}", owner=referent, working_group=group)
    with CaptureQueriesContext(connection) as many:
        client.get(url("roadmap"), {"by": "group"})
    assert len(many) == len(few)


# --- Readers and contributors ---------------------------------------------------------------


def test_a_reader_sees_the_roadmap_but_changes_nothing(client, reader, full_roadmap):
    client.force_login(reader)
    item, kpi, group = full_roadmap["done"], full_roadmap["kpi"], full_roadmap["group"]
    roadmap = client.get(url("roadmap")).content.decode()
    assert "Server room setpoint" in roadmap and url("item_create") not in roadmap
    detail = client.get(url("item", item.pk)).content.decode()
    assert url("item_edit", item.pk) not in detail and url("journal_add", item.pk) not in detail
    assert client.get(url("group", group.pk)).status_code == 200
    assert client.get(url("item_create")).status_code == 403
    assert client.post(url("item_create"), {"title": "x"}).status_code == 403
    assert client.get(url("item_edit", item.pk)).status_code == 403
    assert client.post(url("item_edit", item.pk), form_data(item)).status_code == 403
    assert client.post(url("item_delete", item.pk)).status_code == 403
    journal = {"date": TODAY.isoformat(), "text": "hi"}
    assert client.post(url("journal_add", item.pk), journal).status_code == 403
    measurement = {"date": TODAY.isoformat(), "value": "1"}
    assert client.post(url("measurement_add", item.pk, kpi.pk), measurement).status_code == 403
    assert client.post(url("group_templates"), {"templates": ["data"]}).status_code == 403
    assert client.get(url("bin")).status_code == 403
    assert PlanItem.objects.get(pk=item.pk).deleted_at is None
    assert JournalEntry.objects.filter(item=item).count() == 2


def test_a_contributor_updates_their_own_item_only(client, access, contributor, full_roadmap):
    client.force_login(contributor)
    own, kpi = full_roadmap["done"], full_roadmap["kpi"]
    assert client.get(url("item_edit", own.pk)).status_code == 200
    response = client.post(url("item_edit", own.pk), form_data(own, title="Setpoint raised"))
    assert response.status_code == 302 and response["Location"] == url("item", own.pk)
    assert PlanItem.objects.get(pk=own.pk).title == "Setpoint raised"
    response = client.post(
        url("journal_add", own.pk), {"date": TODAY.isoformat(), "text": "Checked the logs"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#journal")
    assert JournalEntry.objects.filter(item=own, text="Checked the logs", author=contributor)
    response = client.post(
        url("measurement_add", own.pk, kpi.pk), {"date": TODAY.isoformat(), "value": "27.5"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#kpi-{kpi.pk}")
    assert KpiMeasurement.objects.filter(kpi=kpi, value=27.5, author=contributor).exists()

    other = PlanItem.objects.get(title="Late purchasing clause")
    assert client.get(url("item_edit", other.pk)).status_code == 403
    assert client.post(url("item_edit", other.pk), form_data(other, title="x")).status_code == 403
    response = client.post(url("journal_add", other.pk), {"date": TODAY.isoformat(), "text": "x"})
    assert response.status_code == 403
    assert not JournalEntry.objects.filter(item=other).exists()
    detail = client.get(url("item", other.pk)).content.decode()
    assert url("item_edit", other.pk) not in detail


def test_the_later_of_two_concurrent_saves_is_refused_and_shows_the_other_version(
    client, referent, access
):
    item = make_item(access)
    client.force_login(referent)
    first = client.get(url("item_edit", item.pk))
    second = client.get(url("item_edit", item.pk))
    assert 'name="version" value="1"' in first.content.decode()
    assert 'name="version" value="1"' in second.content.decode()
    saved = client.post(url("item_edit", item.pk), form_data(item, title="Shutdown at 8 pm"))
    assert saved.status_code == 302
    refused = client.post(url("item_edit", item.pk), form_data(item, title="Shutdown at 7 pm"))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Shutdown at 8 pm" in body  # the other person's version, shown
    assert 'value="Shutdown at 7 pm"' in body  # ours, still in the form
    assert 'name="version" value="2"' in body  # saving again now keeps ours, knowingly
    assert PlanItem.objects.get(pk=item.pk).title == "Shutdown at 8 pm"


def test_a_form_error_is_shown_on_the_field(client, referent, access):
    item = make_item(access)
    client.force_login(referent)
    data = form_data(item, start_date="2026-05-01", due_date="2026-04-01")
    response = client.post(url("item_edit", item.pk), data)
    assert response.status_code == 200
    assert 'id="id_due_date_error"' in response.content.decode()


def test_creating_an_item_leads_to_its_page(client, referent, access):
    client.force_login(referent)
    item = PlanItem(title="Duplex printing by default", theme="strategy")
    response = client.post(url("item_create"), form_data(item, version=""))
    created = PlanItem.objects.get(title="Duplex printing by default")
    assert response.status_code == 302 and response["Location"] == url("item", created.pk)


def test_the_new_item_form_neither_offers_abandoning_nor_shows_empty_dashes(
    client, referent, access
):
    client.force_login(referent)
    body = client.get(url("item_create"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'name="abandon_reason"' not in body and 'value="abandoned"' not in body
    assert "---------" not in body
    assert "Personne pour l&#x27;instant" in body and "Aucun scénario" in body
    edit = client.get(url("item_edit", make_item(access).pk)).content.decode()
    assert 'name="abandon_reason"' in edit and 'value="abandoned"' in edit  # when editing


# --- Bin --------------------------------------------------------------------------------------


def test_a_deleted_item_goes_to_the_bin_and_comes_back(client, referent, access):
    item = make_item(access, title="Fewer printers")
    client.force_login(referent)
    assert client.post(url("item_delete", item.pk)).status_code == 302
    assert url("item", item.pk) not in client.get(url("roadmap")).content.decode()
    assert client.get(url("item", item.pk)).status_code == 404
    bin_page = client.get(url("bin")).content.decode()
    assert "Fewer printers" in bin_page and url("item_restore", item.pk) in bin_page
    response = client.post(url("item_restore", item.pk))
    assert response.status_code == 302 and response["Location"] == url("item", item.pk)
    assert url("item", item.pk) in client.get(url("roadmap")).content.decode()
    assert url("item_restore", item.pk) not in client.get(url("bin")).content.decode()


def test_an_item_deleted_31_days_ago_cannot_be_restored_and_is_purged(client, referent, access):
    item = make_item(access, title="Old idea")
    services.item_delete(access=access, item=item)
    PlanItem.objects.filter(pk=item.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    client.force_login(referent)
    assert "Old idea" not in client.get(url("bin")).content.decode()
    response = client.post(url("item_restore", item.pk))
    assert response.status_code == 302 and response["Location"] == url("bin")
    assert PlanItem.objects.get(pk=item.pk).deleted_at is not None
    services.purge_bin()
    assert not PlanItem.objects.filter(pk=item.pk).exists()


# --- Working groups ---------------------------------------------------------------------------


def test_the_usual_groups_are_created_from_the_templates(client, referent, org_a):
    client.force_login(referent)
    page = client.get(url("groups")).content.decode()
    assert all(f'value="{template.key}"' in page for template in TEMPLATES)
    response = client.post(
        url("group_templates"), {"templates": [template.key for template in TEMPLATES]}
    )
    assert response.status_code == 302
    assert WorkingGroup.objects.filter(organisation=org_a).count() == 6
    page = client.get(url("groups")).content.decode()
    assert url("group_templates") not in page  # nothing left to create


def test_members_are_added_and_removed(client, referent, contributor, access):
    group = services.group_create(access=access, name="Training")
    client.force_login(referent)
    response = client.post(url("member_add", group.pk), {"user": contributor.pk, "is_lead": "on"})
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group)
    assert member.user == contributor and member.is_lead
    page = client.get(url("group", group.pk)).content.decode()
    assert "Chloé Contributrice" in page and url("member_remove", group.pk, member.pk) in page
    client.post(url("member_add", group.pk), {"name": "Dominique", "email": "dom@example.org"})
    assert GroupMember.objects.filter(group=group).count() == 2
    assert client.post(url("member_remove", group.pk, member.pk)).status_code == 302
    assert list(GroupMember.objects.filter(group=group).values_list("name", flat=True)) == [
        "Dominique"
    ]


def test_a_contributor_adds_meeting_notes_but_does_not_manage_members(client, contributor, access):
    group = services.group_create(access=access, name="Communication")
    client.force_login(contributor)
    page = client.get(url("group", group.pk)).content.decode()
    assert url("meeting_note_add", group.pk) in page and url("member_add", group.pk) not in page
    response = client.post(
        url("meeting_note_add", group.pk), {"date": TODAY.isoformat(), "text": "Poster ready"}
    )
    assert response.status_code == 302
    assert MeetingNote.objects.get(group=group).text == "Poster ready"
    assert "Poster ready" in client.get(url("group", group.pk)).content.decode()
    assert client.post(url("member_add", group.pk), {"name": "X"}).status_code == 403


def test_the_one_measurement_form_records_for_the_chosen_indicator_of_this_item_only(
    client, access, referent, contributor, reader, full_roadmap
):
    own, kpi = full_roadmap["done"], full_roadmap["kpi"]
    other = PlanItem.objects.exclude(pk=own.pk).first()
    foreign = services.kpi_add(access=access, item=other, user=referent, label="Elsewhere")
    measurement = {"kpi": str(kpi.pk), "date": TODAY.isoformat(), "value": "26.5", "note": "ok"}
    client.force_login(reader)
    assert client.post(url("measurement_record", own.pk), measurement).status_code == 403
    client.force_login(contributor)
    response = client.post(url("measurement_record", own.pk), measurement)
    assert response.status_code == 302 and response["Location"].endswith(f"#kpi-{kpi.pk}")
    assert KpiMeasurement.objects.filter(kpi=kpi, value=26.5, note="ok").exists()
    before = KpiMeasurement.objects.count()
    # An indicator of another item is not a choice here; a value must be a number.
    for wrong in ({"kpi": str(foreign.pk)}, {"value": "x"}, {"kpi": ""}):
        response = client.post(url("measurement_record", own.pk), {**measurement, **wrong})
        assert response.status_code == 302 and response["Location"].endswith("#kpis")
    assert KpiMeasurement.objects.count() == before


def test_an_indicator_is_added_from_its_own_page_linked_from_the_item(
    client, referent, reader, full_roadmap
):
    item = full_roadmap["done"]
    client.force_login(reader)
    assert client.get(url("kpi_add", item.pk)).status_code == 403
    assert client.get(url("journal_add", item.pk)).status_code == 403
    assert client.get(url("measurement_record", item.pk)).status_code == 403
    assert url("kpi_add", item.pk) not in client.get(url("item", item.pk)).content.decode()
    client.force_login(referent)
    detail = client.get(url("item", item.pk)).content.decode()
    assert f'href="{url("kpi_add", item.pk)}"' in detail and 'name="direction"' not in detail
    page = client.get(url("kpi_add", item.pk)).content.decode()
    assert 'id="new-kpi-label"' in page and 'name="direction"' in page
    response = client.post(url("kpi_add", item.pk), {"label": "Printers off", "direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith("#kpis")
    assert item.kpis.filter(label="Printers off").exists()


# --- Other organisations ----------------------------------------------------------------------


def test_an_outsider_gets_404_everywhere(client, org_b, member, full_roadmap):
    outsider = member(org_b, Role.REFERENT)
    client.force_login(outsider)
    item, group, kpi = full_roadmap["done"], full_roadmap["group"], full_roadmap["kpi"]
    for page in (url("roadmap"), url("item", item.pk), url("groups"), url("group", group.pk)):
        assert client.get(page).status_code == 404, page
    assert client.post(url("journal_add", item.pk), {"text": "x"}).status_code == 404
    assert client.post(url("measurement_add", item.pk, kpi.pk), {}).status_code == 404
    assert client.post(url("measurement_record", item.pk), {}).status_code == 404
    # Their own URLs do not reach our rows either.
    own = reverse("roadmap:item", args=["bravo", item.pk])
    assert client.get(own).status_code == 404


def test_the_referent_records_the_approval_and_the_roadmap_shows_it(
    client, referent, reader, full_roadmap
):
    client.force_login(reader)
    assert client.get(url("approval")).status_code == 403
    client.force_login(referent)
    assert client.get(url("approval")).status_code == 200
    response = client.post(
        url("approval"), {"approved_on": "2025-10-02", "approved_by": "Comité de direction"}
    )
    assert response.status_code == 302
    page = client.get(url("roadmap")).content.decode()
    assert "Comité de direction" in page and "2 octobre 2025" in page
