"""The scoring sheets (评分记录表): one page per task with its rubric, a 合计 row and the examiners'
signature line. A rubric whose points do not add up to the task's points is refused."""
from __future__ import annotations

from typing import Any

from ..bank.models import Bank, Task
from ..errors import DataError, Problem
from ..form import Form, FormEntry
from .docx_base import TEXT_W, Cell, DocBuilder, clean, pts
from .embed import finish_form_document
from .skill_paper import HEADER_SHADE, lookup_tasks

SIGNATURE = "考评员（签名）：________  ________  ________   日期：____年__月__日"
RUBRIC_HEAD = ("序号", "评分要素", "配分", "评分标准", "扣分", "得分")
RUBRIC_WIDTHS = [700, 1600, 700, 0, 700, 700]
RUBRIC_WIDTHS[3] = TEXT_W - sum(RUBRIC_WIDTHS)


def rubric_total(task: Task) -> float:
    return round(sum(float(r.points) for r in task.rubric), 6)


def check_rubrics(form: Form, tasks: list[tuple[FormEntry, Task]]) -> None:
    """Raise DataError naming every task whose rubric points do not sum to its points."""
    problems = []
    for e, t in tasks:
        total = rubric_total(t)
        if abs(total - float(t.points)) > 1e-6 or abs(float(t.points) - e.points) > 1e-6:
            problems.append(Problem(f"操作题 {t.id} 的评分要素配分合计为 {pts(total)} 分，与试题配分 "
                                    f"{pts(float(t.points))} 分（试卷中 {pts(e.points)} 分）不一致"))
        if not t.rubric:
            problems.append(Problem(f"操作题 {t.id} 没有评分要素，无法生成评分记录表"))
    if problems:
        raise DataError(problems, title=f"试卷 {form.code} 的评分记录表无法生成")


def add_sheet(doc: DocBuilder, form: Form, entry: FormEntry, task: Task, first: bool) -> None:
    doc.para(f"评分记录表（第 {entry.number} 题）", "ZJSheetTitle", page_break_before=not first,
             before=120 if first else 0)
    doc.para(f"{clean(form.title)} 操作技能考核　　试卷编号：{clean(form.code)}", "ZJCode")
    lab: dict[str, Any] = {"bold": True, "shade": HEADER_SHADE}
    info = [
        [Cell("试题代码", **lab), Cell(clean(task.id)), Cell("配分", **lab), Cell(f"{pts(entry.points)} 分")],
        [Cell("试题名称", **lab), Cell(clean(task.title), span=3, align="left")],
        [Cell("准考证号", **lab), Cell(""), Cell("考生姓名", **lab), Cell("")],
    ]
    doc.table(info, [1300, 3700, 1300, TEXT_W - 6300], row_height=440)
    doc.spacer(6)
    rows = [[Cell(h, bold=True, shade=HEADER_SHADE) for h in RUBRIC_HEAD]]
    for k, r in enumerate(task.rubric, 1):
        rows.append([Cell(str(k)), Cell(clean(r.element), align="left"), Cell(pts(float(r.points))),
                     Cell(clean(r.standard), align="left"), Cell(""), Cell("")])
    rows.append([Cell("合计", span=2, bold=True), Cell(pts(rubric_total(task)), bold=True),
                 Cell(""), Cell(""), Cell("")])
    doc.table(rows, RUBRIC_WIDTHS, header_rows=1, row_height=560, keep_together=len(rows) <= 12,
              keep_with_next=len(rows) <= 12)
    doc.para(SIGNATURE, "ZJSign")


def render_scoring_sheets(form: Form, bank: Bank) -> bytes:
    tasks = lookup_tasks(form, bank)
    check_rubrics(form, tasks)
    title = f"{clean(form.title)} 操作技能考核 评分记录表"
    doc = DocBuilder(f"{title}　　试卷编号：{clean(form.code)}")
    for k, (e, t) in enumerate(tasks):
        add_sheet(doc, form, e, t, first=k == 0)
    return finish_form_document(doc, form, "scoring_sheet", title)
