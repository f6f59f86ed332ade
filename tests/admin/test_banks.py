"""The banks list, a bank's questions with search and filter, and who may open admin pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.domain.bankfile import ChoiceSpec, QuestionSpec
from quizapp.models import Bank, Question, Topic
from quizapp.operations import banks as bank_ops
from tests.helpers import post_form


def rows(html: str) -> list[str]:
    """The question keys listed on a bank page, in order."""
    return re.findall(r'<th scope="row"><a href="/admin/questions/\d+">([^<]+)</a>', html)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_banks_list_counts_questions_by_status(admin_client, bank):
    html = admin_client.get("/admin/banks").get_data(as_text=True)
    assert '<a href="/admin/banks/freezing">Freezing treatment</a>' in html
    # slug, then draft, approved, retired and all
    assert "Freezing treatment freezing 1 1 1 3" in text(html)


def test_banks_list_when_there_are_none(admin_client):
    html = admin_client.get("/admin/banks").get_data(as_text=True)
    assert "There are no banks yet." in html


def test_overview_links_to_the_banks_and_counts_drafts(admin_client, bank):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/banks"' in html
    assert "1 draft questions waiting for approval" in text(html)


def test_bank_page_lists_questions_by_topic_with_kind_status_version_and_grade(admin_client, bank):
    html = admin_client.get("/admin/banks/freezing").get_data(as_text=True)
    what, options = html.index('id="topic-what"'), html.index('id="topic-options"')
    assert what < html.index("what-freeze") < html.index("what-needles") < options
    assert options < html.index("options-other")
    plain = text(html)
    assert re.search(r"what-freeze single choice approved 1 grade \d+\.\d", plain)
    assert re.search(r"what-needles true/false draft 1 ", plain)
    assert re.search(r"options-other select all retired 1 ", plain)


def test_a_hard_to_read_question_is_flagged(admin_client, dbs, bank):
    topic = dbs.scalar(sa.select(Topic).where(Topic.key == "what"))
    hard = QuestionSpec(
        key="what-hard",
        topic="what",
        kind="truefalse",
        stem=(
            "Cryoablation characteristically necessitates comprehensive perioperative "
            "anaesthetic administration, notwithstanding considerable individual variability."
        ),
        choices=(ChoiceSpec("True", True), ChoiceSpec("False")),
        source_excerpt="Cryoablation freezes the tissue.",
        explanation="Administration considerations necessitate individualised evaluation.",
    )
    bank_ops.create_question(dbs, dbs.get(Bank, bank.id), topic, hard)
    dbs.commit()
    html = admin_client.get("/admin/banks/freezing?q=what-hard").get_data(as_text=True)
    assert re.search(r"grade \d+\.\d \(above 8\)", text(html))


@pytest.mark.parametrize(
    ("query", "keys", "summary"),
    [
        ("", ["what-freeze", "what-needles", "options-other"], "3 questions."),
        ("q=needles", ["what-needles"], "1 question matches."),
        ("q=TISSUE", ["what-freeze"], "1 question matches."),  # stem, any case
        ("q=OPTIONS-other", ["options-other"], "1 question matches."),  # key
        ("status=retired", ["options-other"], "1 question matches."),
        ("q=what&status=draft", ["what-needles"], "1 question matches."),
        ("q=nothing-like-this", [], "0 questions match."),
        ("status=bogus", ["what-freeze", "what-needles", "options-other"], "3 questions."),
    ],
)
def test_search_and_status_filter(admin_client, bank, query, keys, summary):
    html = admin_client.get(f"/admin/banks/freezing?{query}").get_data(as_text=True)
    assert rows(html) == keys
    assert summary in text(html)


def test_search_keeps_the_words_typed(admin_client, bank):
    html = admin_client.get("/admin/banks/freezing?q=needles&status=draft").get_data(as_text=True)
    assert 'value="needles"' in html
    assert '<option selected value="draft">' in html


ADMIN_GETS = [
    "/admin/",
    "/admin/banks",
    "/admin/banks/import",
    "/admin/banks/freezing",
    "/admin/banks/freezing/questions/new",
    "/admin/questions/{id}",
    "/admin/questions/{id}/preview",
    "/admin/questions/{id}/history",
]
ADMIN_POSTS = [
    "/admin/banks/import",
    "/admin/banks/freezing/questions/new",
    "/admin/questions/{id}",
    "/admin/questions/{id}/approve",
    "/admin/questions/{id}/retire",
    "/admin/questions/{id}/restore",
]


def test_an_educator_gets_403_on_every_admin_page(client, dbs, bank, make_user, login):
    login(client, make_user("educator"))
    qid = dbs.scalar(sa.select(Question.id).where(Question.key == "what-needles"))
    for path in ADMIN_GETS:
        assert client.get(path.format(id=qid)).status_code == 403, path
    for path in ADMIN_POSTS:
        response = post_form(client, path.format(id=qid), {}, page="/account/password")
        assert response.status_code == 403, path
    dbs.expire_all()
    assert dbs.get(Question, qid).status == "draft"


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, bank):
    for path in ADMIN_GETS:
        response = client.get(path.format(id=1))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")
