"""Views of the FHIR blueprint: JSON resources for staff, errors as OperationOutcome."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from quizapp import db
from quizapp.domain import fhir
from quizapp.educator.access import visible_patient
from quizapp.interop.responses import patient_responses
from quizapp.models import Role
from quizapp.operations import banks as bank_ops
from quizapp.requests import audit, database_id
from quizapp.security.roles import role_required

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_response(resource: dict[str, Any], status: int = 200) -> Response:
    """A FHIR resource as ``application/fhir+json``."""
    body = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    return Response(body, status=status, content_type=FHIR_JSON)


def operation_outcome(status: int, code: str, message: str) -> Response:
    """A FHIR OperationOutcome explaining why the request failed."""
    issue = {"severity": "error", "code": code, "diagnostics": message}
    return fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)


@bp.get("/Questionnaire/<slug>")
@role_required(Role.ADMIN, Role.EDUCATOR)
def questionnaire(slug: str) -> Response:
    """The bank ``slug`` as a FHIR R4 Questionnaire (its approved questions)."""
    bank = bank_ops.load_bank(db.session(), slug)
    if bank is None:
        return operation_outcome(404, "not-found", f"No questionnaire {slug!r}.")
    base_url = current_app.config["QUIZAPP_PUBLIC_URL"]
    return fhir_response(fhir.questionnaire(bank_ops.spec_from_bank(bank), base_url))


@bp.get("/QuestionnaireResponse")
@role_required(Role.ADMIN, Role.EDUCATOR)
def questionnaire_response() -> Response:
    """Search by ``patient``: that patient's answers as a Bundle of QuestionnaireResponses
    (educators: their own patients only; every read is audited)."""
    patient_id = database_id(request.args.get("patient", ""))
    if patient_id is None:
        return operation_outcome(400, "required", "Give the patient's id: ?patient=<id>.")
    patient = visible_patient(patient_id)
    base_url = current_app.config["QUIZAPP_PUBLIC_URL"]
    bundle = fhir.searchset(patient_responses(db.session(), patient, base_url))
    audit("patient.results.fhir", patient_id=patient.id, target=f"patient:{patient.id}", alone=True)
    db.session().commit()
    return fhir_response(bundle)
