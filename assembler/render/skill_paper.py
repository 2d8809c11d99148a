"""The skill paper (操作技能考核试卷): 考核准备通知单 for the site, then one 试题单 per task with its
work task, materials, the standard's skill requirements and the quality indicators."""
from __future__ import annotations

import re

from ..bank.models import Bank, FileSource, Material, Task
from ..bank.task_files import files_folder_name, materials_workbook_name
from ..errors import DataError, Problem
from ..form import Form, FormEntry
from ..standard import Standard
from .docx_base import (
    BODY_CHAR,
    TEXT_W,
    Cell,
    DocBuilder,
    clean,
    display_width,
    fit_widths,
    fmt_number,
    is_number,
    pts,
)
from .embed import finish_form_document

PAPER_HEADING = "职业技能等级认定统一试卷"
HEADER_SHADE = "F2F2F2"
_MARKER = re.compile(r"^(\d+[.、．]|[（(]\d+[)）]|[①-⑳]|[-•·](?=\s))")
_SENTENCE_END = "。！？：；!?:;"
_WRAPPED = 60  # a line this wide (half-width units) that ends mid-sentence was wrapped by its author
_NUMERIC = re.compile(r"^[+\-−]?[¥$￥]?\d[\d,，]*(\.\d+)?\s*(%|‰|元|万元|亿元|万|亿|次|人|个|条|篇|小时|分钟|秒|天|倍|分)?$")


def lookup_tasks(form: Form, bank: Bank) -> list[tuple[FormEntry, Task]]:
    """Return (entry, task) in paper order; raise DataError naming every id the bank lacks."""
    out, problems = [], []
    for e in sorted(form.entries, key=lambda e: e.number):
        t = bank.get(e.id)
        if not isinstance(t, Task):
            problems.append(Problem(f"第 {e.number} 题 {e.id} 不在题库中（或不是操作题），无法生成试卷"))
            continue
        out.append((e, t))
    if problems:
        raise DataError(problems, title=f"试卷 {form.code} 与题库不一致")
    return out


# ---- task text ------------------------------------------------------------------------------------
def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def task_blocks(text: str) -> list[tuple[int, str]]:
    """Return [(level, text)] paragraphs of a task: 0 plain, 1 numbered item, 2 sub-item.

    The author's line breaks are kept, except where a line only continues the one before: an
    indented line that starts no list item, or a wide line broken in mid-sentence.
    """
    blocks: list[list] = []
    prev_raw = ""
    for raw in clean(text).split("\n"):
        line = raw.strip()
        if not line:
            prev_raw = ""
            if blocks:
                blocks[-1][2] = True  # a blank line closes the paragraph
            continue
        indented = raw[:1] in (" ", "\t", "\u3000")
        marker = bool(_MARKER.match(line))
        if blocks and not blocks[-1][2] and not marker:
            last = blocks[-1][1]
            wrapped = display_width(prev_raw.strip()) >= _WRAPPED and last[-1] not in _SENTENCE_END
            if indented or wrapped:
                blocks[-1][1] = _join(last, line)
                prev_raw = raw
                continue
        level = (2 if indented else 1) if marker else 0
        blocks.append([level, line, False])
        prev_raw = raw
    return [(b[0], b[1]) for b in blocks]


def add_task_text(doc: DocBuilder, text: str) -> None:
    for level, line in task_blocks(text):
        if level == 0:
            doc.para(line, "ZJBody")
        elif level == 1:
            doc.para(line, "ZJList")
        else:
            doc.para(line, "ZJList", left=4 * BODY_CHAR, hanging=2 * BODY_CHAR)


# ---- materials ------------------------------------------------------------------------------------
def _numeric_like(value: object) -> bool:
    return is_number(value) or bool(_NUMERIC.match(fmt_number(value).strip()))


