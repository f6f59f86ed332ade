"""Each quality rule, shown on a draft built to break it: the check drops it and says why."""

from __future__ import annotations

import pytest

from quizapp.domain import readability
from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation import parsing, quality, rendering
from quizapp.domain.generation.corpus import Corpus
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.lint import patient_text

PAGE = """What is cryotherapy?

The doctor uses cryoablation, or extreme cold, to freeze the prostate.

The rectum, or the lower end of the bowel, is behind the prostate.

What are the other treatments?

Other treatments do the following:

- Radiation therapy kills the individual cells.
- Hormonal therapy lowers male hormones.
- Radical prostatectomy, or surgery to remove the prostate, is another choice.

What does the doctor weigh?

Before this treatment, the doctor will consider:

- Stage of the cancer
- Your age
- Other medical problems
"""


@pytest.fixture(scope="module")
def page() -> Corpus:
    return Corpus(rendering.render(parsing.outline(PAGE), "Cryo", "Source: test"), "Cryo")


def quote(page: Corpus, words: str) -> tuple[tuple[int, int], ...]:
    start = page.text.index(words)
    return ((start, start + len(words)),)


def single(page: Corpus, stem: str, right: str, wrongs: list[str], excerpt: str, **kw) -> Draft:
    return Draft(
        kind=kw.pop("kind", "single"),
        stem=stem,
        choices=(ChoiceSpec(right, True), *(ChoiceSpec(w) for w in wrongs)),
        explanation=kw.pop("explanation", "Because the page says so."),
        spans=kw.pop("spans", None) or quote(page, excerpt),
        excerpt=excerpt,
        section=0,
        generator="definition",
        support=kw.pop("support", right),
        subject=kw.pop("subject", "cryoablation"),
    )


SENTENCE = "The doctor uses cryoablation, or extreme cold, to freeze the prostate."


def good(page: Corpus) -> Draft:
    return single(
        page,
        "What is cryoablation?",
        "Extreme cold",
        ["Lower bowel", "Male hormone level"],
        SENTENCE,
    )


def reason(page: Corpus, draft: Draft) -> str | None:
    kept, dropped = quality.check([draft], page)
    return dropped[0][1] if dropped else None


def test_a_good_draft_is_kept_with_its_reading_grade(page):
    kept, dropped = quality.check([good(page)], page)
    assert dropped == []
    item = kept[0]
    expected = readability.grade(
        patient_text(item.stem, item.explanation, [(c.text, c.feedback) for c in item.choices])
    )
    assert item.grade == expected is not None


def test_two_drafts_with_the_same_stem_keep_only_the_first(page):
    first = good(page)
    second = first.but(stem="what is  CRYOABLATION ?", choices=first.choices[::-1])
    kept, dropped = quality.check([first, second], page)
    assert kept == [first.but(grade=kept[0].grade)]
    assert dropped == [(second, "another draft has the same stem")]


def test_an_answer_the_excerpt_does_not_support_is_dropped(page):
    wrong_answer = good(page).but(
        choices=(ChoiceSpec("Extreme heat", True), *good(page).choices[1:]),
        support="cryoablation extreme heat",
    )
    assert "does not support the answer" in reason(page, wrong_answer)


def test_an_excerpt_that_is_not_the_text_at_its_offsets_is_dropped(page):
    moved = good(page).but(spans=((0, 20),))
    assert reason(page, moved) == "excerpt is not the text at its offsets"
    invented = good(page).but(excerpt="Cryoablation, or extreme cold.", spans=((0, 30),))
    assert reason(page, invented) is not None


def test_a_wrong_choice_the_page_makes_true_is_dropped(page):
    true_wrong = good(page).but(
        choices=(ChoiceSpec("Extreme cold", True), ChoiceSpec("Freeze the prostate"))
        + good(page).choices[1:2]
    )
    assert "is stated in the excerpt" in reason(page, true_wrong)


