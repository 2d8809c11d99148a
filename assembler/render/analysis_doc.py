"""The item-analysis report as a Word document for the 审题 panel: form statistics, the p–r_pb
scatter, every flagged item with its distractor bars, the full item table and signature lines."""
from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, ScatterChart
from openpyxl.chart.series import Series, XYSeries

from ..analyze import FLAG_LABELS, Analysis, FormAnalysis, ItemStats
from ..structure import ItemType
from .docx_base import (
    TEXT_W,
    Cell,
    DocBuilder,
    clean,
    created_datetime,
    fit_widths,
)
from .docx_chart import categories, chart_paragraph, numbers, series_title, x_numbers

HEAD = "F2F2F2"


def _f(x, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _header(cells: list[str]) -> list[Cell]:
    return [Cell(h, bold=True, shade=HEAD) for h in cells]


def scatter_chart(fa: FormAnalysis) -> ScatterChart:
    """Return the p (x) against corrected r_pb (y) scatter of one form's items, flagged items apart."""
    chart = ScatterChart()
    chart.title = "通过率与区分度"
    chart.style = 13
    chart.x_axis.title = "通过率 p"
    chart.y_axis.title = "校正点二列相关 r"
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, 1
    chart.x_axis.tickLblPos = chart.y_axis.tickLblPos = "low"
    chart.x_axis.delete = chart.y_axis.delete = False
    groups = (("未标记", [i for i in fa.items if not i.flags], "1F4E79"),
              ("需审题", [i for i in fa.items if i.flags], "C00000"))
    for title, items, colour in groups:
        items = [i for i in items if i.r_pb is not None]
        if not items:
            continue
        s = XYSeries(xVal=x_numbers([i.p for i in items]), yVal=numbers([i.r_pb for i in items]),
                     tx=series_title(title))
        s.marker.symbol = "circle"
        s.marker.size = 5
        s.marker.graphicalProperties.solidFill = colour
        s.marker.graphicalProperties.line.solidFill = colour
        s.graphicalProperties.line.noFill = True
        chart.series.append(s)
    chart.legend.position = "b"
    return chart


def distractor_chart(item: ItemStats) -> BarChart:
    """Return the bars of one item's option counts: whole group, upper 27 %, lower 27 %."""
    labels = list(item.options) + ["未答"]
    chart = BarChart()
    chart.type = "col"
    chart.style = 10
    chart.title = f"第 {item.number} 题选项分布（答案 {item.key}）"
    chart.x_axis.delete = chart.y_axis.delete = False
    for title, counts, colour in (("全体", item.options, "7F7F7F"), ("高分组", item.upper, "1F4E79"),
                                  ("低分组", item.lower, "C55A11")):
        values = [counts.get(x, 0) for x in labels[:-1]] + [item.omitted if counts is item.options else None]
        s = Series(val=numbers(values), cat=categories(labels), tx=series_title(title))
        s.graphicalProperties.solidFill = colour
        chart.series.append(s)
    chart.legend.position = "b"
    return chart


def _form_section(doc: DocBuilder, fa: FormAnalysis) -> None:
    doc.para(f"试卷 {fa.form}　{clean(fa.title)}", "ZJHeading")
    if fa.warning:
        doc.para(f"※ {fa.warning}", "ZJBody")
    rows = [_header(["考生数", "题数", "满分", "平均分", "标准差", "KR-20 信度", "测量标准误", "需审题数"]),
            [str(fa.candidates), str(fa.items_count), f"{fa.max_points:g}", f"{fa.mean:.2f}", f"{fa.sd:.2f}",
             _f(fa.kr20, 3), _f(fa.sem), str(len(fa.flagged))]]
    doc.table(rows, fit_widths([1100] * 8, TEXT_W))
    doc.para("分数分布", "ZJHeading2")
    ranges = [f"{lo}–{lo + 10}" for lo in range(0, 100, 10)]
    doc.table([_header(["分数段", *ranges]), ["人数", *(str(c) for c in fa.distribution)]],
              fit_widths([1000] + [800] * 10, TEXT_W))
    doc.para("各职业功能平均得分率", "ZJHeading2")
    doc.table([_header(["职业功能", "平均得分率（%）"])] + [[k, f"{v:.1f}"] for k, v in fa.functions.items()],
              fit_widths([4000, 2400], TEXT_W))
    doc.para("通过率与区分度散点图（红点为需审题目）", "ZJHeading2")
    doc.add(chart_paragraph(doc, scatter_chart(fa), 15.5, 9, f"{fa.form} 通过率与区分度"))
    flagged = fa.flagged
    doc.para(f"需审题目（{len(flagged)} 题）", "ZJHeading2")
    if not flagged:
        doc.para("无。", "ZJBody")
    for item in flagged:
        doc.para(clean(f"第 {item.number} 题　{item.id}（{ItemType(item.type).short}，{item.function}）："
                       f"通过率 {_f(item.p)}，区分度 r {_f(item.r_pb)}，D {_f(item.d)}，未答 {item.omitted} 人。"),
                 "ZJBody")
        for _, reason in item.flags:
            doc.para(clean(f"· {reason}"), "ZJList")
        doc.add(chart_paragraph(doc, distractor_chart(item), 12, 6, f"{fa.form} 第 {item.number} 题选项分布"))
    doc.para("逐题统计", "ZJHeading2")
    body: list[Sequence[Cell | str]] = [_header(["题号", "题目编号", "题型", "答案", "通过率 p", "区分度 r", "D 值", "未答", "标记"])]
    for i in fa.items:
        body.append([str(i.number), i.id, ItemType(i.type).short, i.key, _f(i.p), _f(i.r_pb), _f(i.d),
                     str(i.omitted), "、".join(FLAG_LABELS[code] for code, _ in i.flags)])
    doc.table(body, fit_widths([700, 1700, 900, 800, 1000, 1000, 800, 700, 2200], TEXT_W))


def render_analysis(analysis: Analysis, created: str | None = None) -> bytes:
    """Return the item-analysis report as a Word document (native charts), dated `created`
    (ISO 8601; default: the latest form's creation time, so the same results give the same bytes)."""
    doc = DocBuilder("理论知识考试题目分析报告")
    doc.para("职业技能等级认定理论知识考试题目分析报告", "ZJTitle")
    doc.para(f"共 {len(analysis.forms)} 套试卷，"
             f"{sum(fa.candidates for fa in analysis.forms)} 名考生（经典测量理论）", "ZJSubtitle")
    for fa in analysis.forms:
        _form_section(doc, fa)
    doc.spacer(6)
    doc.para("说明：通过率 p 为答对人数比例；区分度 r 为题目得分与其余题总分的点二列相关；D 值为总分前、后 27% "
             "考生通过率之差。疑似答案错误、过易（p > 0.95）、过难（p < 0.15）、区分度弱（r < 0.15）、干扰项无人选择的"
             "题目列为需审题目，请审题组逐题核对。", "ZJBody")
    doc.para("审题人（签名）：____________________　　审题人（签名）：____________________", "ZJSign")
    doc.para("日期：________年____月____日", "ZJSign")
    stamps = [fa.created for fa in analysis.forms if fa.created]
    when = created_datetime(created or (max(stamps) if stamps else "2000-01-01T00:00:00"))
    return doc.pinned_bytes(when, "题目分析报告")