def add_material(doc: DocBuilder, m: Material) -> None:
    """A material as a captioned, bordered table; numbers centred and written plainly."""
    n_cols = max([len(m.columns)] + [len(r) for r in m.rows]) if (m.columns or m.rows) else 0
    if n_cols == 0:
        return
    columns = list(m.columns) + [""] * (n_cols - len(m.columns))
    rows = [list(r) + [""] * (n_cols - len(r)) for r in m.rows]
    natural = []
    align = []
    for c in range(n_cols):
        cells = [fmt_number(r[c]) for r in rows]
        widest = max([0] + [display_width(x) for x in cells])
        head = min(display_width(clean(columns[c])), 8)  # a long heading may wrap
        natural.append(min(max(widest, head), 44) + 3)
        short = all(_numeric_like(r[c]) or r[c] in ("", None) for r in rows) or widest <= 12
        align.append("center" if short else "left")
    widths = fit_widths([n * 105 for n in natural], TEXT_W)
    if m.caption:
        doc.para(clean(m.caption), "ZJCaption")
    table = [[Cell(clean(h), bold=True, shade=HEADER_SHADE) for h in columns]]
    table += [[Cell(fmt_number(v), align=align[c]) for c, v in enumerate(r)] for r in rows]
    doc.table(table, widths, header_rows=1, keep_together=len(table) <= 16, row_height=340)


# ---- the document ---------------------------------------------------------------------------------
def number_ranges(numbers: list[int]) -> str:
    """Return 1～3、5 for [1, 2, 3, 5]."""
    parts: list[str] = []
    nums = sorted(set(numbers))
    k = 0
    while k < len(nums):
        j = k
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[k]) if j == k else f"{nums[k]}、{nums[j]}" if j == k + 1 else f"{nums[k]}～{nums[j]}")
        k = j + 1
    return "、".join(parts)


def equipment_union(tasks: list[tuple[FormEntry, Task]]) -> list[tuple[str, list[int]]]:
    """Return every task's equipment once, in paper order, with the numbers of the tasks needing it."""
    found: dict[str, list[int]] = {}
    for e, t in tasks:
        for x in t.equipment:
            text = clean(x).strip()
            if text and e.number not in found.setdefault(text, []):
                found[text].append(e.number)
    return list(found.items())


def skill_requirements(standard: Standard, level: str, task: Task) -> list[str]:
    """Return "code text" for each of the task's codes, quoted from the standard."""
    table = standard.skill_codes(level, task.function)
    return [f"{c} {table[c]}" if c in table else c for c in task.codes]


def add_notice(doc: DocBuilder, form: Form, tasks: list[tuple[FormEntry, Task]]) -> None:
    """考核准备通知单: the tasks with their times and points, and what the site must provide."""
    doc.para("考核准备通知单", "ZJSheetTitle", before=240)
    doc.para("一、考核内容与时间", "ZJHeading2")
    widths = [650, 1500, 0, 1100, 1100, 650]
    widths[2] = TEXT_W - sum(widths)
    rows = [[Cell(h, bold=True, shade=HEADER_SHADE) for h in ("序号", "试题代码", "试题名称", "职业功能",
                                                               "考核时间（分钟）", "配分")]]
    for e, t in tasks:
        rows.append([Cell(str(e.number)), Cell(clean(t.id)), Cell(clean(t.title), align="left"),
                     Cell(clean(t.function)), Cell(str(t.duration)), Cell(pts(e.points))])
    total_time = sum(t.duration for _, t in tasks)
    total_points = round(sum(e.points for e, _ in tasks), 6)
    rows.append([Cell("合计", span=4, bold=True), Cell(str(total_time), bold=True), Cell(pts(total_points), bold=True)])
    doc.table(rows, widths, header_rows=1, row_height=400)
    minutes = form.duration_minutes or total_time
    doc.para(f"本试卷共 {len(tasks)} 道试题，考核总时间 {minutes} 分钟，满分 {pts(total_points)} 分。",
             "ZJBody", before=80)
    doc.para("二、考场准备（考场须提供的设备、软件和材料）", "ZJHeading2")
    needs = equipment_union(tasks)
    widths = [720, 0, 1600]
    widths[1] = TEXT_W - sum(widths)
    rows = [[Cell(h, bold=True, shade=HEADER_SHADE) for h in ("序号", "名称、规格及数量", "用于试题")]]
    every = [e.number for e, _ in tasks]
    rows += [[Cell(str(k)), Cell(text, align="left"), Cell("全部" if numbers == every else number_ranges(numbers))]
             for k, (text, numbers) in enumerate(needs, 1)]
    doc.table(rows, widths, header_rows=1, row_height=400, keep_together=False)
    handouts = handout_rows(form.code, tasks)
    if handouts:
        doc.para("三、考核素材文件", "ZJHeading2")
        widths = [600, 2000, 0, 1900, 800]
        widths[2] = TEXT_W - sum(widths)
        rows = [[Cell(h, bold=True, shade=HEADER_SHADE) for h in ("序号", "文件", "内容与格式", "来源", "用于试题")]]
        rows += [[Cell(str(k)), Cell(name, align="left"), Cell(what, align="left"), Cell(source, align="left"),
                  Cell(str(number))] for k, (name, what, source, number) in enumerate(handouts, 1)]
        doc.table(rows, widths, header_rows=1, row_height=400, keep_together=False)
    doc.para("四、考场要求" if handouts else "三、考场要求", "ZJHeading2")
    for k, text in enumerate((
            "考核前，考场须按上述清单备齐设备、软件和考核素材，并逐台检查运行正常。",
            "各试题的考核素材（材料 Excel 文件、随题库提供的文件和考场自备的文件）应按试题代码分别存放"
            "，文件名与清单一致，并于开考时提供给考生。",
            "考核结束后，考场应按试题代码收齐考生提交的成果文件，交考评员按评分记录表评分。"), 1):
        doc.para(f"{k}．{text}", "ZJList")


