"""GIFT: what Moodle reads (categories, names, weights, feedback, escapes) and what quizapp reads
back (the same bank, or problems that say what to fix)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain import bankload, gift
from quizapp.domain.bankfile import BankSpec, ChoiceSpec, QuestionSpec, TopicSpec

BUNDLED = Path(__file__).parents[2] / "questions" / "salvage-prostate-cryoablation.yaml"
DOCUMENT = "# Test\n\n## Cold\n\nThe cold freezes the prostate.\n"
#: The grades Moodle accepts for an answer (question_bank::fraction_options_full), in percent.
MOODLE_GRADES = {
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
}  # fmt: skip


def read(text: str) -> tuple[BankSpec | None, list]:
    return gift.parse_gift(text, "bank.gift", {"documents/test.md": DOCUMENT}.get)


def question(key: str, kind: str, choices: list[ChoiceSpec], **fields) -> QuestionSpec:
    values = {
        "topic": "cold",
        "stem": f"Stem of {key}?",
        "source_excerpt": "The cold freezes the prostate.",
        "explanation": "The cold freezes it.",
        "status": "approved",
        **fields,
    }
    return QuestionSpec(key=key, kind=kind, choices=tuple(choices), **values)


def bank(*questions: QuestionSpec, topics: tuple[TopicSpec, ...] | None = None) -> BankSpec:
    return BankSpec(
        slug="test",
        title="A test bank",
        document="documents/test.md",
        document_text=DOCUMENT,
        topics=topics or (TopicSpec("cold", "What the cold does", "cold"),),
        questions=questions,
    )


SINGLE = question(
    "single-q",
    "single",
    [
        ChoiceSpec("Cold", True),
        ChoiceSpec("Heat", False, "It uses cold, not heat."),
        ChoiceSpec("Light"),
    ],
)
TRUE_RIGHT = question(
    "tf-true",
    "truefalse",
    [ChoiceSpec("True", True, "Yes, it freezes."), ChoiceSpec("False", False, "It is true.")],
)
FALSE_RIGHT = question(
    "tf-false",
    "truefalse",
    [ChoiceSpec("True", False, "It is false."), ChoiceSpec("False", True)],
    status="draft",
)
MULTI = question(
    "multi-q",
    "multi",
    [
        ChoiceSpec("It freezes", True),
        ChoiceSpec("It is cold", True, "Right: it is cold."),
        ChoiceSpec("It burns", False, "It does not burn."),
        ChoiceSpec("It glows"),
    ],
    stem="What is true? Select all that apply.",
    status="retired",
)


def test_the_bundled_bank_reads_back_exactly():
    spec = bankload.load(BUNDLED).specs[0]
    back, problems = gift.parse_gift(
        gift.to_gift(spec), "x.gift", {spec.document: spec.document_text}.get
    )
    assert problems == []
    assert back == spec


def test_every_kind_status_and_feedback_reads_back_exactly():
    spec = bank(SINGLE, TRUE_RIGHT, FALSE_RIGHT, MULTI)
    assert read(gift.to_gift(spec)) == (spec, [])


def test_questions_keep_their_order_when_topics_interleave():
    topics = (TopicSpec("cold", "Cold", "cold"), TopicSpec("other", "Other | more", None))
    spec = bank(SINGLE, replace(TRUE_RIGHT, topic="other"), MULTI, topics=topics)
    text = gift.to_gift(spec)
    assert re.findall(r"^\$CATEGORY: (.*)$", text, re.M) == ["test/cold", "test/other", "test/cold"]
    assert "// quizapp-topic: other | Other | more |\n" in text
    assert read(text) == (spec, [])


def test_the_file_is_gift_moodle_reads():
    text = gift.to_gift(bank(SINGLE, TRUE_RIGHT, FALSE_RIGHT))
    blocks = text.strip().split("\n\n")
    assert blocks[0].splitlines()[2:] == [
        "// quizapp-bank: test",
        "// quizapp-title: A test bank",
        "// quizapp-document: documents/test.md",
        "// quizapp-topic: cold | What the cold does | cold",
    ]
    assert all(line.startswith("//") for line in blocks[0].splitlines())
    assert blocks[1] == "$CATEGORY: test/cold"
    assert blocks[2].splitlines() == [
        "// quizapp-status: approved",
        "// quizapp-source: The cold freezes the prostate.",
        "::single-q::Stem of single-q? {",
        "\t=Cold",
        "\t~Heat#It uses cold, not heat.",
        "\t~Light",
        "\t####The cold freezes it.",
        "}",
    ]
    # True/false: the first # is the feedback for a wrong answer, the second for a right one.
    assert blocks[3].splitlines()[-1] == (
        "::tf-true::Stem of tf-true? {T#It is true.#Yes, it freezes.####The cold freezes it.}"
    )
    assert blocks[4].splitlines()[-1] == (
        "::tf-false::Stem of tf-false? {F#It is false.####The cold freezes it.}"
    )


@pytest.mark.parametrize("right", [1, 2, 3, 4, 5, 6])
def test_select_all_weights_are_grades_moodle_accepts_and_add_up_to_100(right):
    choices = [ChoiceSpec(f"Right {n}", True) for n in range(right)]
    choices += [ChoiceSpec(f"Wrong {n}") for n in range(6 - right)]
    text = gift.to_gift(bank(question("m", "multi", choices)))
    weights = [float(w) for w in re.findall(r"^\t~%(-?[\d.]+)%", text, re.M)]
    assert len(weights) == 6
    positive = [w for w in weights if w > 0]
    assert len(positive) == right
    assert sum(positive) == pytest.approx(100, abs=0.001)
    assert set(positive) <= MOODLE_GRADES
    assert [w for w in weights if w <= 0] == [-100] * (6 - right)
    assert "=" not in text.split("::m::")[1]  # no "=": Moodle allows several answers


def test_special_characters_are_escaped_the_gift_way():
    tricky = "Is 1+1=2 {really}? Note: ~ # and \\ too"
    spec = bank(
        question(
            "tricky",
            "single",
            [ChoiceSpec(tricky, True), ChoiceSpec("a\\", False, "b#c"), ChoiceSpec("%5% odd")],
            stem=tricky,
            explanation="Line one\nline two: done",
            source_excerpt="back\\slash\nnew line",
        )
    )
    text = gift.to_gift(spec)
    escaped = "Is 1+1\\=2 \\{really\\}? Note\\: \\~ \\# and \\\\ too"
    assert f"::tricky::{escaped} {{" in text
    assert f"\t={escaped}\n" in text
    assert "\t~a\\\\#b\\#c\n" in text
    assert "\t~%0%%5% odd\n" in text  # a leading % must not read as a weight
    assert "\t####Line one\\nline two\\: done\n" in text
    assert "// quizapp-source: back\\\\slash\\nnew line\n" in text
    assert read(text) == (spec, [])


TEXT = (
    st.text(alphabet="ab %|\\~=#{}:\n->TF[]", min_size=1, max_size=30).map(str.strip).filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(
    stem=TEXT,
    texts=st.lists(TEXT, min_size=3, max_size=3, unique=True),
    notes=st.lists(TEXT, min_size=4, max_size=4),
)
def test_any_text_reads_back_exactly(stem, texts, notes):
    choices = [ChoiceSpec(texts[0], True, notes[0]), ChoiceSpec(texts[1], False, notes[1])]
    choices.append(ChoiceSpec(texts[2], False))
    multi = replace(
        MULTI,
        key="m",
        choices=tuple(replace(c, correct=True) for c in choices[:2]) + tuple(choices[2:]),
    )
    tf = replace(
        TRUE_RIGHT,
        stem=stem,
        explanation=notes[2],
        choices=(ChoiceSpec("True", False, notes[3]), ChoiceSpec("False", True)),
    )
    spec = bank(
        question("s", "single", choices, stem=stem, explanation=notes[2], source_excerpt=notes[3]),
        multi,
        tf,
        topics=(TopicSpec("cold", notes[2], None),),
    )
    assert read(gift.to_gift(spec)) == (spec, [])


HEADER = """// quizapp-bank: test
// quizapp-title: A test bank
// quizapp-document: documents/test.md
// quizapp-topic: cold | What the cold does | cold

