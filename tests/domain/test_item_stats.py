"""Item statistics from sums: facility, discrimination, choice use and flags, without a database."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain import item_stats
from quizapp.domain.item_stats import ChoiceCount, ItemSums


def sums_of(pairs: list[tuple[int, float]], answers: int | None = None) -> ItemSums:
    """What the database would send for first tries scored x with rest scores y."""
    return ItemSums(
        answers=len(pairs) if answers is None else answers,
        first_tries=len(pairs),
        first_correct=sum(x for x, _ in pairs),
        d_n=len(pairs),
        d_sum_x=sum(x for x, _ in pairs),
        d_sum_y=sum(y for _, y in pairs),
        d_sum_xy=sum(x * y for x, y in pairs),
        d_sum_yy=sum(y * y for _, y in pairs),
    )


def choices(*picks: int, right: int = 0) -> list[ChoiceCount]:
    return [
        ChoiceCount(choice_id=n, position=n, text=f"choice {n}", is_correct=n == right, picks=p)
        for n, p in enumerate(picks)
    ]


def test_discrimination_matches_the_textbook_correlation():
    pairs = [(1, 0.9), (1, 0.8), (0, 0.3), (1, 0.6), (0, 0.5), (0, 0.1), (1, 0.7), (0, 0.4)]
    stats = item_stats.item_stats(1, sums_of(pairs), choices(4, 4))
    expected = statistics.correlation([float(x) for x, _ in pairs], [y for _, y in pairs])
    assert stats.discrimination == pytest.approx(expected)
    assert stats.discrimination > 0.8
    assert stats.facility == 0.5


def test_an_item_the_strong_patients_miss_has_negative_discrimination_and_is_flagged():
    strong_miss = [(0, 0.9), (0, 0.8), (0, 0.85), (1, 0.2), (1, 0.3), (1, 0.1)] * 2
    stats = item_stats.item_stats(1, sums_of(strong_miss), choices(6, 6))
    assert stats.discrimination < -0.9
    assert item_stats.FLAG_NEGATIVE in stats.flags
    assert "Negative discrimination" in " ".join(stats.flag_labels)


@pytest.mark.parametrize(
    "right, tries, flag",
    [(39, 40, item_stats.FLAG_TOO_EASY), (2, 10, item_stats.FLAG_TOO_HARD)],
)
def test_too_easy_and_too_hard(right, tries, flag):
    pairs = [(1, 0.5)] * right + [(0, 0.5)] * (tries - right)
    stats = item_stats.item_stats(1, sums_of(pairs), choices(right, tries - right))
    assert stats.flags == (flag,)


@pytest.mark.parametrize("right", [3, 9])  # 0.30 and 0.90 are not flagged: the limits are strict
def test_facility_within_the_limits_is_not_flagged(right):
    pairs = [(1, 0.5)] * right + [(0, 0.5)] * (10 - right)
    assert item_stats.item_stats(1, sums_of(pairs), choices(right, 10 - right)).flags == ()


def test_a_wrong_choice_nobody_picks_is_flagged_and_shares_add_up():
    pairs = [(1, 0.5)] * 6 + [(0, 0.5)] * 4
    stats = item_stats.item_stats(1, sums_of(pairs), choices(6, 4, 0))
    assert stats.flags == (item_stats.FLAG_UNUSED,)
    assert [(c.picks, c.share) for c in stats.choices] == [(6, 0.6), (4, 0.4), (0, 0.0)]
    assert [c.is_correct for c in stats.choices] == [True, False, False]


def test_few_first_tries_are_shown_but_not_flagged():
    pairs = [(1, 0.5)] * 5
    stats = item_stats.item_stats(1, sums_of(pairs), choices(5, 0))
    assert stats.facility == 1.0 and stats.flags == ()
    assert item_stats.item_stats(1, sums_of(pairs), choices(5, 0), min_first_tries=5).flags == (
        item_stats.FLAG_TOO_EASY,
        item_stats.FLAG_UNUSED,
    )


def test_no_answers_gives_no_numbers():
    stats = item_stats.item_stats(7, ItemSums(), choices(0, 0))
    assert (stats.answers, stats.first_tries, stats.facility, stats.discrimination) == (
        0,
        0,
        None,
        None,
    )
    assert [c.share for c in stats.choices] == [None, None] and stats.flags == ()


def test_discrimination_is_undefined_when_nothing_varies():
    everyone_right = [(1, 0.2), (1, 0.9), (1, 0.5)]
    same_rest = [(1, 0.5), (0, 0.5), (1, 0.5)]
    assert item_stats.item_stats(1, sums_of(everyone_right), []).discrimination is None
    assert item_stats.item_stats(1, sums_of(same_rest), []).discrimination is None


def test_choices_come_back_in_position_order():
    shuffled = list(reversed(choices(1, 2, 3)))
    stats = item_stats.item_stats(1, sums_of([(1, 0.5)] * 6), shuffled)
    assert [c.position for c in stats.choices] == [0, 1, 2]


@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 20).map(lambda k: k / 20)),
        min_size=3,
        max_size=60,
    )
)
def test_from_sums_equals_from_rows(pairs):
    xs, ys = [float(x) for x, _ in pairs], [y for _, y in pairs]
    result = item_stats.item_stats(1, sums_of(pairs), []).discrimination
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        assert result is None
    else:
        assert result == pytest.approx(statistics.correlation(xs, ys), abs=1e-9)
