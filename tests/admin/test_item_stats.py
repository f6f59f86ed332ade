"""Item statistics of a bank: SQL aggregation checked against a small hand-made cohort."""

from __future__ import annotations

import dataclasses
import re
import statistics

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.admin.stats_query import item_statistics
from quizapp.domain import item_stats
from quizapp.models import (
    Patient,
    Question,
    QuestionVersion,
    Response,
)
from quizapp.operations import banks as bank_ops
from tests.admin.cohort import COHORT, RIGHT, add_round, enrol, make_cohort, versions
from tests.admin.conftest import QUESTIONS
from tests.helpers import recorded_statements


@pytest.fixture
def cohort(dbs, bank, make_user):
    return make_cohort(dbs, bank, make_user("educator"))


def expected(key: str) -> tuple[float, float]:
    """Facility and rest-score correlation of ``key``, worked out row by row in Python."""
    xs, ys = [], []
    for answers in COHORT:
        scores = {k: float(set(p) == RIGHT[k]) for k, p in answers.items()}
        xs.append(scores[key])
        rest = [v for k, v in scores.items() if k != key]
        ys.append(sum(rest) / len(rest))
    return sum(xs) / len(xs), statistics.correlation(xs, ys)


def by_key(rows) -> dict[str, item_stats.ItemStats]:
    return {row.key: row.stats for row in rows if row.is_current}


def test_sql_statistics_match_the_cohort_worked_out_by_hand(dbs, cohort):
    stats = by_key(item_statistics(dbs, cohort.id))
    for key in RIGHT:
        facility, discrimination = expected(key)
        assert stats[key].facility == pytest.approx(facility), key
        assert stats[key].discrimination == pytest.approx(discrimination), key
    assert stats["what-freeze"].facility == 0.5
    assert stats["what-freeze"].discrimination == pytest.approx(-0.25)  # strong patients miss it
    assert stats["what-needles"].discrimination > 0
    assert stats["options-other"].facility == 0.2


def test_answers_first_tries_and_picks(dbs, cohort):
    freeze = by_key(item_statistics(dbs, cohort.id))["what-freeze"]
    assert (freeze.answers, freeze.first_tries) == (13, 10)  # 3 second-round answers
    assert [(c.text, c.picks, c.share) for c in freeze.choices] == [
        ("It freezes it.", 8, 8 / 13),  # every answer counts here, second rounds too
        ("It heats it.", 5, 5 / 13),
        ("It cuts it out.", 0, 0.0),
    ]
    options = by_key(item_statistics(dbs, cohort.id))["options-other"]
    assert [c.picks for c in options.choices] == [6, 4, 4]  # select-all: several per answer


def test_flags(dbs, cohort):
    stats = by_key(item_statistics(dbs, cohort.id))
    assert stats["what-freeze"].flags == (
        item_stats.FLAG_NEGATIVE,
        item_stats.FLAG_UNUSED,
    )
    assert stats["what-needles"].flags == ()
    assert stats["options-other"].flags == (item_stats.FLAG_TOO_HARD,)


def test_too_easy_is_flagged(dbs, bank, make_user):
    educator = make_user("educator")
    by_version = versions(dbs)
    for n in range(12):
        answers = {"what-freeze": [0], "what-needles": [0 if n % 2 else 1]}
        add_round(dbs, enrol(dbs, bank, educator), 1, answers, by_version)
    dbs.commit()
    stats = by_key(item_statistics(dbs, bank.id))
    assert stats["what-freeze"].facility == 1.0
    assert item_stats.FLAG_TOO_EASY in stats["what-freeze"].flags
    assert stats["what-freeze"].discrimination is None  # no variation: no correlation


def test_a_first_round_with_one_answer_counts_for_facility_not_discrimination(dbs, cohort):
    before = by_key(item_statistics(dbs, cohort.id))["what-freeze"]
    educator = dbs.scalar(sa.select(Patient)).educator
    add_round(dbs, enrol(dbs, cohort, educator), 1, {"what-freeze": [0]})
    dbs.commit()
    after = by_key(item_statistics(dbs, cohort.id))["what-freeze"]
    assert after.first_tries == 11 and after.facility == pytest.approx(6 / 11)
    assert after.discrimination == pytest.approx(before.discrimination)


