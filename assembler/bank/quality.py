"""Item-writing cues (命题质量): figures a test-wise candidate could exploit, per file and bank-wide.

- single choice: how often the key is strictly the longest option (chance: 1 in 4), and the longest
  or tied-longest;
- multiple choice: how often the key is every option but one, and which key sizes are in use;
- judge: of the statements with an absolute word (只需, 一定, 无需 …), how many are false
  (a bank where nearly all of them are false teaches candidates to mark every such statement ×);
- negative stems (不属于, 不正确 …) whose negation is not marked with the emphasis mark (**不**);
- stem echo: of the single-choice items in which exactly one option repeats a content word of the stem,
  how often that option is the key (chance: 1 in 4), and which items have the echo on their key alone;
- judge statements that carry their own reason (因为, 而不是, 以便 …): how many are false.

The last two also list the items for a reviewer to read (复核清单): a machine can find a shared word
or a reason clause, only a person can say whether it gives the answer away.
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

# A clause that gives the statement's own reason or sets it against a foil.
REASON = re.compile(r"因为|由于|而不是|而非|以便|从而|以免|否则")
# Characters that make a two-character sequence a function-word pair, not a content word.
_FUNCTION_CHARS = frozenset("的了是在和与或及等为对把被将其这那一个不也都而且并有以于从中上下之所可能应该会要让使")
_STEM_WORDS = frozenset({"下列", "正确", "错误", "说法", "做法", "选项", "属于", "哪项", "以下", "哪些", "符合", "要求",
                         "可以", "主要"})

#: Targets (issues 16 and 19): at or below chance, and absolute wording on both sides.
SINGLE_STRICTLY_LONGEST_MAX = 0.27
MULTIPLE_ALL_BUT_ONE_MAX = 0.40
ABSOLUTE_FALSE_RANGE = (0.40, 0.60)
#: The share of one-option stem echoes that fall on the key (chance is 25 %).
SINGLE_ECHO_KEY_MAX = 0.30
#: Below this many echoes the share is noise (a file of 28 echoes swings 4 points per item).
ECHO_MIN_SAMPLE = 50


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


def content_words(text: str) -> frozenset[str]:
    """Return the two-character content words of text (Chinese only, function-word pairs left out)."""
    runs = re.sub(r"[^\u4e00-\u9fff]", " ", plain_text(text)).split()
    return frozenset(w[k:k + 2] for w in runs for k in range(len(w) - 1)
                     if w[k] not in _FUNCTION_CHARS and w[k + 1] not in _FUNCTION_CHARS)


def stem_echoes(item: Item) -> dict[str, frozenset[str]]:
    """Return, per option letter, the stem's content words that this option alone repeats (empty options left out)."""
    stem = content_words(item.stem) - _STEM_WORDS
    shared = {k: content_words(t) & stem for k, t in item.options}
    seen = Counter(w for words in shared.values() for w in words)
    out = {k: frozenset(w for w in words if seen[w] == 1) for k, words in shared.items()}
    return {k: v for k, v in out.items() if v}


