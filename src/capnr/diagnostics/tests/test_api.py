"""The self-diagnostic through the API: start, scores, answers with optimistic locking,
submission, and who may do what."""

import pytest

from capnr.api.services import api_token_create
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="diagnostic script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Alice Référente")


@pytest.fixture
def token(referent):
    return bearer(referent)


@pytest.fixture
def base(org_a):
    return f"/api/v1/organisations/{org_a.slug}/diagnostics"


def start(client, base, token, year=2025):
    response = client.post(base, {"year": year}, content_type="application/json", **token)
    assert response.status_code == 201, response.content
    return response.json()


def put(client, base, token, question_id, year=2025, **body):
    body.setdefault("version", 0)
    return client.put(
        f"{base}/{year}/answers/{question_id}", body, content_type="application/json", **token
    )


def test_start_then_list_and_read_an_empty_diagnostic(client, base, token):
    created = start(client, base, token)
    assert created["year"] == 2025 and created["status"] == "in_progress"
    assert created["progress"]["answered"] == 0 and created["progress"]["total"] > 100
    assert created["overall_percent"] is None and created["grade"] is None
    assert created["previous"] is None

    listed = client.get(base, **token)
    assert listed.status_code == 200
    assert [item["year"] for item in listed.json()] == [2025]
    assert listed.json()[0]["referential_version"] == created["referential_version"]

    detail = client.get(f"{base}/2025", **token).json()
    strategy = next(theme for theme in detail["themes"] if theme["id"] == "strategy")
    assert strategy["title_fr"] and strategy["title_en"] and strategy["percent"] is None
    assert client.get(f"{base}/2025/answers", **token).json() == []


def test_a_year_started_twice_is_409_and_an_impossible_year_422(client, base, token):
    start(client, base, token)
    again = client.post(base, {"year": 2025}, content_type="application/json", **token)
    assert again.status_code == 409 and "2025" in again.json()["detail"]
    too_old = client.post(base, {"year": 1999}, content_type="application/json", **token)
    assert too_old.status_code == 422 and too_old.json()["detail"]
    assert [item["year"] for item in client.get(base, **token).json()] == [2025]


def test_answers_give_scores_gaps_and_follow_ups(client, base, token):
    start(client, base, token)
    saved = put(client, base, token, "strategy.01", value="yes", evidence="Note de service 12")
    assert saved.status_code == 200, saved.content
    answer = saved.json()
    assert answer["version"] == 1 and answer["answered_by"] == "Alice Référente"
    assert put(client, base, token, "strategy.02", value="unknown").status_code == 200
    assert put(client, base, token, "data.01", value="no").status_code == 200

    detail = client.get(f"{base}/2025", **token).json()
    strategy = next(theme for theme in detail["themes"] if theme["id"] == "strategy")
    assert strategy["answered"] == 2 and strategy["percent"] == 50.0
    assert detail["progress"]["answered"] == 3
    assert detail["overall_percent"] is not None and detail["grade"] in "ABCDE"
    assert detail["out_of_1000"] == round(detail["overall_percent"] * 10)
    assert "indicative_label_level" in detail
    gap = next(gap for gap in detail["compliance_gaps"] if gap["question_id"] == "data.01")
    assert gap["answer"] == "no" and "RGPD" in gap["legal_reference"]
    assert gap["due"] == "2018-05-25" and gap["to_confirm"] is False
    assert detail["follow_ups"] == ["strategy.02"]

    answers = {a["question_id"]: a for a in client.get(f"{base}/2025/answers", **token).json()}
    assert answers["strategy.01"]["evidence"] == "Note de service 12"
    assert answers["strategy.01"]["updated_at"]


def test_the_indicative_label_level_is_named_in_the_requests_language(client, base, token):
    start(client, base, token)
    for question in ("strategy.01", "strategy.02", "strategy.03"):
        assert put(client, base, token, question, value="yes").status_code == 200
    client.cookies["django_language"] = "en"  # the language chosen in the footer
    english = client.get(f"{base}/2025", **token).json()
    client.cookies["django_language"] = "fr"
    french = client.get(f"{base}/2025", **token).json()
    assert english["indicative_label_level_number"] == 2
    assert english["indicative_label_level"] == "Level 2 (indicative)"
    assert french["indicative_label_level"] == "Niveau 2 (indicatif)"


def test_a_stale_version_is_409_with_the_other_answer_and_overwrites_nothing(
    client, org_a, member, base, token
):
    start(client, base, token)
    first = put(client, base, token, "strategy.01", value="no", comment="Pas encore").json()
    other = bearer(member(org_a, Role.REFERENT, full_name="Bob"))
    assert put(client, base, other, "strategy.01", value="yes", version=1).status_code == 200

    stale = put(client, base, token, "strategy.01", value="partly", version=first["version"])
    assert stale.status_code == 409
    body = stale.json()
    assert body["detail"]
    assert body["current"]["value"] == "yes" and body["current"]["answered_by"] == "Bob"
    assert body["current"]["comment"] == "" and body["current"]["version"] == 2

    # A first answer sent while someone else created one is a conflict too.
    assert put(client, base, token, "strategy.01", value="partly").status_code == 409
    # Choosing again from the version shown in the conflict works.
    again = put(client, base, token, "strategy.01", value="partly", version=2)
    assert again.status_code == 200 and again.json()["version"] == 3


