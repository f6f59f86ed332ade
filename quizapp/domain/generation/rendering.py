"""The outline written as the project's document Markdown (questions/README.md), with the
character offsets of every paragraph and list item, so excerpts can point into it."""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.domain import documents
from quizapp.domain.generation.parsing import Outline

Span = tuple[int, int]


@dataclass(frozen=True)
class BlockSpans:
    #: The paragraph, or the list's lead-in (None when the list has none).
    text: Span | None
    items: tuple[Span, ...] = ()


@dataclass(frozen=True)
class SectionSpans:
    heading: str
    anchor: str
    blocks: tuple[BlockSpans, ...]


@dataclass(frozen=True)
class Rendered:
    markdown: str
    sections: tuple[SectionSpans, ...]


def _safe(text: str) -> str:
    """A paragraph never starts with something the Markdown reader would take for markup."""
    stripped = text.lstrip("#-*• ").strip() or text
    if stripped.startswith("Source:"):
        stripped = "Source -" + stripped[len("Source:") :]
    return stripped


def render(outline: Outline, title: str, source: str) -> Rendered:
    """Markdown: ``# title``, ``## heading`` per section, paragraphs, ``- `` lists after their
    lead-in, and a ``Source:`` line."""
    parts: list[str] = []
    length = 0

    def put(text: str) -> Span:
        nonlocal length
        start = length
        parts.append(text)
        length += len(text)
        return start, start + len(text)

    put(f"# {title}\n")
    sections = []
    for section in outline.sections:
        put(f"\n## {section.heading}\n")
        blocks = []
        for block in section.blocks:
            put("\n")
            text_span = None
            if block.text:
                text_span = put(_safe(block.text))
                put("\n")
            item_spans = []
            for item in block.items:
                put("- ")
                item_spans.append(put(item))
                put("\n")
            blocks.append(BlockSpans(text_span, tuple(item_spans)))
        sections.append(
            SectionSpans(section.heading, documents.anchor(section.heading), tuple(blocks))
        )
    put(f"\n{source}\n")
    return Rendered("".join(parts), tuple(sections))
