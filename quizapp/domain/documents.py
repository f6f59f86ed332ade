"""Patient-education documents in our Markdown subset: parsing, anchors, excerpts, safe HTML.

The subset: ``# Title``, ``## Section`` headings, paragraphs, ``- `` bullet lists, and a last
paragraph starting ``Source:``. Anything else is shown as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from markupsafe import Markup, escape

_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def collapse(text: str) -> str:
    """Runs of white space made single spaces, ends trimmed: how excerpts are compared."""
    return _WS.sub(" ", text).strip()


def anchor(heading: str) -> str:
    """The anchor of a section heading: ``Where is the prostate?`` -> ``where-is-the-prostate``."""
    return _NON_WORD.sub("-", heading.lower()).strip("-")


@dataclass(frozen=True)
class Block:
    """A paragraph (``items`` empty) or a bullet list (``text`` is the lead-in, may be empty)."""

    text: str
    items: tuple[str, ...] = ()

    @property
    def plain(self) -> str:
        return " ".join([self.text, *self.items]).strip()

    # Excerpt searches compare collapsed text; a bank's lint searches every block once per
    # question, so each block collapses its text once and keeps it.
    @cached_property
    def collapsed_plain(self) -> str:
        return collapse(self.plain)

    @cached_property
    def collapsed_items(self) -> tuple[str, ...]:
        return tuple(collapse(item) for item in self.items)


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str
    blocks: tuple[Block, ...]

    @property
    def plain(self) -> str:
        return "\n".join(block.plain for block in self.blocks)


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    source: str = ""

    @property
    def plain(self) -> str:
        return "\n".join(section.plain for section in self.sections)

    # Hashed once (passage() keys its cache on the document): the generated hash walked every
    # section and block on every call.
    @cached_property
    def _hash(self) -> int:
        return hash((self.title, self.sections, self.source))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict:
        # A str's hash differs from one process to the next: a copy sent elsewhere rehashes.
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def section(self, anchor_name: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor_name), None)

    def section_of(self, excerpt: str) -> Section | None:
        """The section whose text contains ``excerpt`` (white space may differ)."""
        wanted = collapse(excerpt)
        for section in self.sections:
            for block in section.blocks:
                if wanted and (wanted in block.collapsed_plain or _in_items(wanted, block)):
                    return section
        return None


def _in_items(wanted: str, block: Block) -> bool:
    return any(wanted in item for item in block.collapsed_items)


@lru_cache(maxsize=16)  # a few documents, parsed on every reading and feedback page
def parse(text: str) -> Document:
    """Parse our Markdown subset into a Document (frozen, so the cached one is safe to share)."""
    title = ""
    sections: list[Section] = []
    heading, blocks, para, items = "", [], [], []
    source = ""

    def flush_block() -> None:
        nonlocal para, items
        if items:
            blocks.append(Block(" ".join(para).strip(), tuple(items)))
        elif para:
            blocks.append(Block(" ".join(para).strip()))
        para, items = [], []

    def flush_section() -> None:
        nonlocal blocks
        flush_block()
        if heading or blocks:
            sections.append(
                Section(
                    heading or title or "Introduction",
                    anchor(heading or "introduction"),
                    tuple(blocks),
                )
            )
        blocks = []

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# ") and not title and not sections and not blocks:
            title = line[2:].strip()
        elif line.startswith("#"):
            flush_section()
            heading = line.lstrip("#").strip()
        elif not line:
            if not items:
                flush_block()
        elif line[:2] in ("- ", "* ") or line.startswith("• "):
            if not items and not para and blocks and not blocks[-1].items:
                para = [blocks.pop().text]  # the paragraph just before a list is its lead-in
            items.append(line[2:].strip())
        elif line.startswith("Source:"):
            flush_block()
            source = line
        else:
            if items:  # a paragraph after a list starts a new block
                flush_block()
            para.append(line)
    flush_section()
    return Document(title=title, sections=tuple(sections), source=source)


def contains_excerpt(text: str, excerpt: str) -> bool:
    """Whether ``excerpt`` appears word for word within one paragraph, list or list item of
    ``text`` (white space may differ)."""
    return parse(text).section_of(excerpt) is not None


#: The shortest overlap between a part of a block and an excerpt that spans parts, to be marked.
MIN_OVERLAP = 12


def _overlap(part: str, wanted: str) -> tuple[int, int] | None:
    """Where ``part`` and ``wanted`` overlap: all of one in the other, or the end of one running
    into the start of the other (an excerpt that spans a lead-in and its list items)."""
    if wanted in part:
        start = part.index(wanted)
        return start, start + len(wanted)
    if part in wanted:
        return 0, len(part)
    for size in range(min(len(part), len(wanted)) - 1, MIN_OVERLAP - 1, -1):
        if part.endswith(wanted[:size]):
            return len(part) - size, len(part)
        if part.startswith(wanted[-size:]):
            return 0, size
    return None


def _highlight(text: str, excerpt: str | None) -> Markup:
    escaped = str(escape(collapse(text)))
    wanted = str(escape(collapse(excerpt or "")))
    where = _overlap(escaped, wanted) if wanted else None
    if where is not None:
        start, end = where
        escaped = f"{escaped[:start]}<mark>{escaped[start:end]}</mark>{escaped[end:]}"
    return Markup(escaped)  # noqa: S704  # nosec B704 - built only from escaped text


def block_html(block: Block, excerpt: str | None = None) -> Markup:
    """Safe HTML of one block, with ``excerpt`` marked where it appears."""
    parts = []
    if block.text:
        parts.append(f"<p>{_highlight(block.text, excerpt)}</p>")
    if block.items:
        lis = "".join(f"<li>{_highlight(item, excerpt)}</li>" for item in block.items)
        parts.append(f"<ul>{lis}</ul>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - parts escaped by _highlight


@dataclass(frozen=True)
class Passage:
    """Where an excerpt sits in a document: its section, and its block as safe HTML with the
    excerpt marked (both None when the excerpt is not found)."""

    section: Section | None
    html: Markup | None


@lru_cache(maxsize=1024)
def passage(document: Document, excerpt: str) -> Passage:
    """The section and marked block of ``excerpt`` in ``document``: what the feedback page and the
    educator's summary show under a question. Kept per document and excerpt (a parsed document is
    frozen, and a question's excerpt is stored with its version, never changed): the same
    question's feedback for every patient, and a summary's missed questions, search and mark the
    document once per worker."""
    section = document.section_of(excerpt)
    block = block_with(section, excerpt) if section else None
    return Passage(section, block_html(block, excerpt) if block else None)


def block_with(section: Section, excerpt: str) -> Block | None:
    """The block of ``section`` that holds ``excerpt`` (in its text, one item, or across both)."""
    wanted = collapse(excerpt)
    for block in section.blocks:
        if (
            wanted in collapse(block.text)
            or _in_items(wanted, block)
            or wanted in block.collapsed_plain
        ):
            return block
    return None
