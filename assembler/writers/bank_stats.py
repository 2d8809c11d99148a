"""Bank statistics writers: JSON (the contract), text and a workbook."""
from __future__ import annotations

import io
import json

from openpyxl import Workbook

from ..bank.stats import BankStats
from ..standard import Standard
from ..structure import ItemType
from .xlsx_style import write_table


def stats_json(stats: BankStats) -> str:
    return json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) + "\n"


def stats_xlsx(stats: BankStats, standard: Standard) -> bytes:
    """Return a workbook with counts, capacity and the gap list."""
    wb = Workbook()
    ws = wb.active
    ws.title = "题量统计"
    rows = [[standard.level(c["level"]).name if c["level"] else "通用", c["function"], c["work_content"],
             ItemType(c["type"]).short, c["count"]] for c in stats.counts]
    write_table(ws, "题库题量统计", f"共 {stats.total} 题", ["等级", "职业功能", "工作内容", "题型", "题数"], rows,
                [8, 14, 10, 10, 8])
    wc = wb.create_sheet("组卷容量")
    write_table(wc, "组卷容量（默认结构，互不重复的套数）", "", ["组合", "考试类型", "套数", "限制因素"],
                [[c.label.rsplit(" ", 1)[0], c.label.rsplit(" ", 1)[1], c.forms, c.binding] for c in stats.capacity],
                [16, 10, 8, 70], left_cols=(3,))
    wu = wb.create_sheet("待补鉴定点")
    write_table(wu, "尚无题目的鉴定点", f"共 {len(stats.uncovered)} 个", ["等级", "职业功能", "类别", "代码", "内容"],
                [[standard.level(u["level"]).name if u["level"] else "通用", u["function"],
                  "相关知识" if u["kind"] == "theory" else "技能要求", u["code"], u["text"]] for u in stats.uncovered],
                [8, 14, 10, 10, 60], left_cols=(4,))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
