"""Select-all questions from a lead-in and its bullet list ("Before this procedure is
recommended, which of these will the doctor consider? Select all that apply.")."""

from __future__ import annotations

import random
import re

from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation import distractors, language, leadins
from quizapp.domain.generation.corpus import Corpus
from quizapp.domain.generation.drafts import Draft

SELECT_ALL = "Select all that apply."
_OR_TERM = re.compile(r"^(?P<term>[^,]{2,60}?),\s+or\s+")
MAX_ITEM_WORDS = 9


def item_term(item: str) -> str | None:
    """The short name of a list item, as a choice: "Stage of the cancer, or how much ..." ->
    "Stage of the cancer"; "Radiation therapy kills the cells." -> "Radiation therapy"."""
    spans = list(language.sentences(item))
    first = item[spans[0][0] : spans[0][1]] if spans else item
    match = _OR_TERM.match(first)
    if match and language.word_count(match.group("term")) <= 6:
        return language.capitalize(match.group("term").strip())
    head, comma, _ = first.partition(",")
    tokens = head.split()
    if comma and 1 <= len(tokens) <= 5 and not _verbish(tokens):
        return language.capitalize(head.strip())
    found = language.subject(first) if first.rstrip().endswith(".") else None
    if found:
        return language.capitalize(found)
    if language.word_count(first) <= MAX_ITEM_WORDS:
        return language.capitalize(language.strip_end(first))
    return None


def _verbish(tokens: list[str]) -> bool:
    return any(
        language.looks_like_verb(t, tokens[i + 1] if i + 1 < len(tokens) else "the")
        for i, t in enumerate(tokens)
        if i
    )


def terms(corpus: Corpus) -> dict[int, list[str]]:
    """The choice text of every item of every list whose items all have a distinct short name."""
    out: dict[int, list[str]] = {}
    for index, block in enumerate(corpus.lists):
        names = [item_term(corpus.slice(span)) for span in block.items]
        texts = [n for n in names if n]
        if len(texts) == len(names) and len({t.lower() for t in texts}) == len(texts):
            out[index] = texts
    return out


def _join(texts: list[str]) -> str:
    shown = [texts[0], *(language.lower_first(t) for t in texts[1:])]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def generate(corpus: Corpus, rng: random.Random) -> list[Draft]:
    """One select-all question per list whose lead-in asks a question the list answers."""
    all_terms = terms(corpus)
    drafts = []
    for index, block in enumerate(corpus.lists):
        asked = leadins.question(corpus.slice(block.lead_in))
        own = all_terms.get(index)
        if asked is None or own is None or len(own) < 2:
            continue
        wrong_pool = distractors.for_list(index, asked.which, all_terms, corpus)
        correct = distractors.pick(own, [], rng, 6)
        wrong = distractors.pick(wrong_pool, correct, rng, 2) if wrong_pool else []
        if wrong:
            correct = correct[: max(2, min(len(correct), 5 - len(wrong)))]
            wrong = [w for w in wrong if all(distractors.compatible(w, c) for c in correct)]
        if len(correct) + len(wrong) < 3:
            continue
        choices = [ChoiceSpec(t, True) for t in correct]
        choices += [
            ChoiceSpec(
                t,
                False,
                f"This list does not name {language.lower_first(t)}. "
                "The page talks about it in another part.",
            )
            for t in wrong
        ]
        rng.shuffle(choices)
        spans = (block.lead_in_sentence, *block.items)
        shown_correct = [c.text for c in choices if c.correct]
        explanation = (
            f"The page lists {_join(shown_correct)}."
            if wrong
            else f"All of these are on the page's list: {_join(shown_correct)}."
        )
        drafts.append(
            Draft(
                kind="multi",
                stem=f"{language.capitalize(asked.which)} {SELECT_ALL}",
                choices=tuple(choices),
                explanation=explanation,
                spans=spans,
                excerpt=" ".join(corpus.slice(s) for s in spans),
                section=block.section,
                generator="list",
                support=" ".join(correct),
                subject=corpus.slice(block.lead_in_sentence),
            )
        )
    return drafts