def test_an_impossible_value_or_an_inapplicable_question_is_refused(client, base, token):
    start(client, base, token)
    wrong_value = put(client, base, token, "strategy.01", value="maybe")
    assert wrong_value.status_code == 422
    # strategy.07 is for large communes only; org_a is a state service.
    inapplicable = put(client, base, token, "strategy.07", value="yes")
    assert inapplicable.status_code == 422 and "strategy.07" in inapplicable.json()["detail"]
    unknown = put(client, base, token, "nothing.99", value="yes")
    assert unknown.status_code == 422
    assert client.get(f"{base}/2025/answers", **token).json() == []


def test_sending_the_same_answer_again_changes_nothing(client, base, token):
    start(client, base, token)
    put(client, base, token, "strategy.01", value="yes")
    same = put(client, base, token, "strategy.01", value="yes", version=1)
    assert same.status_code == 200 and same.json()["version"] == 1
    nothing = put(client, base, token, "strategy.02", value="")
    assert nothing.status_code == 200 and nothing.json()["version"] == 0


def test_next_year_starts_from_last_years_answers_to_confirm(client, base, token):
    start(client, base, token, year=2024)
    put(client, base, token, "strategy.01", year=2024, value="yes")
    created = start(client, base, token, year=2025)
    assert created["previous"] == {
        "year": 2024,
        "score": 100,
        "grade": "A",
        "overall_percent": 100.0,
    }
    assert created["progress"]["to_confirm"] == 1 and created["overall_percent"] is None

    carried = client.get(f"{base}/2025/answers", **token).json()
    assert carried[0]["to_confirm"] is True and carried[0]["value"] == "yes"
    confirmed = put(client, base, token, "strategy.01", value="yes", version=carried[0]["version"])
    assert confirmed.json()["to_confirm"] is False
    assert client.get(f"{base}/2025", **token).json()["overall_percent"] == 100.0


def test_submit_freezes_the_answers_until_reopened(client, base, token):
    start(client, base, token)
    submitted = client.post(f"{base}/2025/submit", **token)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"]
    assert client.post(f"{base}/2025/submit", **token).status_code == 409

    refused = put(client, base, token, "strategy.01", value="yes")
    detail = refused.json()["detail"].lower()
    assert refused.status_code == 409 and ("validé" in detail or "submitted" in detail)

    reopened = client.post(f"{base}/2025/reopen", **token)
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    assert put(client, base, token, "strategy.01", value="yes").status_code == 200


def test_a_reader_reads_but_cannot_write(client, org_a, member, base, token):
    start(client, base, token)
    put(client, base, token, "strategy.01", value="yes")
    reader = bearer(member(org_a, Role.READER))
    assert client.get(base, **reader).status_code == 200
    assert client.get(f"{base}/2025", **reader).status_code == 200
    assert len(client.get(f"{base}/2025/answers", **reader).json()) == 1

    writes = [
        client.post(base, {"year": 2026}, content_type="application/json", **reader),
        put(client, base, reader, "strategy.01", value="no", version=1),
        client.post(f"{base}/2025/submit", **reader),
        client.post(f"{base}/2025/reopen", **reader),
    ]
    assert [response.status_code for response in writes] == [403] * 4
    assert client.get(f"{base}/2025/answers", **token).json()[0]["value"] == "yes"
    assert client.get(f"{base}/2025", **token).json()["status"] == "in_progress"


def test_a_contributor_cannot_run_the_diagnostic(client, org_a, member, base, token):
    start(client, base, token)
    contributor = bearer(member(org_a, Role.CONTRIBUTOR))
    assert client.get(f"{base}/2025", **contributor).status_code == 200
    assert put(client, base, contributor, "strategy.01", value="yes").status_code == 403


def test_outsiders_get_404_and_anonymous_visitors_401(client, org_b, member, base, token):
    start(client, base, token)
    outsider = bearer(member(org_b, Role.REFERENT))
    assert client.get(base, **outsider).status_code == 404
    assert client.get(f"{base}/2025", **outsider).status_code == 404
    assert put(client, base, outsider, "strategy.01", value="yes").status_code == 404
    assert client.get(base).status_code == 401
    assert put(client, base, {}, "strategy.01", value="yes").status_code == 401
    assert client.get(f"{base}/2030", **token).status_code == 404


def test_a_session_works_as_well_as_a_token(client, referent, base):
    client.force_login(referent)
    assert client.post(base, {"year": 2025}, content_type="application/json").status_code == 201
    assert client.get(f"{base}/2025").json()["year"] == 2025


def test_the_endpoints_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        operation
        for path, methods in schema["paths"].items()
        if "/diagnostics" in path
        for operation in methods.values()
    ]
    assert len(operations) == 7
    assert all(op.get("summary") and op.get("description") for op in operations)
