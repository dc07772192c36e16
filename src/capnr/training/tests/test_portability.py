"""The training programme in the organisation's export (the référent's ZIP): offers, sessions,
registrations with attendance and the trainees' names (the référent may see them; an erased
name stays erased), and back again under new ids, with new secrets."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from capnr.training import services
from capnr.training.models import (
    Registration,
    SatisfactionLink,
    SkillsCampaign,
    SkillsResponse,
    Trainee,
    TrainingPolicy,
    TrainingSession,
)
from capnr.web.portability import export_organisation, import_organisation

pytestmark = pytest.mark.django_db


def rows(archive: bytes) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return json.loads(opened.read("data.json"))


@pytest.fixture
def programme(access, referent, hr_access, hr, make_session, named):
    session = make_session()
    ann = services.registration_create(
        access=hr_access, session=session, trainee=named("Ann Present"), by=hr
    )
    gone = named("Gil Gone")
    services.registration_create(access=hr_access, session=session, trainee=gone, by=hr)
    services.trainee_erase(access=hr_access, trainee=gone)
    services.trainer_link_send(access=access, session=session, by=referent, build_url=str)
    session.starts_at = timezone.now() - dt.timedelta(hours=2)
    session.save()
    services.attendance_record(
        access=hr_access, session=session, marks={ann.pk: "present"}, source="sheet"
    )
    services.satisfaction_links_create(access=access, session=session, build_url=str)
    services.satisfaction_answer(
        link=SatisfactionLink.objects.get(), helped=3, pace="right", recommend="yes"
    )
    campaign = services.campaign_create(access=access, name="Spring")
    services.skills_answer(campaign=campaign, site_id=None, department_id=None, levels={"email": 2})
    services.policy_save(access=access, retention_months=12, field_agents=30)
    return session


def test_the_export_holds_the_programme_with_names_and_no_secret(org_a, programme):
    records = rows(export_organisation(org_a))
    models = {record["model"] for record in records}
    assert {
        "training.trainingoffer",
        "training.trainingsession",
        "training.trainee",
        "training.registration",
        "training.satisfactionlink",
        "training.skillscampaign",
        "training.skillsresponse",
        "training.trainingpolicy",
    } <= models
    assert "training.trainerlink" not in models  # a secret bound to this instance
    names = {r["fields"]["name"] for r in records if r["model"] == "training.trainee"}
    assert names == {"Ann Present", ""}  # the erased name stays erased
    attended = [r["fields"]["attended"] for r in records if r["model"] == "training.registration"]
    assert sorted(attended) == ["present", "unknown"]
    for record in records:
        if record["model"].startswith("training."):
            assert not {"token_hash", "link_token"} & set(record["fields"]), record["model"]


def test_the_programme_comes_back_under_new_ids_with_new_links(org_a, programme, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(export_organisation(org_a))
    copy = import_organisation(path, slug="alpha-copy")
    session = TrainingSession.objects.get(offer__organisation=copy)
    assert session.pk != programme.pk and session.trainer_email == "tina@example.org"
    present = Registration.objects.get(session=session, attended="present")
    assert present.trainee.name == "Ann Present"
    assert SatisfactionLink.objects.get(registration=present).helped == 3
    old, new = (SkillsCampaign.objects.get(organisation=org) for org in (org_a, copy))
    assert new.link_token and new.link_token != old.link_token
    assert SkillsResponse.objects.filter(campaign=new).count() == 1
    assert TrainingPolicy.objects.get(organisation=copy).field_agents == 30
    assert Trainee.objects.filter(organisation=copy, erased_at__isnull=False).count() == 1
    assert not session.trainer_links.exists()
