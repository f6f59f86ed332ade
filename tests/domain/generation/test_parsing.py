"""Reading a page: sections, paragraphs, lists with their lead-in, boilerplate; bad input."""

from __future__ import annotations

import random

import pytest

from quizapp.domain import documents
from quizapp.domain.generation import (
    MAX_BYTES,
    DocumentError,
    decode,
    generate_bank,
    generate_bank_from_bytes,
)
from quizapp.domain.generation.parsing import outline


def test_plain_text_question_lines_are_headings_and_boilerplate_is_dropped(seed_text):
    page = outline(seed_text)
    headings = [s.heading for s in page.sections]
    assert headings[0] == "What is salvage prostate cryoablation?"
    assert (
        "What is the purpose of the prostate and where is it found in the man’s body?" in headings
    )
    everything = " ".join(b.text + " ".join(b.items) for s in page.sections for b in s.blocks)
    for boilerplate in ("Last reviewed", "Advertising", "endorse", "Policy"):
        assert boilerplate not in everything
    assert page.reviewed == "07/31/2017"


def test_bullets_keep_their_lead_in(seed_text):
    page = outline(seed_text)
    lists = [b for s in page.sections for b in s.blocks if b.items]
    factors = next(b for b in lists if "doctor will consider:" in b.text)
    assert factors.items[0].startswith("Stage of the cancer, or how much")
    assert len(factors.items) == 5


def test_plain_text_list_after_other_paragraphs_becomes_its_own_section(seed_text):
    headings = [s.heading for s in outline(seed_text).sections]
    assert "Before this procedure is recommended, what will the doctor consider?" in headings


@pytest.mark.parametrize("bullet", ["-", "*", "•", "1."])
def test_markdown_sections_and_each_bullet_style(bullet):
    text = (
        "# Knee surgery\n\nIntro line.\n\n## Before surgery\n\nYou will need to bring:\n"
        f"{bullet} Your glasses\n{bullet} A list of your medicines\n\n"
        "## After surgery\n\nRest for **two** days. See [the clinic](http://x.test).\n"
    )
    page = outline(text)
    assert page.title == "Knee surgery"
    assert [s.heading for s in page.sections] == ["Introduction", "Before surgery", "After surgery"]
    block = page.sections[1].blocks[0]
    assert (block.text, block.items) == (
        "You will need to bring:",
        ["Your glasses", "A list of your medicines"],
    )
    assert page.sections[2].blocks[0].text == "Rest for two days. See the clinic."


def test_rendered_document_reads_back_in_the_project_format(seed_text):
    spec, _ = generate_bank(seed_text, rng=random.Random(0), source="page.txt")
    parsed = documents.parse(spec.document_text)
    assert parsed.title == "Salvage prostate cryoablation"
    assert parsed.source.startswith("Source: page.txt, last reviewed 07/31/2017")
    factors = next(s for s in parsed.sections if s.anchor.startswith("before-this-procedure"))
    assert factors.blocks[0].items[1].startswith("Aggressiveness")


BAD_INPUT = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"  \n\n \t\n", "empty", id="blank"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary", id="binary"),
    pytest.param("What is it?\n\nCaf\u00e9 au lait.".encode("latin-1"), "not UTF-8", id="latin-1"),
    pytest.param(b"# T\n\n## What?\n\n" + b"Words here. " * (MAX_BYTES // 10), "larger", id="big"),
    pytest.param(
        b"Just a paragraph of text. It has no headings at all.\n\nAnd another one here.",
        "no sections",
        id="no-sections",
    ),
    pytest.param(b"## Heading only\n\n## Another\n", "no sections", id="empty-sections"),
    pytest.param(
        b"# Title\n\n## What to expect\n\nHmm.\n\n## Later\n\nOk then.\n",
        "Could not draft any questions",
        id="nothing-to-ask",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_plain_message(data, message):
    with pytest.raises(DocumentError) as caught:
        generate_bank_from_bytes(data, rng=random.Random(0))
    assert message.lower() in str(caught.value).lower()
    assert isinstance(caught.value, ValueError)


def test_decode_accepts_utf8_with_bom_and_windows_newlines():
    assert decode("\ufeffWhat?\r\n\r\nYes.".encode()) == "What?\n\nYes."


def test_a_bad_slug_is_refused(seed_text):
    with pytest.raises(DocumentError, match="slug"):
        generate_bank(seed_text, slug="Not A Slug", rng=random.Random(0))
