"""Uploading a bank file and its document: all or nothing, every problem listed on the page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from quizapp.domain.bankfile import dump_bank
from quizapp.models import AuditEvent, Bank, Choice, Document, Question, QuestionVersion, Topic
from tests.admin.conftest import DOCUMENT, SPEC
from tests.admin.pages import error_beside
from tests.helpers import csrf_from

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "questions"
BUNDLED = QUESTIONS_DIR / "salvage-prostate-cryoablation.yaml"
BUNDLED_DOCUMENT = QUESTIONS_DIR / "documents" / "salvage-prostate-cryoablation.md"


def upload(client, bank: bytes | None, document: bytes | None, name: str = "freezing.yaml"):
    """Post the files as a browser does. The body is built in memory: the test client would
    spool a large one to a temporary file it never closes."""
    url = "/admin/banks/import"
    fields = MultiDict({"csrf_token": csrf_from(client.get(url).get_data(as_text=True))})
    if bank is not None:
        fields["bank"] = FileStorage(io.BytesIO(bank), filename=name)
    if document is not None:
        fields["document"] = FileStorage(io.BytesIO(document), filename="freezing.md")
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def freezing_yaml(change=None) -> bytes:
    """The small bank as a file, optionally changed by ``change(data)``."""
    data = yaml.safe_load(dump_bank(SPEC))
    if change:
        change(data)
    return yaml.safe_dump(data, sort_keys=False).encode()


def snapshot(dbs) -> dict:
    """Everything an import could change."""
    dbs.expire_all()
    counts = {
        model.__name__: dbs.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Bank, Document, Topic, Question, QuestionVersion, Choice)
    }
    statuses = dict(dbs.execute(sa.select(Question.key, Question.status)).all())
    return {"counts": counts, "statuses": statuses}


def test_uploading_the_bundled_bank_imports_it(admin_client, dbs):
    response = upload(
        admin_client, BUNDLED.read_bytes(), BUNDLED_DOCUMENT.read_bytes(), BUNDLED.name
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/banks/salvage-prostate-cryoablation"
    bank = dbs.scalar(sa.select(Bank))
    count = dbs.scalar(sa.select(sa.func.count(Question.id)))
    assert bank.slug == "salvage-prostate-cryoablation" and count >= 30
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Imported salvage-prostate-cryoablation: {count} new questions, 0 new versions" in page
    events = dbs.scalars(sa.select(AuditEvent).where(AuditEvent.action == "bank.import")).all()
    assert [e.target for e in events] == [f"bank:{bank.id}"]


def test_uploading_the_same_file_again_changes_nothing(admin_client, dbs, bank):
    before = snapshot(dbs)
    response = upload(admin_client, freezing_yaml(), DOCUMENT.encode())
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 new questions, 0 new versions, 0 status changes, 0 retired, 3 unchanged" in page
    assert snapshot(dbs) == before


def test_an_upload_that_changes_a_question_adds_a_version(admin_client, dbs, bank):
    def reword(data):
        data["questions"][1]["explanation"] = "The doctor reaches the tissue with thin needles."

    response = upload(admin_client, freezing_yaml(reword), DOCUMENT.encode())
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 new questions, 1 new versions" in page
    assert snapshot(dbs)["counts"]["QuestionVersion"] == 4


def _set(path, value):
    """A change to the file: set ``data[path...] = value``."""

    def change(data):
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


BROKEN = [
    (
        _set(("questions", 0, "choices", 1, "correct"), True),
        "freezing.yaml:what-freeze:choices: needs exactly one correct choice, has 2",
    ),
    (
        _set(("questions", 0, "source_excerpt"), "Cryoablation heats the tissue."),
        "freezing.yaml:what-freeze:source_excerpt: not found word for word in the document",
    ),
    (
        _set(("questions", 0, "topic"), "nope"),
        "freezing.yaml:what-freeze:topic: unknown topic 'nope'",
    ),
    (
        _set(("questions", 2, "key"), "what-freeze"),
        "freezing.yaml:what-freeze:key: duplicate question key",
    ),
    (
        _set(("questions", 0, "stem"), "Which does NOT happen to the tissue?"),
        'freezing.yaml:what-freeze:stem: do not build a stem on "NOT" or "EXCEPT"; '
        "ask the positive question",
    ),
    (_set(("schema",), "quizapp.bank/0"), "freezing.yaml:-:schema: must be 'quizapp.bank/1'"),
]


@pytest.mark.parametrize(("change", "line"), BROKEN)
def test_a_broken_file_lists_its_problems_and_changes_nothing(
    admin_client, dbs, bank, change, line
):
    def also_reword_a_good_question(data):
        data["questions"][1]["stem"] = "The doctor uses thin needles to reach the tissue."
        change(data)

    before = snapshot(dbs)
    response = upload(admin_client, freezing_yaml(also_reword_a_good_question), DOCUMENT.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html
    assert f"<code>{line}</code>".replace('"', "&#34;").replace("'", "&#39;") in html
    assert snapshot(dbs) == before
    assert dbs.scalar(sa.select(AuditEvent).where(AuditEvent.action == "bank.import")) is None


def test_a_file_that_is_not_yaml_is_reported_with_its_line(admin_client, dbs):
    response = upload(admin_client, b"schema: quizapp.bank/1\nslug: [unclosed\n", b"# Doc\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "freezing.yaml:-:yaml: not valid YAML (line 3)" in html
    assert dbs.scalar(sa.select(sa.func.count(Bank.id))) == 0


@pytest.mark.parametrize(
    ("field", "content", "message"),
    [
        ("bank", b"", "This file is empty. Choose the file again."),
        (
            "bank",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "This is a binary file, not text. Choose the .yaml or .md text file.",
        ),
        (
            "bank",
            "slug: café\n".encode("latin-1"),
            "This file is not UTF-8 text (byte 9). Save it as UTF-8 and try again.",
        ),
        ("bank", b"# padding\n" * 110_000, "This file is larger than 1 MB."),
        (
            "document",
            b"\xff\xfe# Guide",
            "This file is not UTF-8 text (byte 0). Save it as UTF-8 and try again.",
        ),
    ],
)
def test_an_unusable_file_gets_a_message_beside_it(admin_client, dbs, field, content, message):
    files = {"bank": freezing_yaml(), "document": DOCUMENT.encode()}
    files[field] = content
    response = upload(admin_client, files["bank"], files["document"])
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), field) == message
    assert dbs.scalar(sa.select(sa.func.count(Bank.id))) == 0


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("bank", "Choose the bank file (.yaml) to import."),
        ("document", "Choose the document file (.md) that the bank file names."),
    ],
)
def test_both_files_are_needed(admin_client, dbs, missing, message):
    files = {"bank": freezing_yaml(), "document": DOCUMENT.encode()}
    files[missing] = None
    response = upload(admin_client, files["bank"], files["document"])
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), missing) == message


def test_an_upload_over_the_request_limit_gets_a_friendly_page(admin_client, dbs):
    response = upload(admin_client, b"a" * (3 * 1024 * 1024), DOCUMENT.encode())
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_an_imported_bank_reads_back_as_its_file_in_the_same_session(dbs):
    """New questions go in as bulk INSERTs: the bank in the session shows them all, in file order,
    each with its first version, choices in order and reading grade."""
    from quizapp.domain import bankload
    from quizapp.operations import banks as bank_ops

    spec = bankload.load(BUNDLED).specs[0]
    bank = bank_ops.import_bank(dbs, spec, bank_ops.ImportReport())
    assert bank_ops.spec_from_bank(bank).questions == spec.questions
    assert all(q.current.number == 1 and q.current.reading_grade for q in bank.questions)
    dbs.commit()
    again = bank_ops.ImportReport()
    bank_ops.import_bank(dbs, spec, again)
    assert (again.created, again.unchanged) == (0, len(spec.questions))
