"""The rules a good form keeps beyond its blueprint, named once and used by both sides.

The assembler builds forms to these rules (assemble.py) and the reviewer checks forms against the
same objects (review.py), so the two cannot drift apart; the bank's quality report and the bank
statistics use them too. They are the project's policy: the national standard says nothing about
answer balance or difficulty labels.

The standard's own facts — 理论知识考试 90 分钟, 百分制, 60 分合格, the 综合评审 panel, the
requirement codes such as 2.2.6(1)…(15) — are not written here: they are read from the encoded
standard (blueprints/standard.yaml, `Standard.assessment` and `Standard.basics`); `pass_mark` and
`minimum_minutes` below are the one place the rest of the code asks for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil, floor

from .standard import Kind, Standard, load_standard

_EPS = 1e-9


@dataclass(frozen=True)
class ShareRule:
    """A share of n items that must lie between `low` and `high`, both included."""

    low: float
    high: float

    def count_range(self, n: int) -> tuple[int, int]:
        """Return the (least, most) whole counts out of n that keep the share within the rule."""
        return ceil(self.low * n - _EPS), floor(self.high * n + _EPS)

    def holds(self, count: int, n: int) -> bool:
        """Return whether count out of n keeps the share within the rule (an empty set does)."""
        lo, hi = self.count_range(n)
        return n == 0 or lo <= count <= hi

    def text(self) -> str:
        """Return the rule as a reader sees it: "40%～60%"."""
        return f"{self.low:.0%}～{self.high:.0%}"


@dataclass(frozen=True)
class LetterBalance:
    """Each answer letter keys an even share of the items, give or take `tolerance` of that share."""

    letters: str = "ABCD"
    tolerance: float = 0.2

    def bounds(self, n: int) -> tuple[float, float]:
        """Return the (least, most) number of n items one letter may key (not rounded)."""
        share = n / len(self.letters)
        return share * (1 - self.tolerance), share * (1 + self.tolerance)

    def holds(self, count: int, n: int) -> bool:
        """Return whether one letter keying count of n items is within the balance."""
        lo, hi = self.bounds(n)
        return lo - _EPS <= count <= hi + _EPS

    def cap(self, n: int) -> int:
        """Return the most items of n one letter may key, as a whole number."""
        return floor(self.bounds(n)[1] + _EPS)


# ---- answers ---------------------------------------------------------------------------------------
JUDGE_TRUE_SHARE = ShareRule(0.4, 0.6)      # “√” among a form's judge items
SINGLE_LETTERS = LetterBalance("ABCD", 0.2)  # each key letter of the single-choice items: n/4 ± 20 %
MAX_EQUAL_RUN = 3                           # equal keys in a row (single and judge items), at most

# ---- difficulty ------------------------------------------------------------------------------------
DEFAULT_LABEL = 3                            # the label of an item nobody has rated
DEFAULT_TARGET_MEAN = 3.0                    # a form's mean label when no --difficulty is given …
DEFAULT_TARGET_TOLERANCE = 0.3               # … give or take this
DEFAULT_P_TOLERANCE = 0.05                   # p=0.65 means p=0.65±0.05
# The facility p a difficulty label stands for when an item has no observed p (the middle of the
# bands feedback.difficulty_from_p uses to propose a label from p).
LABEL_P = {1: 0.90, 2: 0.775, 3: 0.60, 4: 0.40, 5: 0.20}
RATIO_BAND_SHARE = 0.05                      # an 易:中:难 ratio holds to ± 5 % of the items (at least 1)
# Above this share of items at the default label without an observed p, a difficulty check says little.
DEFAULT_DIFFICULTY_SHARE = 0.8


def label_p(label: int) -> float:
    """Return the facility p a difficulty label stands for (LABEL_P; the default label's for others)."""
    return LABEL_P.get(int(label), LABEL_P[DEFAULT_LABEL])


def difficulty_band(label: int) -> int:
    """Return the 易:中:难 band of a difficulty label: 0 for 易 (1–2), 1 for 中 (3), 2 for 难 (4–5)."""
    return 0 if label <= 2 else 1 if label == 3 else 2


def band_counts(labels) -> tuple[int, int, int]:
    """Return how many of the labels are 易, 中 and 难."""
    counts = [0, 0, 0]
    for label in labels:
        counts[difficulty_band(label)] += 1
    return counts[0], counts[1], counts[2]


def ratio_band_tolerance(n: int) -> int:
    """Return how many items an 易:中:难 band may miss its ideal count by in a form of n items."""
    return max(1, round(RATIO_BAND_SHARE * n))


# ---- the standard's facts ------------------------------------------------------------------------
def pass_mark(standard: Standard | None = None) -> int:
    """Return the pass mark of the standard (the shipped one when none is given): 60 of 100."""
    return (standard or load_standard()).assessment.pass_mark


def full_marks(standard: Standard | None = None) -> int:
    """Return the full marks of every paper under the standard (百分制: 100)."""
    return (standard or load_standard()).assessment.full_marks


def minimum_minutes(kind: Kind, standard: Standard | None = None) -> int:
    """Return the least duration the standard allows for a paper of this kind (理论 90, 技能 100)."""
    a = (standard or load_standard()).assessment
    return a.theory_minutes if kind is Kind.THEORY else a.skill_minutes
