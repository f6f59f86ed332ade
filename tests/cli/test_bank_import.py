"""``flask bank import`` and ``bank lint``: all or nothing, idempotent, versioned, retiring."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa
import yaml

from quizapp.models import Bank, Question, QuestionVersion

ROOT = Path(__file__).resolve().parents[2] / "questions"
SLUG = "salvage-prostate-cryoablation"


def copy_bundled(folder: Path) -> Path:
    shutil.copytree(ROOT / "documents", folder / "documents")
    return Path(shutil.copy(ROOT / f"{SLUG}.yaml", folder / f"{SLUG}.yaml"))


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def count(dbs, model) -> int:
    return dbs.scalar(sa.select(sa.func.count(model.id)))


def test_lint_reports_ok_for_the_bundled_folder(runner):
    result = runner.invoke(args=["bank", "lint", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "OK: 1 banks, 46 questions" in result.output


def test_import_then_import_again_creates_nothing_new(runner, dbs):
    first = runner.invoke(args=["bank", "import", str(ROOT)])
    assert first.exit_code == 0, first.output
    assert "46 new questions" in first.output
    versions = count(dbs, QuestionVersion)
    second = runner.invoke(args=["bank", "import", str(ROOT)])
    assert (
        "0 new questions, 0 new versions, 0 status changes, 0 retired, 46 unchanged"
        in second.output
    )
    assert count(dbs, QuestionVersion) == versions == 46


def test_a_changed_question_becomes_a_new_version_and_the_old_one_stays(runner, dbs, tmp_path):
    path = copy_bundled(tmp_path)
    runner.invoke(args=["bank", "import", str(path)])
    edit(path, lambda d: d["questions"][0].update(stem="What is this treatment?"))
    result = runner.invoke(args=["bank", "import", str(path)])
    assert "1 new versions" in result.output, result.output
    question = dbs.scalar(sa.select(Question).where(Question.key == "purpose-what"))
    assert [v.stem for v in question.versions] == [
        "What is salvage prostate cryoablation?",
        "What is this treatment?",
    ]


def test_a_question_removed_from_the_file_is_retired_not_deleted(runner, dbs, tmp_path):
    path = copy_bundled(tmp_path)
    runner.invoke(args=["bank", "import", str(path)])
    edit(path, lambda d: d["questions"].pop(0))
    result = runner.invoke(args=["bank", "import", str(path)])
    assert "1 retired" in result.output
    question = dbs.scalar(sa.select(Question).where(Question.key == "purpose-what"))
    assert question.status == "retired" and count(dbs, Question) == 46


def test_one_broken_file_in_a_folder_imports_nothing_at_all(runner, dbs, tmp_path):
    copy_bundled(tmp_path)
    (tmp_path / "broken.yaml").write_text("schema: quizapp.bank/1\nslug: broken\n")
    result = runner.invoke(args=["bank", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.yaml:-:title: is empty" in result.output
    assert "nothing was imported" in result.output
    assert count(dbs, Bank) == 0 and count(dbs, Question) == 0


def test_a_broken_change_to_an_imported_bank_changes_nothing(runner, dbs, tmp_path):
    path = copy_bundled(tmp_path)
    runner.invoke(args=["bank", "import", str(path)])
    edit(
        path,
        lambda d: (
            d["questions"][0].update(stem="New wording?"),
            d["questions"][1].update(source_excerpt="Not in the text."),
        ),
    )
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1
    assert (
        f"{SLUG}.yaml:purpose-salvage-word:source_excerpt: not found word for word in the document"
        in result.output
    )
    assert count(dbs, QuestionVersion) == 46


def test_missing_path_and_unknown_slug_get_clear_errors(runner, tmp_path):
    result = runner.invoke(args=["bank", "import", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "nope.yaml:-:path: no such file or folder" in result.output
    result = runner.invoke(args=["bank", "export", "nope"])
    assert result.exit_code == 1 and "No bank with slug 'nope'" in result.output
