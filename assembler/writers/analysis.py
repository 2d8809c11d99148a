"""Writers of the item-analysis report: text, JSON (the contract), xlsx with native charts."""
from __future__ import annotations

import json

from ..analyze import Analysis, FormAnalysis, ItemStats
from ..structure import ItemType
from ..xlsx import workbook_bytes


def _f(x, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def form_dict(fa: FormAnalysis) -> dict:
    """Return one form's JSON object: form, candidates, form statistics and items."""
    return {
        "form": fa.form, "title": fa.title, "session": fa.session, "candidates": fa.candidates,
        "warning": fa.warning, "items_count": fa.items_count, "max_points": fa.max_points,
        "mean": fa.mean, "sd": fa.sd, "kr20": fa.kr20, "sem": fa.sem,
        "distribution": [{"range": [lo, lo + 10], "count": c} for lo, c in zip(range(0, 100, 10), fa.distribution)],
        "functions": [{"function": k, "mean_percent": v} for k, v in fa.functions.items()],
        "items": [item_dict(i) for i in fa.items],
    }


def item_dict(i: ItemStats) -> dict:
    return {"number": i.number, "id": i.id, "type": i.type, "function": i.function, "key": i.key,
            "p": i.p, "r_pb": i.r_pb, "d": i.d, "options": dict(i.options), "upper": dict(i.upper),
            "lower": dict(i.lower), "omitted": i.omitted, "flags": [reason for _, reason in i.flags],
            "flag_codes": [code for code, _ in i.flags]}


def analysis_json(a: Analysis) -> str:
    """Return the JSON report: one form's object, or a list of them when the results hold several forms."""
    data = [form_dict(fa) for fa in a.forms]
    return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"


def analysis_text(a: Analysis) -> str:
    """Return the plain-text report."""
    out = []
    for fa in a.forms:
        warn = f"  ※ {fa.warning}" if fa.warning else ""
        out.append(f"试卷 {fa.form}：{fa.candidates} 名考生，{fa.items_count} 题，满分 {fa.max_points:g}{warn}")
        out.append(f"  平均分 {fa.mean:.2f}，标准差 {fa.sd:.2f}，KR-20 信度 {_f(fa.kr20, 3)}，测量标准误 {_f(fa.sem)}")
        out.append("  分数分布：" + "，".join(f"{lo}–{lo + 10}：{c}" for lo, c in zip(range(0, 100, 10), fa.distribution)))
        out.append("  各职业功能平均得分率：" + "，".join(f"{k} {v:.1f}%" for k, v in fa.functions.items()))
        out.append(f"  题号  题目编号        通过率  区分度r  D值    未答  标记{warn}")
        for i in fa.items:
            out.append(f"  {i.number:>4}  {i.id:<14}  {_f(i.p)}    {_f(i.r_pb):>5}  {_f(i.d):>5}  {i.omitted:>4}  "
                       + "；".join(r for _, r in i.flags))
        out.append(f"  需审题 {len(fa.flagged)} 题：" + ("、".join(str(i.number) for i in fa.flagged) or "无"))
        out.append("")
    return "\n".join(out)


def analysis_xlsx(a: Analysis) -> bytes:
    """Return the report workbook: 汇总, 题目分析 (with a p–r_pb scatter) and 干扰项 (bars of flagged items)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference, ScatterChart, Series

    from .xlsx_style import write_table

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    rows = [[fa.form, fa.candidates, fa.items_count, fa.mean, fa.sd, fa.kr20, fa.sem, len(fa.flagged), fa.warning]
            for fa in a.forms]
    write_table(ws, "试卷统计汇总", "理论知识考试题目分析（经典测量理论）",
                ["试卷编号", "考生数", "题数", "平均分", "标准差", "KR-20", "测量标准误", "需审题数", "说明"], rows,
                [14, 8, 6, 8, 8, 8, 10, 9, 36], left_cols=(8,))
    r0 = 5 + len(rows)
    ws.cell(r0, 1, "各职业功能平均得分率（%）")
    for fa in a.forms:
        r0 += 1
        ws.cell(r0, 1, fa.form)
        for j, (k, v) in enumerate(fa.functions.items()):
            ws.cell(r0, 2 + 2 * j, k)
            ws.cell(r0, 3 + 2 * j, v)
    for fa in a.forms:
        warn = f"（{fa.warning}）" if fa.warning else ""
        it = wb.create_sheet(f"题目分析 {fa.form}"[:31])
        body = [[i.number, i.id, ItemType(i.type).short, i.function, i.key, i.p, i.r_pb, i.d, i.omitted,
                 "；".join(r for _, r in i.flags)] for i in fa.items]
        write_table(it, f"{fa.form} 题目分析", f"{fa.candidates} 名考生，平均分 {fa.mean:.2f}，KR-20 {_f(fa.kr20, 3)}{warn}",
                    ["题号", "题目编号", "题型", "职业功能", "答案", "通过率 p", "区分度 r", "D 值", "未答", "标记"], body,
                    [6, 14, 8, 10, 6, 9, 9, 8, 6, 60], left_cols=(9,))
        chart = ScatterChart()
        chart.title = f"通过率与区分度{warn}"
        chart.style = 13
        chart.x_axis.title = "通过率 p"
        chart.y_axis.title = "校正点二列相关 r"
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, 1
        n = len(body)
        s = Series(Reference(it, min_col=7, min_row=4, max_row=3 + n), Reference(it, min_col=6, min_row=4, max_row=3 + n),
                   title="题目")
        s.marker.symbol = "circle"
        s.graphicalProperties.line.noFill = True
        chart.series.append(s)
        chart.legend = None
        chart.width, chart.height = 16, 10
        it.add_chart(chart, "L4")
        flagged = fa.flagged
        if flagged:
            ds = wb.create_sheet(f"干扰项 {fa.form}"[:31])
            ds.cell(1, 1, f"{fa.form} 需审题目的选项分布（全体 / 高分组 / 低分组）{warn}")
            row = 3
            for i in flagged:
                ds.cell(row, 1, f"第 {i.number} 题 {i.id}（答案 {i.key}）：" + "；".join(r for _, r in i.flags))
                ds.cell(row + 1, 1, "选项")
                ds.cell(row + 1, 2, "全体")
                ds.cell(row + 1, 3, "高分组")
                ds.cell(row + 1, 4, "低分组")
                labels = list(i.options) + ["未答"]
                for m, lab in enumerate(labels):
                    ds.cell(row + 2 + m, 1, lab)
                    ds.cell(row + 2 + m, 2, i.options.get(lab, i.omitted if lab == "未答" else 0))
                    ds.cell(row + 2 + m, 3, i.upper.get(lab))
                    ds.cell(row + 2 + m, 4, i.lower.get(lab))
                bar = BarChart()
                bar.type = "col"
                bar.title = f"第 {i.number} 题选项分布"
                bar.add_data(Reference(ds, min_col=2, max_col=4, min_row=row + 1, max_row=row + 1 + len(labels)),
                             titles_from_data=True)
                bar.set_categories(Reference(ds, min_col=1, min_row=row + 2, max_row=row + 1 + len(labels)))
                bar.width, bar.height = 12, 6
                ds.add_chart(bar, f"F{row}")
                row += max(len(labels) + 3, 14)
    return workbook_bytes(wb)
