"""The dashboard: statuses, topics to discuss, order, filters, pages and a constant query count."""

from __future__ import annotations

import datetime as dt
import html
import random
import re

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.models import (
    Patient,
    Question,
    QuestionStatus,
    QuestionVersion,
    Round,
    RoundItem,
    Topic,
)
from quizapp.operations import patients as patient_ops
from tests.helpers import post_form, recorded_statements
from tests.patient.quizdriver import run_round


@pytest.fixture
def educator_client(app, make_user, login):
    educator = make_user("educator")
    client = app.test_client()
    login(client, educator)
    return client, educator


def test_status_moves_from_not_started_to_ready(
    app, educator_client, make_assignment, issue_code, enter_code, dbs
):
    client, educator = educator_client
    assignment = make_assignment(make_patient_for(dbs, educator, "Ann Ready"), per_topic=1)
    assert "Not started" in client.get("/educator/").get_data(as_text=True)
    patient_browser = app.test_client()
    enter_code(patient_browser, issue_code(assignment.patient))
    patient_browser.get(f"/learn/{assignment.id}/read/")
    assert "Reading" in client.get("/educator/").get_data(as_text=True)
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    assert "In progress" in client.get("/educator/").get_data(as_text=True)
    run_round(patient_browser, dbs, assignment.id)
    page = client.get("/educator/").get_data(as_text=True)
    assert "status-ready" in page and ">Ready<" in page


def test_needs_discussion_lists_the_topics_to_discuss(
    app, educator_client, make_assignment, issue_code, enter_code, dbs
):
    client, educator = educator_client
    assignment = make_assignment(make_patient_for(dbs, educator, "Bob"), per_topic=1, max_rounds=1)
    patient_browser = app.test_client()
    enter_code(patient_browser, issue_code(assignment.patient))
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    run_round(patient_browser, dbs, assignment.id, wrong_positions={2})
    page = client.get("/educator/?status=needs_discussion").get_data(as_text=True)
    assert "Bob" in page and "Needs discussion" in page and "Where the prostate is" in page
    assert names(client.get("/educator/?status=ready").get_data(as_text=True)) == []


def test_topics_to_discuss_follow_the_latest_round_that_asked_them(
    app, educator_client, make_assignment, issue_code, enter_code, dbs
):
    """Listed: the topics answered wrong (one of two questions is enough) in the latest round that
    asked them, in the bank's topic order. A topic missed in round 1 and answered right in round 2
    is no longer listed; one missed in round 1 and not asked again (its questions retired) still
    is; the patient is still in progress."""
    client, educator = educator_client
    assignment = make_assignment(make_patient_for(dbs, educator, "Cy"), per_topic=2, max_rounds=3)
    patient_browser = app.test_client()
    enter_code(patient_browser, issue_code(assignment.patient))
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    asked = topics_asked(dbs, assignment.id, 1)
    a, b, c = list(dict.fromkeys(asked.values()))[:3]
    wrong = {min(p for p, title in asked.items() if title == t) for t in (a, b, c)}
    run_round(patient_browser, dbs, assignment.id, wrong_positions=wrong)

    def listed() -> str:
        return discuss_cell(client.get("/educator/").get_data(as_text=True))

    bank_topics = dbs.scalars(sa.select(Topic).where(Topic.bank_id == assignment.bank_id)).all()
    in_bank_order = sorted(bank_topics, key=lambda t: t.position)
    assert listed() == ", ".join(t.title for t in in_bank_order if t.title in (a, b, c))
    for topic in bank_topics:  # the bank's order reversed: the list follows it
        topic.position = 100 - topic.position
    for question in dbs.scalars(sa.select(Question).join(Topic).where(Topic.title == c)):
        question.status = QuestionStatus.RETIRED  # c is not asked again
    dbs.commit()
    assert listed() == ", ".join(t.title for t in reversed(in_bank_order) if t.title in (a, b, c))

    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    asked_again = topics_asked(dbs, assignment.id, 2)
    assert sorted(set(asked_again.values())) == sorted([a, b])
    wrong_again = {min(p for p, title in asked_again.items() if title == b)}
    run_round(patient_browser, dbs, assignment.id, wrong_positions=wrong_again)
    page = client.get("/educator/").get_data(as_text=True)
    assert "In progress" in page
    assert listed() == ", ".join(t.title for t in reversed(in_bank_order) if t.title in (b, c))


def topics_asked(dbs, assignment_id: int, number: int) -> dict[int, str]:
    """Round ``number``'s questions: position in the URL (from 1) -> topic title."""
    rows = dbs.execute(
        sa.select(RoundItem.position, Topic.title)
        .join(Round, Round.id == RoundItem.round_id)
        .join(QuestionVersion, QuestionVersion.id == RoundItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Round.assignment_id == assignment_id, Round.number == number)
    )
    return {position + 1: title for position, title in rows}


def discuss_cell(page: str) -> str:
    """The "Topics to discuss" cell of the dashboard's only row, as text."""
    (row,) = re.findall(r"<tr>\s*<td>.*?</tr>", page.split("<tbody>")[1], re.S)
    return html.unescape(re.findall(r"<td>(.*?)</td>", row, re.S)[4])


def make_patient_for(dbs, educator, name, consult=None, mrn=None):
    patient = patient_ops.add_patient(dbs, educator, name, mrn, consult)
    dbs.commit()
    return patient


