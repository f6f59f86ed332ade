"""Our Markdown subset: sections, anchors, excerpts and the highlighted passage."""

from __future__ import annotations

from pathlib import Path

import yaml

from quizapp.domain import documents

ROOT = Path(__file__).resolve().parents[2] / "questions"
LIST_DOC = """# Doc

## Checks

Before the test, the nurse looks at these things:

- Your weight and height.
- Your blood pressure.

After that you can go home.
"""


def test_sections_anchors_and_the_source_line():
    doc = documents.parse((ROOT / "documents" / "salvage-prostate-cryoablation.md").read_text())
    assert doc.title == "Salvage prostate cryoablation"
    assert doc.sections[1].anchor == "where-is-the-prostate"
    assert doc.source.startswith("Source:")


def test_an_excerpt_across_a_lead_in_and_its_items_is_found_and_marked_in_each_part():
    doc = documents.parse(LIST_DOC)
    excerpt = "the nurse looks at these things: Your weight and height. Your blood pressure."
    section = doc.section_of(excerpt)
    block = documents.block_with(section, excerpt)
    html = str(documents.block_html(block, excerpt))
    assert html.count("<mark>") == 3
    assert "<p>Before the test, <mark>the nurse looks at these things:</mark></p>" in html


def test_every_bundled_question_has_its_passage_marked():
    bank = yaml.safe_load((ROOT / "salvage-prostate-cryoablation.yaml").read_text())
    doc_text = (ROOT / "documents" / "salvage-prostate-cryoablation.md").read_text()
    doc = documents.parse(doc_text)
    for question in bank["questions"]:
        excerpt = question["source_excerpt"]
        block = documents.block_with(doc.section_of(excerpt), excerpt)
        assert block is not None, question["key"]
        assert "<mark>" in documents.block_html(block, excerpt), question["key"]


def test_markup_in_a_document_is_shown_as_text():
    doc = documents.parse("# T\n\n## S\n\nA <script>alert(1)</script> & more.\n")
    html = str(documents.block_html(doc.sections[0].blocks[0], "alert(1)"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>alert(1)</mark>" in html


def test_a_passage_is_the_section_and_its_marked_block_and_is_kept_per_document_and_excerpt():
    doc = documents.parse(LIST_DOC)
    excerpt = "the nurse looks at these things: Your weight and height. Your blood pressure."
    found = documents.passage(doc, excerpt)
    assert found.section is doc.sections[0]
    assert found.html == documents.block_html(doc.sections[0].blocks[0], excerpt)
    assert documents.passage(doc, excerpt) is found  # worked out once
    changed = documents.parse(LIST_DOC.replace("Checks", "Before you come"))
    assert documents.passage(changed, excerpt).section.heading == "Before you come"
    assert documents.passage(doc, "Not in the document.") == documents.Passage(None, None)
