"""A draft question: what a generator proposes and an administrator reviews."""

from __future__ import annotations

from dataclasses import dataclass, replace

from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation.rendering import Span


@dataclass(frozen=True)
class Draft:
    kind: str
    stem: str
    choices: tuple[ChoiceSpec, ...]
    explanation: str
    #: Character offsets into the document text of the words the excerpt quotes. A list's
    #: excerpt has one span for its lead-in and one per item; ``excerpt`` is them joined by spaces.
    spans: tuple[Span, ...]
    excerpt: str
    #: Index of the document section the excerpt comes from (see ``Generated.sections``).
    section: int
    #: Which generator made it: "definition", "list", "truefalse" or "heading".
    generator: str
    #: The words the excerpt must contain for the marked answer to be supported by it.
    support: str
    #: What the question is about (a term, a list's lead-in, a statement's subject).
    subject: str
    #: Flesch-Kincaid grade of everything the patient reads (set by quality.check).
    grade: float | None = None
    #: Topic key and question key in the bank (set by bank.py).
    topic: str = ""
    key: str = ""

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    @property
    def correct(self) -> list[str]:
        return [c.text for c in self.choices if c.correct]

    @property
    def wrong(self) -> list[str]:
        return [c.text for c in self.choices if not c.correct]

    def but(self, **changes: object) -> Draft:
        return replace(self, **changes)  # type: ignore[arg-type]
