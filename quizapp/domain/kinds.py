"""The question kinds: a registry from kind name to how it is checked, asked and graded."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    #: What the patient is told to do.
    instruction: str
    #: The HTML input a patient answers with.
    input_type: str
    min_choices: int
    max_choices: int
    #: Check the correct flags of a choice list; returns problems in plain words.
    check_correct: Callable[[Sequence[bool]], list[str]]
    #: Label for exports (GIFT, FHIR).
    label: str


def _exactly_one(flags: Sequence[bool]) -> list[str]:
    count = sum(flags)
    return [] if count == 1 else [f"needs exactly one correct choice, has {count}"]


def _at_least_one(flags: Sequence[bool]) -> list[str]:
    return [] if any(flags) else ["needs at least one correct choice"]


KINDS: dict[str, Kind] = {
    "single": Kind("single", "Choose one answer.", "radio", 3, 4, _exactly_one, "single choice"),
    "truefalse": Kind(
        "truefalse", "Is this true or false?", "radio", 2, 2, _exactly_one, "true/false"
    ),
    "multi": Kind(
        "multi",
        "Choose all the answers that are right.",
        "checkbox",
        3,
        6,
        _at_least_one,
        "select all",
    ),
}
TRUE_FALSE_TEXTS = ("True", "False")


def grade(chosen: Collection[int], correct: Collection[int]) -> bool:
    """Right only when the chosen choices are exactly the correct ones (all kinds)."""
    return set(chosen) == set(correct) and bool(chosen)


def check_choices(kind_name: str, texts: Sequence[str], flags: Sequence[bool]) -> list[str]:
    """Problems with a kind's choices, in plain words (empty when all is well)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return [f"unknown kind {kind_name!r}; use one of {', '.join(KINDS)}"]
    problems = []
    if not kind.min_choices <= len(texts) <= kind.max_choices:
        if kind.min_choices == kind.max_choices:
            problems.append(
                f"{kind.label} needs exactly {kind.min_choices} choices, has {len(texts)}"
            )
        else:
            wanted = f"{kind.min_choices} to {kind.max_choices}"
            problems.append(f"{kind.label} needs {wanted} choices, has {len(texts)}")
    if kind_name == "truefalse" and tuple(t.strip() for t in texts) != TRUE_FALSE_TEXTS:
        problems.append('true/false choices must be "True" then "False"')
    problems.extend(kind.check_correct(flags))
    if len({t.strip().lower() for t in texts}) != len(texts):
        problems.append("two choices have the same text")
    return problems
