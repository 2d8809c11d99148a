"""The theory paper (理论知识试卷) in the national-bank layout: 标封区, title, 注意事项, 总分表, then
判断题 / 单项选择题 / 多项选择题 each with its 得分/评分人 box, items numbered continuously."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..bank.models import LETTERS, Bank, Item
from ..bank.quality import plain_text
from ..errors import DataError, Problem
from ..form import Form, FormEntry
from ..structure import THEORY_TYPES, ItemType
from .docx_base import (
    BODY_CHAR,
    OPTION_INDENT,
    TEXT_W,
    Cell,
    DocBuilder,
    R,
    clean,
    cn_numeral,
    display_width,
    emphasis_runs,
    pts,
)
from .embed import finish_form_document

PAPER_HEADING = "职业技能等级认定统一试卷"
NOTES = (
    "考试时间：{minutes}分钟。",
    "请首先按要求在试卷的标封处填写您的姓名、准考证号和所在单位的名称。",
    "请仔细阅读各种题目的回答要求，在规定的位置填写您的答案。",
    "不要在试卷上乱写乱画，不要在标封区填写无关的内容。",
)
SEAL_TEXT = "密封线内不要答题"
ANSWER_BLANK = "（" + "\u00a0" * 10 + "）"  # no-break spaces: room for "ABCD", never split over lines
_BRACKET = re.compile(r"[（(][ \t\u3000\u00a0]*[）)]")
_EDGE_BRACKET = re.compile(r"^\s*[（(][ \t\u3000\u00a0]*[）)]\s*|\s*[（(][ \t\u3000\u00a0]*[）)]\s*$")
_SECTION_RULES = {
    ItemType.JUDGE: "将判断结果填入括号中。正确的填“√”，错误的填“×”。",
    ItemType.SINGLE: "选择一个正确的答案，将相应的字母填入题内的括号中。",
    ItemType.MULTIPLE: "选择正确的答案，将相应的字母填入题内的括号中。错选或多选均不得分，也不反映在得分中。",
}

# option layout: four to a line if every option is this short (half-width units), two if this
QUARTER_MAX, THIRD_MAX, HALF_MAX = 16, 22, 36


@dataclass(frozen=True)
class TheorySection:
    numeral: str  # 一, 二, 三 — in the order the sections appear
    type: ItemType
    entries: tuple[FormEntry, ...]

    @property
    def first(self) -> int:
        return self.entries[0].number

    @property
    def last(self) -> int:
        return self.entries[-1].number

    @property
    def per_item(self) -> float | None:
        values = {round(e.points, 6) for e in self.entries}
        return values.pop() if len(values) == 1 else None

    @property
    def total(self) -> float:
        return round(sum(e.points for e in self.entries), 6)

    def range_text(self) -> str:
        return f"第{self.first}题" if self.first == self.last else f"第{self.first}题～第{self.last}题"

    def points_text(self) -> str:
        if self.per_item is not None:
            return f"每题{pts(self.per_item)}分，满分{pts(self.total)}分。"
        return f"满分{pts(self.total)}分。"

    def heading(self) -> str:
        """The paper's section heading, e.g. 一、判断题（第1题～第20题。…每题1分，满分20分。）"""
        return f"{self.numeral}、{self.type.label}（{self.range_text()}。{_SECTION_RULES[self.type]}{self.points_text()}）"


def theory_sections(form: Form) -> list[TheorySection]:
    """Return the form's sections in structure order (判断, 单选, 多选), only those present."""
    out: list = []
    for t in THEORY_TYPES:
        entries = tuple(sorted((e for e in form.entries if e.type is t), key=lambda e: e.number))
        if entries:
            out.append(TheorySection(cn_numeral(len(out) + 1), t, entries))
    return out


def lookup_items(form: Form, bank: Bank) -> dict[str, Item]:
    """Return {id: Item} for every entry; raise DataError naming every id the bank lacks."""
    found: dict[str, Item] = {}
    problems = []
    for e in form.entries:
        it = bank.get(e.id)
        if not isinstance(it, Item):
            problems.append(Problem(f"第 {e.number} 题 {e.id} 不在题库中（或不是客观题），无法生成试卷"))
            continue
        if e.type is not ItemType.JUDGE:
            original = "".join(k for k, _ in it.options)
            if e.permutation and sorted(e.permutation) != sorted(original):
                problems.append(Problem(f"第 {e.number} 题 {e.id} 的选项顺序 {e.permutation} 与题库选项 {original} 不符"))
        found[e.id] = it
    if problems:
        raise DataError(problems, title=f"试卷 {form.code} 与题库不一致")
    return found


def displayed_options(item: Item, entry: FormEntry) -> list[tuple[str, str]]:
    """Return [(displayed letter, text)]: displayed option k shows original option permutation[k]."""
    order = entry.permutation or "".join(k for k, _ in item.options)
    texts = dict(item.options)
    return [(LETTERS[k], clean(texts[orig]).strip()) for k, orig in enumerate(order)]


