"""The rendered document as the generators read it: passages, sentences and lists, each with
character offsets into the document text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from quizapp.domain.generation import language
from quizapp.domain.generation.rendering import Rendered, Span


@dataclass(frozen=True)
class Passage:
    """A paragraph, a list's lead-in, or one list item."""

    kind: str  # "paragraph" | "lead-in" | "item"
    span: Span
    section: int
    #: Index of the list this passage belongs to (lead-in or item), else None.
    list_index: int | None = None


@dataclass(frozen=True)
class Sentence:
    span: Span
    text: str
    section: int
    passage: int
    #: Position of the sentence within its passage (0 = first).
    position: int


@dataclass(frozen=True)
class ListBlock:
    section: int
    #: The whole lead-in paragraph and its last sentence (the one that ends with ":").
    lead_in: Span
    lead_in_sentence: Span
    items: tuple[Span, ...]


class Corpus:
    """Read-only view of one rendered document."""

    def __init__(self, rendered: Rendered, title: str) -> None:
        self.text = rendered.markdown
        self.title = title
        self.sections = rendered.sections
        passages: list[Passage] = []
        lists: list[ListBlock] = []
        for s_index, section in enumerate(rendered.sections):
            for block in section.blocks:
                if block.items and block.text:
                    sentence_spans = list(language.sentences(self.slice(block.text), block.text[0]))
                    lists.append(ListBlock(s_index, block.text, sentence_spans[-1], block.items))
                    passages.append(Passage("lead-in", block.text, s_index, len(lists) - 1))
                    list_index: int | None = len(lists) - 1
                elif block.text:
                    passages.append(Passage("paragraph", block.text, s_index))
                    list_index = None
                else:
                    list_index = None
                for item in block.items:
                    passages.append(Passage("item", item, s_index, list_index))
        self.passages = tuple(passages)
        self.lists = tuple(lists)

    def slice(self, span: Span) -> str:
        return self.text[span[0] : span[1]]

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        out = []
        for p_index, passage in enumerate(self.passages):
            for position, span in enumerate(
                language.sentences(self.slice(passage.span), passage.span[0])
            ):
                out.append(Sentence(span, self.slice(span), passage.section, p_index, position))
        return tuple(out)

    @cached_property
    def common_stems(self) -> frozenset[str]:
        """Words of the title and words found in most sections: too common to tell parts apart."""
        counts: dict[str, int] = {}
        for index in range(len(self.sections)):
            for word in language.content_stems(self.section_text(index)):
                counts[word] = counts.get(word, 0) + 1
        many = max(3, (len(self.sections) + 1) // 2)
        common = {w for w, n in counts.items() if n >= many}
        return frozenset(common | language.content_stems(self.title))

    def sentences_of(self, passage_index: int) -> list[Sentence]:
        return [s for s in self.sentences if s.passage == passage_index]

    def section_text(self, section: int) -> str:
        return " ".join(self.slice(p.span) for p in self.passages if p.section == section)

    def list_text(self, list_index: int) -> str:
        block = self.lists[list_index]
        return " ".join(self.slice(s) for s in (block.lead_in, *block.items))

    def stated_with(self, subject: str, claim: str) -> bool:
        """Whether some sentence of the document mentions ``subject`` and, apart from that,
        every content word of ``claim``: then the document may make ``claim`` true of it."""
        subject_stems = language.content_stems(subject)
        claim_stems = language.content_stems(claim)
        if not subject_stems or not claim_stems:
            return False
        for sentence in self.sentences:
            text = sentence.text
            rest = text.replace(claim, " ") if claim in text else text
            if subject_stems <= language.content_stems(rest) and claim_stems <= (
                language.content_stems(text)
            ):
                return True
        return False

    def states(self, claim: str) -> bool:
        """Whether one sentence of the document holds every content word of ``claim``."""
        wanted = language.content_stems(claim)
        return bool(wanted) and any(
            wanted <= language.content_stems(s.text) for s in self.sentences
        )