def echo_on_key_only(item: Item, echoes: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """Return the stem words only key options repeat, when no distractor repeats a stem word of its own; else empty.

    echoes: the item's stem_echoes, when the caller has them already.
    """
    if item.type is ItemType.JUDGE:
        return frozenset()
    echoes = stem_echoes(item) if echoes is None else echoes
    if not echoes or not set(echoes) <= set(item.answer):
        return frozenset()
    return frozenset().union(*echoes.values())


def unmarked_negation(item: Item) -> str:
    """Return a negation in a choice item's stem that carries no emphasis mark, or ""."""
    if item.type is ItemType.JUDGE:
        return ""
    m = NEGATION.search(EMPHASIS.sub("", item.stem))
    return m.group(0) if m else ""


ECHO_ON_KEY = "题干用词只见于正确项"
REASONED_TRUE = "自带理由的正确陈述"
ALL_BUT_ONE = "多选只错一项"


@dataclass(frozen=True)
class SuspectedCue:
    """One entry of the review list: an item a machine suspects of a cue, for a person to read."""

    kind: str  # ECHO_ON_KEY, REASONED_TRUE or ALL_BUT_ONE
    item_id: str
    note: str  # the shared words, the reason clause, or the one wrong option


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
    single_echo: int = 0  # single-choice items in which exactly one option repeats a stem word
    single_echo_key: int = 0  # … and that option is the key
    reasoned: int = 0  # judge statements with a reason clause
    reasoned_false: int = 0
    review_list: tuple[SuspectedCue, ...] = ()  # 复核清单

    def suspects(self, kind: str) -> tuple[SuspectedCue, ...]:
        """Return the review-list entries of one kind (ECHO_ON_KEY, REASONED_TRUE or ALL_BUT_ONE)."""
        return tuple(s for s in self.review_list if s.kind == kind)

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
                "negative_unmarked": list(self.negative_unmarked),
                "single_echo": self.single_echo,
                "single_echo_on_key": s(self.single_echo_key, self.single_echo),
                "reasoned_statements": self.reasoned,
                "reasoned_false": s(self.reasoned_false, self.reasoned),
                "review_list": [{"kind": c.kind, "id": c.item_id, "note": c.note} for c in self.review_list]}

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
        echo = self.share(self.single_echo_key, self.single_echo)
        if echo is not None and self.single_echo >= ECHO_MIN_SAMPLE and echo > SINGLE_ECHO_KEY_MAX:
            out.append(f"单选题中只有一个选项重复题干用词时，该项是正确项的占 {echo:.0%}（应不超过 {SINGLE_ECHO_KEY_MAX:.0%}）")
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
    reasoned = [it for it in judge if REASON.search(it.stem)]
    echoes = {it.id: stem_echoes(it) for it in single + multiple}
    single_echoes = [(it, echoes[it.id]) for it in single if len(echoes[it.id]) == 1]
    multiple_abo = [it for it in multiple if len(it.answer) == len(it.options) - 1]
    return CueFigures(
        name=name,
        single=len(single),
        single_strictly_longest=sum(map(key_strictly_longest, single)),
        single_longest_or_tied=sum(map(key_longest_or_tied, single)),
        multiple=len(multiple),
        multiple_all_but_one=len(multiple_abo),
        multiple_key_sizes=dict(Counter(len(it.answer) for it in multiple)),
        judge=len(judge),
        judge_false=sum(1 for it in judge if it.answer == "×"),
        absolute=len(absolute),
        absolute_false=sum(1 for it in absolute if it.answer == "×"),
        negative_stems=len(negative),
        negative_unmarked=tuple(it.id for it in negative if unmarked_negation(it)),
        single_echo=len(single_echoes),
        single_echo_key=sum(1 for it, e in single_echoes if it.answer in e),
        reasoned=len(reasoned),
        reasoned_false=sum(1 for it in reasoned if it.answer == "×"),
        review_list=_review_list(single + multiple, echoes, reasoned, multiple_abo),
    )


def _review_list(choice: list[Item], echoes: dict[str, dict[str, frozenset[str]]], reasoned: list[Item],
                 all_but_one: list[Item]) -> tuple[SuspectedCue, ...]:
    out = [SuspectedCue(ECHO_ON_KEY, it.id, "、".join(sorted(words)))
           for it in choice if (words := echo_on_key_only(it, echoes[it.id]))]
    out += [SuspectedCue(REASONED_TRUE, it.id, "、".join(sorted(set(REASON.findall(it.stem)))))
            for it in reasoned if it.answer == "√"]
    for it in all_but_one:
        wrong = next(k for k, _ in it.options if k not in it.answer)
        out.append(SuspectedCue(ALL_BUT_ONE, it.id, f"{wrong}. {plain_text(it.option_text(wrong))}"))
    return tuple(out)


def bank_cues(items: list[Item] | tuple[Item, ...]) -> tuple[CueFigures, list[CueFigures]]:
    """Return the bank-wide figures and one set per source file (in file order)."""
    by_file: dict[str, list[Item]] = {}
    for it in items:
        name = it.origin.file.rsplit("/", 1)[-1] if it.origin else "（未知文件）"
        by_file.setdefault(name, []).append(it)
    return cue_figures("全库", items), [cue_figures(n, v) for n, v in by_file.items()]
