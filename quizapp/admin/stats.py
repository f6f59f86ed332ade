"""Admin views of item statistics: which questions work, and which need another look."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template
from flask.typing import ResponseReturnValue

from quizapp import db
from quizapp.admin.blueprint import bp
from quizapp.admin.stats_query import answers_by_bank, item_statistics
from quizapp.domain import item_stats
from quizapp.models import Bank, Role
from quizapp.security.roles import role_required


@bp.get("/stats")
@role_required(Role.ADMIN)
def stats_banks() -> ResponseReturnValue:
    """Every bank with its number of answers, each linking to its item statistics."""
    dbs = db.session()
    banks = dbs.scalars(sa.select(Bank).order_by(Bank.title)).all()
    return render_template("admin/stats_banks.html", banks=banks, answers=answers_by_bank(dbs))


@bp.get("/banks/<slug>/stats")
@role_required(Role.ADMIN)
def bank_stats(slug: str) -> ResponseReturnValue:
    """Facility, discrimination, choice use, reading grade and flags of a bank's questions."""
    dbs = db.session()
    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == slug))
    if bank is None:
        abort(404)
    rows = item_statistics(dbs, bank.id)
    flagged = sum(1 for row in rows if row.stats.flags)
    return render_template(
        "admin/stats.html",
        bank=bank,
        rows=rows,
        flagged=flagged,
        thresholds={
            "easy": item_stats.TOO_EASY,
            "hard": item_stats.TOO_HARD,
            "min": item_stats.MIN_FIRST_TRIES,
        },
    )
