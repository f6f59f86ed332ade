"""Questions a section answers for its own heading: "What is a cataract?" asked as written, with
the answer the section gives."""

from __future__ import annotations

import random
import re

from quizapp.domain.generation import definitions, language
from quizapp.domain.generation.corpus import Corpus
from quizapp.domain.generation.definitions import Definition
from quizapp.domain.generation.drafts import Draft

_WHAT_IS = re.compile(r"^what (?:is|are) (?:an? |the )?(?P<term>[^?]{2,80})\?$", re.IGNORECASE)
_MEAN = re.compile(r"^what does (?:an? |the )?(?P<term>[^?]{2,80}) mean\?$", re.IGNORECASE)


def asked_term(heading: str) -> str | None:
    """The term a "What is X?" or "What does X mean?" heading asks about."""
    match = _WHAT_IS.match(heading.strip()) or _MEAN.match(heading.strip())
    return match.group("term").strip("“”\"' ") if match else None


def generate(
    corpus: Corpus, found: list[Definition], rng: random.Random
) -> tuple[list[Draft], set[str]]:
    """Drafts for the headings the page answers, and the terms they used."""
    drafts, used = [], set()
    for index, section in enumerate(corpus.sections):
        term = asked_term(section.heading)
        if term is None:
            continue
        wanted = language.content_stems(term)
        matches = [
            d
            for d in found
            if d.sentence.section == index and language.content_stems(d.term) == wanted
        ]
        # The most telling answer first: one that names the thing, not a broad class.
        matches.sort(key=lambda d: (language.is_partitive(d.meaning), not d.identity))
        for definition in matches:
            draft = definitions.question(
                definition, found, corpus, rng, stem=section.heading, generator="heading"
            )
            if draft:
                drafts.append(draft)
                used.add(definition.term.lower())
                break
    return drafts, used