def handout_rows(code: str, tasks: list[tuple[FormEntry, Task]]) -> list[tuple[str, str, str, int]]:
    """Return (file, what and format, who supplies it, task number) for every file the paper hands out:
    each task's materials workbook, the files the bank ships and the files the centre prepares."""
    rows = []
    for e, t in tasks:
        if t.materials:
            tables = "、".join(m.caption.split(" ", 1)[0] if m.caption.startswith("表") else m.caption
                              for m in t.materials)
            rows.append((materials_workbook_name(code, t.id), f"试题单中{tables}的电子版（Excel 工作簿，每表一个工作表）",
                         "组卷系统随试卷生成", e.number))
        for f in t.files:
            what = f"{clean(f.what)}（{clean(f.format)}）"
            if f.source is FileSource.BANK:
                source = f"随题库提供（在 {files_folder_name(code, t.id)} 文件夹中）"
            else:
                source = "考场按本行规格自备（组卷系统不提供）"
            rows.append((f.name, what, source, e.number))
    return rows


def add_task_sheet(doc: DocBuilder, form: Form, standard: Standard, entry: FormEntry, task: Task) -> None:
    """试题单: code, name, time and points, then work task, materials, requirements and quality."""
    doc.para(f"试题单（第 {entry.number} 题）", "ZJSheetTitle", page_break_before=True)
    info = [
        [Cell("试题代码", bold=True, shade=HEADER_SHADE), Cell(clean(task.id)),
         Cell("考核时间", bold=True, shade=HEADER_SHADE), Cell(f"{task.duration} 分钟")],
        [Cell("试题名称", bold=True, shade=HEADER_SHADE), Cell(clean(task.title), span=3, align="left")],
        [Cell("职业功能", bold=True, shade=HEADER_SHADE), Cell(clean(task.function)),
         Cell("配分", bold=True, shade=HEADER_SHADE), Cell(f"{pts(entry.points)} 分")],
    ]
    doc.table(info, [1300, 3400, 1300, TEXT_W - 6000], row_height=420)
    doc.para("一、工作任务", "ZJHeading2")
    add_task_text(doc, task.task)
    for m in task.materials:
        add_material(doc, m)
    doc.para("二、技能要求", "ZJHeading2")
    for line in skill_requirements(standard, form.level, task):
        doc.para(line, "ZJList", left=2 * BODY_CHAR, hanging=0)
    doc.para("三、质量指标", "ZJHeading2")
    for k, q in enumerate(task.quality, 1):
        doc.para(f"{k}．{clean(q).strip()}", "ZJList")


def render_skill_paper(form: Form, bank: Bank, standard: Standard) -> bytes:
    tasks = lookup_tasks(form, bank)
    title = f"{clean(form.title)} 操作技能考核试卷"
    doc = DocBuilder(f"{title}　　试卷编号：{clean(form.code)}")
    doc.para(PAPER_HEADING, "ZJTitle")
    doc.para(title, "ZJSubtitle")
    doc.para(f"试卷编号：{form.code}", "ZJCode")
    add_notice(doc, form, tasks)
    for e, t in tasks:
        add_task_sheet(doc, form, standard, e, t)
    return finish_form_document(doc, form, "skill_paper", title)


__all__ = ["render_skill_paper", "lookup_tasks", "task_blocks", "skill_requirements"]
