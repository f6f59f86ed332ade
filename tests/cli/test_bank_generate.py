"""``flask bank generate``: a draft bank file that lints and imports; bad input writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from quizapp.domain.generation import MAX_BYTES
from quizapp.models import Bank, Question

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / ".." / "shared" / "seeds" / "000_3f8c8241accd99f4.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "documents"


@pytest.mark.parametrize(
    "document", [SEED, FIXTURES / "colonoscopy-preparation.txt", FIXTURES / "cataract-surgery.md"]
)
def test_generate_then_lint_then_import(runner, dbs, tmp_path, document):
    out = tmp_path / "banks" / "drafts.yaml"
    out.parent.mkdir()
    generated = runner.invoke(args=["bank", "generate", str(document), "-o", str(out)])
    assert generated.exit_code == 0, generated.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (out.parent / data["document"]).is_file()
    assert f"Wrote {out}" in generated.output

    linted = runner.invoke(args=["bank", "lint", str(out)])
    assert linted.exit_code == 0, linted.output
    assert "OK: 1 banks" in linted.output

    imported = runner.invoke(args=["bank", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == data["slug"]))
    questions = dbs.scalars(sa.select(Question).where(Question.bank_id == bank.id)).all()
    assert len(questions) == len(data["questions"]) >= 8
    assert {str(getattr(q.status, "value", q.status)) for q in questions} == {"draft"}


def test_without_output_prints_the_yaml(runner):
    result = runner.invoke(args=["bank", "generate", str(FIXTURES / "cataract-surgery.md")])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["schema"] == "quizapp.bank/1"
    assert data["slug"] == "cataract-surgery"
    assert {q["status"] for q in data["questions"]} == {"draft"}
    assert "Use -o FILE to write the bank and its document." in result.stderr


def test_same_seed_same_file_other_seed_other_file(runner, tmp_path):
    def run(seed: str) -> str:
        args = ["bank", "generate", str(FIXTURES / "colonoscopy-preparation.txt"), "--seed", seed]
        return runner.invoke(args=args).stdout

    assert run("4") == run("4")
    assert any(run(str(n)) != run("4") for n in range(5))


def test_slug_and_title_can_be_chosen(runner):
    args = ["bank", "generate", str(FIXTURES / "cataract-surgery.md")]
    result = runner.invoke(args=[*args, "--slug", "eye-op", "--title", "Eye operation"])
    data = yaml.safe_load(result.stdout)
    assert (data["slug"], data["title"], data["document"]) == (
        "eye-op",
        "Eye operation",
        "documents/eye-op.md",
    )


def test_refuses_to_replace_files_unless_forced(runner, tmp_path):
    out = tmp_path / "bank.yaml"
    out.write_text("keep me", encoding="utf-8")
    args = ["bank", "generate", str(FIXTURES / "cataract-surgery.md"), "-o", str(out)]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0
    assert "already exist" in refused.output and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "documents").exists()
    forced = runner.invoke(args=[*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("schema: quizapp.bank/1")


BAD = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"\x00\x01\x02\x03binary\x00" * 50, "binary", id="binary"),
    pytest.param("What is it?\n\nFa\u00e7ade.".encode("latin-1"), "not UTF-8", id="not-utf8"),
    pytest.param(b"## What?\n\n" + b"x" * (MAX_BYTES + 1), "larger than", id="too-big"),
    pytest.param(b"No headings here. Only text.\n\nMore text.", "no sections", id="no-sections"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_documents_get_a_clear_message_and_write_nothing(runner, tmp_path, data, message):
    document = tmp_path / "in" / "page.txt"
    document.parent.mkdir()
    document.write_bytes(data)
    out = tmp_path / "out" / "bank.yaml"
    result = runner.invoke(args=["bank", "generate", str(document), "-o", str(out)])
    assert result.exit_code == 1
    assert message.lower() in result.output.lower()
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_document_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["bank", "generate", str(tmp_path / "nope.md")])
    assert result.exit_code != 0
    assert "nope.md" in result.output


def test_generated_bank_imports_next_to_the_bundled_one(runner, dbs, tmp_path):
    """A generated bank is a separate bank (its own slug): the bundled one is untouched."""
    folder = tmp_path / "questions"
    shutil.copytree(ROOT / "questions", folder)
    out = folder / "cataract-surgery.yaml"
    assert (
        runner.invoke(
            args=["bank", "generate", str(FIXTURES / "cataract-surgery.md"), "-o", str(out)]
        ).exit_code
        == 0
    )
    result = runner.invoke(args=["bank", "import", str(folder)])
    assert result.exit_code == 0, result.output
    slugs = set(dbs.scalars(sa.select(Bank.slug)))
    assert {"salvage-prostate-cryoablation", "cataract-surgery"} <= slugs
