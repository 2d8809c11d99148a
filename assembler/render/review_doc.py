"""The signable review document (审核报告): verdict, per-form checks, reasons, signature lines."""
from __future__ import annotations

from ..review import Review, summary_lines
from ..structure import points_text
from ..xlsx import pinned_time
from .docx_base import TEXT_W, Cell, DocBuilder, clean, fit_widths


def render_review(review: Review, created: str | None = None) -> bytes:
    """Return the review as a Word document ready for signing (审核人, 日期)."""
    doc = DocBuilder("试卷审核报告")
    doc.para("职业技能等级认定试卷审核报告", "ZJTitle")
    doc.para(f"审核结论：{review.verdict_label}（共 {len(review.forms)} 套试卷）", "ZJSubtitle")
    for f in review.forms:
        doc.para(f"试卷 {f.form}　{f.title} {f.kind.label}　结论：{'合格' if f.passed else '不合格'}", "ZJHeading")
        header = ["职业功能", "目标分值", "实际分值", "目标题数", "实际题数", "核对"]
        rows: list[list[Cell | str]] = [[Cell(h, bold=True, shade="F2F2F2") for h in header]]
        for c in f.functions:
            ok = abs(c.actual_points - c.target_points) < 1e-9 and (c.target_count is None or c.target_count == c.actual_count)
            rows.append([c.name, points_text(c.target_points), points_text(c.actual_points),
                         "—" if c.target_count is None else str(c.target_count), str(c.actual_count),
                         "符合" if ok else "不符"])
        doc.table(rows, fit_widths([2400, 1300, 1300, 1300, 1300, 1000], TEXT_W))
        lines = summary_lines(f)
        for line in lines:
            doc.para(clean(line), "ZJBody")
        if f.reasons:
            doc.para("不合格原因：", "ZJHeading2")
            for i, r in enumerate(f.reasons, 1):
                doc.para(clean(f"{i}. {r}"), "ZJList")
    if len(review.forms) > 1:
        doc.para("各套试卷重复题数", "ZJHeading")
        codes = [f.form for f in review.forms]
        rows = [[Cell("试卷", bold=True, shade="F2F2F2"), *(Cell(c, bold=True, shade="F2F2F2") for c in codes)]]
        rows += [[c, *(str(x) for x in row)] for c, row in zip(codes, review.overlap)]
        doc.table(rows, fit_widths([1800] + [1500] * len(codes), TEXT_W))
        for e in review.equivalence:
            doc.para(f"{e.label}：各套分值{'一致' if e.points_identical else '不一致'}，平均难度极差 {e.difficulty_spread:.2f}。",
                     "ZJBody")
    doc.para(f"审核结论：{review.verdict_label}", "ZJHeading")
    doc.para("审核人（签名）：____________________　　审核人（签名）：____________________", "ZJSign")
    doc.para("日期：________年____月____日", "ZJSign")
    return doc.pinned_bytes(pinned_time(created or review.created), "试卷审核报告")
