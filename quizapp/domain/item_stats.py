"""Item statistics of a question version, finished from sums the database aggregated.

Classical item analysis on the first round of every assignment (the patient's first try, before
any teaching):

- **facility**: the share of first tries answered correctly;
- **discrimination**: the Pearson correlation (point-biserial, as the item scores 0 or 1) of the
  item with the *rest* of the patient's first-round score, i.e. the share of the other first-round
  questions they got right. Leaving the item out of the total keeps it from correlating with
  itself. Positive: patients who know the material get it right more often; negative: the item
  misleads the strong patients, which usually means a wrong key or an ambiguous stem;
- **choice use**: how often each choice is picked, in every answer (any round): a wrong choice
  nobody ever picks does no work.

The database sends per-version sums (n, Σx, Σy, Σxy, Σy²), never rows, so the work here does not
grow with the number of responses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TOO_EASY = 0.95
TOO_HARD = 0.30
#: Fewer first tries than this and the numbers are shown but nothing is flagged: with a handful of
#: patients every item looks too easy or too hard by chance.
MIN_FIRST_TRIES = 10

FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_NEGATIVE = "negative_discrimination"
FLAG_UNUSED = "unused_distractor"
FLAG_LABELS = {
    FLAG_TOO_EASY: f"Too easy (over {TOO_EASY:.0%} right on the first try)",
    FLAG_TOO_HARD: f"Too hard (under {TOO_HARD:.0%} right on the first try)",
    FLAG_NEGATIVE: "Negative discrimination (strong patients miss it more often)",
    FLAG_UNUSED: "A wrong choice nobody picks",
}


@dataclass(frozen=True)
class ItemSums:
    """What the database aggregates for one question version.

    ``x`` is 1 for a correct first try and 0 otherwise; ``y`` is the rest of that patient's
    first-round score as a share. The ``d_`` sums cover the first tries that have a rest score
    (rounds with at least one other answer).
    """

    answers: int = 0
    first_tries: int = 0
    first_correct: int = 0
    d_n: int = 0
    d_sum_x: float = 0.0
    d_sum_y: float = 0.0
    d_sum_xy: float = 0.0
    d_sum_yy: float = 0.0


@dataclass(frozen=True)
class ChoiceCount:
    """One choice of the version and how many answers (any round) picked it."""

    choice_id: int
    position: int
    text: str
    is_correct: bool
    picks: int


@dataclass(frozen=True)
class ChoiceUse:
    choice_id: int
    position: int
    text: str
    is_correct: bool
    picks: int
    #: Share of the answers that picked this choice (select-all answers pick several).
    share: float | None


@dataclass(frozen=True)
class ItemStats:
    """The statistics of one question version, ready to show."""

    version_id: int
    answers: int
    first_tries: int
    facility: float | None
    discrimination: float | None
    choices: tuple[ChoiceUse, ...]
    flags: tuple[str, ...] = field(default=())

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]


def pearson(n: int, sum_x: float, sum_y: float, sum_xy: float, sum_xx: float, sum_yy: float):
    """The correlation of x and y from their sums, or None when either does not vary."""
    if n < 2:
        return None
    cov = n * sum_xy - sum_x * sum_y
    var_x = n * sum_xx - sum_x * sum_x
    var_y = n * sum_yy - sum_y * sum_y
    # Sums of floats: a variance that should be 0 can come out as a tiny number either side.
    scale = max(1.0, abs(n * sum_yy), abs(n * sum_xx))
    if var_x <= 1e-9 * scale or var_y <= 1e-9 * scale:
        return None
    r = cov / math.sqrt(var_x * var_y)
    return max(-1.0, min(1.0, r))


def item_stats(
    version_id: int,
    sums: ItemSums,
    choices: list[ChoiceCount],
    min_first_tries: int = MIN_FIRST_TRIES,
) -> ItemStats:
    """Facility, discrimination, choice use and flags of one version from its sums."""
    n = sums.first_tries
    facility = sums.first_correct / n if n else None
    # x is 0 or 1, so the sum of x squared is the sum of x.
    discrimination = pearson(
        sums.d_n, sums.d_sum_x, sums.d_sum_y, sums.d_sum_xy, sums.d_sum_x, sums.d_sum_yy
    )
    uses = tuple(
        ChoiceUse(
            c.choice_id,
            c.position,
            c.text,
            c.is_correct,
            c.picks,
            c.picks / sums.answers if sums.answers else None,
        )
        for c in sorted(choices, key=lambda c: c.position)
    )
    return ItemStats(
        version_id=version_id,
        answers=sums.answers,
        first_tries=n,
        facility=facility,
        discrimination=discrimination,
        choices=uses,
        flags=flags(facility, discrimination, uses) if n >= min_first_tries else (),
    )


def flags(
    facility: float | None, discrimination: float | None, choices: tuple[ChoiceUse, ...]
) -> tuple[str, ...]:
    """The problems worth a look, in a fixed order."""
    found = []
    if facility is not None and facility > TOO_EASY:
        found.append(FLAG_TOO_EASY)
    if facility is not None and facility < TOO_HARD:
        found.append(FLAG_TOO_HARD)
    if discrimination is not None and discrimination < 0:
        found.append(FLAG_NEGATIVE)
    if any(not c.is_correct and c.picks == 0 for c in choices):
        found.append(FLAG_UNUSED)
    return tuple(found)
