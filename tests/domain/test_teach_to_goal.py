"""Round assembly, mastery and readiness: pure functions with a seeded random generator."""

from __future__ import annotations

import random

from quizapp.domain.teach_to_goal import (
    Answer,
    Candidate,
    choice_order,
    is_ready,
    plan_round,
    results,
    unmastered,
)

POOL = [Candidate(q, 100 + q, topic) for q, topic in enumerate(["a"] * 4 + ["b"] * 4 + ["c"] * 1)]


def test_round_one_asks_n_per_topic_in_topic_order():
    plan = plan_round(POOL, ["a", "b", "c"], 2, [], random.Random(1))
    assert [c.topic for c in plan] == ["a", "a", "b", "b", "c"]  # c has only one question
    assert len({c.question_id for c in plan}) == 5


def test_same_seed_same_round_and_different_seeds_differ():
    first = plan_round(POOL, ["a", "b"], 2, [], random.Random(42))
    again = plan_round(POOL, ["a", "b"], 2, [], random.Random(42))
    assert first == again
    others = {tuple(plan_round(POOL, ["a", "b"], 2, [], random.Random(s))) for s in range(20)}
    assert len(others) > 1


def test_later_rounds_prefer_questions_not_yet_seen():
    seen = [0, 1]
    plan = plan_round(POOL, ["a"], 2, seen, random.Random(3))
    assert {c.question_id for c in plan} == {2, 3}


def test_seen_questions_fill_in_when_fresh_ones_run_out():
    plan = plan_round(POOL, ["a"], 2, [0, 1, 2], random.Random(3))
    assert plan[0].question_id == 3 and plan[1].question_id in {0, 1, 2}


def test_mastery_is_all_correct_in_the_latest_round_that_asked_the_topic():
    answers = [
        Answer(1, "a", 1, True),
        Answer(1, "a", 2, False),  # a: missed in round 1
        Answer(1, "b", 5, True),
        Answer(1, "b", 6, True),  # b: mastered in round 1
        Answer(2, "a", 3, True),
        Answer(2, "a", 4, True),  # a: mastered in round 2
    ]
    by_topic = {r.topic: r for r in results(["a", "b"], answers)}
    assert by_topic["a"].mastered and by_topic["b"].mastered
    assert (by_topic["a"].first_try_correct, by_topic["a"].first_try_total) == (1, 2)
    assert (by_topic["a"].final_correct, by_topic["a"].final_total, by_topic["a"].rounds) == (
        2,
        2,
        2,
    )
    assert by_topic["b"].rounds == 1
    assert is_ready(list(by_topic.values()))


def test_a_wrong_answer_in_the_latest_round_means_not_mastered_and_not_ready():
    answers = [Answer(1, "a", 1, True), Answer(1, "b", 5, False), Answer(2, "b", 6, False)]
    topic_results = results(["a", "b"], answers)
    assert unmastered(topic_results) == ["b"]
    assert not is_ready(topic_results)


def test_a_topic_never_asked_is_not_mastered():
    topic_results = results(["a", "b"], [Answer(1, "a", 1, True)])
    assert unmastered(topic_results) == ["b"]
    assert not is_ready([])


def test_choice_order_is_shuffled_per_patient_but_stable():
    ids = [11, 12, 13, 14]
    assert choice_order(ids, seed=5, version_id=9) == choice_order(ids, seed=5, version_id=9)
    orders = {tuple(choice_order(ids, seed=s, version_id=9)) for s in range(30)}
    assert len(orders) > 3
    assert choice_order([1, 2], seed=5, version_id=9, keep_order=True) == [1, 2]
