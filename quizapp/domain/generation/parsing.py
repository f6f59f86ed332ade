"""From a patient page (plain text or Markdown) to an outline: title, sections, paragraphs and
bullet lists with their lead-in; web-page boilerplate dropped.

Sections come from Markdown ``#`` headings, or, in plain text, from question-style headings: a
short line of its own ending in "?". Plain-text pages often lose headings in copying, so there a
bullet list whose lead-in follows other paragraphs becomes its own section, headed by the question
the lead-in asks ("Before this procedure is recommended, what will the doctor consider?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizapp.domain.generation import language, leadins
from quizapp.domain.generation.intake import DocumentError

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[•\-*+▪◦·]|\d{1,2}[.)])\s+(\S.*)$")
_RULE = re.compile(r"^\s*([-*_=•])\1{2,}\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<[^>]{1,200}>")
_REVIEWED = re.compile(r"\blast (?:reviewed|updated)\b", re.IGNORECASE)
_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4})\b")
#: Lines and paragraphs that belong to the web page, not to the patient's reading.
BOILERPLATE = re.compile(
    r"\b(last (reviewed|updated)|advertis\w*|we do not endorse|non-?profit academic medical|"
    r"all rights reserved|privacy policy|cookie policy|terms of use|terms and conditions|"
    r"subscribe|newsletter|sign up for|click here|share this|print this page|"
    r"this information is not intended|for educational purposes only)\b|©|"
    r"^\s*(policy|advertisement|references?|sources?|related (articles|topics|links))\s*$",
    re.IGNORECASE,
)
MAX_QUESTION_HEADING_WORDS = 20


@dataclass
class Block:
    """A paragraph (no items) or a bullet list with its lead-in paragraph (may be empty)."""

    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    sections: list[Section]
    #: When the page says it was last reviewed, the date it gives (for the Source line).
    reviewed: str = ""
    #: The page's own "Source: ..." line, without the label.
    source: str = ""


def inline(text: str) -> str:
    """Markdown and HTML inline formatting removed; white space collapsed."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _TAG.sub("", text)
    return language.clean(text)


def is_markdown(text: str) -> bool:
    return any(_MD_HEADING.match(line) for line in text.splitlines())


def is_question_heading(line: str) -> bool:
    line = line.strip()
    return (
        line.endswith("?")
        and not _BULLET.match(line)
        and 2 <= language.word_count(line) <= MAX_QUESTION_HEADING_WORDS
        and len(line) <= 160
    )


def _raw_blocks(text: str, markdown: bool) -> list[tuple[str, str | list[str]]]:
    """("title" | "heading" | "para" | "list", text or items), in page order."""
    out: list[tuple[str, str | list[str]]] = []
    para: list[str] = []
    items: list[str] = []
    previous_blank = True

    def flush() -> None:
        nonlocal para, items
        if para:
            out.append(("para", inline(" ".join(para))))
        if items:
            out.append(("list", [inline(i) for i in items]))
        para, items = [], []

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        heading = _MD_HEADING.match(stripped) if markdown else None
        if not stripped:
            if para:
                flush()
            previous_blank = True
            continue
        if _RULE.match(stripped):
            flush()
        elif heading:
            flush()
            level = len(heading.group(1))
            kind = "title" if level == 1 and not any(k != "title" for k, _ in out) else "heading"
            out.append((kind, inline(heading.group(2))))
        elif not markdown and previous_blank and is_question_heading(stripped):
            flush()
            out.append(("heading", inline(stripped)))
        elif bullet := _BULLET.match(line):
            if para:
                out.append(("para", inline(" ".join(para))))
                para = []
            items.append(bullet.group(1))
        elif items and not previous_blank and raw[:1].isspace():
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            para.append(stripped)
        previous_blank = False
    flush()
    return out


def _plain_title(blocks: list[tuple[str, str | list[str]]]) -> list[tuple[str, str | list[str]]]:
    """A plain-text page's first line is its title when it is short and not a sentence."""
    if blocks and blocks[0][0] == "para":
        first = str(blocks[0][1])
        if language.word_count(first) <= 10 and not first.endswith((".", "?", "!", ":")):
            return [("title", first), *blocks[1:]]
    return blocks


def outline(text: str) -> Outline:
    """The page's outline; DocumentError when no section can be recognised."""
    markdown = is_markdown(text)
    blocks = _raw_blocks(text, markdown)
    if not markdown:
        blocks = _plain_title(blocks)
    title, reviewed, source = "", "", ""
    sections: list[Section] = []
    current: Section | None = None
    for kind, value in blocks:
        if kind == "title":
            title = title or str(value)
        elif kind == "heading":
            current = Section(str(value))
            sections.append(current)
        elif kind == "para":
            value = str(value)
            if value.startswith("Source:"):
                source = source or value[len("Source:") :].strip()
                continue
            if BOILERPLATE.search(value):
                if _REVIEWED.search(value) and (date := _DATE.search(value)):
                    reviewed = reviewed or date.group(1)
                continue
            if current is None:
                current = Section("Introduction")
                sections.append(current)
            current.blocks.append(Block(value))
        else:
            items = [i for i in value if i and not BOILERPLATE.search(i)]
            if not items:
                continue
            if current is None:
                current = Section("Introduction")
                sections.append(current)
            last = current.blocks[-1] if current.blocks else None
            if last is not None and not last.items and last.text.endswith(":"):
                last.items = items
            else:
                current.blocks.append(Block("", items))
    sections = [s for s in sections if s.blocks]
    if not markdown:
        sections = _split_lists(sections)
    if not any(s.heading != "Introduction" for s in sections):
        raise DocumentError(
            "Found no sections in the document. Give each part a heading: a Markdown line "
            "starting with '## ', or in plain text a short line of its own ending in '?'."
        )
    return Outline(title, _unique_headings(sections), reviewed, source)


def _split_lists(sections: list[Section]) -> list[Section]:
    out: list[Section] = []
    for section in sections:
        current = Section(section.heading)
        out.append(current)
        for block in section.blocks:
            asked = leadins.question(block.text) if block.items and block.text else None
            if asked and len(current.blocks) >= 2 and len(block.items) >= 3:
                current = Section(language.capitalize(asked.heading))
                out.append(current)
            current.blocks.append(block)
    return out


def _unique_headings(sections: list[Section]) -> list[Section]:
    """Headings made unique, since a section's anchor comes from its heading."""
    seen: dict[str, int] = {}
    for section in sections:
        key = section.heading.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            section.heading = f"{section.heading} ({seen[key]})"
    return sections


def title_of(outline_: Outline) -> str:
    """The page's title, or one made from a first heading such as "What is a colonoscopy?"."""
    if outline_.title:
        return outline_.title
    first = outline_.sections[0].heading
    match = re.match(r"^what (?:is|are) (?:an? |the )?(.+?)\?$", first, re.IGNORECASE)
    if match:
        return language.capitalize(match.group(1))
    return language.strip_end(first)
