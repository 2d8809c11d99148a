"""Bank statistics writers: JSON (the contract), text and a workbook."""
from __future__ import annotations

from openpyxl import Workbook

from ..bank.stats import BankStats
from ..standard import Kind, Standard
from ..xlsx import workbook_bytes
from .xlsx_style import write_table


def stats_xlsx(stats: BankStats, standard: Standard, scoped=None) -> bytes:
    """Return a workbook with counts, capacity and the gap list; given the ScopedStats of
    `bank stats --level/--direction`, also a first sheet 「适用范围」: the combinations the bank
    serves, the scope, the difficulty note and the theory capacity under every paper structure."""
    wb = Workbook()
    ws = wb.active
    ws.title = "题量统计"
    rows = [[standard.level(c.level).name if c.level else "通用", c.function, c.work_content, c.type.short, c.count]
            for c in stats.counts]
    write_table(ws, "题库题量统计", f"共 {stats.total} 题", ["等级", "职业功能", "工作内容", "题型", "题数"], rows,
                [8, 14, 10, 10, 8])
    wc = wb.create_sheet("组卷容量")
    write_table(wc, "组卷容量（默认结构，互不重复的套数）", "", ["组合", "考试类型", "套数", "限制因素"],
                [[c.label.rsplit(" ", 1)[0], c.label.rsplit(" ", 1)[1], c.forms, c.binding] for c in stats.capacity],
                [16, 10, 8, 70], left_cols=(3,))
    wu = wb.create_sheet("待补鉴定点")
    write_table(wu, "尚无题目的鉴定点", f"共 {len(stats.uncovered)} 个", ["等级", "职业功能", "类别", "代码", "内容"],
                [[standard.level(u.level).name if u.level else "通用", u.function,
                  "相关知识" if u.kind is Kind.THEORY else "技能要求", u.code, u.text] for u in stats.uncovered],
                [8, 14, 10, 10, 60], left_cols=(4,))
    if stats.quality:
        wq = wb.create_sheet("命题质量")
        rows = []
        for q in stats.quality:
            d = q.to_dict()
            rows.append([q.name, q.single, d["single_key_strictly_longest"], d["single_key_longest_or_tied"],
                         d["single_echo_on_key"], q.multiple,
                         d["multiple_all_but_one"], "/".join(f"{k}:{v}" for k, v in d["multiple_key_sizes"].items()),
                         q.absolute, d["absolute_false"], len(q.negative_unmarked), "；".join(q.findings())])
        write_table(wq, "命题质量（考生可利用的线索）",
                    "目标：单选正确项最长 ≤27%；题干词复现于正确项 ≤30%；多选只错一项 ≤40%；含绝对化用语的判断题错误占 40%～60%；"
                    "否定词加着重标记",
                    ["范围", "单选题", "正确项最长", "含并列最长", "题干词复现于正确项", "多选题", "只错一项", "答案个数",
                     "绝对化判断题", "其中错误", "否定未标记", "未达目标"], rows,
                    [14, 8, 10, 10, 12, 8, 10, 14, 10, 10, 10, 60], left_cols=(0, 11))
        for row in wq.iter_rows(min_row=4):
            for cell in (row[2], row[3], row[4], row[6], row[9]):
                if isinstance(cell.value, float):
                    cell.number_format = "0%"
        if stats.quality[0].review_list:
            wr = wb.create_sheet("线索复核清单")
            write_table(wr, "线索复核清单（机器只能怀疑，须逐题人工判断是否泄露答案）",
                        "题干用词只见于正确项：只有正确项重复题干的实词；自带理由的正确陈述：√ 题含因为、而不是、以便等；"
                        "多选只错一项：说明列为唯一的错误项",
                        ["线索", "题号", "说明", "复核结论"],
                        [[c.kind, c.item_id, c.note, ""] for c in stats.quality[0].review_list],
                        [20, 16, 60, 30], left_cols=(2, 3))
    if scoped is not None:
        _scope_sheet(wb, scoped, standard)
    return workbook_bytes(wb)


def _scope_sheet(wb: Workbook, scoped, standard: Standard) -> None:
    from ..blueprint import combination_label

    ws = wb.create_sheet("适用范围", 0)
    notes = ["本题库可组卷的组合（至少能组 1 套理论或技能试卷）：" + ("、".join(scoped.serves) if scoped.serves else "无"),
             "统计范围：" + "、".join(combination_label(standard, lv, d) for lv, d in scoped.scope)]
    if scoped.difficulty_note:
        notes.append("难度：" + scoped.difficulty_note)
    rows = [[name, r.combination, r.forms, r.binding] for name, entries in scoped.structures.items() for r in entries]
    write_table(ws, "各试卷结构下的理论组卷容量（互不重复的套数）", "\n".join(notes),
                ["试卷结构", "组合", "套数", "限制因素"], rows, [14, 16, 8, 70], left_cols=(3,))
    from openpyxl.styles import Alignment

    ws.cell(2, 1).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.row_dimensions[2].height = 18 * len(notes) + 4 * sum(len(n) > 60 for n in notes) * 4