def test_a_real_treatment_is_never_a_wrong_answer_about_treatments(page):
    block = page.lists[0]
    spans = (block.lead_in_sentence, *block.items)
    draft = Draft(
        kind="multi",
        stem="Which of these are other treatments? Select all that apply.",
        choices=(
            ChoiceSpec("Radiation therapy", True),
            ChoiceSpec("Hormonal therapy", True),
            ChoiceSpec("Your age"),
        ),
        explanation="The page lists them.",
        spans=spans,
        excerpt=" ".join(page.slice(s) for s in spans),
        section=1,
        generator="list",
        support="Radiation therapy Hormonal therapy",
        subject="Other treatments do the following:",
    )
    assert reason(page, draft) is None
    # chemotherapy is not on the page, but it is a real treatment: never "wrong" here
    chemo = draft.but(choices=(*draft.choices[:2], ChoiceSpec("Chemotherapy")))
    assert "may be a real option" in reason(page, chemo)


def test_a_false_statement_the_page_makes_is_dropped(page):
    draft = Draft(
        kind="truefalse",
        stem="The rectum is the lower end of the bowel.",
        choices=(ChoiceSpec("True"), ChoiceSpec("False", True)),
        explanation="False.",
        spans=quote(page, "The rectum, or the lower end of the bowel, is behind the prostate."),
        excerpt="The rectum, or the lower end of the bowel, is behind the prostate.",
        section=0,
        generator="truefalse",
        support="rectum lower end bowel",
        subject="rectum",
    )
    assert reason(page, draft) == "the statement marked false is said by the page"


@pytest.mark.parametrize(
    ("wrongs", "expected"),
    [
        (["How fast it spreads", "Male hormone level"], "mix grammatical forms"),
        (["Lower bowel", "The long thin tube that runs the whole length of the penis"], "length"),
        (["Lower bowels", "Male hormone levels"], "singular and plural"),
    ],
)
def test_choices_that_give_the_answer_away_are_dropped(page, wrongs, expected):
    draft = good(page).but(
        choices=(ChoiceSpec("Extreme cold", True), *(ChoiceSpec(w) for w in wrongs))
    )
    assert expected in reason(page, draft)


def test_a_stem_ending_in_an_article_is_dropped(page):
    draft = good(page).but(stem="Cryoablation is an")
    assert "gives the answer away" in reason(page, draft)


@pytest.mark.parametrize(
    "stem",
    [
        "Which of these is NOT cryoablation?",
        "All of these are cryoablation EXCEPT:",
        "Which of these is not cryoablation?",
    ],
)
def test_negative_stems_are_dropped(page, stem):
    assert "negative" in reason(page, good(page).but(stem=stem)) or "NOT" in reason(
        page, good(page).but(stem=stem)
    )


def test_a_false_statement_with_a_negative_is_dropped(page):
    draft = Draft(
        kind="truefalse",
        stem="Cryoablation does not use extreme cold.",
        choices=(ChoiceSpec("True"), ChoiceSpec("False", True)),
        explanation="False.",
        spans=quote(page, SENTENCE),
        excerpt=SENTENCE,
        section=0,
        generator="truefalse",
        support="cryoablation extreme cold",
        subject="cryoablation",
    )
    assert "double negative" in reason(page, draft)


def test_a_select_all_stem_must_say_so(page):
    items = "Stage of the cancer"
    draft = Draft(
        kind="multi",
        stem="Which of these will the doctor consider?",
        choices=(
            ChoiceSpec("Stage of the cancer", True),
            ChoiceSpec("Your age", True),
            ChoiceSpec("Other medical problems", True),
        ),
        explanation="All of these.",
        spans=quote(page, items),
        excerpt=items,
        section=2,
        generator="list",
        support=items,
        subject="the doctor will consider:",
    )
    assert "Select all that apply" in reason(page, draft)


@pytest.mark.parametrize("name", ["seed", "colonoscopy-preparation.txt", "cataract-surgery.md"])
def test_generated_drafts_already_pass_every_rule(name, seed_bank):
    from tests.domain.generation.conftest import drafted

    generated = seed_bank if name == "seed" else drafted(name)
    page = Corpus(
        rendering.render(
            parsing.outline(generated.spec.document_text),
            generated.spec.title,
            "Source: x",
        ),
        generated.spec.title,
    )
    for item in generated.drafts:
        assert [r for rule in quality.RULES if (r := rule(item, page))] == [], item.stem