def test_each_version_has_its_own_statistics(dbs, cohort):
    question = dbs.scalar(sa.select(Question).where(Question.key == "what-freeze"))
    spec = dataclasses.replace(QUESTIONS[0], stem="What does cryoablation do to the tissue?")
    bank_ops.add_version(dbs, question, spec)
    dbs.commit()
    version_2 = dbs.scalar(
        sa.select(QuestionVersion).where(
            QuestionVersion.question_id == question.id, QuestionVersion.number == 2
        )
    )
    add_round(
        dbs, enrol(dbs, cohort, make_educator(dbs)), 1, {"what-freeze": [0], "what-needles": [0]}
    )
    dbs.commit()
    rows = [r for r in item_statistics(dbs, cohort.id) if r.key == "what-freeze"]
    assert [(r.number, r.is_current, r.stats.first_tries) for r in rows] == [
        (2, True, 1),
        (1, False, 10),
    ]
    assert rows[0].version_id == version_2.id


def make_educator(dbs):
    return dbs.scalar(sa.select(Patient)).educator


def test_only_answered_versions_and_approved_questions_are_listed(dbs, bank):
    # Nothing answered yet: the approved question shows (with no numbers); the draft and the
    # retired one do not.
    rows = item_statistics(dbs, bank.id)
    assert [(r.key, r.stats.answers, r.stats.facility) for r in rows] == [("what-freeze", 0, None)]
    assert [c.share for c in rows[0].stats.choices] == [None, None, None]


def count_statements(engine, work) -> int:
    with recorded_statements(engine) as statements:
        work()
    return len([s for s in statements if s.upper().startswith("SELECT")])


def grow(dbs, bank, patients: int) -> None:
    """``patients`` more first rounds, answered in a pattern that varies."""
    educator = make_educator(dbs)
    by_version = versions(dbs)
    for n in range(patients):
        answers = COHORT[n % len(COHORT)]
        add_round(dbs, enrol(dbs, bank, educator), 1, answers, by_version)
    dbs.commit()


def test_the_number_of_sql_statements_does_not_grow_with_the_responses(
    app, dbs, cohort, admin_client
):
    engine = db.state(app).engine
    small_function = count_statements(engine, lambda: item_statistics(dbs, cohort.id))
    small_page = count_statements(engine, lambda: admin_client.get("/admin/banks/freezing/stats"))
    responses_before = dbs.scalar(sa.select(sa.func.count(Response.id)))
    grow(dbs, cohort, 150)
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) > 10 * responses_before
    large_function = count_statements(engine, lambda: item_statistics(dbs, cohort.id))
    large_page = count_statements(engine, lambda: admin_client.get("/admin/banks/freezing/stats"))
    assert small_function == large_function == 2
    assert small_page == large_page


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_shows_each_version_with_its_numbers_and_flags(admin_client, cohort):
    response = admin_client.get("/admin/banks/freezing/stats")
    assert response.status_code == 200
    page = text(response.get_data(as_text=True))
    facility, discrimination = expected("what-freeze")
    assert re.search(
        rf"what-freeze version 1 What the treatment is · approved .* 13 10 50% {discrimination:.2f} ",
        page,
    )
    assert "8 (62%) It freezes it. (right answer)" in page
    assert "0 (0%) It cuts it out." in page
    assert re.search(r"What does the treatment do to the tissue\? Reading: grade \d+\.\d 13 ", page)
    assert "Negative discrimination" in page and "A wrong choice nobody picks" in page
    assert "Too hard (under 30% right on the first try)" in page
    assert "2 flagged for a look" in page


def test_without_answers_the_page_says_so(admin_client, bank):
    page = text(admin_client.get("/admin/banks/freezing/stats").get_data(as_text=True))
    assert "0 0 — — " in page and "too few first tries" in page


def test_stats_are_linked_from_the_navigation_and_the_bank_page(admin_client, cohort):
    overview = admin_client.get("/admin/stats").get_data(as_text=True)
    assert '<a href="/admin/stats"' in overview
    assert '<a href="/admin/banks/freezing/stats">Freezing treatment</a>' in overview
    assert "Freezing treatment 33" in text(overview)  # answers, all rounds
    bank_page = admin_client.get("/admin/banks/freezing").get_data(as_text=True)
    assert 'href="/admin/banks/freezing/stats"' in bank_page


def test_an_unknown_bank_is_a_friendly_404(admin_client):
    response = admin_client.get("/admin/banks/no-such-bank/stats")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
