"""Views of the educator blueprint: dashboard, enrolment, codes and the comprehension summary."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import joinedload

from quizapp import db
from quizapp.domain import status as st
from quizapp.educator import queries, summary
from quizapp.educator.access import assignable_banks, visible_patient
from quizapp.educator.forms import ActionForm, AssignForm, PatientForm
from quizapp.models import Assignment, Bank, Role
from quizapp.operations import patients as patient_ops
from quizapp.requests import audit
from quizapp.security.roles import role_required

bp = Blueprint("educator", __name__, url_prefix="/educator")
STAFF = (Role.EDUCATOR, Role.ADMIN)


def _scope() -> int | None:
    """Educators see their own patients; administrators see everyone's."""
    return None if current_user.role == Role.ADMIN else current_user.id


@bp.get("/")
@role_required(*STAFF)
def dashboard() -> ResponseReturnValue:
    """Patients with their quiz status, soonest consult first; filter, search and pages."""
    status = request.args.get("status", "")
    search = request.args.get("q", "")[:100]
    page = request.args.get("page", 1, type=int)
    result = queries.patients_page(db.connection(), _scope(), status, search, page)
    return render_template(
        "educator/dashboard.html", page=result, status=status, search=search, labels=st.LABELS
    )


@bp.get("/patients.csv")
@role_required(*STAFF)
def export_csv() -> ResponseReturnValue:
    """The patients as CSV (audited): name, MRN, consult date, status, topics to discuss."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["patient_id", "name", "mrn", "consult_date", "bank", "status", "topics_to_discuss"]
    )
    db.read_one_snapshot()  # the pages of the export add up, whatever is enrolled meanwhile
    page, number = None, 1
    while page is None or number <= page.pages:
        page = queries.patients_page(db.session(), _scope(), page=number, per_page=500)
        for row in page.rows:
            writer.writerow(
                [
                    row.patient_id,
                    _cell(row.name),
                    _cell(row.mrn or ""),
                    row.consult_date or "",
                    _cell(row.bank_title),
                    row.status_label,
                    _cell("; ".join(row.to_discuss)),
                ]
            )
        number += 1
    audit("patients.export.csv", target=f"patients:{page.total}")
    db.session().commit()
    headers = {"Content-Disposition": "attachment; filename=patients.csv"}
    return Response(out.getvalue(), mimetype="text/csv", headers=headers)


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in a CSV cell."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.route("/patients/new", methods=["GET", "POST"])
@role_required(Role.EDUCATOR)
def patient_new() -> ResponseReturnValue:
    """Enrol a patient, assign a bank and show the access slip once."""
    form = PatientForm()
    form.bank.choices = [*assignable_banks(), ("", "No quiz yet")]
    if form.validate_on_submit():
        dbs = db.session()
        if patient_ops.find_by_enrolment_key(dbs, form.enrolment_key.data or ""):
            return _already_added()
        try:
            patient = _enrol(form)
        except patient_ops.EnrolmentError as exc:
            dbs.rollback()
            target = form.mrn if "MRN" in str(exc) else form.display_name
            target.errors = [*target.errors, str(exc)]
        except sa.exc.IntegrityError:  # the same form, sent twice at the same moment
            dbs.rollback()
            return _already_added()
        else:
            return _issue_slip(patient, "patient.enrol")
    form.process_consult_date_error()
    return render_template("educator/patient_new.html", form=form), 422 if form.errors else 200


def _enrol(form: PatientForm):
    dbs = db.session()
    patient = patient_ops.add_patient(
        dbs,
        current_user,
        form.display_name.data or "",
        form.mrn.data,
        form.consult_date.data,
        enrolment_key=form.enrolment_key.data or None,
    )
    if form.bank.data:
        bank = dbs.scalar(sa.select(Bank).where(Bank.slug == form.bank.data))
        patient_ops.assign_bank(
            dbs, patient, bank, current_user, form.questions_per_topic.data, form.max_rounds.data
        )
    return patient


def _already_added() -> ResponseReturnValue:
    flash("This patient was already added. Reissue the code from their page if needed.", "info")
    return redirect(url_for("educator.dashboard"))


def _issue_slip(patient, action: str) -> ResponseReturnValue:
    """Issue a fresh code (revoking the old one) and show the slip; the code is shown only here."""
    dbs = db.session()
    code = patient_ops.issue_code(
        dbs,
        patient,
        current_app.config["SECRET_KEY"],
        current_app.config["QUIZAPP_ACCESS_CODE_DAYS"],
        current_user,
    )
    audit(action, patient_id=patient.id, target=f"patient:{patient.id}")
    dbs.commit()
    start_url = current_app.config["QUIZAPP_PUBLIC_URL"].rstrip("/") + "/start"
    days = current_app.config["QUIZAPP_ACCESS_CODE_DAYS"]
    return render_template(
        "educator/slip.html", patient=patient, code=code, start_url=start_url, days=days
    )


#: A patient's assignments (bound ``patient_id``) with what summary.build() reads of them.
_ASSIGNMENTS = (
    sa.select(Assignment)
    .where(Assignment.patient_id == sa.bindparam("patient_id"))
    .order_by(Assignment.id)
    .options(joinedload(Assignment.bank).joinedload(Bank.document))
)


@bp.get("/patients/<int:patient_id>")
@role_required(*STAFF)
def patient_detail(patient_id: int) -> ResponseReturnValue:
    """The comprehension summary printed for the consult (every view is audited)."""
    patient = visible_patient(patient_id)
    dbs = db.session()
    assignments = dbs.scalars(_ASSIGNMENTS, {"patient_id": patient.id}).all()
    summaries = [summary.build(dbs, a) for a in assignments]
    assign_form = AssignForm()
    taken = {a.bank.slug for a in assignments}
    assign_form.bank.choices = [(s, t) for s, t in assignable_banks() if s not in taken]
    audit("patient.summary.view", patient_id=patient.id, target=f"patient:{patient.id}", alone=True)
    dbs.commit()
    return render_template(
        "educator/patient.html",
        patient=patient,
        summaries=summaries,
        assign_form=assign_form,
        form=ActionForm(),
    )


@bp.post("/patients/<int:patient_id>/code")
@role_required(Role.EDUCATOR)
def reissue_code(patient_id: int) -> ResponseReturnValue:
    """Issue a new code (the old one stops working) and show the slip."""
    patient = visible_patient(patient_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("educator.patient_detail", patient_id=patient.id))
    return _issue_slip(patient, "patient.code.reissue")


@bp.post("/patients/<int:patient_id>/code/revoke")
@role_required(Role.EDUCATOR)
def revoke_code(patient_id: int) -> ResponseReturnValue:
    """Stop the patient's code from working and sign them out."""
    patient = visible_patient(patient_id)
    if ActionForm().validate_on_submit():
        count = patient_ops.revoke_codes(db.session(), patient)
        audit("patient.code.revoke", patient_id=patient.id, target=f"patient:{patient.id}")
        db.session().commit()
        flash(
            "The code no longer works." if count else "There was no working code to stop.",
            "success",
        )
    return redirect(url_for("educator.patient_detail", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/assign")
@role_required(Role.EDUCATOR)
def assign(patient_id: int) -> ResponseReturnValue:
    """Give the patient another bank."""
    patient = visible_patient(patient_id)
    form = AssignForm()
    form.bank.choices = assignable_banks()
    dbs = db.session()
    if form.validate_on_submit():
        bank = dbs.scalar(sa.select(Bank).where(Bank.slug == form.bank.data))
        try:
            patient_ops.assign_bank(
                dbs,
                patient,
                bank,
                current_user,
                form.questions_per_topic.data,
                form.max_rounds.data,
            )
        except patient_ops.EnrolmentError as exc:
            flash(str(exc), "error")
        else:
            audit("patient.assign", patient_id=patient.id, target=f"bank:{bank.id}")
            dbs.commit()
            flash(f"{bank.title} is assigned. The patient's code stays the same.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("educator.patient_detail", patient_id=patient.id))
