"""The Excel workbook authors fill in: sheets 题目, 操作题, 评分标准 (and 材料 for task data).

Reading returns raw records like the YAML reader; writing produces the export and the template.
"""
from __future__ import annotations

import io
import math
import zipfile
from collections import defaultdict
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import Problem
from ..standard import Standard
from ..structure import plain_number
from ..writers.xlsx_style import (
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    LEFT,
    stamp_style,
)
from ..xlsx import package_problem, workbook_bytes
from .models import FILE_FIELD_SEP, LETTERS, Item, Task

ITEM_SHEET, TASK_SHEET, RUBRIC_SHEET, MATERIAL_SHEET, HELP_SHEET = "题目", "操作题", "评分标准", "材料", "填写说明"
DEFENCE_SHEET, POINT_SHEET = "答辩题", "评分要点"  # 综合评审 答辩题 (二级/一级) and their 评分要点 rows

ITEM_COLUMNS = [
    ("id", "题号"), ("type", "题型"), ("level", "等级"), ("function", "职业功能"), ("code", "鉴定点代码"),
    ("stem", "题干"), *[(f"option_{c}", f"选项{c}") for c in LETTERS], ("answer", "答案"), ("difficulty", "难度"),
    ("p_value", "通过率"), ("explanation", "解析"), ("enemies", "互斥题号"), ("shuffle", "选项可乱序"),
    ("status", "状态"), ("source", "来源"),
]
TASK_COLUMNS = [
    ("id", "试题代码"), ("level", "等级"), ("function", "职业功能"), ("code", "技能要求代码"), ("title", "试题名称"),
    ("duration", "考核时间（分钟）"), ("points", "配分"), ("difficulty", "难度"), ("equipment", "场地设备要求"),
    ("task", "工作任务"), ("quality", "质量指标"), ("enemies", "互斥题号"), ("status", "状态"), ("source", "来源"),
    ("files", "素材文件"),
]
RUBRIC_COLUMNS = [("id", "试题代码"), ("seq", "序号"), ("element", "评分要素"), ("points", "配分"), ("standard", "评分标准")]
DEFENCE_COLUMNS = [
    ("id", "题号"), ("level", "等级"), ("function", "职业功能"), ("code", "技能要求代码"), ("question", "题目"),
    ("points", "配分"), ("follow_ups", "追问"), ("enemies", "互斥题号"), ("status", "状态"), ("source", "来源"),
]
POINT_COLUMNS = [("id", "题号"), ("seq", "序号"), ("point", "评分要点"), ("points", "配分")]
MATERIAL_COLUMNS = [("id", "试题代码"), ("table", "表序号"), ("caption", "表标题"), ("kind", "行类型")]
REQUIRED = {ITEM_SHEET: ("id", "type", "function", "code", "stem", "answer"),
            TASK_SHEET: ("id", "level", "function", "code", "title", "points"),
            RUBRIC_SHEET: ("id", "element", "points", "standard"),
            MATERIAL_SHEET: ("id", "table", "caption", "kind"),
            DEFENCE_SHEET: ("id", "level", "function", "code", "question", "points"),
            POINT_SHEET: ("id", "point", "points")}


def _header_map(ws, columns) -> tuple[dict[str, int], list[str]]:
    """Return {key: column index} from the sheet's first row, and the unknown headers."""
    by_label = {label: key for key, label in columns}
    found: dict[str, int] = {}
    unknown = []
    for j, cell in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ()), 0):
        label = str(cell).strip() if cell is not None else ""
        if label in by_label:
            found[by_label[label]] = j
        elif label and not label.startswith("列"):
            unknown.append(label)
    return found, unknown


class ColumnNamer:
    """Names a record key as the author sees it: 「答案（L列）」. Cached as JSON (labels and found), see loader._encode."""

    def __init__(self, columns, found: dict[str, int]):
        self.labels = dict(columns)
        self.found = dict(found)

    def __call__(self, key: str) -> str:
        if key.startswith("option") and key not in self.found:
            key = "option_A"
        if key in self.found:
            return f"{self.labels.get(key, key)}（{get_column_letter(self.found[key] + 1)}列）"
        return self.labels.get(key, key)


