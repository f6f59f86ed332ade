"""The benchmark's cohort generator, at a tiny size: it makes what it promises, by the app's rules."""

from __future__ import annotations

import sqlalchemy as sa

from benchmarks import cohort
from quizapp import db
from quizapp.models import Assignment, Patient, Response, ResponseChoice, Round, RoundItem, User
from quizapp.operations import quiz as quiz_ops

TINY = cohort.Size(patients=12, educators=3, open_share=0.25)


def count(dbs, model) -> int:
    return dbs.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_tiny_cohort_has_the_promised_rows_follows_teach_to_goal_and_can_sign_in(
    app, client, dbs, enter_code
):
    made = cohort.generate(db.state(app).engine, TINY, app.config["SECRET_KEY"], seed=3)

    assert count(dbs, Patient) == 12
    assert dbs.scalar(sa.select(sa.func.count()).where(User.role == "educator")) == 3
    assert len(made.educator_emails) == 3 and made.admin_email
    assert count(dbs, Assignment) == 12
    assert count(dbs, Round) == 12 * 3  # three rounds each
    for model in (RoundItem, Response, ResponseChoice):
        assert made.counts[model.__tablename__] == count(dbs, model)
    # about 60 answers a patient: round 1 asks 6 topics x 4, later rounds the topics not mastered
    finished = 12 - len(made.open_patients)
    assert 40 * finished <= count(dbs, Response) <= 72 * 12

    for assignment in dbs.scalars(sa.select(Assignment)):
        state = quiz_ops.progress(dbs, assignment)
        assert [r.number for r in state.rounds] == [1, 2, 3]
        if assignment.completed_at is not None:
            assert state.open_round is None
            assert assignment.ready == state.ready  # the outcome the app would have recorded
        else:
            assert state.open_round is state.rounds[-1]
            assert state.next_item(state.open_round).position == 0  # nothing answered yet

    # the load test's patients: their items as listed, and their code signs them in
    assert made.open_patients, "the tiny cohort has patients with an open round"
    patient = made.open_patients[0]
    items = dbs.scalars(
        sa.select(RoundItem.question_version_id)
        .join(Round, Round.id == RoundItem.round_id)
        .where(Round.assignment_id == patient.assignment_id, Round.number == patient.round_number)
        .order_by(RoundItem.position)
    ).all()
    assert [version for _position, version, _choice in patient.items] == list(items)
    assert enter_code(client, patient.code).status_code == 302
    page = client.get(f"/learn/{patient.assignment_id}/round/{patient.round_number}/q/1")
    assert page.status_code == 200 and 'name="choice"' in page.get_data(as_text=True)


def test_settle_leaves_postgresql_as_in_service_and_sqlite_alone(app, dbs):
    """After the cohort, the benchmark vacuums and analyzes PostgreSQL (what autovacuum would have
    done) and checkpoints, so no measured run meets that work; SQLite needs none of it."""
    from benchmarks.legs import settle

    engine = db.state(app).engine
    cohort.generate(engine, TINY, app.config["SECRET_KEY"], seed=4)
    said: list[str] = []
    settle(engine, said.append)
    assert said == []  # nothing refused (the tests' PostgreSQL user may checkpoint)
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        vacuumed = conn.exec_driver_sql(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('responses', 'round_items', 'response_choices') "
            "AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
        ).scalars()
        assert sorted(vacuumed) == ["response_choices", "responses", "round_items"]
