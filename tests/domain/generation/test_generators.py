"""What each generator drafts, and that it stays faithful to the page."""

from __future__ import annotations

import random

import pytest

from quizapp.domain.generation import definitions, language, lists, parsing, rendering
from quizapp.domain.generation.corpus import Corpus
from tests.domain.generation.conftest import drafted


def corpus_for(text: str) -> Corpus:
    page = parsing.outline(text)
    return Corpus(rendering.render(page, "Test page", "Source: test"), "Test page")


def by_stem(generated, stem):
    return next(d for d in generated.drafts if d.stem == stem)


def test_definition_question_what_is_radical_prostatectomy(seed_bank):
    item = by_stem(seed_bank, "What is radical prostatectomy?")
    assert item.kind == "single"
    assert item.correct == [
        "Surgery to remove the entire prostate and some of the surrounding tissue"
    ]
    assert "Radical prostatectomy, or surgery to remove" in item.excerpt
    # no other treatment is offered as what radical prostatectomy "is not"
    assert not any(language.is_intervention(text) for text in item.wrong)


def test_heading_question_is_answered_by_its_own_section(seed_bank):
    item = by_stem(seed_bank, "What is salvage prostate cryoablation?")
    assert item.generator == "heading"
    assert item.topic == "what-is-salvage-prostate-cryoablation"
    assert item.correct[0].startswith("A procedure recommended for men who have been previously")


def test_list_question_asks_what_the_doctor_considers(seed_bank):
    stem = (
        "Before this procedure is recommended, which of these will the doctor consider? "
        "Select all that apply."
    )
    item = by_stem(seed_bank, stem)
    assert item.kind == "multi"
    factors = {"Stage of the cancer", "Aggressiveness", "Patient’s age and life expectancy"}
    factors |= {"Patient’s physical and sexual activity level"}
    assert set(item.correct) <= factors and len(item.correct) >= 3
    # the other treatments are never offered as wrong answers about what the doctor weighs
    assert not any(language.is_intervention(text) for text in item.wrong)


def test_a_real_alternative_treatment_is_never_a_wrong_answer(seed_bank):
    item = by_stem(seed_bank, "Which of these are other treatments? Select all that apply.")
    assert set(item.correct) == {"Radiation therapy", "Radical prostatectomy", "Hormonal therapy"}
    assert item.wrong and not any(language.is_intervention(text) for text in item.wrong)


def test_list_wrong_answers_come_from_another_list_of_the_same_step():
    generated = drafted("colonoscopy-preparation.txt")
    item = by_stem(
        generated, "One day before the test, which of these can you have? Select all that apply."
    )
    avoid = {"Nuts and seeds", "Popcorn", "Raw vegetables with skins", "Whole grain bread"}
    assert item.wrong and set(item.wrong) <= avoid


@pytest.mark.parametrize("name", ["seed", "colonoscopy-preparation.txt", "cataract-surgery.md"])
def test_false_statements_only_swap_terms_of_the_same_page(name, seed_bank):
    generated = seed_bank if name == "seed" else drafted(name)
    page = Corpus(
        rendering.render(parsing.outline(generated.spec.document_text), "x", "Source: x"), "x"
    )
    found = definitions.find(page)
    falses = [d for d in generated.drafts if d.kind == "truefalse" and d.correct == ["False"]]
    assert falses
    for item in falses:
        # "<term> is/means <meaning>": both taken from the page's own definitions, never matched
        # together there, and the excerpt says what the term really is
        term = next(d for d in found if item.stem.lower().startswith(d.named.lower()))
        meaning = next(d for d in found if d.meaning in item.stem and d.term != term.term)
        assert term.meaning in item.excerpt or term.meaning in item.explanation
        assert meaning.meaning not in term.sentence.text or term.sentence is meaning.sentence
        assert not page.states(item.stem)


@pytest.mark.parametrize(
    ("sentence", "term", "meaning"),
    [
        ("The colon, or large intestine, absorbs water.", "colon", "large intestine"),
        ("It sits in front of the rectum, or the lower end of the bowel.", "rectum", None),
        ("Bowel prep means drinking a laxative.", "Bowel prep", "drinking a laxative"),
        ("The cornea is the clear front window of the eye.", "cornea", None),
        ("You will use a colonoscope, or a long, thin, flexible tube.", "colonoscope", None),
    ],
)
def test_definitions_are_found(sentence, term, meaning):
    found = definitions.find(corpus_for(f"What is it?\n\n{sentence}\n"))
    match = next(d for d in found if d.term == term)
    if meaning:
        assert match.meaning == meaning
    assert match.sentence.text == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Take aspirin, ibuprofen, or naproxen for pain.",
        "Stage means how far it spread when it was diagnosed, or first found.",
        "The procedure is typically done on an outpatient basis.",
        "Each patient is a different case.",
    ],
)
def test_what_is_not_a_definition(sentence):
    found = definitions.find(corpus_for(f"What is it?\n\n{sentence}\n"))
    assert [d.term for d in found if d.term.lower() in ("naproxen", "diagnosed", "procedure")] == []
    assert not any(d.term.lower().startswith("each") for d in found)


@pytest.mark.parametrize(
    ("item", "term"),
    [
        ("Stage of the cancer, or how much it has grown", "Stage of the cancer"),
        ("Radiation therapy kills the individual cells. It is aimed at the prostate.", None),
        ("Hormonal therapy, to reduce the level of male hormones, is another option.", None),
        ("Patient’s age and life expectancy", "Patient’s age and life expectancy"),
    ],
)
def test_list_items_get_a_short_name(item, term):
    expected = term or item.split(",")[0].split(" kills")[0]
    assert lists.item_term(item) == expected


def test_no_true_statement_leans_on_the_sentence_before():
    generated = drafted("colonoscopy-preparation.txt")
    stems = [d.stem for d in generated.drafts if d.kind == "truefalse"]
    assert "The color can look like blood in the colon." not in stems
    cataract = [d.stem for d in drafted("cataract-surgery.md").drafts]
    assert "A quick laser treatment clears it." not in cataract


def test_instructions_become_statements():
    generated = drafted("cataract-surgery.md", seed=2)
    stems = {d.stem for d in generated.drafts}
    assert "You should not rub or press on your eye." in stems
    assert not any(s.startswith(("Do not", "Avoid", "Stop")) for s in stems)


def test_seed_changes_choice_order_not_content(seed_text):
    from quizapp.domain.generation import draft

    a = draft(seed_text, rng=random.Random(1)).drafts
    b = draft(seed_text, rng=random.Random(2)).drafts
    stems_a = {d.stem: {c.text for c in d.choices if c.correct} for d in a if d.kind == "single"}
    stems_b = {d.stem: {c.text for c in d.choices if c.correct} for d in b if d.kind == "single"}
    for stem in stems_a.keys() & stems_b.keys():
        assert stems_a[stem] == stems_b[stem]
