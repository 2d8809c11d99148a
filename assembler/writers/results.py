"""The results workbook (成绩表): per-candidate scores, the score distribution with a native
bar chart, and the normalised responses and keys that `zujuan analyze` reads back."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import DataError, Problem
from ..form import form_from_manifest
from ..rules import pass_mark
from ..score import Candidate, Results, form_results
from ..structure import plain_number
from ..xlsx import neutralise, open_workbook, pinned_time, safe_row, workbook_bytes

SCORES_SHEET, DIST_SHEET, RESPONSES_SHEET, KEYS_SHEET, FORMS_SHEET = "成绩", "分数分布", "作答", "试题", "试卷清单"
BINS = [(lo, lo + 10) for lo in range(0, 100, 10)]


def _bin_label(lo: int, hi: int) -> str:
    return f"{lo}–{hi}" if hi == 100 else f"{lo}–{hi - 0.5:g}"


def distribution(totals: np.ndarray) -> list[int]:
    """Return counts of totals in 0–9.5, 10–19.5, …, 90–100."""
    idx = np.clip((np.asarray(totals) // 10).astype(int), 0, 9)
    return np.bincount(idx, minlength=10).tolist()


def results_xlsx(results: Results) -> bytes:  # noqa: C901
    """Return the results workbook as bytes (write-only mode: 5,000 candidates write in about a second)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference

    from .xlsx_style import HEADER_FILL, HEADER_FONT

    wb = Workbook(write_only=True)
    passing = pass_mark()

    def head(ws, labels):
        out = []
        for h in labels:
            c = WriteOnlyCell(ws, h)
            neutralise(c)
            c.font, c.fill = HEADER_FONT, HEADER_FILL
            out.append(c)
        ws.append(out)

    ws = wb.create_sheet(SCORES_SHEET)
    ws.freeze_panes = "D2"
    funcs: list[str] = []
    sections: list[str] = []
    for fr in results.forms:
        for name in fr.function_scores():
            if name not in funcs:
                funcs.append(name)
        for name in fr.section_scores():
            if name not in sections:
                sections.append(name)
    head(ws, ["准考证号", "姓名", "试卷编号", "总分"] + sections + funcs + ["结论"])
    for fr in results.forms:
        tot = fr.totals
        sec = fr.section_scores()
        fun = {k: v[0] for k, v in fr.function_scores().items()}
        for i, c in enumerate(fr.candidates):
            ws.append(safe_row(ws, [c.id, c.name, c.form, plain_number(tot[i], 2)] + [plain_number(sec[s][i], 2) if s in sec else None for s in sections]
                      + [plain_number(fun[f][i], 2) if f in fun else None for f in funcs]
                      + ["合格" if tot[i] >= passing else "不合格"]))

    ds = wb.create_sheet(DIST_SHEET)
    codes = [fr.form.code for fr in results.forms]
    head(ds, ["分数段"] + codes + (["合计"] if len(codes) > 1 else []))
    dists = [distribution(fr.totals) for fr in results.forms]
    for b, (lo, hi) in enumerate(BINS):
        row = [_bin_label(lo, hi)] + [d[b] for d in dists]
        ds.append(row + ([sum(d[b] for d in dists)] if len(codes) > 1 else []))
    ds.append([])
    allt = np.concatenate([fr.totals for fr in results.forms])
    ds.append(["考生人数", len(allt)])
    ds.append(["平均分", plain_number(allt.mean(), 2)])
    ds.append([f"合格人数（≥{passing} 分）", int((allt >= passing).sum())])
    ds.append(["合格率", f"{(allt >= passing).mean() * 100:.1f}%"])
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "分数分布"
    chart.y_axis.title = "人数"
    chart.x_axis.title = "分数段"
    ncols = len(codes) + (1 if len(codes) > 1 else 0)
    chart.add_data(Reference(ds, min_col=2, max_col=1 + ncols, min_row=1, max_row=11), titles_from_data=True)
    chart.set_categories(Reference(ds, min_col=1, min_row=2, max_row=11))
    chart.width, chart.height = 18, 9
    ds.add_chart(chart, "F2")

    rs = wb.create_sheet(RESPONSES_SHEET)
    # one cell per candidate (answers in item order, comma-separated, blank = no answer): a cell
    # per answer would make 5,000 × 90 sheets take ten seconds each way
    head(rs, ["准考证号", "姓名", "试卷编号", "作答（按题号顺序，逗号分隔，空为未答）"])
    for fr in results.forms:
        for c in fr.candidates:
            rs.append(safe_row(rs, [c.id, c.name, c.form, ",".join(c.responses)]))

    ks = wb.create_sheet(KEYS_SHEET)
    head(ks, ["试卷编号", "题号", "题目编号", "题型", "职业功能", "鉴定点", "分值", "答案", "选项数"])
    for fr in results.forms:
        for e, k in zip(fr.form.entries, fr.option_counts):
            ks.append(safe_row(ks, [fr.form.code, e.number, e.id, e.type.short, e.function, e.code, plain_number(e.points, 2),
                                    e.answer, k]))

    ms = wb.create_sheet(FORMS_SHEET)
    ms.append(["试卷编号", "清单（JSON，供 zujuan analyze 读取，请勿修改）"])
    for fr in results.forms:
        text = json.dumps(fr.form.to_manifest(), ensure_ascii=False)
        ms.append(safe_row(ms, [fr.form.code] + [text[k:k + 30000] for k in range(0, len(text), 30000)]))  # Excel cells hold 32,767
    return workbook_bytes(wb, pinned_time(*(fr.form.created for fr in results.forms)))


