"""``flask bank export``: each format reads back (YAML and GIFT import to no change) or validates
(the FHIR Questionnaire)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from quizapp.domain import bankload

BUNDLED = Path(__file__).parents[2] / "questions" / "salvage-prostate-cryoablation.yaml"
SLUG = "salvage-prostate-cryoablation"


@pytest.fixture
def app_config() -> dict:
    return {"QUIZAPP_PUBLIC_URL": "https://quiz.example.org"}


@pytest.fixture
def imported(runner) -> int:
    """The bundled bank, imported; returns its number of questions."""
    result = runner.invoke(args=["bank", "import", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    count = len(bankload.load(BUNDLED).specs[0].questions)
    assert f"{SLUG}: {count} new questions" in result.output
    return count


def unchanged(count: int) -> str:
    return (
        f"Imported {SLUG}: 0 new questions, 0 new versions, 0 status changes, 0 retired, "
        f"{count} unchanged."
    )


def export(runner, fmt: str, output: Path | None = None) -> str:
    args = ["bank", "export", SLUG, "--format", fmt]
    result = runner.invoke(args=args + (["-o", str(output)] if output else []))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", ["yaml", "gift"])
def test_export_then_import_changes_nothing(runner, imported, tmp_path, fmt):
    before = export(runner, "yaml")
    path = tmp_path / f"{SLUG}.{fmt}"
    written = export(runner, fmt, path)
    assert written == f"Wrote {path} and {tmp_path / 'documents' / (SLUG + '.md')}.\n"
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == unchanged(imported)
    assert export(runner, "yaml") == before


def test_an_edited_gift_file_imports_as_a_new_version(runner, imported, tmp_path):
    path = tmp_path / "bank.gift"
    export(runner, "gift", path)
    text = path.read_text(encoding="utf-8")
    old = "::purpose-what::What is salvage prostate cryoablation? {"
    assert old in text
    path.write_text(text.replace(old, old.replace("What is", "What, in short, is")), "utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 new questions, 1 new versions" in result.output
    assert "stem: What, in short, is salvage prostate cryoablation?" in export(runner, "yaml")


def test_a_broken_gift_file_imports_nothing(runner, imported, tmp_path):
    path = tmp_path / "bank.gift"
    export(runner, "gift", path)
    text = path.read_text(encoding="utf-8").replace("=A treatment for prostate cancer", "Oops")
    path.write_text(text.replace("What is salvage", "Changed"), "utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:purpose-what:answers: every answer starts with = (right) or ~ (wrong)" in (
        result.output
    )
    assert "nothing was imported" in result.output
    assert "Changed" not in export(runner, "yaml")


def test_fhir_export_is_a_valid_questionnaire_of_the_bank(runner, imported):
    spec = bankload.load(BUNDLED).specs[0]
    data = json.loads(export(runner, "fhir"))
    resource = Questionnaire.model_validate(data)
    assert resource.url == f"https://quiz.example.org/fhir/Questionnaire/{SLUG}"
    assert [g.linkId for g in resource.item] == [t.key for t in spec.topics]
    items = {item.linkId: item for group in resource.item for item in group.item}
    assert sorted(items) == sorted(q.key for q in spec.questions if q.status == "approved")
    for q in spec.questions:
        options = [o.valueCoding for o in items[q.key].answerOption]
        assert [(o.code, o.display) for o in options] == [
            (f"{q.key}-{n}", c.text) for n, c in enumerate(q.choices, 1)
        ]