def _sequence(value: Any) -> float | None:
    """Return a rubric row's 序号 as a number (0 when empty), or None when it is not a finite number."""
    if value is None or str(value).strip() == "":
        return 0.0
    try:
        seq = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return seq if math.isfinite(seq) else None


def parse_workbook(data: bytes, path: str, problems: list[Problem]) -> list[dict]:
    """Return raw records from a bank workbook, each with `__sheet`, `__row` and `__columns`."""
    damaged = package_problem(data)
    if damaged:
        problems.append(Problem(damaged, file=path, hint="用 zujuan bank template 生成模板后填写，另存为 .xlsx"))
        return []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError):
        problems.append(Problem("不是有效的 Excel 工作簿（.xlsx），无法作为题库读取", file=path,
                                hint="用 zujuan bank template 生成模板后填写，另存为 .xlsx"))
        return []
    if not any(s in wb.sheetnames for s in (ITEM_SHEET, TASK_SHEET, DEFENCE_SHEET)):
        problems.append(Problem(f"不是题库工作簿：找不到工作表「{ITEM_SHEET}」「{TASK_SHEET}」或「{DEFENCE_SHEET}」（现有："
                                + "、".join(wb.sheetnames) + "）", file=path,
                                hint="用 zujuan bank template 生成模板，题目填在「题目」表，操作题填在「操作题」「评分标准」表"))
        return []
    records: list[dict] = []
    if ITEM_SHEET in wb.sheetnames:
        records += _read_items(wb[ITEM_SHEET], path, problems)
    if TASK_SHEET in wb.sheetnames:
        records += _read_tasks(wb, path, problems)
    if DEFENCE_SHEET in wb.sheetnames:
        records += _read_defence(wb, path, problems)
    wb.close()
    return records


def _lines(value: object) -> list[str]:
    """Return a cell's lines (one 追问 per line), blank lines dropped."""
    return [x.strip() for x in str(value or "").splitlines() if x.strip()]


def _read_defence(wb, path: str, problems: list[Problem]) -> list[dict]:
    """Return the 答辩题 rows as raw defence records (type "defence", see bank/defence.py), each
    with its 评分要点 rows, which carry their own sheet, row and column names."""
    import re

    ws = wb[DEFENCE_SHEET]
    found = _check_headers(ws, DEFENCE_SHEET, DEFENCE_COLUMNS, path, problems)
    if found is None:
        return []
    points = _child_rows(wb, POINT_SHEET, POINT_COLUMNS, DEFENCE_SHEET, "题号", "评分要点", path, problems,
                         "每道答辩题的评分要点填在「评分要点」表，每行一条")
    namer = ColumnNamer(DEFENCE_COLUMNS + [("rubric", POINT_SHEET)], found)
    out, known = [], set()
    for r, rec in _rows(ws, found):
        qid = str(rec.get("id") or "").strip()
        known.add(qid)
        rec = {k: v for k, v in rec.items() if v not in (None, "")}
        for key in ("code", "enemies"):
            if key in rec:
                rec[key] = [x for x in re.split(r"[,，、;；\s]+", str(rec[key]).strip()) if x]
        if "follow_ups" in rec:
            rec["follow_ups"] = _lines(rec["follow_ups"])
        rec.update({"type": "defence", "rubric": [{"point": x.get("point"), "points": x.get("points"),
                                                   **{k: v for k, v in x.items() if k.startswith("__")}}
                                                  for _, x in points.get(qid, [])],
                    "__sheet": DEFENCE_SHEET, "__row": r, "__columns": namer})
        out.append(rec)
    for qid, rows in points.items():
        if qid not in known:
            problems.append(Problem(f"评分要点对应的题号 {qid} 在「{DEFENCE_SHEET}」表中不存在", file=path,
                                    sheet=POINT_SHEET, row=rows[0][0], column="题号"))
    return out


