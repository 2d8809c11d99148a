"""Bank statistics writers: JSON (the contract), text and a workbook."""
from __future__ import annotations

import json

from openpyxl import Workbook

from ..bank.stats import BankStats
from ..standard import Standard
from ..structure import ItemType
from ..xlsx import workbook_bytes
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
    if stats.quality:
        wq = wb.create_sheet("命题质量")
        rows = []
        for q in stats.quality:
            d = q.to_dict()
            rows.append([q.name, q.single, d["single_key_strictly_longest"], d["single_key_longest_or_tied"], q.multiple,
                         d["multiple_all_but_one"], "/".join(f"{k}:{v}" for k, v in d["multiple_key_sizes"].items()),
                         q.absolute, d["absolute_false"], len(q.negative_unmarked), "；".join(q.findings())])
        write_table(wq, "命题质量（考生可利用的线索）",
                    "目标：单选正确项最长 ≤27%；多选只错一项 ≤40%；含绝对化用语的判断题错误占 40%～60%；否定词加着重标记",
                    ["范围", "单选题", "正确项最长", "含并列最长", "多选题", "只错一项", "答案个数", "绝对化判断题",
                     "其中错误", "否定未标记", "未达目标"], rows, [14, 8, 10, 10, 8, 10, 14, 10, 10, 10, 60], left_cols=(0, 10))
        for row in wq.iter_rows(min_row=4):
            for cell in (row[2], row[3], row[5], row[8]):
                if isinstance(cell.value, float):
                    cell.number_format = "0%"
    return workbook_bytes(wb)
