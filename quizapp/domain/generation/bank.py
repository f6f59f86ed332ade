"""From a document's text to a draft bank: parse, render, generate, check, and name topics and
questions. Pure: no files, no database."""

from __future__ import annotations

import random
from dataclasses import dataclass

from quizapp.domain import documents
from quizapp.domain.bankfile import KEY_RE, BankSpec, QuestionSpec, TopicSpec
from quizapp.domain.generation import (
    definitions,
    headings,
    intake,
    lists,
    parsing,
    quality,
    rendering,
    truefalse,
)
from quizapp.domain.generation.corpus import Corpus
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.generation.intake import DocumentError

TOPIC_KEY_WORDS = 5
QUESTION_KEY_WORDS = 6


@dataclass(frozen=True)
class Generated:
    spec: BankSpec
    drafts: list[Draft]
    #: Drafts a quality rule removed, with the reason (for the administrator's summary).
    dropped: list[tuple[Draft, str]]


def _key(text: str, words: int) -> str:
    return "-".join(documents.anchor(text).split("-")[:words])[:60].strip("-") or "q"


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _source_line(source: str, title: str, reviewed: str) -> str:
    line = f"Source: {source.rstrip('.') or title}"
    if reviewed:
        line += f", last reviewed {reviewed}"
    return line + ". Draft questions made by quizapp from this text; review before use."


def draft(
    text: str,
    slug: str | None = None,
    title: str | None = None,
    rng: random.Random | None = None,
    source: str = "",
) -> Generated:
    """Draft a bank from a document's text (plain or Markdown). Raises DocumentError."""
    rng = rng or random.Random(0)
    outline = parsing.outline(text)
    title = (title or "").strip() or parsing.title_of(outline)
    slug = slug or _key(title, 8)
    if not KEY_RE.match(slug):
        raise DocumentError(f"The slug {slug!r} must be lower-case letters, digits and dashes.")
    rendered = rendering.render(
        outline, title, _source_line(outline.source or source, title, outline.reviewed)
    )
    parsed = documents.parse(rendered.markdown)
    if [s.anchor for s in parsed.sections] != [s.anchor for s in rendered.sections]:
        raise AssertionError("rendered document does not read back as written")  # a bug, not input
    corpus = Corpus(rendered, title)
    found = definitions.find(corpus)
    candidates, used = headings.generate(corpus, found, rng)
    for definition in found:
        if definition.term.lower() in used:
            continue
        made = definitions.question(definition, found, corpus, rng)
        if made:
            used.add(definition.term.lower())
            candidates.append(made)
    candidates += lists.generate(corpus, rng)
    candidates += truefalse.generate(corpus, found, rng)
    candidates.sort(key=lambda d: (d.section, d.start))
    kept, dropped = quality.check(candidates, corpus)
    if not kept:
        raise DocumentError(
            "Could not draft any questions from this document. It needs sentences that define "
            "terms or bullet lists with a lead-in, under headings."
        )
    return _assemble(slug, title, rendered, kept, dropped)


def _assemble(
    slug: str,
    title: str,
    rendered: rendering.Rendered,
    kept: list[Draft],
    dropped: list[tuple[Draft, str]],
) -> Generated:
    topics: list[TopicSpec] = []
    topic_of: dict[int, str] = {}
    taken: set[str] = set()
    for index in sorted({d.section for d in kept}):
        section = rendered.sections[index]
        key = _unique(_key(section.heading, TOPIC_KEY_WORDS), taken)
        topic_of[index] = key
        topics.append(TopicSpec(key, section.heading, section.anchor))
    named: list[Draft] = []
    keys: set[str] = set()
    for item in kept:
        topic = topic_of[item.section]
        key = _unique(_key(item.stem, QUESTION_KEY_WORDS), keys)
        named.append(item.but(topic=topic, key=key))
    questions = tuple(
        QuestionSpec(
            key=d.key,
            topic=d.topic,
            kind=d.kind,
            stem=d.stem,
            choices=d.choices,
            source_excerpt=d.excerpt,
            explanation=d.explanation,
            status="draft",
        )
        for d in named
    )
    spec = BankSpec(
        slug=slug,
        title=title,
        document=f"documents/{slug}.md",
        document_text=rendered.markdown,
        topics=tuple(topics),
        questions=questions,
    )
    return Generated(spec, named, dropped)


def generate_bank(
    text: str,
    slug: str | None = None,
    title: str | None = None,
    rng: random.Random | None = None,
    source: str = "",
) -> tuple[BankSpec, list[Draft]]:
    """The draft bank (status draft, in the import format) and its drafts with their offsets."""
    result = draft(text, slug, title, rng, source)
    return result.spec, result.drafts


def generate_bank_from_bytes(
    data: bytes,
    slug: str | None = None,
    title: str | None = None,
    rng: random.Random | None = None,
    source: str = "",
) -> tuple[BankSpec, list[Draft]]:
    """Like generate_bank, for an uploaded file's bytes (size, binary and encoding checked)."""
    return generate_bank(intake.decode(data), slug, title, rng, source)
