"""Every route that takes an id: another educator and a patient get nothing of someone else's."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.models import AuditEvent
from tests.helpers import csrf_from


#: Values for URL arguments: the victim's ids.
def url_values(assignment) -> dict:
    return {
        "patient_id": assignment.patient_id,
        "assignment_id": assignment.id,
        "number": 1,
        "position": 1,
        "anchor": "where-is-the-prostate",
    }


def id_routes(app):
    """(rule, methods) of every route that takes an id of a patient's data."""
    for rule in app.url_map.iter_rules():
        if rule.arguments & {"patient_id", "assignment_id"}:
            yield rule


def build(rule, values) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(values[name])).replace(
            f"<{name}>", str(values[name])
        )
    return path


def test_there_are_routes_to_sweep(app):
    assert len(list(id_routes(app))) >= 10


def test_another_educator_gets_404_on_every_patient_route_and_it_is_audited(
    app, make_user, make_patient, make_assignment, login, dbs
):
    victim = make_assignment(make_patient(educator=make_user("educator")))
    intruder = make_user("educator")
    client = app.test_client()
    login(client, intruder)
    token = csrf_from(client.get("/educator/").get_data(as_text=True))
    swept = 0
    for rule in id_routes(app):
        path = build(rule, url_values(victim))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method, data={"csrf_token": token})
            expected = 403 if rule.rule.startswith("/learn/") else 404  # staff are not patients
            assert response.status_code == expected, f"{method} {path}: {response.status_code}"
            swept += 1
    fhir = client.get(f"/fhir/QuestionnaireResponse?patient={victim.patient_id}")
    assert fhir.status_code == 404
    denied = dbs.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "access.denied", AuditEvent.actor_user_id == intruder.id
        )
    )
    assert swept >= 5 and denied >= swept


def test_a_patient_gets_nothing_of_another_patient(
    app, make_assignment, issue_code, enter_code, dbs
):
    victim = make_assignment()
    other = make_assignment()
    client = app.test_client()
    enter_code(client, issue_code(other.patient))
    token = csrf_from(client.get("/learn/").get_data(as_text=True))
    for rule in id_routes(app):
        path = build(rule, url_values(victim))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method, data={"csrf_token": token})
            expected = 404 if rule.rule.startswith("/learn/") else 403
            assert response.status_code == expected, f"{method} {path}: {response.status_code}"
    assert client.get(f"/fhir/QuestionnaireResponse?patient={victim.patient_id}").status_code == 403
