"""Questions a patient can take to the doctor, drawn from the bank's topics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quizapp.models import Topic

MAX_QUESTIONS = 5
MIN_QUESTIONS = 3
ALWAYS = "What does this treatment mean for me?"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def questions_for_doctor(topics: Sequence[Topic], to_discuss: Iterable[str]) -> list[str]:
    """3 to 5 questions: first about the topics still unclear, then about the others."""
    unclear = set(to_discuss)
    ordered = [t for t in topics if t.key in unclear] + [t for t in topics if t.key not in unclear]
    questions = []
    for topic in ordered:
        subject = _lower_first(topic.title.rstrip("?."))
        if topic.key in unclear:
            questions.append(f"Can we go over {subject} again?")
        else:
            questions.append(f"What should I know about {subject} in my case?")
    questions = questions[: MAX_QUESTIONS - 1] + [ALWAYS]
    return questions[:MAX_QUESTIONS] if len(questions) >= MIN_QUESTIONS else questions
