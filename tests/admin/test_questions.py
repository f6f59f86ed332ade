"""Writing, editing, approving, retiring, restoring, previewing and tracing one question."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.domain.bankfile import ChoiceSpec, QuestionSpec
from quizapp.models import (
    Assignment,
    AuditEvent,
    Bank,
    Choice,
    Question,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    Topic,
)
from quizapp.operations import banks as bank_ops
from tests.admin.pages import error_beside, errors
from tests.helpers import post_form

GOOD = {
    "base_version": "1",  # the edit starts from version 1
    "topic": "what",
    "kind": "single",
    "stem": "What does the doctor use to reach the tissue?",
    "explanation": "The doctor uses thin needles.",
    "source_excerpt": "The doctor uses thin needles to reach it.",
    "choices": [
        ("Thin needles", True, ""),
        ("A camera", False, "No camera is named. The doctor uses thin needles."),
        ("A laser", False, "No laser is named. The doctor uses thin needles."),
    ],
}


def form(**changes) -> dict:
    """Form fields as a browser sends them; ``choices`` is a list of (text, right, feedback)."""
    values = {**GOOD, **changes}
    data = {k: v for k, v in values.items() if k != "choices"}
    for n, (text, right, feedback) in enumerate(values["choices"]):
        data[f"choices-{n}-text"] = text
        data[f"choices-{n}-feedback"] = feedback
        if right:
            data[f"choices-{n}-correct"] = "y"
    return data


def versions(dbs, question_id: int) -> list[QuestionVersion]:
    dbs.expire_all()
    return dbs.scalars(
        sa.select(QuestionVersion)
        .where(QuestionVersion.question_id == question_id)
        .order_by(QuestionVersion.number)
    ).all()


def actions(dbs) -> list[tuple[str, str]]:
    return [
        (e.action, e.target)
        for e in dbs.scalars(
            sa.select(AuditEvent).where(AuditEvent.action.like("bank.%")).order_by(AuditEvent.id)
        )
    ]


def test_a_new_question_is_a_draft_with_version_1(admin_client, dbs, bank, admin):
    response = post_form(admin_client, "/admin/banks/freezing/questions/new", form(key="what-how"))
    assert response.status_code == 302
    question = dbs.scalar(sa.select(Question).where(Question.key == "what-how"))
    assert question.status == "draft"
    [v1] = versions(dbs, question.id)
    assert (v1.number, v1.stem, v1.created_by_id) == (1, GOOD["stem"], admin.id)
    assert [(c.text, c.is_correct) for c in v1.choices] == [
        ("Thin needles", True),
        ("A camera", False),
        ("A laser", False),
    ]
    assert actions(dbs) == [("bank.question.create", f"question:{question.id}")]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved as version 1 (reading grade" in page
    assert "Approve it to put it in the quiz." in page


def test_a_new_question_without_a_key_gets_one_from_its_topic(admin_client, dbs, bank):
    post_form(admin_client, "/admin/banks/freezing/questions/new", form())
    keys = set(dbs.scalars(sa.select(Question.key)))
    assert "what-1" in keys


def test_editing_makes_version_2_and_leaves_version_1_as_it_was(
    admin_client, dbs, bank, question_id
):
    qid = question_id("what-needles")
    before = [(v.id, v.stem, [c.text for c in v.choices]) for v in versions(dbs, qid)]
    data = form(
        kind="truefalse",
        stem="The doctor uses thin needles to reach the tissue.",
        explanation="Thin needles reach the tissue.",
        choices=[("True", True, ""), ("False", False, "It is true: thin needles are used.")],
    )
    response = post_form(admin_client, f"/admin/questions/{qid}", data)
    assert response.status_code == 302
    v1, v2 = versions(dbs, qid)
    assert [(v1.id, v1.stem, [c.text for c in v1.choices])] == before
    assert (v2.number, v2.stem) == (2, "The doctor uses thin needles to reach the tissue.")
    assert v2.choices[1].feedback == "It is true: thin needles are used."
    assert actions(dbs) == [("bank.question.edit", f"question:{qid}")]
    page = admin_client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    assert "Saved as version 2" in page
    assert "grade " in page  # the reading grade is shown beside the form


def test_saving_without_a_change_makes_no_version(admin_client, dbs, bank, question_id):
    qid = question_id("what-freeze")
    data = form(
        stem="What does the treatment do to the tissue?",
        explanation="The treatment freezes the tissue.",
        source_excerpt="Cryoablation freezes the tissue.",
        choices=[
            ("It freezes it.", True, ""),
            ("It heats it.", False, "It does not heat it. It freezes it."),
            ("It cuts it out.", False, "Nothing is cut out. It freezes it."),
        ],
    )
    response = post_form(admin_client, f"/admin/questions/{qid}", data, follow_redirects=True)
    assert "Nothing changed, so no new version was made." in response.get_data(as_text=True)
    assert len(versions(dbs, qid)) == 1
    assert dbs.get(Question, qid).status == "approved"


def test_editing_an_approved_question_makes_it_a_draft_again(admin_client, dbs, bank, question_id):
    qid = question_id("what-freeze")
    page = admin_client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    assert "Saving a change makes it a draft again" in page
    data = form(
        stem="What does the treatment do to the tissue?",
        source_excerpt="Cryoablation freezes the tissue.",
        explanation="It freezes the tissue.",
        choices=[
            ("It freezes it.", True, ""),
            ("It heats it.", False, ""),
            ("It cuts.", False, ""),
        ],
    )
    response = post_form(admin_client, f"/admin/questions/{qid}", data, follow_redirects=True)
    assert "It is a draft again: patients will not get it until you approve it." in (
        response.get_data(as_text=True)
    )
    dbs.expire_all()
    assert dbs.get(Question, qid).status == "draft"


def test_moving_a_question_to_another_topic_needs_no_new_version(
    admin_client, dbs, bank, question_id
):
    qid = question_id("what-needles")
    data = form(
        topic="options",
        kind="truefalse",
        stem="The doctor uses thin needles.",
        explanation="Thin needles reach the tissue.",
        choices=[("True", True, ""), ("False", False, "")],
    )
    assert post_form(admin_client, f"/admin/questions/{qid}", data).status_code == 302
    dbs.expire_all()
    question = dbs.get(Question, qid)
    assert (question.topic.key, len(versions(dbs, qid))) == ("options", 1)


def test_a_version_saved_meanwhile_is_not_overwritten(admin_client, dbs, bank, question_id):
    qid = question_id("what-needles")
    first = form(
        kind="truefalse",
        stem="The doctor uses thin needles to reach the tissue.",
        explanation="Thin needles reach the tissue.",
        choices=[("True", True, ""), ("False", False, "")],
    )
    assert post_form(admin_client, f"/admin/questions/{qid}", first).status_code == 302
    stale = {**first, "stem": "Thin needles are used.", "base_version": "1"}
    response = post_form(admin_client, f"/admin/questions/{qid}", stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Someone saved version 2 while you were editing." in html
    assert 'id="base_version" name="base_version" type="hidden" value="2"' in html
    assert [v.stem for v in versions(dbs, qid)][-1] == first["stem"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"choices": [("A", False, ""), ("B", False, ""), ("C", False, "")]},
            "choices",
            "Needs exactly one correct choice, has 0.",
        ),
        (
            {"choices": [("A", True, ""), ("B", True, ""), ("C", False, "")]},
            "choices",
            "Needs exactly one correct choice, has 2.",
        ),
        (
            {"kind": "truefalse", "choices": [("Yes", True, ""), ("No", False, "")]},
            "choices",
            'True/false choices must be "True" then "False".',
        ),
        (
            {"choices": [("A", True, ""), ("B", False, "")]},
            "choices",
            "Single choice needs 3 to 4 choices, has 2.",
        ),
        (
            {"source_excerpt": "The doctor uses a laser."},
            "source_excerpt",
            "The source excerpt was not found word for word in the document.",
        ),
        (
            {"stem": "Which of these is NOT used to reach the tissue?"},
            "stem",
            'Do not build a stem on "NOT" or "EXCEPT"; ask the positive question.',
        ),
        ({"stem": ""}, "stem", "The question is empty."),
        (
            {"explanation": ""},
            "explanation",
            "The explanation is empty; say in plain words why the answer is right.",
        ),
        (
            {"choices": [*GOOD["choices"], ("", False, "Feedback without a choice.")]},
            "choices-3-text",
            "Write the choice, or clear this row.",
        ),
    ],
)
def test_each_problem_is_shown_beside_its_field_and_nothing_is_saved(
    admin_client, dbs, bank, question_id, changes, field, message
):
    qid = question_id("what-needles")
    response = post_form(admin_client, f"/admin/questions/{qid}", form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(html, field) == message
    assert set(errors(html)) == {field}  # beside that field and no other
    assert "Not saved." in html
    assert len(versions(dbs, qid)) == 1
    assert actions(dbs) == []


def test_a_bad_or_taken_key_is_refused_beside_the_key(admin_client, dbs, bank):
    url = "/admin/banks/freezing/questions/new"
    html = post_form(admin_client, url, form(key="Bad Key")).get_data(as_text=True)
    assert error_beside(html, "key") == "Use lower-case letters, digits and dashes, like anatomy-5."
    html = post_form(admin_client, url, form(key="what-freeze")).get_data(as_text=True)
    assert error_beside(html, "key") == "Another question in this bank has this key."
    assert dbs.scalar(sa.select(sa.func.count(Question.id))) == 3


@pytest.mark.parametrize(
    ("key", "action", "status", "message"),
    [
        ("what-needles", "approve", "approved", "Approved: patients can now get this question."),
        ("what-freeze", "retire", "retired", "Retired: patients will not get this question"),
        ("what-needles", "retire", "retired", "Retired: patients will not get this question"),
        ("options-other", "restore", "draft", "Restored as a draft: approve it to put it back"),
    ],
)
def test_approve_retire_restore(admin_client, dbs, bank, question_id, key, action, status, message):
    qid = question_id(key)
    response = post_form(
        admin_client,
        f"/admin/questions/{qid}/{action}",
        {},
        page=f"/admin/questions/{qid}",
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(Question, qid).status == status
    assert actions(dbs) == [(f"bank.question.{action}", f"question:{qid}")]


@pytest.mark.parametrize(
    ("key", "action"),
    [("what-freeze", "approve"), ("options-other", "retire"), ("what-needles", "restore")],
)
def test_a_status_change_that_does_not_apply_changes_nothing(
    admin_client, dbs, bank, question_id, key, action
):
    qid = question_id(key)
    before = dbs.get(Question, qid).status
    response = post_form(
        admin_client,
        f"/admin/questions/{qid}/{action}",
        {},
        page=f"/admin/questions/{qid}",
        follow_redirects=True,
    )
    assert f"A {before} question cannot be {action}d." in response.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(Question, qid).status == before
    assert actions(dbs) == []


def test_a_question_that_breaks_a_rule_cannot_be_approved(admin_client, dbs, bank):
    topic = dbs.scalar(sa.select(Topic).where(Topic.key == "what"))
    broken = QuestionSpec(
        key="what-broken",
        topic="what",
        kind="single",
        stem="What does the treatment do?",
        choices=(ChoiceSpec("It freezes.", True), ChoiceSpec("It heats."), ChoiceSpec("It cuts.")),
        source_excerpt="Words that the document does not have.",
        explanation="It freezes the tissue.",
    )
    question = bank_ops.create_question(dbs, dbs.get(Bank, bank.id), topic, broken)
    dbs.commit()
    response = post_form(
        admin_client,
        f"/admin/questions/{question.id}/approve",
        {},
        page=f"/admin/questions/{question.id}",
        follow_redirects=True,
    )
    assert (
        "Not approved. Fix this first: The source excerpt was not found word for word in the "
        "document." in response.get_data(as_text=True)
    )
    dbs.expire_all()
    assert dbs.get(Question, question.id).status == "draft"
    assert actions(dbs) == []


def test_the_question_page_offers_only_the_buttons_that_apply(admin_client, bank, question_id):
    draft = admin_client.get(f"/admin/questions/{question_id('what-needles')}").get_data(
        as_text=True
    )
    retired = admin_client.get(f"/admin/questions/{question_id('options-other')}").get_data(
        as_text=True
    )
    assert ">Approve</button>" in draft and ">Retire</button>" in draft
    assert "Restore as draft" not in draft
    assert "Restore as draft" in retired and ">Approve</button>" not in retired


def test_status_changes_need_a_csrf_token(admin_client, dbs, bank, question_id):
    qid = question_id("what-needles")
    response = admin_client.post(f"/admin/questions/{qid}/approve")
    assert response.status_code == 400
    assert dbs.get(Question, qid).status == "draft"


def test_preview_shows_the_question_as_a_patient_sees_it(admin_client, bank, question_id):
    qid = question_id("what-freeze")
    html = admin_client.get(f"/admin/questions/{qid}/preview").get_data(as_text=True)
    assert "Question 1 of 1" in html
    assert "What does the treatment do to the tissue?" in html
    assert "Choose one answer." in html
    assert html.count('type="radio"') == 3
    assert "Check my answer" not in html  # a preview cannot be answered
    assert "Cryoablation freezes the tissue." in html  # the passage shown after answering
    assert "It does not heat it. It freezes it." in html


def test_history_shows_what_changed_in_words(admin_client, dbs, bank, question_id):
    qid = question_id("what-needles")
    data = form(
        kind="truefalse",
        stem="The doctor uses thin needles to reach the tissue.",
        explanation="Thin needles reach the tissue.",
        choices=[("True", True, ""), ("False", False, "")],
    )
    post_form(admin_client, f"/admin/questions/{qid}", data)
    html = admin_client.get(f"/admin/questions/{qid}/history").get_data(as_text=True)
    assert "Version 2 (current)" in html
    assert "Changes from version 1" in html
    assert (
        '<span class="tag">Removed:</span> <del>Question: The doctor uses thin needles.</del>'
        in (html)
    )
    assert (
        '<span class="tag">Added:</span> <ins>Question: The doctor uses thin needles to reach '
        "the tissue.</ins>" in html
    )
    assert "Removed:</span> <del>Explanation" not in html  # unchanged lines are not listed


def test_unknown_bank_or_question_is_a_friendly_404(admin_client, bank):
    for path in (
        "/admin/banks/no-such-bank",
        "/admin/banks/no-such-bank/questions/new",
        "/admin/questions/99999",
        "/admin/questions/99999/preview",
        "/admin/questions/99999/history",
    ):
        response = admin_client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)


def test_a_patients_earlier_answer_keeps_the_wording_they_saw(
    admin_client, dbs, bank, question_id, make_patient
):
    qid = question_id("what-freeze")
    v1 = versions(dbs, qid)[0]
    picked = v1.choices[1]  # "It heats it."
    assignment = Assignment(patient=make_patient(), bank_id=bank.id, seed=1)
    round_ = Round(assignment=assignment, number=1)
    answer = Response(round=round_, question_version_id=v1.id, is_correct=False)
    answer.chosen = [ResponseChoice(choice_id=picked.id)]
    dbs.add_all([assignment, round_, answer])
    dbs.commit()

    data = form(
        stem="What does cryoablation do to the tissue?",
        source_excerpt="Cryoablation freezes the tissue.",
        explanation="Cryoablation freezes the tissue.",
        choices=[
            ("It freezes the tissue.", True, ""),
            ("It warms the tissue.", False, "It does not warm it."),
            ("It removes the tissue.", False, "Nothing is removed."),
        ],
    )
    assert post_form(admin_client, f"/admin/questions/{qid}", data).status_code == 302

    dbs.expire_all()
    saw = dbs.get(Response, answer.id)
    assert saw.version.number == 1
    assert saw.version.stem == "What does the treatment do to the tissue?"
    assert [c.choice.text for c in saw.chosen] == ["It heats it."]
    assert dbs.get(Choice, picked.id).feedback == "It does not heat it. It freezes it."
    assert dbs.get(Question, qid).current.stem == "What does cryoablation do to the tissue?"
    html = admin_client.get(f"/admin/questions/{qid}/history").get_data(as_text=True)
    assert "Answered 1 time." in " ".join(html.split())
    old = admin_client.get(f"/admin/questions/{qid}/preview?version=1").get_data(as_text=True)
    assert "What does the treatment do to the tissue?" in old
    assert "patients who answered it keep this wording" in old
