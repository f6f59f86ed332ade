"""Reading the document, section by section."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from quizapp import db
from quizapp.domain import documents
from quizapp.models import Assignment, Role
from quizapp.operations import quiz as quiz_ops
from quizapp.patient.blueprint import bp, own_assignment
from quizapp.security.roles import role_required


@bp.get("/learn/<int:assignment_id>/read/")
@role_required(Role.PATIENT)
def contents(assignment_id: int) -> ResponseReturnValue:
    """The document's contents list."""
    assignment = own_assignment(assignment_id)
    document = documents.parse(assignment.bank.document.body)
    _mark_reading(assignment)
    return render_template("patient/contents.html", assignment=assignment, document=document)


@bp.get("/learn/<int:assignment_id>/read/<anchor>")
@role_required(Role.PATIENT)
def section(assignment_id: int, anchor: str) -> ResponseReturnValue:
    """One section of the document, with a link to the next."""
    assignment = own_assignment(assignment_id)
    document = documents.parse(assignment.bank.document.body)
    anchors = [s.anchor for s in document.sections]
    if anchor not in anchors:
        abort(404)
    index = anchors.index(anchor)
    _mark_reading(assignment)
    return render_template(
        "patient/section.html",
        assignment=assignment,
        document=document,
        section=document.sections[index],
        number=index + 1,
        next_section=document.sections[index + 1] if index + 1 < len(anchors) else None,
        block_html=documents.block_html,
    )


def _mark_reading(assignment: Assignment) -> None:
    """Remember when the patient first opened the document (the only write of a reading page)."""
    if assignment.started_reading_at is None:
        db.start_writing()
        quiz_ops.mark_reading(db.session(), assignment)
        db.session().commit()
