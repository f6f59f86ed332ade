"""The bank file format (``questions/<slug>.yaml``, see questions/README.md), parsed into frozen
dataclasses. Every problem names the file, the question key and the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

SCHEMA = "quizapp.bank/1"
STATUSES = ("draft", "approved", "retired")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    topic: str
    kind: str
    stem: str
    choices: tuple[ChoiceSpec, ...]
    source_excerpt: str
    explanation: str = ""
    status: str = "draft"

    def content(self) -> tuple:
        """Everything a new version would store: equal content means no new version."""
        return (
            self.kind,
            self.stem,
            self.explanation,
            self.source_excerpt,
            tuple((c.text, c.correct, c.feedback) for c in self.choices),
        )


@dataclass(frozen=True)
class TopicSpec:
    key: str
    title: str
    section: str | None = None


@dataclass(frozen=True)
class BankSpec:
    slug: str
    title: str
    #: The document path as written in the file (relative to the file).
    document: str
    #: The document's Markdown text.
    document_text: str
    topics: tuple[TopicSpec, ...]
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.key}:{self.field}: {tag}{self.message}"


@dataclass
class _Collector:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, key: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, field_name, message))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


#: libyaml's parser, when PyYAML was built with it: a 1,000-question bank parses in 0.3 s
#: instead of 2.7 s.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load``, through libyaml when it can. Text that libyaml refuses, and text with
    tabs (which libyaml accepts in places the pure-Python parser does not), goes through the
    pure-Python parser, so what is accepted and every error message stay exactly the same."""
    if _FAST_LOADER is not None and "\t" not in text:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # nosec B506 - the C build of SafeLoader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def parse_bank(
    text: str, file_label: str, read_document: Callable[[str], str | None]
) -> tuple[BankSpec | None, list[Problem]]:
    """Parse a bank file's text. ``read_document(path)`` returns the document's text, or None.

    Returns the spec (None when the file cannot be understood at all) and the structural problems.
    """
    out = _Collector(file_label)
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        out.error("-", "yaml", f"not valid YAML ({where}): {getattr(exc, 'problem', exc)}")
        return None, out.problems
    if not isinstance(data, dict):
        out.error(
            "-", "file", "expected a mapping with schema, slug, title, document, topics, questions"
        )
        return None, out.problems
    if data.get("schema") != SCHEMA:
        out.error("-", "schema", f"must be {SCHEMA!r}")
    slug = _text(data.get("slug"))
    if not KEY_RE.match(slug):
        out.error("-", "slug", "must be lower-case letters, digits and dashes")
    title = _text(data.get("title"))
    if not title:
        out.error("-", "title", "is empty")
    document = _text(data.get("document"))
    document_text = ""
    if not document:
        out.error("-", "document", "names no document file")
    else:
        found = read_document(document)
        if found is None:
            out.error("-", "document", f"file {document} not found or not readable as UTF-8 text")
        else:
            document_text = found
    topics = _parse_topics(data.get("topics"), out)
    questions = _parse_questions(data.get("questions"), out)
    spec = BankSpec(slug, title, document, document_text, tuple(topics), tuple(questions))
    return spec, out.problems


def _parse_topics(raw: Any, out: _Collector) -> list[TopicSpec]:
    if not isinstance(raw, list) or not raw:
        out.error("-", "topics", "needs a list of at least one topic")
        return []
    topics = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            out.error(f"topic {n}", "topic", "must be a mapping with key, title and section")
            continue
        key = _text(item.get("key"))
        if not KEY_RE.match(key):
            out.error(key or f"topic {n}", "key", "must be lower-case letters, digits and dashes")
        if not _text(item.get("title")):
            out.error(key or f"topic {n}", "title", "is empty")
        section = _text(item.get("section")) or None
        topics.append(TopicSpec(key, _text(item.get("title")), section))
    return topics


def _parse_questions(raw: Any, out: _Collector) -> list[QuestionSpec]:
    if not isinstance(raw, list):
        out.error("-", "questions", "needs a list of questions")
        return []
    questions = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            out.error(f"question {n}", "question", "must be a mapping")
            continue
        key = _text(item.get("key")) or f"question {n}"
        choices = []
        raw_choices = item.get("choices")
        if not isinstance(raw_choices, list):
            out.error(key, "choices", "needs a list of choices")
            raw_choices = []
        for m, choice in enumerate(raw_choices, 1):
            if not isinstance(choice, dict) or not _text(choice.get("text")):
                out.error(key, f"choices[{m}]", "needs a text")
                continue
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                out.error(key, f"choices[{m}].correct", "must be true or false")
                correct = False
            choices.append(
                ChoiceSpec(_text(choice.get("text")), correct, _text(choice.get("feedback")))
            )
        status = _text(item.get("status")) or "draft"
        if status not in STATUSES:
            out.error(key, "status", f"must be one of {', '.join(STATUSES)}")
        questions.append(
            QuestionSpec(
                key=key,
                topic=_text(item.get("topic")),
                kind=_text(item.get("kind")),
                stem=_text(item.get("stem")),
                choices=tuple(choices),
                source_excerpt=_text(item.get("source_excerpt")),
                explanation=_text(item.get("explanation")),
                status=status,
            )
        )
    return questions


def dump_bank(spec: BankSpec) -> str:
    """The bank as YAML in the import format (export, then import, changes nothing)."""
    data = {
        "schema": SCHEMA,
        "slug": spec.slug,
        "title": spec.title,
        "document": spec.document,
        "topics": [
            {k: v for k, v in (("key", t.key), ("title", t.title), ("section", t.section)) if v}
            for t in spec.topics
        ],
        "questions": [
            {
                "key": q.key,
                "topic": q.topic,
                "kind": q.kind,
                "status": q.status,
                "stem": q.stem,
                "choices": [
                    {
                        "text": c.text,
                        **({"correct": True} if c.correct else {}),
                        **({"feedback": c.feedback} if c.feedback else {}),
                    }
                    for c in q.choices
                ],
                "explanation": q.explanation,
                "source_excerpt": q.source_excerpt,
            }
            for q in spec.questions
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
