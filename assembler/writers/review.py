"""Review writers: text, JSON (the contract), a workbook with native charts, a signable docx."""
from __future__ import annotations

import json

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from ..review import Review, summary_lines
from ..standard import Kind
from ..structure import plain_number, points_text
from ..xlsx import workbook_bytes
from .xlsx_style import write_table


def review_text(review: Review) -> str:
    """Return the review as a report for the terminal."""
    out = [f"审核结论：{review.verdict_label}"]
    for f in review.forms:
        out.append("")
        out.append(f"试卷 {f.form}（{f.title} {f.kind.label}）：{'合格' if f.passed else '不合格'}")
        out.append(f"  来源：{f.source}")
        for c in f.functions:
            cnt = f"，题数 {c.actual_count}/{c.target_count}" if c.target_count is not None else f"，{c.actual_count} 道操作题"
            mark = "✓" if abs(c.actual_points - c.target_points) < 1e-9 else "✗"
            out.append(f"  {mark} {c.name}：分值 {points_text(c.actual_points)}/{points_text(c.target_points)}{cnt}")
        out += [f"  {line}" for line in summary_lines(f)]
        for r in f.reasons:
            out.append(f"  不合格原因：{r}")
    if len(review.forms) > 1:
        out.append("")
        out.append("重复题数矩阵：")
        codes = [f.form for f in review.forms]
        out.append("  " + "\t".join([""] + codes))
        for code, row in zip(codes, review.overlap):
            out.append("  " + "\t".join([code] + [str(x) for x in row]))
        for e in review.equivalence:
            out.append(f"  {e.label}：分值{'一致' if e.points_identical else '不一致'}，平均难度极差 {e.difficulty_spread:.2f}")
    if review.reasons:
        out.append("")
        out.append("不合格原因汇总：")
        out += [f"  {i}. {r}" for i, r in enumerate(review.reasons, 1)]
    return "\n".join(out) + "\n"


def review_json(review: Review) -> str:
    return json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n"


def review_xlsx(review: Review) -> bytes:
    """Return a workbook: summary, per-form function table with a target/actual chart, answer chart."""
    wb = Workbook()
    ws = wb.active
    ws.title = "审核结论"
    rows = [[f.form, f.title, f.kind.label, f.verdict.label, "；".join(f.reasons) or "—",
             "；".join(f.notes) or "—"] for f in review.forms]
    write_table(ws, f"试卷审核报告：{review.verdict_label}", f"共 {len(review.forms)} 套试卷",
                ["试卷编号", "名称", "类型", "结论", "原因", "说明"], rows, [16, 40, 10, 8, 60, 60], left_cols=(4, 5))
    for f in review.forms:
        sheet = wb.create_sheet(f.form[:28])
        frows = [[c.name, plain_number(c.target_points), plain_number(c.actual_points),
                  c.target_count if c.target_count is not None else "", c.actual_count] for c in f.functions]
        hr = write_table(sheet, f"{f.form} 职业功能分值核对", f.title,
                         ["职业功能", "目标分值", "实际分值", "目标题数", "实际题数"], frows, [14, 10, 10, 10, 10])
        chart = BarChart()
        chart.type = "col"
        chart.title = "各职业功能目标分值与实际分值"
        chart.y_axis.title = "分值"
        data = Reference(sheet, min_col=2, max_col=3, min_row=hr, max_row=hr + len(frows))
        cats = Reference(sheet, min_col=1, min_row=hr + 1, max_row=hr + len(frows))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 7.5, 16
        sheet.add_chart(chart, "H3")
        start = hr + len(frows) + 3
        if f.kind is Kind.THEORY and f.answers:
            sheet.cell(start, 1, "答案")
            sheet.cell(start, 2, "题数")
            labels = [f"单选 {k}" for k in "ABCD"] + ["判断 √", "判断 ×"]
            values = list(f.answers.single.values()) + [f.answers.judge_true, f.answers.judge_false]
            for i, (lab, v) in enumerate(zip(labels, values), start + 1):
                sheet.cell(i, 1, lab)
                sheet.cell(i, 2, v)
            ch = BarChart()
            ch.type = "col"
            ch.title = "答案分布"
            ch.add_data(Reference(sheet, min_col=2, min_row=start, max_row=start + len(labels)), titles_from_data=True)
            ch.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=start + len(labels)))
            ch.height, ch.width = 7.5, 16
            sheet.add_chart(ch, "H20")
            start += len(labels) + 3
        if f.notes:  # notes the reviewer should confirm (all-option keys, difficulty without data)
            sheet.cell(start, 1, "说明")
            for note in f.notes:
                start += 1
                sheet.cell(start, 1, note)
            start += 2
        sheet.cell(start, 1, "鉴定点覆盖")
        for i, r in enumerate(f.requirements, start + 1):
            sheet.cell(i, 1, r.function)
            sheet.cell(i, 2, r.code)
            sheet.cell(i, 3, r.text)
            sheet.cell(i, 4, "已覆盖" if r.covered else "未覆盖")
    if len(review.forms) > 1:
        so = wb.create_sheet("重复题数")
        codes = [f.form for f in review.forms]
        write_table(so, "各套试卷重复题数", "", ["试卷"] + codes,
                    [[c] + list(row) for c, row in zip(codes, review.overlap)], [16] + [14] * len(codes))
    return workbook_bytes(wb, review.created)


def review_docx(review: Review, created: str | None = None) -> bytes:
    """Return a signable review document with 审核人 and 日期 lines."""
    from ..render.review_doc import render_review

    return render_review(review, created)