$CATEGORY: test/cold

"""
META = "// quizapp-status: approved\n// quizapp-source: The cold freezes the prostate.\n"
GOOD = HEADER + META + "::q1::What does it use? {=Cold ~Heat ~Light}\n"
FIX_BRACES = "write the answers in one { } pair, and a brace that is part of the text as \\{ or \\}"
HINT = gift.KINDS_HINT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEADER + META + "::q1::What does it use? {=Cold ~Heat ~Light\n",
            [f"bank.gift:q1:answers: unbalanced braces: {FIX_BRACES}"],
        ),
        (
            HEADER + META + "::q1::Is {it} cold? {=Cold ~Heat}\n",
            [f"bank.gift:q1:answers: unbalanced braces: {FIX_BRACES}"],
        ),
        (
            HEADER + META + "::q1::What does it use? =Cold ~Heat}\n",
            [f"bank.gift:q1:answers: unbalanced braces: {FIX_BRACES}"],
        ),
        (
            HEADER + META + "::q1::What does it use?\n",
            ["bank.gift:q1:answers: has no answers: put them in braces after the question"],
        ),
        (
            HEADER + META + "::q1::What does it use? {=Cold ~Heat} please.\n",
            ["bank.gift:q1:answers: text after the answers; the { } must end the question"],
        ),
        (
            HEADER + META + "::q1::Tell us about it. {}\n",
            [f"bank.gift:q1:answers: essay questions cannot be imported; {HINT}"],
        ),
        (
            HEADER + META + "::q1::Match them. {=cold -> freeze =heat -> burn}\n",
            [f"bank.gift:q1:answers: matching questions cannot be imported; {HINT}"],
        ),
        (
            HEADER + META + "::q1::How many? {#3:1}\n",
            [f"bank.gift:q1:answers: numerical questions cannot be imported; {HINT}"],
        ),
        (
            HEADER + META + "::q1::What does it use? {=cold =extreme cold}\n",
            [f"bank.gift:q1:answers: short answer questions cannot be imported; {HINT}"],
        ),
        (
            HEADER + META + "::q1::What does it use? {=Cold ~%50%Heat ~Light}\n",
            [
                "bank.gift:q1:answers: mixes = with % weights: use = and ~ for single choice, "
                "or ~%weight% on every answer for select-all"
            ],
        ),
        (
            HEADER + META + "::q1::Which? {~%50%Cold ~%25%Ice ~%-100%Heat}\n",
            [
                "bank.gift:q1:answers: the weights of the right answers add up to 75%; "
                "they must add up to 100%"
            ],
        ),
        (
            HEADER + META + "::q1::What does it use? {=Cold ~ ~Light}\n",
            ["bank.gift:q1:choices[2]: needs a text"],
        ),
        (
            HEADER + META + "What does it use? {=Cold ~Heat ~Light}\n",
            ["bank.gift:line 10:key: a question needs a name: start it with ::<question-key>::"],
        ),
        (
            GOOD.replace("// quizapp-status: approved\n", ""),
            [
                "bank.gift:q1:status: needs the line "
                "`// quizapp-status: draft|approved|retired` above it"
            ],
        ),
        (
            GOOD.replace("// quizapp-status: approved", "// quizapp-status: ready"),
            ["bank.gift:q1:status: must be one of draft, approved, retired"],
        ),
        (
            GOOD.replace("// quizapp-source: The cold freezes the prostate.\n", ""),
            [
                "bank.gift:q1:source_excerpt: needs the line "
                "`// quizapp-source: <the document's words that state the answer>` above it"
            ],
        ),
        (
            GOOD.replace(META, "// quizapp-staus: approved\n" + META),
            [
                "bank.gift:line 8:comment: unknown line quizapp-staus "
                "(known: bank, title, document, topic, status, source)"
            ],
        ),
        (
            GOOD.replace(META, META + "\n"),
            [
                "bank.gift:line 8:status: quizapp-status belongs directly above its question, "
                "with no blank line between",
                "bank.gift:line 9:source: quizapp-source belongs directly above its question, "
                "with no blank line between",
                "bank.gift:q1:status: needs the line "
                "`// quizapp-status: draft|approved|retired` above it",
                "bank.gift:q1:source_excerpt: needs the line "
                "`// quizapp-source: <the document's words that state the answer>` above it",
            ],
        ),
        (
            GOOD.replace("// quizapp-bank: test\n", ""),
            ["bank.gift:-:slug: needs the line `// quizapp-bank: <slug>` at the top of the file"],
        ),
        (
            GOOD.replace("// quizapp-bank: test", "// quizapp-bank: Test Bank"),
            ["bank.gift:-:slug: must be lower-case letters, digits and dashes"],
        ),
        (
            GOOD.replace("// quizapp-title: A test bank\n", ""),
            [
                "bank.gift:-:title: needs the line `// quizapp-title: <bank title>` "
                "at the top of the file"
            ],
        ),
        (
            GOOD.replace("// quizapp-document: documents/test.md\n", ""),
            [
                "bank.gift:-:document: needs the line "
                "`// quizapp-document: documents/<slug>.md` at the top of the file"
            ],
        ),
        (
            GOOD.replace("documents/test.md", "documents/gone.md"),
            [
                "bank.gift:-:document: file documents/gone.md "
                "not found or not readable as UTF-8 text"
            ],
        ),
        (
            GOOD.replace("// quizapp-topic: cold | What the cold does | cold\n", ""),
            [
                "bank.gift:-:topics: needs a line "
                "`// quizapp-topic: <key> | <title> | <section>` for each topic"
            ],
        ),
        (
            GOOD.replace("cold | What the cold does | cold", "cold, What the cold does"),
            ["bank.gift:line 4:topic: write it as `// quizapp-topic: <key> | <title> | <section>`"],
        ),
        (
            GOOD.replace("$CATEGORY: test/cold\n\n", ""),
            ["bank.gift:q1:topic: no $CATEGORY line above it; add `$CATEGORY: <slug>/<topic-key>`"],
        ),
        (
            GOOD.replace("$CATEGORY: test/cold\n\n", "$CATEGORY: test/cold\n"),
            [
                "bank.gift:line 9:category: leave a blank line after the $CATEGORY line "
                "(Moodle reads the rest as the category)",
            ],
        ),
        (
            "::q1::What does it use? {=Cold ~Heat ~Light}\n",
            [
                "bank.gift:-:file: has no quizapp- lines: quizapp reads GIFT files it wrote "
                "itself (they start with `// quizapp-bank: <slug>`); "
                "export the bank as GIFT to see one"
            ],
        ),
    ],
)
def test_broken_gift_gives_a_problem_that_says_what_to_fix(text, expected):
    _spec, problems = read(text)
    assert [str(p) for p in problems] == expected


def test_the_good_example_of_the_broken_table_reads_cleanly():
    spec, problems = read(GOOD)
    assert problems == []
    assert spec.questions[0].choices == (
        ChoiceSpec("Cold", True),
        ChoiceSpec("Heat"),
        ChoiceSpec("Light"),
    )


def test_crlf_line_endings_and_a_byte_order_mark_are_read():
    spec = bank(SINGLE, MULTI)
    text = "\ufeff" + gift.to_gift(spec).replace("\n", "\r\n")
    assert read(text) == (spec, [])
