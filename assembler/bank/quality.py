"""Item-writing cues (命题质量): figures a test-wise candidate could exploit, per file and bank-wide.

- single choice: how often the key is strictly the longest option (chance: 1 in 4), and the longest
  or tied-longest;
- multiple choice: how often the key is every option but one, and which key sizes are in use;
- judge: of the statements with an absolute word (只需, 一定, 无需 …), how many are false
  (a bank where nearly all of them are false teaches candidates to mark every such statement ×);
- negative stems (不属于, 不正确 …) whose negation is not marked with the emphasis mark (**不**).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..structure import ItemType
from .models import Item

#: The emphasis mark authors put around a negation: 下列做法**不**正确的是（    ）。
EMPHASIS = re.compile(r"\*\*(.+?)\*\*")
# A stem that asks for the negative: 「不属于……的是（」「说法错误的是（」「不得（」.
NEGATION = re.compile(r"(?:不(?!相容|良|断|同|仅|少|久)|错误|无关)(?:[^，。；：、（的]|的(?![是有])){0,30}?的[是有][（(]|不(?:包括|得|应当?|能|宜)[（(]")
# 绝对标准/绝对评价 are appraisal terms (set against 相对评价), not absolute wording.
ABSOLUTE = re.compile(r"只需|(?<!不)一定(?![的期时程比范数量])|无需|无须|只要.{0,20}就|没有任何|可直接认定|一律|绝对(?!值|标准|评价)"
                      r"|总是|从不|唯一|只能|所有(?!者)|必须|完全")

#: Targets (issues 16 and 19): at or below chance, and absolute wording on both sides.
SINGLE_STRICTLY_LONGEST_MAX = 0.27
MULTIPLE_ALL_BUT_ONE_MAX = 0.40
ABSOLUTE_FALSE_RANGE = (0.40, 0.60)


def plain_text(text: str) -> str:
    """Return text with the emphasis marks removed (what a candidate reads, without the bold)."""
    return EMPHASIS.sub(r"\1", text)


def _length(text: str) -> int:
    return len(re.sub(r"\s", "", plain_text(text)))


def key_strictly_longest(item: Item) -> bool:
    key = _length(item.option_text(item.answer))
    return all(key > _length(t) for k, t in item.options if k != item.answer)


def key_longest_or_tied(item: Item) -> bool:
    key = _length(item.option_text(item.answer))
    return all(key >= _length(t) for _, t in item.options)


def unmarked_negation(item: Item) -> str:
    """Return a negation in a choice item's stem that carries no emphasis mark, or ""."""
    if item.type is ItemType.JUDGE:
        return ""
    m = NEGATION.search(EMPHASIS.sub("", item.stem))
    return m.group(0) if m else ""


@dataclass(frozen=True)
class CueFigures:
    """The cue figures of one set of items (a file, or the whole bank)."""

    name: str
    single: int = 0
    single_strictly_longest: int = 0
    single_longest_or_tied: int = 0
    multiple: int = 0
    multiple_all_but_one: int = 0
    multiple_key_sizes: dict[int, int] = field(default_factory=dict)
    judge: int = 0
    judge_false: int = 0
    absolute: int = 0
    absolute_false: int = 0
    negative_stems: int = 0
    negative_unmarked: tuple[str, ...] = ()  # item ids

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    def to_dict(self) -> dict:
        s = self.share
        return {"name": self.name,
                "single": self.single,
                "single_key_strictly_longest": s(self.single_strictly_longest, self.single),
                "single_key_longest_or_tied": s(self.single_longest_or_tied, self.single),
                "multiple": self.multiple,
                "multiple_all_but_one": s(self.multiple_all_but_one, self.multiple),
                "multiple_key_sizes": {str(k): v for k, v in sorted(self.multiple_key_sizes.items())},
                "judge": self.judge,
                "judge_false": s(self.judge_false, self.judge),
                "absolute_statements": self.absolute,
                "absolute_false": s(self.absolute_false, self.absolute),
                "negative_stems": self.negative_stems,
                "negative_unmarked": list(self.negative_unmarked)}

    def findings(self) -> list[str]:
        """Return the figures that miss their target, in authors' words."""
        out = []
        longest = self.share(self.single_strictly_longest, self.single)
        if longest is not None and longest > SINGLE_STRICTLY_LONGEST_MAX:
            out.append(f"单选题正确选项最长的占 {longest:.0%}（应不超过 {SINGLE_STRICTLY_LONGEST_MAX:.0%}）")
        abo = self.share(self.multiple_all_but_one, self.multiple)
        if abo is not None and abo > MULTIPLE_ALL_BUT_ONE_MAX:
            out.append(f"多选题“只有一个选项错误”的占 {abo:.0%}（应不超过 {MULTIPLE_ALL_BUT_ONE_MAX:.0%}）")
        lo, hi = ABSOLUTE_FALSE_RANGE
        af = self.share(self.absolute_false, self.absolute)
        if af is not None and self.absolute >= 10 and not lo <= af <= hi:
            out.append(f"含绝对化用语的判断题中错误表述占 {af:.0%}（应在 {lo:.0%}～{hi:.0%}）")
        if self.negative_unmarked:
            out.append(f"{len(self.negative_unmarked)} 道否定式题干未加着重标记（**不**）")
        return out


def cue_figures(name: str, items: list[Item] | tuple[Item, ...]) -> CueFigures:
    """Return the cue figures of the given items (retired items are left out)."""
    items = [it for it in items if it.active]
    single = [it for it in items if it.type is ItemType.SINGLE]
    multiple = [it for it in items if it.type is ItemType.MULTIPLE]
    judge = [it for it in items if it.type is ItemType.JUDGE]
    absolute = [it for it in judge if ABSOLUTE.search(it.stem)]
    negative = [it for it in items if it.type is not ItemType.JUDGE and NEGATION.search(plain_text(it.stem))]
    return CueFigures(
        name=name,
        single=len(single),
        single_strictly_longest=sum(map(key_strictly_longest, single)),
        single_longest_or_tied=sum(map(key_longest_or_tied, single)),
        multiple=len(multiple),
        multiple_all_but_one=sum(1 for it in multiple if len(it.answer) == len(it.options) - 1),
        multiple_key_sizes=dict(Counter(len(it.answer) for it in multiple)),
        judge=len(judge),
        judge_false=sum(1 for it in judge if it.answer == "×"),
        absolute=len(absolute),
        absolute_false=sum(1 for it in absolute if it.answer == "×"),
        negative_stems=len(negative),
        negative_unmarked=tuple(it.id for it in negative if unmarked_negation(it)),
    )


def bank_cues(items: list[Item] | tuple[Item, ...]) -> tuple[CueFigures, list[CueFigures]]:
    """Return the bank-wide figures and one set per source file (in file order)."""
    by_file: dict[str, list[Item]] = {}
    for it in items:
        name = it.origin.file.rsplit("/", 1)[-1] if it.origin else "（未知文件）"
        by_file.setdefault(name, []).append(it)
    return cue_figures("全库", items), [cue_figures(n, v) for n, v in by_file.items()]
