"""True/false questions. A true statement is a sentence of the page. A false one is made only by
swapping in another term of the same kind from the same page: the meaning of one term given to its
neighbour in a list or section, or one time span of the page given where another belongs. Nothing
is ever invented."""

from __future__ import annotations

import random
import re

from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation import distractors, language
from quizapp.domain.generation.corpus import Corpus, Sentence
from quizapp.domain.generation.definitions import Definition
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.generation.lists import item_term

MIN_WORDS, MAX_WORDS = 5, 24
TRUE_PER_SECTION = 3
_CONNECTIVES = frozenset("and but so or also however instead then because although".split())
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
}
_QUANTITY = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[ -](?P<unit>minute|hour|day|week|month|"
    r"year)s?\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"(about|around|at least|at most|up to|within|more than|less than|over|under|nearly|almost|"
    r"or|to|every|each|than|between|and|per|-)\s*$",
    re.IGNORECASE,
)


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
    elif first in ("do", "don't"):
        if first == "do" and tokens[1].lower() != "not":
            return None
        rest = " ".join(tokens[2:] if first == "do" else tokens[1:])
        return f"You should not {rest}", span
    elif first in language.IMPERATIVES:
        return f"You should {language.lower_first(text)}", span
    return text, span


def _true_drafts(corpus: Corpus, rng: random.Random) -> list[Draft]:
    by_section: dict[int, list[Draft]] = {}
    for sentence in corpus.sentences:
        passage = corpus.passages[sentence.passage]
        if passage.kind == "lead-in" and sentence.text.rstrip().endswith(":"):
            continue
        made = statement(sentence, corpus)
        if made is None:
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
    for own in identity:
        if own.term.lower() in used:
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


def _canon(text: str) -> str:
    return re.sub(
        r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
        lambda m: _NUMBER_WORDS[m.group(1).lower()],
        text,
        flags=re.IGNORECASE,
    )


def _swapped_numbers(corpus: Corpus, rng: random.Random) -> list[Draft]:
    values: dict[str, set[str]] = {}
    candidates = []
    for sentence in corpus.sentences:
        found = list(_QUANTITY.finditer(sentence.text))
        for match in found:
            values.setdefault(match.group("unit").lower(), set()).add(_canon(match.group("n")))
        if len(found) != 1 or language.NEGATION_RE.search(sentence.text):
            continue
        match = found[0]
        after = sentence.text[match.end() : match.end() + 6].lower()
        if _HEDGE.search(sentence.text[: match.start()]) or after.startswith((" or", " to", "-")):
            continue
        candidates.append((sentence, match))
    out = []
    per_section: dict[int, int] = {}
    for sentence, match in candidates:
        made = statement(sentence, corpus)
        if made is None or per_section.get(sentence.section, 0) >= 2:
            continue
        unit = match.group("unit").lower()
        own = _canon(match.group("n"))
        others = sorted(values[unit] - {own}, key=int)
        if not others:
            continue
        new = rng.choice(others)
        quantity = f"{new} {unit}{'' if new == '1' else 's'}"
        claim = made[0].replace(match.group(0), quantity, 1)
        if claim == made[0] or _stated(_canon(claim), corpus):
            continue
        per_section[sentence.section] = per_section.get(sentence.section, 0) + 1
        out.append(
            Draft(
                kind="truefalse",
                stem=claim,
                choices=_choices(False, f"The page says {match.group(0)}, not {quantity}."),
                explanation=f"False. {made[0]}",
                spans=(made[1],),
                excerpt=corpus.slice(made[1]),
                section=sentence.section,
                generator="truefalse",
                support=made[0],
                subject=made[0],
            )
        )
    return out


def _stated(claim: str, corpus: Corpus) -> bool:
    wanted = language.content_stems(claim)
    return any(wanted <= language.content_stems(_canon(s.text)) for s in corpus.sentences)


def generate(corpus: Corpus, definitions: list[Definition], rng: random.Random) -> list[Draft]:
    return [
        *_true_drafts(corpus, rng),
        *_swapped_definitions(definitions, corpus, rng),
        *_swapped_numbers(corpus, rng),
    ]
