"""Wrong answers, taken only from the same document, and only where the document does not make
them true for the question.

Medical faithfulness comes first: two treatments (or tests) may share a purpose, so one is never
offered as the wrong answer about another; a meaning that only names a broad class ("part of the
male reproductive system") may be true of many things and is never a wrong answer; and anything a
sentence of the page says about the question's subject is not wrong.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from quizapp.domain.generation import language
from quizapp.domain.generation.corpus import Corpus

if TYPE_CHECKING:
    from quizapp.domain.generation.definitions import Definition


def overlaps(a: str, b: str) -> bool:
    """Whether two phrases share a content word (then one may be a kind or part of the other)."""
    return bool(language.content_stems(a) & language.content_stems(b))


def same_meaning(a: str, b: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether most of the words that tell two phrases apart are shared."""
    x, y = language.content_stems(a) - common, language.content_stems(b) - common
    return bool(x and y) and len(x & y) * 2 > min(len(x), len(y))


def compatible(a: str, b: str, form_a: str | None = None, form_b: str | None = None) -> bool:
    """Same grammatical form and similar length: neither gives itself away."""
    fa = form_a or language.form(a)
    fb = form_b or language.form(b)
    return fa == fb and language.similar_length(a, b) and a.strip().lower() != b.strip().lower()


def for_definition(
    definition: Definition, every: Sequence[Definition], corpus: Corpus
) -> list[Definition]:
    """Meanings of other terms that can stand as wrong answers to "What is <term>?"."""
    target_is_intervention = language.is_intervention(f"{definition.term} {definition.meaning}")
    singular = language.number(definition.meaning)
    out: list[Definition] = []
    seen: set[str] = set()
    for other in every:
        key = other.meaning.lower()
        if key in seen or other.term.lower() == definition.term.lower():
            continue
        other_is_intervention = language.is_intervention(f"{other.term} {other.meaning}")
        if same_meaning(other.meaning, definition.meaning, corpus.common_stems):
            continue
        if (
            overlaps(other.term, definition.term)
            and other_is_intervention == target_is_intervention
        ):
            continue  # "cryoablation" and "salvage prostate cryoablation": one may be the other
        if not other.identity and language.is_partitive(other.meaning):
            continue
        if target_is_intervention and other_is_intervention:
            continue
        if not compatible(definition.meaning, other.meaning, definition.form, other.form):
            continue
        if definition.form == "np" and language.number(other.meaning) != singular:
            continue
        if corpus.stated_with(definition.term, other.meaning):
            continue
        seen.add(key)
        out.append(other)
    return out


def pick(
    candidates: Sequence[str], chosen: Sequence[str], rng: random.Random, limit: int
) -> list[str]:
    """Up to ``limit`` candidates, in random order, each compatible with the chosen and with one
    another: the largest such set found by starting from each candidate in turn."""
    pool = list(candidates)
    rng.shuffle(pool)
    best: list[str] = []
    for start in range(len(pool)):
        picked: list[str] = []
        for text in pool[start:] + pool[:start]:
            if len(picked) >= limit:
                break
            if all(compatible(text, other) for other in [*chosen, *picked]):
                picked.append(text)
        if len(picked) > len(best):
            best = picked
    return best


def for_list(list_index: int, stem: str, terms: dict[int, list[str]], corpus: Corpus) -> list[str]:
    """Items of the document's other lists that the document does not make true for this list.
    Lists of the same section come first (they are about the same step of care); other sections'
    lists are used only when the same section offers none.

    :param terms: the choice text of every item, by list index.
    """
    block = corpus.lists[list_index]
    own_text = corpus.list_text(list_index)
    heading = corpus.sections[block.section].heading
    about_care = language.is_intervention(f"{stem} {own_text} {heading}")
    own = terms.get(list_index, [])
    near: list[str] = []
    far: list[str] = []
    for other_index in sorted(terms):
        if other_index == list_index:
            continue
        out = near if corpus.lists[other_index].section == block.section else far
        for text in terms[other_index]:
            if text in near or text in far or any(overlaps(text, mine) for mine in own):
                continue
            if (language.content_stems(text) - corpus.common_stems) & language.content_stems(
                own_text
            ):
                continue  # the list itself speaks of it: it may well be true here
            if about_care and language.is_intervention(text):
                continue  # a real option is never a "wrong" answer about options or care
            out.append(text)
    return near or far