def test_only_own_patients_soonest_consult_first_and_search(educator_client, make_user, dbs):
    client, educator = educator_client
    today = dt.date.today()
    make_patient_for(dbs, educator, "Later Larry", today + dt.timedelta(days=9))
    make_patient_for(dbs, educator, "Soon Sam", today + dt.timedelta(days=1), mrn="A-77")
    make_patient_for(dbs, educator, "Unset Uma")
    make_patient_for(dbs, make_user("educator"), "Other Olga", today)
    page = client.get("/educator/").get_data(as_text=True)
    assert "Other Olga" not in page
    assert page.index("Soon Sam") < page.index("Later Larry") < page.index("Unset Uma")
    assert "Soon Sam" in client.get("/educator/?q=a-77").get_data(as_text=True)
    found = client.get("/educator/?q=lar").get_data(as_text=True)
    assert "Later Larry" in found and "Soon Sam" not in found


def names(page: str) -> list[str]:
    """The patients listed on a dashboard page (not any other text: a CSRF token is random)."""
    return re.findall(r'<a href="/educator/patients/\d+">([^<]+)</a>', page)


def test_pages_of_25(educator_client, dbs):
    client, educator = educator_client
    for n in range(30):
        dbs.add(Patient(display_name=f"P{n:02d}", educator=educator))
    dbs.commit()
    first = client.get("/educator/").get_data(as_text=True)
    assert "page 1 of 2" in first and names(first) == [f"P{n:02d}" for n in range(25)]
    second = client.get("/educator/?page=2").get_data(as_text=True)
    assert names(second) == [f"P{n:02d}" for n in range(25, 30)] and "Previous page" in second
    past_the_end = client.get("/educator/?page=99")  # an old link: the last page
    assert past_the_end.status_code == 200
    last = past_the_end.get_data(as_text=True)
    assert "page 2 of 2" in last and names(last) == names(second)
    huge = client.get(f"/educator/?page={10**18}")  # a page number no database can offset
    assert huge.status_code == 200 and names(huge.get_data(as_text=True)) == names(second)
    nobody = client.get("/educator/?q=no-such-patient&page=3").get_data(as_text=True)
    assert "No patients match." in nobody and names(nobody) == []


def count_queries(app, client, path: str) -> int:
    with recorded_statements(db.state(app).engine) as statements:
        assert client.get(path).status_code == 200
    return len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))])


def test_query_count_is_the_same_for_10_and_1000_patients(app, educator_client, bundled_bank, dbs):
    client, educator = educator_client

    def add(n):
        rng = random.Random(n)
        for i in range(n):
            patient = Patient(display_name=f"Patient {i}", educator=educator)
            dbs.add(patient)
            dbs.flush()
            patient_ops.assign_bank(dbs, patient, bundled_bank, educator, rng=rng)
        dbs.commit()

    add(10)
    small = count_queries(app, client, "/educator/")
    add(990)
    large = count_queries(app, client, "/educator/")
    assert small == large, (small, large)
    assert dbs.scalar(sa.select(sa.func.count(Patient.id))) == 1000


def test_csv_export_has_every_own_patient_and_neutralises_formulas(educator_client, dbs):
    client, educator = educator_client
    make_patient_for(dbs, educator, '=HYPERLINK("http://x")')
    make_patient_for(dbs, educator, "Plain Paul")
    response = client.get("/educator/patients.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "Plain Paul" in text and "'=HYPERLINK" in text
    assert text.splitlines()[0].startswith("patient_id,name,mrn,consult_date")


def test_a_patient_with_two_banks_has_a_row_for_each_across_pages(
    educator_client, bundled_bank, dbs
):
    """Rows are (patient, assignment): a page break between a patient's two rows repeats and
    loses neither, and every row keeps its own bank and status."""
    import dataclasses

    from quizapp.domain import bankload
    from quizapp.educator.queries import patients_page
    from quizapp.operations import banks as bank_ops
    from tests.conftest import BUNDLED_BANK

    client, educator = educator_client
    spec = dataclasses.replace(
        bankload.load(BUNDLED_BANK).specs[0], slug="second-bank", title="Second bank"
    )
    second = bank_ops.import_bank(dbs, spec, bank_ops.ImportReport())
    rng = random.Random(3)
    for n in range(24):
        patient = Patient(display_name=f"P{n:02d}", educator=educator)
        dbs.add(patient)
        dbs.flush()
        patient_ops.assign_bank(dbs, patient, bundled_bank, educator, rng=rng)
    both = Patient(display_name="Z Two banks", educator=educator)
    dbs.add(both)
    dbs.flush()
    for bank in (bundled_bank, second):
        patient_ops.assign_bank(dbs, both, bank, educator, rng=rng)
    dbs.commit()
    first, last = (patients_page(dbs, educator.id, page=n) for n in (1, 2))
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (26, 2, 25, 1)
    rows = [(r.name, r.bank_title, r.status) for r in first.rows + last.rows]
    assert len(set(rows)) == 26
    assert {(name, title) for name, title, _ in rows if name == "Z Two banks"} == {
        ("Z Two banks", bundled_bank.title),
        ("Z Two banks", "Second bank"),
    }
    assert "Second bank" in client.get("/educator/?page=2").get_data(as_text=True)
