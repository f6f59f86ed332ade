"""The patient's quiz through the test client: rounds, teaching, mastery, resume and safety."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.models import Response, Round
from tests.helpers import csrf_from
from tests.patient.quizdriver import answer, pick, post_button, resume, run_round


@pytest.fixture
def patient_client(app, make_assignment, issue_code, enter_code):
    """A signed-in patient with the bundled bank assigned (2 per topic, 3 rounds)."""
    assignment = make_assignment()
    client = app.test_client()
    assert enter_code(client, issue_code(assignment.patient)).status_code == 302
    return client, assignment


def start(client, assignment):
    return post_button(client, "/learn/", f"/learn/{assignment.id}/rounds")


def test_home_offers_reading_and_the_questions(patient_client):
    client, assignment = patient_client
    page = client.get("/learn/").get_data(as_text=True)
    assert "Salvage prostate cryoablation" in page
    assert f"/learn/{assignment.id}/read/" in page and f"/learn/{assignment.id}/quiz" in page


def test_reading_section_by_section_with_contents_and_next(patient_client, dbs):
    client, assignment = patient_client
    contents = client.get(f"/learn/{assignment.id}/read/").get_data(as_text=True)
    assert "Where is the prostate?" in contents
    page = client.get(f"/learn/{assignment.id}/read/where-is-the-prostate").get_data(as_text=True)
    assert "walnut" in page and "Next: Who is it for?" in page and "Part 2 of 6" in page
    assert client.get(f"/learn/{assignment.id}/read/no-such-part").status_code == 404
    dbs.refresh(assignment)
    assert assignment.started_reading_at is not None


def test_round_one_asks_two_per_topic_one_per_screen(patient_client, dbs):
    client, assignment = patient_client
    assert "Start the questions" in resume(client, assignment.id).get_data(as_text=True)
    assert start(client, assignment).status_code == 302
    first = resume(client, assignment.id)
    assert first.headers["Location"].endswith("/round/1/q/1")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Question 1 of 12" in page and page.count("<fieldset") == 1


def test_wrong_answer_teaches_with_the_source_sentence_highlighted(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    result = answer(client, dbs, url, right=False)
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Not quite." in page and "The right answer:" in page and "Why" in page
    assert "<mark>" in page and "What the reading says" in page
    version = dbs.scalar(sa.select(Response)).version
    assert version.explanation in page.replace("&#34;", '"').replace("&#39;", "'")


def test_right_answer_says_so(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    page = client.get(answer(client, dbs, url, right=True).headers["Location"]).get_data(
        as_text=True
    )
    assert "That is right." in page and "The right answer:" not in page


def test_no_choice_gets_a_plain_message_and_stores_nothing(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 422 and "Please choose an answer." in response.get_data(
        as_text=True
    )
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_full_journey_wrong_answers_then_second_round_to_mastery(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    round_one = run_round(client, dbs, assignment.id, wrong_positions={1, 3})
    assert len(round_one) == 12
    summary = client.get(f"/learn/{assignment.id}/round/1/summary").get_data(as_text=True)
    assert "look at these again" in summary and "read this part again" in summary
    assert "Try again" in summary
    start(client, assignment)
    round_two = run_round(client, dbs, assignment.id)
    assert len(round_two) == 4  # only the two missed topics, two questions each
    first_round_questions = {r.version.question_id for r in dbs.scalars(sa.select(Response))}
    assert len(first_round_questions) == 16  # round 2 asked questions not seen in round 1
    done = client.get(f"/learn/{assignment.id}/done").get_data(as_text=True)
    assert "You are ready to talk with your doctor" in done
    assert done.count("<li>") >= 3 + 0  # questions to ask the doctor


def test_not_mastered_after_the_last_round_lists_topics_for_the_educator(
    app, make_assignment, issue_code, enter_code, dbs
):
    assignment = make_assignment(max_rounds=1)
    client = app.test_client()
    enter_code(client, issue_code(assignment.patient))
    start(client, assignment)
    run_round(client, dbs, assignment.id, wrong_positions={1})
    page = client.get(f"/learn/{assignment.id}/done").get_data(as_text=True)
    assert "Your nurse will go over these topics with you" in page
    assert "Can we go over" in page
    assert start(client, assignment).status_code == 409  # no more rounds


def test_resume_after_signing_in_again_continues_at_the_next_question(
    app, patient_client, dbs, enter_code, issue_code
):
    client, assignment = patient_client
    start(client, assignment)
    for _ in range(3):
        answer(client, dbs, resume(client, assignment.id).headers["Location"], right=True)
    other_browser = app.test_client()
    enter_code(other_browser, issue_code(assignment.patient))
    assert resume(other_browser, assignment.id).headers["Location"].endswith("/round/1/q/4")
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 3


def test_double_submit_and_second_tab_keep_exactly_one_response(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    token = csrf_from(page)
    first = client.post(url, data={"csrf_token": token, "choice": pick(dbs, page, right=True)})
    second = client.post(url, data={"csrf_token": token, "choice": pick(dbs, page, right=False)})
    assert first.status_code == second.status_code == 302
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert dbs.scalar(sa.select(Response.is_correct)) is True  # the first answer stands
    assert "That is right." in client.get(second.headers["Location"]).get_data(as_text=True)


def test_back_button_to_an_answered_question_shows_its_feedback(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    answer(client, dbs, url, right=True)
    back = client.get(url)
    assert back.status_code == 302 and back.headers["Location"].endswith("/feedback")


def test_a_second_answer_to_a_finished_round_changes_nothing(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    urls = run_round(client, dbs, assignment.id, wrong_positions={1})
    token = csrf_from(client.get(f"/learn/{assignment.id}/round/1/summary").get_data(as_text=True))
    first = dbs.scalar(sa.select(Response).order_by(Response.id))
    right = [str(c.id) for c in first.version.choices if c.is_correct]
    response = client.post(urls[0], data={"csrf_token": token, "choice": right})
    assert response.status_code == 302 and response.headers["Location"].endswith("/feedback")
    dbs.expire_all()
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 12
    assert dbs.get(Response, first.id).is_correct is False  # the first answer stands


@pytest.mark.parametrize("chosen", ["right", "nothing"])
def test_an_answer_to_a_closed_round_gets_a_clear_message_and_is_not_stored(
    patient_client, dbs, chosen
):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    dbs.execute(sa.update(Round).values(finished_at=sa.func.now()))  # closed in another tab
    dbs.commit()
    data = {"csrf_token": csrf_from(page)}
    if chosen == "right":
        data["choice"] = pick(dbs, page, True)
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "This round is over, so this answer was not saved" in response.get_data(as_text=True)
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_finishing_twice_is_harmless(patient_client, dbs):
    client, assignment = patient_client
    start(client, assignment)
    urls = run_round(client, dbs, assignment.id)
    again = post_button(client, urls[-1] + "/feedback", f"/learn/{assignment.id}/round/1/finish")
    assert again.status_code == 302
    assert dbs.scalar(sa.select(sa.func.count(Round.id))) == 1


def test_another_patients_assignment_is_not_found(app, patient_client, make_assignment):
    client, _ = patient_client
    other = make_assignment()
    for path in (f"/learn/{other.id}/quiz", f"/learn/{other.id}/read/", f"/learn/{other.id}/done"):
        assert client.get(path).status_code == 404, path


def test_choice_order_is_stable_on_reload(patient_client):
    client, assignment = patient_client
    start(client, assignment)
    url = resume(client, assignment.id).headers["Location"]
    first = client.get(url).get_data(as_text=True)
    import re

    order = re.findall(r'id="choice-(\d+)"', first)
    assert re.findall(r'id="choice-(\d+)"', client.get(url).get_data(as_text=True)) == order