def read_results(path: str | Path) -> Results:
    """Return the Results stored in a results workbook written by `zujuan score`.

    Raises DataError if the file is missing, not a workbook, or lacks the 作答/试卷清单 sheets.
    """

    p = Path(path)
    title = "成绩表有误"
    if not p.exists():
        raise DataError([Problem("文件不存在", file=str(p))], title=title)
    wb = open_workbook(p, title, read_only=True, data_only=True)
    missing = [s for s in (RESPONSES_SHEET, FORMS_SHEET, KEYS_SHEET) if s not in wb.sheetnames]
    if missing:
        raise DataError([Problem(f"不是 zujuan score 写出的成绩表：缺少工作表「{'」「'.join(missing)}」", file=str(p))],
                        title=title)
    forms = {}
    for i, row in enumerate(wb[FORMS_SHEET].iter_rows(min_row=2, values_only=True), 2):
        if not row or row[0] is None:
            continue
        try:
            data = json.loads("".join(str(v) for v in row[1:] if v is not None))
            if not isinstance(data, dict):
                raise TypeError
        except (TypeError, json.JSONDecodeError, RecursionError):
            raise DataError([Problem("试卷清单不是 JSON 对象", file=str(p), sheet=FORMS_SHEET, row=i, column="B列")],
                            title=title) from None
        forms[str(row[0])] = form_from_manifest(data, str(p))
    counts: dict[str, list[int]] = {c: [] for c in forms}
    for i, row in enumerate(wb[KEYS_SHEET].iter_rows(min_row=2, values_only=True), 2):
        if row and row[0] in counts:
            k = row[8] if len(row) > 8 else None
            if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= 5):
                raise DataError([Problem(f"选项数「{str(k)[:20]}」应为 0～5 的整数", file=str(p), sheet=KEYS_SHEET, row=i,
                                         column="I列")], title=title)
            counts[row[0]].append(k or 0)
    by_form: dict[str, list[Candidate]] = {c: [] for c in forms}
    problems = []
    for i, row in enumerate(wb[RESPONSES_SHEET].iter_rows(min_row=2, values_only=True), 2):
        if not row or row[0] is None:
            continue
        code = str(row[2])
        if code not in forms:
            problems.append(Problem(f"试卷编号「{code}」没有清单", file=str(p), sheet=RESPONSES_SHEET, row=i, column="C列"))
            continue
        n = len(forms[code].entries)
        resp = tuple(("" if len(row) < 4 or row[3] is None else str(row[3])).split(","))
        if len(resp) != n:
            problems.append(Problem(f"作答应有 {n} 题，实有 {len(resp)} 题", file=str(p), sheet=RESPONSES_SHEET,
                                    row=i, column="D列"))
            continue
        by_form[code].append(Candidate(str(row[0]), "" if row[1] is None else str(row[1]), code, resp, i))
    wb.close()
    if problems:
        raise DataError(problems, title=title)
    return Results(tuple(form_results(forms[c], by_form[c], counts[c] or None) for c in sorted(forms) if by_form[c]),
                   str(p))