def choice_stem(stem: str) -> str:
    """Return a choice stem with the bank's answer bracket (widened to the paper's blank), or with
    one appended if it has none; never a second bracket."""
    s = clean(stem).strip()
    return _BRACKET.sub(ANSWER_BLANK, s) if _BRACKET.search(s) else s + ANSWER_BLANK


def judge_stem(stem: str) -> str:
    """Return a judge stem without a bracket at either end (the paper puts one at the start)."""
    return _EDGE_BRACKET.sub("", clean(stem).strip())


def option_columns(options: list[tuple[str, str]]) -> int:
    """Return how many options share a line: 4 if all are short, 2 if moderate, else 1 (five
    options: 3 when they fit)."""
    widest = max((display_width(plain_text(t)) for _, t in options), default=0)
    if any("\n" in t for _, t in options):
        return 1
    if len(options) == 5 and widest <= THIRD_MAX:
        return 3  # A B C / D E reads better than A B C D / E
    if widest <= QUARTER_MAX:
        return 4
    if widest <= HALF_MAX:
        return 2
    return 1


def add_item(doc: DocBuilder, entry: FormEntry, item: Item) -> None:
    """Add one item: stem, then options kept on the same page as the stem."""
    if entry.type is ItemType.JUDGE:
        doc.para(emphasis_runs(f"{entry.number}. {ANSWER_BLANK}{judge_stem(item.stem)}"), "ZJStem")
        return
    doc.para(emphasis_runs(f"{entry.number}. {choice_stem(item.stem)}"), "ZJStem", keep_next=True)
    options = displayed_options(item, entry)
    cols = option_columns(options)
    rows = [options[k:k + cols] for k in range(0, len(options), cols)]
    width = (TEXT_W - OPTION_INDENT) // cols
    tabs = [OPTION_INDENT + width * k for k in range(1, cols)]
    label = BODY_CHAR + 120  # "A．"
    for k, row in enumerate(rows):
        runs: list = []
        for j, (letter, text) in enumerate(row):
            if j:
                runs.append(R("\t"))
            runs.extend(emphasis_runs(f"{letter}．{text}"))
        last = k == len(rows) - 1
        if cols == 1:
            doc.para(runs, "ZJOption", keep_next=not last, left=OPTION_INDENT + label, hanging=label)
        else:
            doc.para(runs, "ZJOption", keep_next=not last, tabs=tabs)


def add_paper_top(doc: DocBuilder, form: Form, subtitle: str, notes: list[str] | None) -> None:
    """Add the 标封区 (name, admission number, unit) with its 密封线, the titles and the notes."""
    doc.table([[Cell("姓名"), Cell(""), Cell("准考证号"), Cell(""), Cell("单位名称"), Cell("")]],
              [800, 1500, 1150, 2200, 1150, 2441], row_height=454, keep_with_next=True)
    fill = "…" * 4
    seal = fill + fill.join(SEAL_TEXT) + fill
    doc.para(seal, "ZJSmall", keep_next=True, before=40, after=200)
    doc.para(PAPER_HEADING, "ZJTitle")
    doc.para(subtitle, "ZJSubtitle")
    doc.para(f"试卷编号：{form.code}", "ZJCode")
    if notes:
        doc.para("注　意　事　项", "ZJHeading2", align="center", before=60)
        for k, text in enumerate(notes, 1):
            doc.para(f"{k}．{text}", "ZJNote", keep_next=True)


def add_score_table(doc: DocBuilder, sections: list[TheorySection]) -> None:
    head = [Cell("题号")] + [Cell(s.numeral) for s in sections] + [Cell("总分"), Cell("统分人")]
    score = [Cell("得分")] + [Cell("") for _ in sections] + [Cell(""), Cell("")]
    widths = [1200] * (len(sections) + 2) + [1400]
    doc.spacer(6)
    doc.table([head, score], widths, row_height=454)
    doc.spacer(4)


def add_section_box(doc: DocBuilder) -> None:
    """The small 得分 / 评分人 box a section starts with; kept with the heading after it."""
    doc.table([[Cell("得　分"), Cell("")], [Cell("评分人"), Cell("")]], [900, 1000], align="left",
              row_height=340, keep_with_next=True)


def render_theory_paper(form: Form, bank: Bank) -> bytes:
    items = lookup_items(form, bank)
    sections = theory_sections(form)
    title = f"{clean(form.title)} 理论知识试卷"
    doc = DocBuilder(f"{title}　　试卷编号：{clean(form.code)}")
    add_paper_top(doc, form, title, [n.format(minutes=form.duration_minutes) for n in NOTES])
    add_score_table(doc, sections)
    for sec in sections:
        doc.spacer(4)
        add_section_box(doc)
        doc.para(sec.heading(), "ZJHeading")
        for e in sec.entries:
            add_item(doc, e, items[e.id])
    return finish_form_document(doc, form, "paper", title)


__all__ = ["render_theory_paper", "theory_sections", "TheorySection", "lookup_items", "displayed_options",
           "choice_stem", "judge_stem", "option_columns"]
