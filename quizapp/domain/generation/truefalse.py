"""True/false questions. A true statement is a sentence of the page. A false one is made only by
swapping in another term of the same kind from the same page: the meaning of one term given to its
neighbour in a list or section. Nothing is ever invented.

Numbers are not swapped: "stop 1 day before" is not plainly false when the page says "3 days
before", and a patient must never be marked wrong for a fair reading."""

from __future__ import annotations

import random

from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation import distractors, language
from quizapp.domain.generation.corpus import Corpus, Sentence
from quizapp.domain.generation.definitions import Definition
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.generation.lists import item_term

MIN_WORDS, MAX_WORDS = 5, 24
TRUE_PER_SECTION = 3
SWAPS_PER_SECTION = 2
_CONNECTIVES = frozenset("and but so or also however instead then because although".split())


def _choices(true: bool, feedback: str) -> tuple[ChoiceSpec, ...]:
    return (
        ChoiceSpec("True", true, "" if true else feedback),
        ChoiceSpec("False", not true, feedback if true else ""),
    )


def statement(sentence: Sentence, corpus: Corpus) -> tuple[str, tuple[int, int]] | None:
    """A sentence as a statement that stands on its own, and the span that supports it; None
    when it needs its neighbours to be understood."""
    text = language.clean(sentence.text)
    tokens = text.split()
    if not MIN_WORDS <= len(tokens) <= MAX_WORDS or not text.endswith("."):
        return None
    if language.FIRST_PERSON.search(text) or '"' in text or ":" in text:
        return None
    first = tokens[0].lower().strip(",")
    span = sentence.span
    if first in _CONNECTIVES:
        return None
    if first in language.PRONOUN_SUBJECTS:
        passage = corpus.passages[sentence.passage]
        if first not in ("it", "they") or passage.kind != "item" or sentence.position == 0:
            return None
        term = item_term(corpus.slice(passage.span))
        if not term:
            return None
        text = f"{term} {' '.join(tokens[1:])}"
        span = (passage.span[0], sentence.span[1])
    if tokens[-1].lower().strip(".") in ("it", "them", "this", "that", "these", "those", "they"):
        return None  # "A quick laser treatment clears it." needs the sentence before
    instruction = language.you_should(text)
    if instruction:
        return instruction, span
    return text, span


def _stands_alone(sentence: Sentence, corpus: Corpus, known: set[str]) -> bool:
    """A first sentence, or one about the reader or a term of the page: not "The color can look
    like blood", whose "color" only the sentence before explains."""
    if sentence.position == 0:
        return True
    first = sentence.text.split(" ", 1)[0].lower()
    if first in ("you", "your", "most", "many", "some", "every", "all", "each"):
        return True
    subject = language.subject(sentence.text) or ""
    return bool(language.content_stems(subject) & known)


def _true_drafts(corpus: Corpus, definitions: list[Definition], rng: random.Random) -> list[Draft]:
    known = language.content_stems(corpus.title)
    for definition in definitions:
        known |= language.content_stems(definition.term)
    by_section: dict[int, list[Draft]] = {}
    for sentence in corpus.sentences:
        passage = corpus.passages[sentence.passage]
        if passage.kind == "lead-in" and sentence.text.rstrip().endswith(":"):
            continue
        made = statement(sentence, corpus)
        if made is None or not (made[1] != sentence.span or _stands_alone(sentence, corpus, known)):
            continue
        text, span = made
        by_section.setdefault(sentence.section, []).append(
            Draft(
                kind="truefalse",
                stem=text,
                choices=_choices(True, "This is true. The page says so."),
                explanation=f"True. {text}",
                spans=(span,),
                excerpt=corpus.slice(span),
                section=sentence.section,
                generator="truefalse",
                support=text,
                subject=text,
            )
        )
    out = []
    for section in sorted(by_section):
        found = by_section[section]
        out.extend(rng.sample(found, min(TRUE_PER_SECTION, len(found))))
    return out


def _same_kind(
    a: Definition, b: Definition, list_of: dict[int, int | None], corpus: Corpus
) -> bool:
    """Neighbours in one list, or two terms of one section defined the same way."""
    la, lb = list_of[a.sentence.passage], list_of[b.sentence.passage]
    if la is not None and la == lb:
        return True
    return (
        a.sentence.section == b.sentence.section
        and a.form == b.form
        and language.is_intervention(f"{a.term} {a.meaning}")
        == language.is_intervention(f"{b.term} {b.meaning}")
    )


def _verb(definition: Definition, subject: str) -> str:
    if definition.pattern == "means" or definition.form != "np":
        return "means" if language.number(subject) == "singular" else "mean"
    return "is" if language.number(subject) == "singular" else "are"


def _swapped_definitions(
    definitions: list[Definition], corpus: Corpus, rng: random.Random
) -> list[Draft]:
    identity = [d for d in definitions if d.identity and not d.quoted]
    list_of = {
        d.sentence.passage: corpus.passages[d.sentence.passage].list_index
        for d in identity
        if corpus.passages[d.sentence.passage].kind == "item"
    }
    for d in identity:
        list_of.setdefault(d.sentence.passage, None)
    out = []
    used: set[str] = set()
    per_section: dict[int, int] = {}
    for own in identity:
        if own.term.lower() in used or per_section.get(own.sentence.section, 0) >= (
            SWAPS_PER_SECTION
        ):
            continue
        partners = [
            other
            for other in identity
            if other.term.lower() != own.term.lower()
            and not distractors.overlaps(other.term, own.term)
            and not distractors.same_meaning(other.meaning, own.meaning, corpus.common_stems)
            and _same_kind(own, other, list_of, corpus)
        ]
        if not partners:
            continue
        other = rng.choice(partners)
        subject = language.capitalize(other.named)
        claim = f"{subject} {_verb(own, other.term)} {own.meaning}."
        if language.NEGATION_RE.search(claim) or corpus.stated_with(other.term, own.meaning):
            continue
        used.add(own.term.lower())
        per_section[own.sentence.section] = per_section.get(own.sentence.section, 0) + 1
        truth = f"{subject} {_verb(other, other.term)} {other.meaning}."
        out.append(
            Draft(
                kind="truefalse",
                stem=claim,
                choices=_choices(
                    False,
                    f"The page uses these words for {own.named}, not {other.named}.",
                ),
                explanation=f"False. {truth}",
                spans=(other.sentence.span,),
                excerpt=other.sentence.text,
                section=other.sentence.section,
                generator="truefalse",
                support=f"{other.term} {other.meaning}",
                subject=other.term,
            )
        )
    return out


def generate(corpus: Corpus, definitions: list[Definition], rng: random.Random) -> list[Draft]:
    return [
        *_true_drafts(corpus, definitions, rng),
        *_swapped_definitions(definitions, corpus, rng),
    ]
