"""Bank files: each broken file gets the exact message that names file, key and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizapp.domain import bankload

DOCUMENT = """# Knee scope

## What is it?

A knee scope is a look inside the knee with a small camera. It takes about an hour.

## After

- You go home the same day.
- You use crutches for a few days.

Source: our own words.
"""

GOOD = {
    "schema": "quizapp.bank/1",
    "slug": "knee",
    "title": "Knee scope",
    "document": "documents/knee.md",
    "topics": [{"key": "what", "title": "What it is", "section": "what-is-it"}],
    "questions": [
        {
            "key": "what-camera",
            "topic": "what",
            "kind": "single",
            "status": "approved",
            "stem": "What does the doctor use to look inside the knee?",
            "choices": [
                {"text": "A small camera", "correct": True},
                {"text": "A magnet", "feedback": "No magnet is used."},
                {"text": "A needle", "feedback": "It is a small camera."},
            ],
            "explanation": "The doctor looks inside with a small camera.",
            "source_excerpt": "A knee scope is a look inside the knee with a small camera.",
        }
    ],
}


def write_bank(folder: Path, data) -> Path:
    (folder / "documents").mkdir(exist_ok=True)
    (folder / "documents" / "knee.md").write_text(DOCUMENT)
    path = folder / "knee.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def changed(path: str, value):
    """GOOD with one value replaced; path like 'questions.0.choices.1.correct'."""
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


DELETE = object()


def test_the_good_file_has_no_problems(tmp_path):
    assert bankload.load(write_bank(tmp_path, GOOD)).problems == []


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            "schema: [unclosed",
            "knee.yaml:-:yaml: not valid YAML (line 1): expected ',' or ']', but got '<stream end>'",
        ),
        (
            "- just a list",
            "knee.yaml:-:file: expected a mapping with schema, slug, title, document, topics, questions",
        ),
        (changed("schema", "v2"), "knee.yaml:-:schema: must be 'quizapp.bank/1'"),
        (
            changed("slug", "Knee Scope"),
            "knee.yaml:-:slug: must be lower-case letters, digits and dashes",
        ),
        (
            changed("document", "documents/missing.md"),
            "knee.yaml:-:document: file documents/missing.md not found or not readable as UTF-8 text",
        ),
        (
            changed("topics.0.section", "nowhere"),
            "knee.yaml:what:section: no section 'nowhere' in the document (has: what-is-it, after)",
        ),
        (changed("questions.0.topic", "why"), "knee.yaml:what-camera:topic: unknown topic 'why'"),
        (
            changed("questions.0.kind", "essay"),
            "knee.yaml:what-camera:kind: unknown kind 'essay'; use one of single, truefalse, multi",
        ),
        (changed("questions.0.stem", ""), "knee.yaml:what-camera:stem: is empty"),
        (
            changed("questions.0.stem", "Which is NOT used?"),
            'knee.yaml:what-camera:stem: do not build a stem on "NOT" or "EXCEPT"; ask the positive question',
        ),
        (
            changed("questions.0.choices.1.correct", True),
            "knee.yaml:what-camera:choices: needs exactly one correct choice, has 2",
        ),
        (
            changed("questions.0.choices.0.correct", False),
            "knee.yaml:what-camera:choices: needs exactly one correct choice, has 0",
        ),
        (
            changed("questions.0.choices.2", DELETE),
            "knee.yaml:what-camera:choices: single choice needs 3 to 4 choices, has 2",
        ),
        (
            changed("questions.0.choices.0.correct", "yes"),
            "knee.yaml:what-camera:choices[1].correct: must be true or false",
        ),
        (
            changed("questions.0.choices.1.text", ""),
            "knee.yaml:what-camera:choices[2]: needs a text",
        ),
        (
            changed("questions.0.source_excerpt", "It is done with a laser."),
            "knee.yaml:what-camera:source_excerpt: not found word for word in the document",
        ),
        (
            changed("questions.0.source_excerpt", ""),
            "knee.yaml:what-camera:source_excerpt: is empty; quote the words of the document that state the answer",
        ),
        (
            changed("questions.0.explanation", ""),
            "knee.yaml:what-camera:explanation: is empty; say in plain words why the answer is right",
        ),
        (
            changed("questions.0.status", "live"),
            "knee.yaml:what-camera:status: must be one of draft, approved, retired",
        ),
        (
            changed("questions.0.kind", "truefalse"),
            "knee.yaml:what-camera:choices: true/false needs exactly 2 choices, has 3",
        ),
        (
            changed("questions", GOOD["questions"] * 2),
            "knee.yaml:what-camera:key: duplicate question key",
        ),
        (
            changed("questions.0.kind", "multi"),
            'knee.yaml:what-camera:stem: a select-all question must say so: end it "Select all that apply."',
        ),
        (changed("slug", "import"), "knee.yaml:-:slug: 'import' is reserved; choose another slug"),
    ],
)
def test_each_broken_file_gets_its_exact_message(tmp_path, data, expected):
    path = write_bank(tmp_path, data)
    messages = [str(p).replace(str(tmp_path) + "/", "") for p in bankload.load(path).errors]
    assert expected in messages, messages


def test_not_utf8_and_binary_files_are_refused_with_a_message(tmp_path):
    (tmp_path / "a.yaml").write_bytes(b"slug: caf\xe9\n")
    (tmp_path / "b.yaml").write_bytes(b"\x00\x01\x02")
    messages = [str(p).replace(str(tmp_path) + "/", "") for p in bankload.load(tmp_path).errors]
    assert "a.yaml:-:file: is not UTF-8 text (byte 9)" in messages
    assert "b.yaml:-:file: is a binary file, not text" in messages


def test_hard_reading_is_a_warning_not_an_error(tmp_path):
    data = changed(
        "questions.0.explanation",
        "Arthroscopic visualization facilitates comprehensive intraarticular examination procedures.",
    )
    loaded = bankload.load(write_bank(tmp_path, data))
    assert loaded.errors == []
    assert [p.severity for p in loaded.problems] == ["warning"]
    assert "reading grade" in str(loaded.problems[0]) and "is above 8" in str(loaded.problems[0])


def test_an_empty_folder_says_there_are_no_bank_files(tmp_path):
    assert "no bank files (.yaml, .yml, .gift) here" in str(bankload.load(tmp_path).errors[0])
