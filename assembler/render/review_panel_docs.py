"""Word documents of the 综合评审: 答辩题单 (panel only), one 综合评审评分表 per panel member, and the
综合评审汇总表 (blank for the panel, or filled from the members' scores)."""
from __future__ import annotations

from typing import Any

from ..bank.defence import DefenceQuestion, MaterialElement
from ..defence_assemble import DefenceSet
from ..review_panel import CandidateResult, PanelRule
from ..rules import full_marks, pass_mark
from .docx_base import (
    TEXT_W,
    Cell,
    DocBuilder,
    clean,
    created_datetime,
    pts,
)

SHADE = "F2F2F2"
SIGN = "评委（签名）：______________        日期：______年____月____日"
PANEL_ONLY = "（本题单仅供评审组使用，答辩前不得向考生公开）"


def _finish(doc: DocBuilder, ds: DefenceSet, title: str, category: str) -> bytes:
    return doc.pinned_bytes(created_datetime(ds.created), title, subject=f"套号 {ds.code}", keywords=ds.code,
                            category=category,
                            comments=f"seed={ds.seed} bank_hash={ds.bank_hash} blueprint_hash={ds.blueprint_hash}")


def _part_points(ds: DefenceSet, code: str) -> int:
    return next(p for c, _, p in ds.parts if c == code)


def _part_name(ds: DefenceSet, code: str) -> str:
    return next(n for c, n, _ in ds.parts if c == code)


def _info(doc: DocBuilder, ds: DefenceSet, member: int | None = None) -> None:
    lab: dict[str, Any] = {"bold": True, "shade": SHADE}
    rows = [[Cell("准考证号", **lab), Cell(""), Cell("考生姓名", **lab), Cell("")],
            [Cell("套号", **lab), Cell(clean(ds.code)),
             Cell("评委序号" if member else "评审时间", **lab),
             Cell(f"第 {member} 号评委" if member else f"{ds.duration_minutes} 分钟")]]
    doc.table(rows, [1400, 3200, 1400, TEXT_W - 6000], row_height=440)
    doc.spacer(6)


