"""Drafting a bank from an uploaded document, and reviewing its drafts in the queue."""

from __future__ import annotations

import html
import io
import random
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from quizapp.domain.generation import MAX_BYTES, generate_bank_from_bytes
from quizapp.models import AuditEvent, Bank, Choice, Document, Question, QuestionVersion, Topic
from quizapp.operations import banks as bank_ops
from tests.admin.pages import error_beside
from tests.helpers import csrf_from, post_form

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "000_3f8c8241accd99f4.txt"
SLUG = "salvage-prostate-cryoablation"
QUEUE = f"/admin/banks/{SLUG}/drafts"

NO_SECTIONS = b"Knee care\n\nRest the knee. Keep it raised. Put ice on it for twenty minutes.\n"


def upload(client, data: bytes | None, name: str = "page.txt", **fields):
    """Post the upload form as a browser does (the body built in memory, so nothing spools to
    a temporary file the test client never closes)."""
    url = "/admin/generate"
    values = MultiDict({"csrf_token": csrf_from(client.get(url).get_data(as_text=True))})
    values.update(fields)
    if data is not None:
        values["document"] = FileStorage(io.BytesIO(data), filename=name)
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored(dbs) -> dict[str, int]:
    """How many rows of each kind an upload could add."""
    dbs.expire_all()
    return {
        model.__name__: dbs.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Bank, Document, Topic, Question, QuestionVersion, Choice, AuditEvent)
    }


def words(markup: str) -> str:
    """What a reader sees of some HTML: the text without tags, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def text(response) -> str:
    return words(response.get_data(as_text=True))


def queue_ids(page: str) -> list[int]:
    """The ids of the drafts shown in the queue, in order."""
    return [int(n) for n in re.findall(r'<article class="version draft" id="q-(\d+)"', page)]


def bank_actions(dbs) -> list[tuple[str, str]]:
    return [
        (e.action, e.target)
        for e in dbs.scalars(
            sa.select(AuditEvent).where(AuditEvent.action.like("bank.%")).order_by(AuditEvent.id)
        )
    ]


@pytest.fixture
def seeded(admin_client, dbs) -> list[int]:
    """The seed page uploaded through the page; the ids of its drafts in queue order."""
    response = upload(admin_client, SEED.read_bytes(), SEED.name)
    assert response.status_code == 302
    assert response.headers["Location"] == QUEUE
    return queue_ids(admin_client.get(QUEUE).get_data(as_text=True))


def question(dbs, question_id: int) -> Question:
    dbs.expire_all()
    return dbs.get(Question, question_id)


# --- Upload -------------------------------------------------------------------------------------


def test_the_upload_page_asks_for_a_document(admin_client):
    page = admin_client.get("/admin/generate").get_data(as_text=True)
    assert "Draft questions from a document" in words(page)
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "up to 1 MB" in words(page)


def test_uploading_the_seed_page_lands_on_a_queue_of_at_least_15_drafts(admin_client, dbs):
    response = upload(admin_client, SEED.read_bytes(), SEED.name)
    assert response.status_code == 302
    assert response.headers["Location"] == QUEUE
    page = admin_client.get(QUEUE)
    body = text(page)
    ids = queue_ids(page.get_data(as_text=True))
    assert len(ids) >= 15
    assert f"Drafted {len(ids)} questions in" in body
    assert f"{len(ids)} drafts to review; 0 approved" in body
    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == SLUG))
    assert {q.status for q in bank.questions} == {"draft"}
    assert len(bank.topics) >= 4
    assert bank_actions(dbs) == [("bank.generate", f"bank:{bank.id}")]


def test_each_draft_shows_its_question_choices_explanation_topic_grade_and_marked_source(
    admin_client, dbs, seeded
):
    page = admin_client.get(QUEUE).get_data(as_text=True)
    first = question(dbs, seeded[0])
    version = first.current
    article = page[page.index(f'id="q-{first.id}"') :]
    article = article[: article.index("</article>")]
    plain = words(article)
    assert version.stem in plain
    assert version.explanation in plain
    right = next(c for c in version.choices if c.is_correct)
    assert f"✓ Right answer: {right.text}" in plain  # marked in words, not by colour alone
    for wrong in (c for c in version.choices if not c.is_correct):
        assert f"✗ Wrong: {wrong.text}" in plain
    assert "Reading: grade" in plain
    assert f'<option selected value="{first.topic.key}">' in article
    assert "<mark>" in article and '<blockquote class="passage">' in article


def test_a_list_drafts_source_marks_its_lead_in_and_items(admin_client, dbs, seeded):
    page = admin_client.get(QUEUE).get_data(as_text=True)
    multi = next(q for q in map(lambda i: question(dbs, i), seeded) if q.current.kind == "multi")
    article = page[page.index(f'id="q-{multi.id}"') :]
    article = article[: article.index("</article>")]
    passage = article[article.index('<blockquote class="passage">') :]
    assert passage.count("<li><mark>") >= 2
    lead_in = passage[: passage.index("<ul>")]
    assert re.search(r"<p>[^<]*<mark>[^<]+:</mark></p>", lead_in)  # the end of the paragraph
    assert "not in the document word for word" not in article


PAGE = """# Knee care

