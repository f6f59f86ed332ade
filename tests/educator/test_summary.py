"""The comprehension summary: readiness, topic results, wrong answers with passages, audit, FHIR."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from markupsafe import escape

from quizapp import db
from quizapp.models import AuditEvent, Choice, Response, Round
from tests.helpers import post_form, recorded_statements
from tests.patient.quizdriver import run_round


@pytest.fixture
def finished(app, make_user, make_patient, make_assignment, issue_code, enter_code, dbs):
    """A patient who missed one anatomy question in round 1 and got it right in round 2."""
    educator = make_user("educator")
    assignment = make_assignment(make_patient(educator=educator, name="Walter"), per_topic=2)
    patient_browser = app.test_client()
    enter_code(patient_browser, issue_code(assignment.patient))
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    run_round(patient_browser, dbs, assignment.id, wrong_positions={3})
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    run_round(patient_browser, dbs, assignment.id)
    return educator, assignment


def test_summary_shows_readiness_topics_and_what_to_go_over(app, finished, login, dbs):
    educator, assignment = finished
    client = app.test_client()
    login(client, educator)
    page = client.get(f"/educator/patients/{assignment.patient_id}").get_data(as_text=True)
    assert "Ready</strong>: ready for the consent discussion." in page
    assert "Rounds: 2 of 3" in page
    assert "<svg" in page and "Topic by topic" in page
    assert (
        '<th scope="row">Where the prostate is</th><td>1 of 2</td><td>2 of 2</td><td>2</td><td>Yes</td>'
        in page
    )
    assert (
        "Talk about" in page and "Round 1:" in page and "Chose:" in page and "Right answer:" in page
    )
    assert "<mark>" in page
    # The one wrong answer: the choice picked, and the right ones in the order shown.
    missed = dbs.scalar(
        sa.select(Response)
        .join(Round, Round.id == Response.round_id)
        .where(Round.assignment_id == assignment.id, Response.is_correct.is_(False))
    )
    picked = {rc.choice_id for rc in missed.chosen}
    options = dbs.scalars(
        sa.select(Choice)
        .where(Choice.version_id == missed.question_version_id)
        .order_by(Choice.position)
    ).all()
    chosen = " / ".join(c.text for c in options if c.id in picked)
    right = " / ".join(c.text for c in options if c.is_correct)
    assert f"Chose: <em>{escape(chosen)}</em>" in page
    assert f"Right answer: <strong>{escape(right)}</strong>" in page


def test_results_pages_read_no_round_questions(app, finished, login):
    """The summaries show results: which question each round asked is not needed (and was read
    on every view)."""
    educator, assignment = finished
    client = app.test_client()
    login(client, educator)
    with recorded_statements(db.state(app).engine) as seen:
        assert client.get(f"/educator/patients/{assignment.patient_id}").status_code == 200
    assert seen and not [s for s in seen if "FROM round_items" in s]


def test_every_view_of_results_is_audited_with_who_whom_and_where(app, finished, login, dbs):
    educator, assignment = finished
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    login(client, educator)
    client.get(f"/educator/patients/{assignment.patient_id}")
    client.get(f"/fhir/QuestionnaireResponse?patient={assignment.patient_id}")
    events = dbs.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_user_id, AuditEvent.patient_id, AuditEvent.ip)
        .where(AuditEvent.action.in_(["patient.summary.view", "patient.results.fhir"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("patient.summary.view", educator.id, assignment.patient_id, "10.1.2.3"),
        ("patient.results.fhir", educator.id, assignment.patient_id, "10.1.2.3"),
    ]


def test_fhir_questionnaire_response_validates_and_holds_the_latest_answers(app, finished, login):
    educator, assignment = finished
    client = app.test_client()
    login(client, educator)
    response = client.get(f"/fhir/QuestionnaireResponse?patient={assignment.patient_id}")
    assert response.content_type.startswith("application/fhir+json")
    data = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(data)
    resource = data["entry"][0]["resource"]
    assert resource["status"] == "completed"
    assert resource["subject"]["reference"] == f"Patient/{assignment.patient_id}"
    assert resource["questionnaire"].endswith("/fhir/Questionnaire/salvage-prostate-cryoablation")
    answered = [item for group in resource["item"] for item in group["item"]]
    assert len(answered) == 14  # 12 in round 1, 2 new in round 2
    coding = answered[0]["answer"][0]["valueCoding"]
    assert coding["system"].endswith("/choices") and coding["code"].startswith(
        answered[0]["linkId"]
    )


@pytest.mark.parametrize(
    "query", ["", "?patient=", "?patient=abc", "?patient=²", "?patient=" + "9" * 12]
)
def test_fhir_search_needs_a_patient_id(app, make_user, login, query):
    client = app.test_client()
    login(client, make_user("educator"))
    response = client.get("/fhir/QuestionnaireResponse" + query)
    assert response.status_code == 400 and "OperationOutcome" in response.get_data(as_text=True)


def test_admin_may_read_any_summary(app, finished, make_user, login):
    _, assignment = finished
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get(f"/educator/patients/{assignment.patient_id}").status_code == 200
    assert "Walter" in client.get("/educator/").get_data(as_text=True)
