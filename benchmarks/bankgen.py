"""A synthetic bank of 1,000 valid questions and its document, for timing ``bank import``.

Every question quotes its own sentence of the document, so each source excerpt is found word for
word; kinds rotate through single, true/false and select-all; the wording stays short and plain
so the reading grade raises no warnings.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.domain.bankfile import BankSpec, ChoiceSpec, QuestionSpec, TopicSpec, dump_bank

SLUG = "bench-synthetic"
ACTIONS = ("wash", "check", "fill", "clean", "close", "open", "pack", "weigh")
THINGS = ("cup", "bag", "tube", "cap", "lid", "pad", "box", "jar", "pen", "map")


def _step(i: int) -> tuple[str, str, int]:
    return ACTIONS[i % len(ACTIONS)], THINGS[(i // len(ACTIONS)) % len(THINGS)], 1 + i % 11


def sentence(i: int) -> str:
    action, thing, hour = _step(i)
    return f"Step {i + 1} is to {action} the {thing} at {hour} o'clock."


def _question(i: int, topic: str) -> QuestionSpec:
    action, thing, hour = _step(i)
    explanation = f"The guide says step {i + 1} is to {action} the {thing}."
    common = {"key": f"q{i + 1:04d}", "topic": topic, "status": "approved"}
    common |= {"explanation": explanation, "source_excerpt": sentence(i)}
    if i % 3 == 0:
        right = f"{action.title()} the {thing} at {hour} o'clock."
        wrong = [f"{action.title()} the {thing} at {(hour % 11) + k} o'clock." for k in (1, 2)]
        choices = (
            ChoiceSpec(right, True),
            *(ChoiceSpec(w, False, "Not at that time.") for w in wrong),
        )
        return QuestionSpec(kind="single", stem=f"What is step {i + 1}?", choices=choices, **common)
    if i % 3 == 1:
        choices = (ChoiceSpec("True", True), ChoiceSpec("False", False, "It is true."))
        return QuestionSpec(kind="truefalse", stem=sentence(i), choices=choices, **common)
    choices = (
        ChoiceSpec(f"Use the {thing}.", True),
        ChoiceSpec(f"Do it at {hour} o'clock.", True),
        ChoiceSpec("Skip this step.", False, "Do not skip it."),
    )
    stem = f"What does step {i + 1} ask you to do? Select all that apply."
    return QuestionSpec(kind="multi", stem=stem, choices=choices, **common)


def build(questions: int = 1000, topics: int = 20) -> BankSpec:
    """The bank in memory: ``questions`` spread evenly over ``topics`` sections."""
    per_topic = -(-questions // topics)
    lines = ["# Bench synthetic guide", ""]
    topic_specs = []
    question_specs = []
    for t in range(topics):
        heading = f"Part {t + 1}"
        lines += [f"## {heading}", ""]
        steps = range(t * per_topic, min(questions, (t + 1) * per_topic))
        for start in range(steps.start, steps.stop, 5):
            lines += [" ".join(sentence(i) for i in range(start, min(start + 5, steps.stop))), ""]
        key = f"part-{t + 1}"
        topic_specs.append(TopicSpec(key, f"What to do in part {t + 1}", f"part-{t + 1}"))
        question_specs += [_question(i, key) for i in steps]
    lines += ["Source: made up for the benchmarks, reviewed 2026."]
    return BankSpec(
        slug=SLUG,
        title="Bench synthetic guide",
        document=f"documents/{SLUG}.md",
        document_text="\n".join(lines) + "\n",
        topics=tuple(topic_specs),
        questions=tuple(question_specs),
    )


def write(folder: Path, questions: int = 1000) -> Path:
    """Write the bank file and its document under ``folder``; returns the bank file."""
    spec = build(questions)
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    (folder / spec.document).write_text(spec.document_text, encoding="utf-8")
    bank_file = folder / f"{SLUG}.yaml"
    bank_file.write_text(dump_bank(spec), encoding="utf-8")
    return bank_file
