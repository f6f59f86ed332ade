"""The rules every bank must pass before import (``bank lint``)."""

from __future__ import annotations

import re

from quizapp.domain import documents, kinds, readability
from quizapp.domain.bankfile import BankSpec, Problem

NEGATIVE_STEM = re.compile(r"\b(NOT|EXCEPT)\b")
SELECT_ALL = re.compile(r"\b(select|choose|pick) all\b", re.IGNORECASE)
#: Slugs that would collide with admin URLs such as /admin/banks/import.
RESERVED_SLUGS = {"import", "new", "generate"}


def patient_text(stem: str, explanation: str, choices: list[tuple[str, str]]) -> str:
    """All the words a patient reads for one question, for its reading grade."""
    parts = [stem, explanation]
    for text, feedback in choices:
        parts.extend([text if text.endswith((".", "?", "!")) else text + ".", feedback])
    return " ".join(p for p in parts if p)


def lint(spec: BankSpec, file_label: str) -> list[Problem]:
    """Every problem with the bank's content: errors, and reading grade above 8 as warnings."""
    problems: list[Problem] = []

    def error(key: str, field_name: str, message: str) -> None:
        problems.append(Problem(file_label, key, field_name, message))

    if spec.slug in RESERVED_SLUGS:
        error("-", "slug", f"{spec.slug!r} is reserved; choose another slug")
    document = documents.parse(spec.document_text) if spec.document_text else None
    topic_keys = [t.key for t in spec.topics]
    for key in {k for k in topic_keys if topic_keys.count(k) > 1}:
        error(key, "key", "duplicate topic key")
    for topic in spec.topics:
        if document and topic.section and document.section(topic.section) is None:
            anchors = ", ".join(s.anchor for s in document.sections)
            error(
                topic.key,
                "section",
                f"no section {topic.section!r} in the document (has: {anchors})",
            )

    seen: set[str] = set()
    for q in spec.questions:
        if q.key in seen:
            error(q.key, "key", "duplicate question key")
        seen.add(q.key)
        if q.topic not in topic_keys:
            error(q.key, "topic", f"unknown topic {q.topic!r}")
        if not q.stem:
            error(q.key, "stem", "is empty")
        elif NEGATIVE_STEM.search(q.stem):
            error(
                q.key, "stem", 'do not build a stem on "NOT" or "EXCEPT"; ask the positive question'
            )
        elif q.kind == "multi" and not SELECT_ALL.search(q.stem):
            error(
                q.key, "stem", 'a select-all question must say so: end it "Select all that apply."'
            )
        for message in kinds.check_choices(
            q.kind, [c.text for c in q.choices], [c.correct for c in q.choices]
        ):
            error(q.key, "kind" if message.startswith("unknown kind") else "choices", message)
        if not q.explanation:
            error(q.key, "explanation", "is empty; say in plain words why the answer is right")
        if not q.source_excerpt:
            error(
                q.key,
                "source_excerpt",
                "is empty; quote the words of the document that state the answer",
            )
        elif document and document.section_of(q.source_excerpt) is None:  # parsed once, above
            error(q.key, "source_excerpt", "not found word for word in the document")
        level = readability.grade(
            patient_text(q.stem, q.explanation, [(c.text, c.feedback) for c in q.choices])
        )
        if level is not None and level > readability.MAX_GRADE:
            problems.append(
                Problem(
                    file_label,
                    q.key,
                    "stem",
                    f"reading grade {level:.1f} is above {readability.MAX_GRADE:.0f}",
                    "warning",
                )
            )
    return problems
