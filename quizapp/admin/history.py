"""A readable diff between two versions of a question: the lines removed and the lines added."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from quizapp.domain.kinds import KINDS
from quizapp.models import QuestionVersion


@dataclass(frozen=True)
class Change:
    #: "removed" or "added".
    kind: str
    text: str


def version_lines(version: QuestionVersion) -> list[str]:
    """The text of a version as lines a person can compare, one fact per line."""
    kind = KINDS.get(version.kind)
    lines = [f"Kind: {kind.label if kind else version.kind}", f"Question: {version.stem}"]
    for choice in version.choices:
        lines.append(f"Choice ({'right' if choice.is_correct else 'wrong'}): {choice.text}")
        if choice.feedback:
            lines.append(f"Feedback on “{choice.text}”: {choice.feedback}")
    lines.append(f"Explanation: {version.explanation}")
    lines.append(f"Source excerpt: {version.source_excerpt}")
    return lines


def changes(old: list[str], new: list[str]) -> list[Change]:
    """What changed from ``old`` to ``new``: removed lines before the lines that replace them."""
    result: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            result.extend(Change("removed", line) for line in old[i1:i2])
        if tag in ("replace", "insert"):
            result.extend(Change("added", line) for line in new[j1:j2])
    return result


def entries(versions: list[QuestionVersion]) -> list[tuple[QuestionVersion, list[Change]]]:
    """Each version, newest first, with its changes from the one before (v1: all of it, added)."""
    out = []
    previous: list[str] = []
    for version in versions:
        lines = version_lines(version)
        out.append((version, changes(previous, lines)))
        previous = lines
    return list(reversed(out))