def _child_rows(wb, sheet: str, columns, parent: str, id_label: str, row_label: str, path: str,
                problems: list[Problem], hint: str) -> dict[str, list[tuple[int, dict]]]:
    """Return {parent id: [(row, record)] in 序号 order (then row order)} of a sheet that details
    another one (评分标准 of 操作题, 评分要点 of 答辩题); each record carries its own
    __sheet/__row/__columns. Every problem (no such sheet, bad headers, an empty id, a 序号 that
    is not a number) goes to problems."""
    if sheet not in wb.sheetnames:
        problems.append(Problem(f"有「{parent}」表但没有「{sheet}」表", file=path, sheet=parent, hint=hint))
        return {}
    found = _check_headers(wb[sheet], sheet, columns, path, problems)
    if found is None:
        return {}
    namer = ColumnNamer(columns, found)
    grouped: dict[str, list[tuple[float, int, dict]]] = defaultdict(list)
    for r, rec in _rows(wb[sheet], found):
        pid = str(rec.get("id") or "").strip()
        if not pid:
            problems.append(Problem(f"{id_label}为空", file=path, sheet=sheet, row=r, column=namer("id")))
            continue
        seq = _sequence(rec.get("seq"))
        if seq is None:
            problems.append(Problem(f"序号「{str(rec.get('seq', ''))[:20]}」应为数字", file=path, sheet=sheet,
                                    row=r, column=namer("seq"), hint=f"填写 1、2、3 … 表示{row_label}的顺序"))
            seq = 0.0
        rec.pop("seq", None)
        rec.update({"__sheet": sheet, "__row": r, "__columns": namer})
        grouped[pid].append((seq, r, rec))
    return {pid: [(r, rec) for _, r, rec in sorted(rows, key=lambda x: (x[0], x[1]))] for pid, rows in grouped.items()}


def _check_headers(ws, sheet: str, columns, path: str, problems: list[Problem]) -> dict[str, int] | None:
    found, unknown = _header_map(ws, columns)
    labels = dict(columns)
    missing = [labels[k] for k in REQUIRED.get(sheet, ()) if k not in found]
    if missing:
        problems.append(Problem("缺少必需的列：" + "、".join(missing) + (f"（另有无法识别的列：{'、'.join(unknown)}）" if unknown else ""),
                                file=path, sheet=sheet, row=1,
                                hint="第 1 行应为模板中的列名；可用 zujuan bank template 重新生成模板"))
        return None
    if unknown:
        problems.append(Problem("无法识别的列：" + "、".join(unknown) + "，已忽略", file=path, sheet=sheet, row=1,
                                severity="warning"))
    return found


def _rows(ws, found: dict[str, int]):
    for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield r, {k: (values[j] if j < len(values) else None) for k, j in found.items()}


def _read_items(ws, path: str, problems: list[Problem]) -> list[dict]:
    found = _check_headers(ws, ITEM_SHEET, ITEM_COLUMNS, path, problems)
    if found is None:
        return []
    namer = ColumnNamer(ITEM_COLUMNS, found)
    out = []
    for r, rec in _rows(ws, found):
        rec["options"] = {c: rec.pop(f"option_{c}") for c in LETTERS
                          if f"option_{c}" in rec and rec[f"option_{c}"] not in (None, "")}
        for c in LETTERS:
            rec.pop(f"option_{c}", None)
        rec.update({"__sheet": ITEM_SHEET, "__row": r, "__columns": namer})
        out.append(rec)
    return out


