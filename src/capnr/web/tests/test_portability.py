"""An organisation leaves with all its data and comes back whole (issue 13: the organisation
export, GDPR portability): export the demo's road agency, delete it, import the file, export
again: every row is the same, references included, ids aside. Nothing of another organisation
goes out or changes; a file that is not an export, or one from a newer Cap NR, is refused."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capnr.collection.models import Campaign
from capnr.organisations.models import Department, Organisation, Role, User
from capnr.web.demo import seed_demo
from capnr.web.portability import (
    PortabilityError,
    export_organisation,
    exported_models,
    import_organisation,
)

pytestmark = pytest.mark.django_db

SLUG = "routes-haut-vallon"


def records(archive: bytes) -> list[dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return json.loads(opened.read("data.json"))


def canonical(archive: bytes) -> dict[str, list[dict[str, Any]]]:
    """The export's rows per model with ids replaced by each row's rank in its model (people by
    their email), so that two exports of the same data under other ids compare equal."""
    rows = records(archive)
    rank: dict[str, dict[Any, Any]] = {}
    for record in rows:
        ranks = rank.setdefault(record["model"], {})
        ranks[record["pk"]] = (
            record["fields"]["email"] if record["model"] == "organisations.user" else len(ranks)
        )
    from django.apps import apps

    out: dict[str, list[dict[str, Any]]] = {}
    for record in rows:
        model = apps.get_model(record["model"])
        fields = {}
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.is_relation and value is not None:
                target = rank[field.related_model._meta.label_lower]
                value = sorted(target[v] for v in value) if field.many_to_many else target[value]
            fields[name] = value
        out.setdefault(record["model"], []).append(fields)
    return out


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    seed_demo(password="portability-test-2025")
    return Organisation.objects.get(slug=SLUG)


def every_other_row(slug: str) -> dict[str, int]:
    others = Organisation.objects.exclude(slug=slug)
    return {
        model._meta.label_lower: model._default_manager.filter(**{f"{path}__in": others}).count()
        for model, path in exported_models()
    }


def own_report(organisation: Organisation, title: str = "Our own lesson") -> Any:
    """A report of ``organisation``, written from one of its roadmap items."""
    from capnr.peers.models import ExperienceReport
    from capnr.roadmap.models import PlanItem

    return ExperienceReport.objects.create(
        organisation=organisation,
        item=PlanItem.objects.filter(
            organisation=organisation, experience_report__isnull=True
        ).first(),
        theme="strategy",
        title=title,
        outcome="done",
        year=2025,
        what_was_done="Switched off at night.",
    )


def test_an_organisation_leaves_and_comes_back_whole(demo, tmp_path):
    from capnr.peers.models import BenchmarkOptOut

    own_report(demo)  # its roadmap item is a one-to-one key: carried to the new id
    BenchmarkOptOut.objects.create(organisation=demo)
    first = export_organisation(demo)
    exported = canonical(first)
    assert {"diagnostics.answer", "inventory.asset", "roadmap.planitem"} <= set(exported)
    assert [row["title"] for row in exported["peers.experiencereport"]] == ["Our own lesson"]
    assert exported["peers.experiencereport"][0]["item"] is not None
    assert len(exported["peers.benchmarkoptout"]) == 1
    assert sum(map(len, exported.values())) > 500
    users_before = User.objects.count()
    others = every_other_row(SLUG)
    Department.objects.filter(organisation=demo).update(parent=None)  # protected, child first
    demo.delete()
    path = tmp_path / "export.zip"
    path.write_bytes(first)
    back = import_organisation(path)
    assert back.slug == SLUG
    again = canonical(export_organisation(back))
    assert again.keys() == exported.keys()
    for model, rows in exported.items():
        for before, after in zip(rows, again[model], strict=True):
            assert before == after, model
    assert every_other_row(SLUG) == others  # nothing of another organisation changed
    assert User.objects.count() == users_before  # people matched by their email


def test_the_export_holds_only_this_organisation_and_no_secret(demo):
    archive = export_organisation(demo)
    text = zipfile.ZipFile(io.BytesIO(archive)).read("data.json").decode()
    for other in Organisation.objects.exclude(pk=demo.pk):
        assert other.name not in text
    assert "pbkdf2" not in text
    rows = records(archive)
    assert not any({"password", "token_hash"} & set(r["fields"]) for r in rows)
    people = [r for r in rows if r["model"] == "organisations.user"]
    assert people and all(set(r["fields"]) == {"email", "full_name"} for r in people)
    # The public page of the finished challenge's outcomes: its link stays here, unpublished
    # once imported; the erasure certificates' files stay here too.
    published = Campaign.objects.filter(organisation=demo, outcomes_token__isnull=False)
    assert published and not any(campaign.outcomes_token in text for campaign in published)
    assert not any(
        {"outcomes_token", "certificate_file", "certificate_file_name"} & set(r["fields"])
        for r in rows
    )


def test_an_import_under_a_taken_short_name_is_refused_and_stores_nothing(demo, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(export_organisation(demo))
    count = Organisation.objects.count()
    with pytest.raises(PortabilityError, match="already exists"):
        import_organisation(path)
    copy = import_organisation(path, slug="routes-copie")
    assert Organisation.objects.count() == count + 1
    assert (
        canonical(export_organisation(copy))["inventory.asset"]
        == canonical(path.read_bytes())["inventory.asset"]
    )


def test_files_that_are_not_exports_or_come_from_a_newer_cap_nr_are_refused(demo, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    with pytest.raises(PortabilityError, match="not a Cap NR organisation export"):
        import_organisation(not_zip)
    archive = zipfile.ZipFile(io.BytesIO(export_organisation(demo)))
    manifest = json.loads(archive.read("manifest.json"))
    manifest["migrations"].append(["roadmap", "9999_from_the_future"])
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        out.writestr("data.json", archive.read("data.json"))
    with pytest.raises(PortabilityError, match="newer version"):
        import_organisation(newer)


def test_the_commands(demo, tmp_path, capsys):
    target = tmp_path / "out.zip"
    call_command("export_organisation", SLUG, str(target))
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_organisation", SLUG, str(target))
    call_command("import_organisation", str(target), "--slug", "routes-bis")
    assert "imported as “routes-bis”" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_organisation", str(tmp_path / "missing.zip"))


def test_the_referent_downloads_the_export_from_the_profile_page(client, org_a, org_b, member):
    referent = member(org_a, Role.REFERENT)
    client.force_login(referent)
    page = client.get(f"/o/{org_a.slug}/profile/", HTTP_ACCEPT_LANGUAGE="fr")
    assert f"/o/{org_a.slug}/export.zip" in page.content.decode()
    response = client.get(f"/o/{org_a.slug}/export.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"capnr-{org_a.slug}-" in response["Content-Disposition"]
    names = {r["fields"].get("name") for r in records(response.content)}
    assert "Alpha hidden site" in names and "Bravo town hall" not in names
    assert client.get(f"/o/{org_b.slug}/export.zip").status_code in {403, 404}
    client.force_login(member(org_a, Role.READER))
    assert client.get(f"/o/{org_a.slug}/export.zip").status_code == 403
    assert "/export.zip" not in client.get(f"/o/{org_a.slug}/profile/").content.decode()


def test_the_export_holds_the_organisations_own_experience_reports_only(demo):
    from capnr.peers.models import ExperienceReport

    withdrawn = own_report(demo, "Withdrawn lesson")
    ExperienceReport.objects.filter(pk=withdrawn.pk).update(withdrawn_at=withdrawn.created_at)
    own_report(demo)
    others = set(
        ExperienceReport.objects.exclude(organisation=demo).values_list("title", flat=True)
    )
    assert others  # the demo's alumni share reports: not vacuous
    rows = records(export_organisation(demo))
    titles = {r["fields"]["title"] for r in rows if r["model"] == "peers.experiencereport"}
    assert titles == {"Our own lesson", "Withdrawn lesson"}
    assert not any(r["model"] == "peers.inspiration" for r in rows)