## What happens?

The knee is cleaned. The doctor makes a small cut. You go home the same day.

Other patients go first. Before you go home, the nurse checks:
- Your pulse
- Your pain
- Your wound

Source: a test page.
"""


@pytest.mark.parametrize(
    ("excerpt", "marked"),
    [
        (
            "The doctor makes a small cut.",
            "<p>The knee is cleaned. <mark>The doctor makes a small cut.</mark> You go home "
            "the same day.</p>",
        ),
        (
            "Before you go home, the nurse checks: Your pulse Your pain Your wound",
            "<p>Other patients go first. <mark>Before you go home, the nurse checks:</mark></p>"
            "<ul><li><mark>Your pulse"
            "</mark></li><li><mark>Your pain</mark></li><li><mark>Your wound</mark></li></ul>",
        ),
        ("Your pain", "<ul><li>Your pulse</li><li><mark>Your pain</mark></li>"),
    ],
    ids=["sentence", "lead-in-and-items", "one-item"],
)
def test_the_source_passage_marks_the_excerpt_within_its_paragraph(excerpt, marked):
    from quizapp.admin.drafts import passage_html
    from quizapp.domain.documents import parse

    passage, section = passage_html(parse(PAGE), excerpt)
    assert marked in str(passage)
    assert section == "What happens?"


def test_an_excerpt_missing_from_the_page_has_no_passage():
    from quizapp.admin.drafts import passage_html
    from quizapp.domain.documents import parse

    assert passage_html(parse(PAGE), "The knee is replaced.") == (None, "")


def test_the_same_upload_again_is_refused_and_stores_nothing(admin_client, dbs, seeded):
    before = stored(dbs)
    response = upload(admin_client, SEED.read_bytes(), SEED.name)
    assert response.status_code == 422
    message = error_beside(response.get_data(as_text=True), "slug")
    assert f"A bank with the slug {SLUG} already exists, so nothing was stored." in message
    assert f"such as {SLUG}-2" in message
    assert f'href="{QUEUE}"' in response.get_data(as_text=True)
    assert stored(dbs) == before


def test_the_same_upload_with_another_slug_makes_a_second_bank(admin_client, dbs, seeded):
    response = upload(
        admin_client, SEED.read_bytes(), SEED.name, slug="cryo-second", title="Cryo again"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/banks/cryo-second/drafts"
    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == "cryo-second"))
    assert bank.title == "Cryo again"
    assert len(bank.questions) == len(seeded)


def test_the_same_document_and_seed_give_the_same_drafts(admin_client, dbs):
    def drafted(slug: str, seed: str) -> list[tuple]:
        assert upload(admin_client, SEED.read_bytes(), slug=slug, seed=seed).status_code == 302
        bank = dbs.scalar(sa.select(Bank).where(Bank.slug == slug))
        return [
            (q.key, q.current.stem, [c.text for c in q.current.choices])
            for q in sorted(bank.questions, key=lambda q: q.id)
        ]

    assert drafted("first", "7") == drafted("second", "7")


@pytest.mark.parametrize(
    ("data", "name", "fields", "field", "message"),
    [
        (None, "", {}, "document", "Choose the document to draft questions from."),
        (b"", "page.txt", {}, "document", "The document is empty."),
        (b" \n\n \n", "page.txt", {}, "document", "The document is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "page.txt", {}, "document", "binary file"),
        ("## Caf\u00e9?\n\nText.".encode("latin-1"), "page.md", {}, "document", "not UTF-8"),
        (b"a" * (MAX_BYTES + 1), "page.txt", {}, "document", "larger than 1024 KB"),
        (NO_SECTIONS, "knee.txt", {}, "document", "Found no sections in the document."),
        (b"# Title\n\n## Part\n\nHello.\n", "page.md", {}, "document", "Could not draft any"),
        (None, "", {"slug": "Bad Slug"}, "slug", "lower-case letters, digits and dashes"),
        (None, "", {"seed": "many"}, "seed", "Not a valid integer value."),
    ],
    ids=[
        "no-file",
        "empty",
        "blank",
        "binary",
        "latin-1",
        "too-large",
        "no-sections",
        "nothing-to-ask",
        "bad-slug",
        "bad-seed",
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    admin_client, dbs, data, name, fields, field, message
):
    before = stored(dbs)
    response = upload(admin_client, data, name, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_beside(page, field)
    assert "Nothing was drafted or stored." in page
    assert stored(dbs) == before


def test_drafts_that_fail_the_bank_checks_are_not_stored(admin_client, dbs, monkeypatch):
    from quizapp.admin import drafts
    from quizapp.domain.bankfile import Problem

    def failing(spec, label):
        return [Problem(label, spec.questions[0].key, "stem", "is empty")]

    monkeypatch.setattr(drafts, "lint", failing)
    before = stored(dbs)
    response = upload(admin_client, SEED.read_bytes(), SEED.name)
    assert response.status_code == 422
    assert "did not pass the bank checks" in error_beside(
        response.get_data(as_text=True), "document"
    )
    assert stored(dbs) == before


# --- Review -------------------------------------------------------------------------------------


def test_approving_a_draft_approves_it_and_it_leaves_the_queue(admin_client, dbs, seeded):
    target = seeded[1]
    response = post_form(admin_client, f"/admin/drafts/{target}/approve", {}, page=QUEUE)
    assert response.status_code == 302
    assert question(dbs, target).status == "approved"
    page = admin_client.get(QUEUE)
    assert target not in queue_ids(page.get_data(as_text=True))
    body = text(page)
    assert f"Approved {question(dbs, target).key}: patients can now get this question." in body
    assert f"{len(seeded) - 1} drafts to review; 1 approved" in body
    assert bank_actions(dbs)[-1] == ("bank.draft.approve", f"question:{target}")


def test_a_draft_that_fails_lint_is_not_approved(admin_client, dbs, seeded):
    target = seeded[0]
    # The document is changed under the draft, so its excerpt is no longer in it.
    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == SLUG))
    excerpt = question(dbs, target).current.source_excerpt
    bank.document.body = bank.document.body.replace(excerpt, "Something else entirely.")
    dbs.commit()
    response = post_form(admin_client, f"/admin/drafts/{target}/approve", {}, page=QUEUE)
    assert response.status_code == 302
    assert question(dbs, target).status == "draft"
    page = admin_client.get(QUEUE)
    assert target in queue_ids(page.get_data(as_text=True))
    assert "was not approved. Fix this first:" in text(page)
    assert "not in the document word for word" in text(page)
    assert ("bank.draft.approve", f"question:{target}") not in bank_actions(dbs)


def test_rejecting_without_a_reason_shows_an_error_beside_the_field(admin_client, dbs, seeded):
    target = seeded[2]
    response = post_form(
        admin_client, f"/admin/drafts/{target}/reject", {"reason": "   "}, page=QUEUE
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "the reason is kept in its history" in error_beside(page, f"reason-{target}")
    assert f'id="reason-{target}"' in page and "autofocus" in page
    assert "Not rejected." in page
    assert question(dbs, target).status == "draft"
    assert target in queue_ids(page)
    other = seeded[3]
    assert f"reason-{other}-error" not in page  # only the draft that was sent shows the error


def test_rejecting_with_a_reason_retires_it_and_shows_the_reason_in_its_history(
    admin_client, dbs, seeded
):
    target = seeded[2]
    reason = "The wrong choices give the answer away."
    response = post_form(
        admin_client, f"/admin/drafts/{target}/reject", {"reason": reason}, page=QUEUE
    )
    assert response.status_code == 302
    rejected = question(dbs, target)
    assert (rejected.status, rejected.review_note) == ("retired", reason)
    assert len(rejected.versions) == 1  # the wording is untouched
    page = admin_client.get(QUEUE)
    assert target not in queue_ids(page.get_data(as_text=True))
    assert "1 retired or rejected" in text(page)
    history = text(admin_client.get(f"/admin/questions/{target}/history"))
    assert f"Rejected in the drafts review queue. Reason: {reason}" in history
    assert bank_actions(dbs)[-1] == ("bank.draft.reject", f"question:{target}")


def test_changing_the_topic_moves_the_draft_without_a_new_version(admin_client, dbs, seeded):
    target = seeded[0]
    before = question(dbs, target)
    other = next(t for t in before.bank.topics if t.id != before.topic_id)
    response = post_form(
        admin_client, f"/admin/drafts/{target}/topic", {"topic": other.key}, page=QUEUE
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{QUEUE}#q-{target}"
    moved = question(dbs, target)
    assert (moved.topic_id, moved.status, len(moved.versions)) == (other.id, "draft", 1)
    page = admin_client.get(QUEUE).get_data(as_text=True)
    assert f"Moved {moved.key} to the topic “{other.title}”." in html.unescape(page)
    article = page[page.index(f'id="q-{target}"') :]
    assert f'<option selected value="{other.key}">' in article[: article.index("</article>")]
    assert bank_actions(dbs)[-1] == ("bank.draft.topic", f"question:{target}")


def test_a_topic_from_another_bank_is_refused(admin_client, dbs, seeded, bank):
    target = seeded[0]
    before = question(dbs, target).topic_id
    response = post_form(
        admin_client, f"/admin/drafts/{target}/topic", {"topic": "what"}, page=QUEUE
    )
    assert response.status_code == 302
    assert question(dbs, target).topic_id == before
    assert "Choose one of this bank's topics." in text(admin_client.get(QUEUE))


def test_edit_then_approve_goes_back_to_the_queue(admin_client, dbs, seeded):
    target = seeded[0]
    draft = question(dbs, target)
    version = draft.current
    queue_page = admin_client.get(QUEUE).get_data(as_text=True)
    edit_url = f"/admin/questions/{target}?back=drafts"
    assert f'href="{edit_url}"' in queue_page.replace("&amp;", "&")
    edit_page = admin_client.get(edit_url).get_data(as_text=True)
    assert "Back to the review queue" in edit_page
    data = {
        "base_version": "1",
        "topic": draft.topic.key,
        "kind": version.kind,
        "stem": version.stem.rstrip("?") + ", in short?",
        "explanation": version.explanation,
        "source_excerpt": version.source_excerpt,
    }
    for n, c in enumerate(version.choices):
        data[f"choices-{n}-text"] = c.text
        data[f"choices-{n}-feedback"] = c.feedback
        if c.is_correct:
            data[f"choices-{n}-correct"] = "y"
    response = post_form(admin_client, edit_url, data)
    assert response.status_code == 302
    assert response.headers["Location"] == QUEUE
    edited = question(dbs, target)
    assert (len(edited.versions), edited.status) == (2, "draft")
    assert "Saved as version 2" in text(admin_client.get(QUEUE))
    post_form(admin_client, f"/admin/drafts/{target}/approve", {}, page=QUEUE)
    assert question(dbs, target).status == "approved"


def test_a_reviewed_draft_cannot_be_reviewed_again(admin_client, dbs, seeded):
    target = seeded[0]
    post_form(admin_client, f"/admin/drafts/{target}/approve", {}, page=QUEUE)
    response = post_form(
        admin_client, f"/admin/drafts/{target}/reject", {"reason": "Too late."}, page=QUEUE
    )
    assert response.status_code == 302
    again = question(dbs, target)
    assert (again.status, again.review_note) == ("approved", None)
    assert "is approved now, no longer a draft to review." in text(admin_client.get(QUEUE))


@pytest.mark.parametrize("action", ["approve", "reject", "topic"])
def test_review_actions_need_a_csrf_token(admin_client, dbs, seeded, action):
    target = seeded[0]
    response = admin_client.post(f"/admin/drafts/{target}/{action}", data={"reason": "x"})
    assert response.status_code == 400
    assert question(dbs, target).status == "draft"


def test_an_unknown_bank_or_draft_is_404(admin_client):
    assert admin_client.get("/admin/banks/nope/drafts").status_code == 404
    response = post_form(admin_client, "/admin/drafts/999999/approve", {}, page="/admin/generate")
    assert response.status_code == 404


def test_an_educator_gets_403_and_changes_nothing(client, make_user, login, dbs):
    spec, _drafts = generate_bank_from_bytes(SEED.read_bytes(), rng=random.Random(0))
    bank = bank_ops.import_bank(dbs, spec, bank_ops.ImportReport())
    dbs.commit()
    target = min(q.id for q in bank.questions)
    login(client, make_user("educator", email="educator@example.org"))
    before = stored(dbs)
    assert client.get("/admin/generate").status_code == 403
    assert client.get(QUEUE).status_code == 403
    token = csrf_from(client.get("/educator/").get_data(as_text=True))
    for action in ("approve", "reject", "topic"):
        response = client.post(
            f"/admin/drafts/{target}/{action}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code == 403
    response = client.post(
        "/admin/generate",
        data={"csrf_token": token, "document": (io.BytesIO(SEED.read_bytes()), "p.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert question(dbs, target).status == "draft"
    after = stored(dbs)
    assert after.pop("AuditEvent") - before.pop("AuditEvent") == 6  # each refusal, logged
    assert after == before
    denied = dbs.scalars(sa.select(AuditEvent.outcome).where(AuditEvent.action == "access.denied"))
    assert list(denied) == ["403"] * 6