def _read_tasks(wb, path: str, problems: list[Problem]) -> list[dict]:
    ws = wb[TASK_SHEET]
    found = _check_headers(ws, TASK_SHEET, TASK_COLUMNS, path, problems)
    if found is None:
        return []
    rubric = _child_rows(wb, RUBRIC_SHEET, RUBRIC_COLUMNS, TASK_SHEET, "试题代码", "评分要素", path, problems,
                         "每道操作题的评分要素填在「评分标准」表")
    materials: dict[str, dict] = defaultdict(dict)
    if MATERIAL_SHEET in wb.sheetnames:
        mws = wb[MATERIAL_SHEET]
        checked = _check_headers(mws, MATERIAL_SHEET, MATERIAL_COLUMNS, path, problems)
        mf = checked or {}
        ncols = mws.max_column or 0
        for values in mws.iter_rows(min_row=2, values_only=True) if checked is not None else ():
            if not values or values[0] in (None, ""):
                continue
            tid, table, caption, kind = (values[mf.get(k, i)] for i, k in enumerate(("id", "table", "caption", "kind")))
            cells = list(values[4:ncols])
            while cells and cells[-1] in (None, ""):
                cells.pop()
            m = materials[str(tid).strip()].setdefault(table, {"caption": caption or "", "columns": None, "rows": []})
            if str(kind).strip() == "表头":
                m["columns"] = cells
            else:
                m["rows"].append(cells)
    namer = ColumnNamer(TASK_COLUMNS + [("rubric", RUBRIC_SHEET), ("materials", MATERIAL_SHEET)], found)
    out = []
    known = set()
    for r, rec in _rows(ws, found):
        tid = str(rec.get("id") or "").strip()
        known.add(tid)
        rec["type"] = "task"
        rec["rubric"] = [x for _, x in rubric.get(tid, [])]
        mats = []
        for _, m in sorted(materials.get(tid, {}).items(), key=lambda kv: str(kv[0])):
            width = len(m["columns"] or [])
            rows = [(row + [None] * width)[:width] if len(row) < width else row for row in m["rows"]]
            mats.append({"caption": m["caption"], "columns": m["columns"] or [], "rows": rows})
        rec["materials"] = mats
        rec.update({"__sheet": TASK_SHEET, "__row": r, "__columns": namer})
        out.append(rec)
    for tid, rows in rubric.items():
        if tid not in known:
            problems.append(Problem(f"评分标准对应的试题代码 {tid} 在「{TASK_SHEET}」表中不存在", file=path,
                                    sheet=RUBRIC_SHEET, row=rows[0][0], column="试题代码"))
    return out


# ---- writing ------------------------------------------------------------------------------------
def _style_header(ws, labels: list[str], widths: list[int]) -> None:
    ws.append(labels)
    for j, w in enumerate(widths, 1):
        c = ws.cell(1, j)
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A2"


ITEM_WIDTHS = [14, 8, 6, 12, 12, 50, 22, 22, 22, 22, 22, 8, 6, 8, 40, 16, 10, 8, 10]
TASK_WIDTHS = [14, 6, 12, 14, 28, 10, 6, 6, 36, 60, 36, 14, 8, 10, 40]


