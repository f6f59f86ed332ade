"""Teach-to-goal: which questions a round asks, which topics are mastered, and readiness.

Plain functions over plain values, with an explicit random.Random so the same seed always gives
the same quiz.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """An approved question that a round may ask."""

    question_id: int
    version_id: int
    topic: str


@dataclass(frozen=True)
class Answer:
    """One stored response, reduced to what mastery needs."""

    round_number: int
    topic: str
    question_id: int
    correct: bool


@dataclass(frozen=True)
class TopicResult:
    topic: str
    #: Share of first-round answers that were right (None when the topic was not asked).
    first_try_correct: int
    first_try_total: int
    #: Right/asked in the latest round that asked the topic.
    final_correct: int
    final_total: int
    mastered: bool
    #: How many rounds asked this topic.
    rounds: int


def plan_round(
    candidates: Sequence[Candidate],
    topics: Sequence[str],
    per_topic: int,
    seen_question_ids: Iterable[int],
    rng: random.Random,
) -> list[Candidate]:
    """The questions of a round: ``per_topic`` for each topic in ``topics`` (in that order),
    preferring questions not seen before; fewer when a topic has fewer questions."""
    seen = set(seen_question_ids)
    planned: list[Candidate] = []
    for topic in topics:
        pool = sorted((c for c in candidates if c.topic == topic), key=lambda c: c.question_id)
        fresh = [c for c in pool if c.question_id not in seen]
        again = [c for c in pool if c.question_id in seen]
        rng.shuffle(fresh)
        rng.shuffle(again)
        planned.extend((fresh + again)[:per_topic])
    return planned


def results(topics: Sequence[str], answers: Iterable[Answer]) -> list[TopicResult]:
    """Per topic: first-try and final results, mastery and rounds needed.

    A topic is mastered when every question it had in the latest round that asked it was
    answered correctly.
    """
    by_topic: dict[str, dict[int, list[bool]]] = {t: {} for t in topics}
    for answer in answers:
        if answer.topic in by_topic:
            by_topic[answer.topic].setdefault(answer.round_number, []).append(answer.correct)
    out = []
    for topic in topics:
        rounds = by_topic[topic]
        if not rounds:
            out.append(TopicResult(topic, 0, 0, 0, 0, False, 0))
            continue
        first = rounds[min(rounds)]
        last = rounds[max(rounds)]
        out.append(
            TopicResult(
                topic=topic,
                first_try_correct=sum(first),
                first_try_total=len(first),
                final_correct=sum(last),
                final_total=len(last),
                mastered=all(last),
                rounds=len(rounds),
            )
        )
    return out


def unmastered(topic_results: Iterable[TopicResult]) -> list[str]:
    """Topics still to learn, in order."""
    return [r.topic for r in topic_results if not r.mastered]


def is_ready(topic_results: Sequence[TopicResult]) -> bool:
    """Ready for the consent discussion: every topic mastered."""
    return bool(topic_results) and all(r.mastered for r in topic_results)


def choice_order(
    choice_ids: Sequence[int], seed: int, version_id: int, keep_order: bool = False
) -> list[int]:
    """The order a patient sees the choices in: shuffled per patient, the same on every reload."""
    ordered = list(choice_ids)
    if not keep_order:
        random.Random(f"{seed}:{version_id}").shuffle(ordered)
    return ordered