def question_paragraphs(text: str) -> list[str]:
    """Return a question's paragraphs: lines of the YAML block are soft-wrapped and joined (a blank
    line starts a new paragraph)."""
    return [p for p in ("".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")) if p]


def render_question_sheet(ds: DefenceSet, questions: dict[str, DefenceQuestion]) -> bytes:
    """Return the 答辩题单 (for the panel): each question with its 评分要点 and 追问."""
    title = f"{clean(ds.title)} 答辩题单"
    doc = DocBuilder(f"{clean(ds.title)}　　套号：{clean(ds.code)}")
    doc.para("答辩题单", "ZJTitle")
    doc.para(PANEL_ONLY, "ZJSubtitle")
    doc.para(f"套号：{clean(ds.code)}　　答辩 {len(ds.entries)} 题，共 {pts(sum(e.points for e in ds.entries))} 分"
             f"　　综合评审时间 {ds.duration_minutes} 分钟　　评审组 {ds.panel_size} 人", "ZJCode")
    for e in ds.entries:
        q = questions[e.id]
        doc.para(f"第 {e.number} 题（{pts(e.points)} 分）　{clean(q.function)}　技能要求 {clean(e.code)}　题号 {clean(q.id)}",
                 "ZJHeading", keep_next=True)
        for text in question_paragraphs(q.question):
            doc.para(clean(text), "ZJBody", keep_next=True)
        rows = [[Cell("序号", bold=True, shade=SHADE), Cell("评分要点", bold=True, shade=SHADE),
                 Cell("配分", bold=True, shade=SHADE)]]
        rows += [[Cell(str(k)), Cell(clean(r.point), align="left"), Cell(pts(float(r.points)))]
                 for k, r in enumerate(q.rubric, 1)]
        rows.append([Cell("合计", span=2, bold=True), Cell(pts(e.points), bold=True)])
        doc.table(rows, [700, TEXT_W - 1500, 800], header_rows=1, row_height=440, keep_together=True)
        if q.follow_ups:
            doc.para("追问（供评委选用）：", "ZJNote", keep_next=True)
            for k, f in enumerate(q.follow_ups, 1):
                doc.para(f"{k}. {clean(f)}", "ZJNote")
    return _finish(doc, ds, title, "答辩题单")


def render_member_sheets(ds: DefenceSet, questions: dict[str, DefenceQuestion],
                         materials: list[MaterialElement]) -> bytes:
    """Return the 综合评审评分表: one sheet per panel member, two pages each (申报材料 part; 答辩 part
    with the total, 合格/不合格, signature and date), each page naming the candidate and the member."""
    title = f"{clean(ds.title)} 综合评审评分表"
    doc = DocBuilder(f"{clean(ds.title)}　　套号：{clean(ds.code)}")
    head: dict[str, Any] = {"bold": True, "shade": SHADE}
    mp, dp = _part_points(ds, "materials"), _part_points(ds, "defence")
    for m in range(1, ds.panel_size + 1):
        doc.para("综合评审评分表", "ZJSheetTitle", page_break_before=m > 1)
        _info(doc, ds, m)
        doc.para(f"一、{_part_name(ds, 'materials')}（{mp} 分）", "ZJHeading", keep_next=True)
        rows = [[Cell(h, **head) for h in ("材料", "评审要素", "配分", "评分标准", "得分")]]
        rows += [[Cell(clean(e.material)), Cell(clean(e.element)), Cell(pts(float(e.points))),
                  Cell(clean(e.standard), align="left", style="ZJSmall"), Cell("")] for e in materials]
        rows.append([Cell("小计", span=2, bold=True), Cell(str(mp), bold=True), Cell(""), Cell("")])
        doc.table(rows, [1300, 1500, 700, TEXT_W - 4300, 800], header_rows=1, row_height=420)
        # the 答辩 part starts its own page, which names the candidate and the member again, so a
        # loose page is never mistaken for another member's
        doc.para("综合评审评分表（续）", "ZJSheetTitle", page_break_before=True)
        _info(doc, ds, m)
        doc.para(f"二、{_part_name(ds, 'defence')}（{dp} 分）", "ZJHeading", keep_next=True)
        rows = [[Cell(h, **head) for h in ("题号", "评分要点", "配分", "得分")]]
        for e in ds.entries:
            q = questions[e.id]
            for k, r in enumerate(q.rubric):
                rows.append([Cell(f"第 {e.number} 题" if k == 0 else ""), Cell(clean(r.point), align="left", style="ZJSmall"),
                             Cell(pts(float(r.points))), Cell("")])
        rows.append([Cell("小计", bold=True), Cell(""), Cell(str(dp), bold=True), Cell("")])
        doc.table(rows, [1000, TEXT_W - 2600, 800, 800], header_rows=1, row_height=380)
        doc.spacer(6)
        doc.table([[Cell("总分", **head), Cell(""), Cell("结论", **head), Cell("□合格　□不合格")]],
                  [1400, 3200, 1400, TEXT_W - 6000], row_height=440)
        doc.para(SIGN, "ZJSign")
    return _finish(doc, ds, title, "综合评审评分表")


def render_summary_sheet(ds: DefenceSet, rule: PanelRule = PanelRule(), result: CandidateResult | None = None,
                         part_names: tuple[str, ...] | None = None) -> bytes:
    """Return the 综合评审汇总表: each member's scores, the rule, the result and 合格/不合格.

    Blank (for handwriting) without `result`; filled from a CandidateResult otherwise.
    """
    title = f"{clean(ds.title)} 综合评审汇总表"
    doc = DocBuilder(f"{clean(ds.title)}　　套号：{clean(ds.code)}")
    doc.para("综合评审汇总表", "ZJSheetTitle")
    head: dict[str, Any] = {"bold": True, "shade": SHADE}
    names = part_names or tuple(n for _, n, _ in ds.parts)
    points = [p for _, _, p in ds.parts]
    lab: dict[str, Any] = {"bold": True, "shade": SHADE}
    doc.table([[Cell("准考证号", **lab), Cell(clean(result.ticket) if result else ""),
                Cell("考生姓名", **lab), Cell(clean(result.name) if result else "")],
               [Cell("套号", **lab), Cell(clean(ds.code)), Cell("评审组人数", **lab), Cell(f"{ds.panel_size} 人")]],
              [1400, 3200, 1400, TEXT_W - 6000], row_height=440)
    doc.spacer(6)
    header = ["评委"] + [f"{n}（{p}分）" for n, p in zip(names, points)] + ["合计", "备注", "评委签名"]
    rows = [[Cell(h, **head) for h in header]]
    for m in range(ds.panel_size):
        if result:
            scores = [pts(s) for s in result.scores[m]]
            total = pts(result.outcome.totals[m])
            note = ""
            if m in result.outcome.dropped:
                note = "最高分（去掉）" if m == result.outcome.dropped[0] else "最低分（去掉）"
            label = f"第 {result.members[m]} 号"
        else:
            scores, total, note, label = [""] * len(names), "", "", f"第 {m + 1} 号"
        rows.append([Cell(label)] + [Cell(s) for s in scores] + [Cell(total), Cell(note), Cell("")])
    fixed = 1100 + 900 + 1900 + 1300
    each = (TEXT_W - fixed) // len(names)
    doc.table(rows, [1100] + [each] * len(names) + [900, 1900, TEXT_W - 1100 - each * len(names) - 2800],
              header_rows=1, row_height=480)
    doc.spacer(6)
    rule_text = result.outcome.rule_text if result else rule.describe(ds.panel_size)
    doc.para(clean(rule_text), "ZJNote")
    outcome = result.outcome if result else None
    doc.table([[Cell("评审结果", **lab), Cell(pts(outcome.result) if outcome else ""),
                Cell("结论", **lab),
                Cell(("合格" if outcome.passed else "不合格") if outcome else "□合格　□不合格")]],
              [1400, 3200, 1400, TEXT_W - 6000], row_height=480)
    doc.para(f"（满分 {full_marks()} 分，{pass_mark()} 分及以上为合格）", "ZJNote")
    doc.para("评审组组长（签名）：______________        日期：______年____月____日", "ZJSign")
    return _finish(doc, ds, title, "综合评审汇总表")