def _cell_value(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else ("" if v is None else str(v))


def write_workbook(items: list[Item], tasks: list[Task], standard: Standard | None = None,
                   template: bool = False, defence: list | tuple = ()) -> bytes:
    """Return a bank workbook (export), or with template=True an empty one with examples and help.

    `defence` (答辩题, bank/defence.py) go to the 答辩题 and 评分要点 sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = ITEM_SHEET
    _style_header(ws, [label for _, label in ITEM_COLUMNS], ITEM_WIDTHS)
    for it in items:
        opts = dict(it.options)
        ws.append([it.id, it.type.short, int(it.level) if it.level else "", it.function, it.code, it.stem,
                   *[opts.get(c, "") for c in LETTERS], it.answer, it.difficulty,
                   "" if it.p_value is None else it.p_value, it.explanation, ",".join(it.enemies),
                   "是" if it.shuffle else "否", it.status.label, it.source])
    wt = wb.create_sheet(TASK_SHEET)
    _style_header(wt, [label for _, label in TASK_COLUMNS], TASK_WIDTHS)
    wr = wb.create_sheet(RUBRIC_SHEET)
    _style_header(wr, [label for _, label in RUBRIC_COLUMNS], [14, 6, 24, 6, 70])
    wm = wb.create_sheet(MATERIAL_SHEET)
    width = max([len(m.columns) for t in tasks for m in t.materials] + [6])
    _style_header(wm, [label for _, label in MATERIAL_COLUMNS] + [f"列{i}" for i in range(1, width + 1)],
                  [14, 8, 30, 8] + [14] * width)
    for t in tasks:
        wt.append([t.id, int(t.level), t.function, ",".join(t.codes), t.title, t.duration, t.points, t.difficulty,
                   "\n".join(t.equipment), t.task, "\n".join(t.quality), ",".join(t.enemies), t.status.label, t.source,
                   "\n".join(FILE_FIELD_SEP.join((f.name, f.what, f.format, f.source.value)) for f in t.files)])
        for i, r in enumerate(t.rubric, 1):
            wr.append([t.id, i, r.element, r.points, r.standard])
        for k, m in enumerate(t.materials, 1):
            wm.append([t.id, k, m.caption, "表头", *m.columns])
            for row in m.rows:
                wm.append([t.id, k, m.caption, "数据", *[_cell_value(v) for v in row]])
    wd = wb.create_sheet(DEFENCE_SHEET)
    _style_header(wd, [label for _, label in DEFENCE_COLUMNS], [14, 6, 12, 16, 70, 6, 50, 14, 8, 16])
    wp = wb.create_sheet(POINT_SHEET)
    _style_header(wp, [label for _, label in POINT_COLUMNS], [14, 6, 80, 6])
    for q in defence:
        wd.append([q.id, int(q.level), q.function, ",".join(q.codes), q.question, _cell_value(plain_number(q.points)),
                   "\n".join(q.follow_ups), ",".join(q.enemies), q.status.label, q.source])
        for i, r in enumerate(q.rubric, 1):
            wp.append([q.id, i, r.point, _cell_value(plain_number(r.points))])
    body = [c for sheet in (ws, wt, wr, wm, wd, wp) for row in sheet.iter_rows(min_row=2) for c in row]
    if template:
        from openpyxl.styles import Font

        # examples (EX-…) look like examples, never import
        stamp_style(body, alignment=LEFT, font=Font(color="808080", italic=True))
        _add_validation(wb, standard)
        _add_help(wb, standard)
    else:
        stamp_style(body, alignment=LEFT)
    return workbook_bytes(wb)


def _add_validation(wb, standard: Standard | None) -> None:
    ws, wt = wb[ITEM_SHEET], wb[TASK_SHEET]
    lists = wb.create_sheet("代码表")
    names = standard.function_names() if standard else []
    lists.append(["题型", "等级", "职业功能", "状态", "是否"])
    col = {0: ["判断题", "单选题", "多选题"], 1: ["4", "3", "2", "1"], 2: names, 3: ["启用", "停用", "待标注"], 4: ["是", "否"]}
    for i in range(max(len(v) for v in col.values())):
        lists.append([col[j][i] if i < len(col[j]) else None for j in range(5)])
    lists.sheet_state = "hidden"

    def dv(ref: str, target, rng: str, prompt: str) -> None:
        v = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                           errorTitle="输入无效", error=prompt)
        target.add_data_validation(v)
        v.add(rng)

    n = len(col[2]) + 1
    dv("代码表!$A$2:$A$4", ws, "B2:B5000", "请从下拉列表选择题型")
    dv("代码表!$B$2:$B$5", ws, "C2:C5000", "等级填 4/3/2/1；职业道德、基础知识题留空")
    dv(f"代码表!$C$2:$C${n}", ws, "D2:D5000", "请选择标准中的职业功能")
    dv("代码表!$E$2:$E$3", ws, "Q2:Q5000", "填 是 或 否")
    dv("代码表!$D$2:$D$4", ws, "R2:R5000", "填 启用、停用 或 待标注")
    dv("代码表!$B$2:$B$5", wt, "B2:B2000", "等级填 4/3/2/1")
    dv(f"代码表!$C$2:$C${n}", wt, "C2:C2000", "请选择标准中的职业功能")
    dv("代码表!$D$2:$D$3", wt, "M2:M2000", "填 启用 或 停用")
    wd = wb[DEFENCE_SHEET]
    dv("代码表!$B$4:$B$5", wd, "B2:B2000", "答辩题只用于二级（2）、一级（1）")
    dv(f"代码表!$C$2:$C${n}", wd, "C2:C2000", "请选择标准中的职业功能")
    dv("代码表!$D$2:$D$3", wd, "I2:I2000", "填 启用 或 停用")


HELP_LINES = [
    ("题库工作簿填写说明", ""),
    ("工作表「题目」", "判断题、单选题、多选题，每行一题。第 1 行列名不要修改。"),
    ("题号", "唯一且固定不变，如 L4-NRCZ-101；导入后不再更改。"),
    ("题型", "判断题 / 单选题 / 多选题（也接受 judge/single/multiple）。"),
    ("等级", "4/3/2/1。职业道德、基础知识题适用于所有等级，等级留空。"),
    ("职业功能", "与标准一致，如 内容创作；基本要求题填 职业道德 或 基础知识。"),
    ("鉴定点代码", "所考核的相关知识要求代码，如 2.2.3；法律法规写明是哪一部，如 2.2.6(11)。"),
    ("选项A–E", "判断题不填；单选题恰好 A–D 四项；多选题 4–5 项。"),
    ("答案", "单选填一个字母；多选填两个及以上字母，如 ACD；判断填 √ 或 ×（也接受 对/错、正确/错误、T/F）。"),
    ("难度", "1–5 的整数，1 最易、5 最难；留空为 3。通过率可选，0–1 的小数。"),
    ("互斥题号", "不能与本题同卷的题号，多个用逗号分隔。"),
    ("选项可乱序", "是/否，默认是；选项有固定顺序（如“①②③”组合）时填 否。"),
    ("状态", "启用 / 停用 / 待标注；停用和待标注（尚未标注等级、职业功能或鉴定点）的题不会组入试卷。"),
    ("工作表「操作题」", "每行一道操作题；场地设备要求、质量指标每行一条（单元格内换行）；素材文件每行一个，写作“文件名｜内容｜格式｜提供方（题库或考点）”，题库提供的文件放在工作簿旁的 files/试题代码/ 文件夹中。"),
    ("工作表「评分标准」", "每行一条评分要素：试题代码、序号、评分要素、配分、评分标准（写明扣分条件）。配分之和须等于试题配分。"),
    ("工作表「材料」", "操作题发给考生的数据表：每张表先一行「表头」，再若干行「数据」，列1起依次填写。"),
    ("工作表「答辩题」", "综合评审（二级、一级）的答辩题，每行一题：等级填 2 或 1；技能要求代码填标准中该职业功能的技能要求，"
                    "多个用逗号分隔；追问每行一条（单元格内换行）。导入后写入题库的 defence/ 文件夹。"),
    ("工作表「评分要点」", "每行一条评分要点：题号、序号、评分要点（写到第二位评委能照此给出相同分数）、配分。配分之和须等于答辩题配分。"),
    ("示例行", "题号以 EX- 开头的行（灰色斜体）是模板示例：导入时一律跳过，不会写入题库；可直接删除或覆盖。"),
    ("检查", "填写完成后运行：zujuan bank validate 文件.xlsx；无错误后运行 zujuan bank import 文件.xlsx。"),
]


def _add_help(wb, standard: Standard | None) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    for a, b in HELP_LINES:
        ws.append([a, b])
    ws["A1"].font = HEADER_FONT
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows():
        for c in row:
            c.alignment = LEFT
    wb.active = 1
