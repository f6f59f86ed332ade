"""``GET /fhir/Questionnaire/<slug>``: the bank as FHIR JSON, for staff only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire

from quizapp.domain import bankload
from quizapp.operations import banks as bank_ops

BUNDLED = Path(__file__).parents[2] / "questions" / "salvage-prostate-cryoablation.yaml"
URL = "/fhir/Questionnaire/salvage-prostate-cryoablation"


@pytest.fixture
def app_config() -> dict:
    return {"QUIZAPP_PUBLIC_URL": "https://quiz.example.org"}


@pytest.fixture
def bank(dbs):
    """The bundled bank, imported."""
    spec = bankload.load(BUNDLED).specs[0]
    bank_ops.import_bank(dbs, spec, bank_ops.ImportReport())
    dbs.commit()
    return spec


@pytest.mark.parametrize("role", ["admin", "educator"])
def test_staff_get_the_questionnaire_as_fhir_json(client, make_user, login, bank, role):
    login(client, make_user(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    resource = Questionnaire.model_validate(response.get_json(force=True))
    assert resource.url == "https://quiz.example.org" + URL
    assert [group.linkId for group in resource.item] == [t.key for t in bank.topics]


def test_anonymous_visitors_are_sent_to_sign_in(client, bank):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_patients_are_refused(client, bank, make_patient, issue_code, enter_code):
    enter_code(client, issue_code(make_patient()))
    response = client.get(URL)
    assert response.status_code == 403
    assert "You cannot open this page" in response.get_data(as_text=True)


def test_an_unknown_bank_is_a_404_operation_outcome(client, make_user, login):
    login(client, make_user("admin"))
    response = client.get("/fhir/Questionnaire/no-such-bank")
    assert response.status_code == 404
    assert response.mimetype == "application/fhir+json"
    OperationOutcome.model_validate(response.get_json(force=True))
    assert response.get_json(force=True) == {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "not-found",
                "diagnostics": "No questionnaire 'no-such-bank'.",
            }
        ],
    }
