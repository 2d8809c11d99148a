"""Blueprint writers: text, JSON (the contract), YAML and a printable Excel workbook."""
from __future__ import annotations

import json

import yaml
from openpyxl import Workbook

from ..blueprint import Blueprint
from ..review_blueprint import ReviewBlueprint
from ..standard import Kind, Standard
from ..structure import points_text
from ..xlsx import workbook_bytes
from .text import table_row as _row
from .xlsx_style import write_table

FORMATS = ("text", "json", "yaml", "xlsx")


def blueprint_heading(bp: Blueprint) -> str:
    return f"{bp.title} {bp.kind.label}鉴定要素细目表"


def blueprint_text(bp: Blueprint) -> str:
    """Return a human-readable blueprint (for the terminal)."""
    lines = [blueprint_heading(bp)]
    if bp.structure:
        secs = "，".join(f"{s.type.label} {s.count}×{points_text(s.points)} 分" for s in bp.structure.sections)
        lines.append(f"试卷结构：{bp.structure.name}（{secs}）；满分 {bp.total_points} 分；考试时间 {bp.duration_minutes} 分钟")
    else:
        lines.append(f"满分 {bp.total_points} 分；考核时间不少于 {bp.duration_minutes} 分钟；各职业功能操作题配分之和须等于其权重")
    lines.append("")
    for r in bp.rows:
        head = f"{r.name}  {r.weight} 分"
        if bp.kind is Kind.THEORY:
            head += "  " + "，".join(f"{c.type.short} {c.count} 题/{points_text(c.points)} 分" for c in r.cells)
        lines.append(head)
        for w in r.work_contents:
            lines.append(f"    {w.code} {w.name}  {points_text(w.points)} 分")
    if bp.kind is Kind.THEORY:
        assert bp.structure is not None, "theory blueprints carry their paper structure"
        lines.append("")
        lines.append("双向细目表（题数）")
        types = [s.type for s in bp.structure.sections]
        widths = [10] + [8] * (len(types) + 2)
        lines.append(_row(["职业功能", *[t.short for t in types], "合计", "分值"], widths))
        for r in bp.rows:
            lines.append(_row([r.name, *[r.cell(t).count for t in types], r.count, r.weight], widths))
        lines.append(_row(["合计", *[s.count for s in bp.structure.sections],
                           sum(s.count for s in bp.structure.sections), bp.total_points], widths))
    lines.append(f"蓝图哈希：{bp.hash}")
    return "\n".join(lines) + "\n"


def blueprint_json(bp: Blueprint) -> str:
    return json.dumps(bp.to_dict(), ensure_ascii=False, indent=2) + "\n"


def blueprint_yaml(bp: Blueprint) -> str:
    return yaml.safe_dump(bp.to_dict(), allow_unicode=True, sort_keys=False)


def blueprint_xlsx(bp: Blueprint, standard: Standard) -> bytes:
    """Return a printable workbook: 鉴定要素细目表 and (theory) 双向细目表."""
    wb = Workbook()
    ws = wb.active
    ws.title = "鉴定要素细目表"
    req_label = "相关知识要求" if bp.kind is Kind.THEORY else "技能要求"
    rows = []
    for r in bp.rows:
        for w in r.work_contents:
            reqs = _requirement_texts(standard, bp, r.name, w.requirements)
            rows.append([f"{r.number}" if r.number else "基本要求", r.name, r.weight, w.code, w.name,
                         float(w.points), "\n".join(reqs)])
    subtitle = f"等级：{standard.level(bp.level).label}　方向：{standard.direction(bp.direction).name if bp.direction else '不分方向'}　" \
               f"类型：{bp.kind.label}　满分 {bp.total_points} 分　时间 {bp.duration_minutes} 分钟　蓝图哈希 {bp.hash}"
    write_table(ws, blueprint_heading(bp), subtitle,
                ["序号", "鉴定范围（职业功能）", "鉴定比重(%)", "代码", "工作内容", "分值", f"鉴定点（{req_label}）"],
                rows, [8, 16, 10, 8, 16, 8, 60], left_cols=(6,))
    _merge_same(ws, rows, start=4, cols=(0, 1, 2))
    if bp.kind is Kind.THEORY:
        assert bp.structure is not None, "theory blueprints carry their paper structure"
        ws2 = wb.create_sheet("双向细目表")
        secs = bp.structure.sections
        header = ["职业功能", "鉴定比重(%)"]
        for s in secs:
            header += [f"{s.type.short}题数", f"{s.type.short}分值"]
        header += ["题数合计", "分值合计"]
        rows2 = []
        for r in bp.rows:
            line = [r.name, r.weight]
            for s in secs:
                c = r.cell(s.type)
                line += [c.count, float(c.points)]
            line += [r.count, r.weight]
            rows2.append(line)
        total = ["合计", bp.total_points]
        for s in secs:
            total += [s.count, float(s.total)]
        total += [sum(s.count for s in secs), bp.total_points]
        rows2.append(total)
        write_table(ws2, f"{bp.title} 理论知识双向细目表", subtitle, header, rows2,
                    [14, 10] + [9, 9] * len(secs) + [9, 9])
    return workbook_bytes(wb)


def _requirement_texts(standard: Standard, bp: Blueprint, row: str, codes: tuple[str, ...]) -> list[str]:
    table = standard.knowledge_codes(bp.level, row) if bp.kind is Kind.THEORY else standard.skill_codes(bp.level, row)
    return [f"{c} {table.get(c, '')}".strip() for c in codes]


def _merge_same(ws, rows: list[list], start: int, cols: tuple[int, ...]) -> None:
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1][1] == rows[i][1]:
            j += 1
        if j > i:
            for c in cols:
                ws.merge_cells(start_row=start + i, start_column=c + 1, end_row=start + j, end_column=c + 1)
        i = j + 1


def review_blueprint_xlsx(bp: ReviewBlueprint, standard: Standard) -> bytes:
    """Return a printable workbook of a 综合评审 blueprint: the parts and the 答辩 questions per
    function with the skill requirements they may examine."""
    wb = Workbook()
    ws = wb.active
    ws.title = "综合评审细目表"
    parts = "　".join(f"{p.name} {p.points} 分" for p in bp.structure.parts)
    subtitle = (f"等级：{standard.level(bp.level).label}　{parts}　时间 {bp.duration_minutes} 分钟　"
                f"评审组 {bp.panel_size} 人　满分 {bp.total_points} 分，{bp.pass_mark} 分合格　蓝图哈希 {bp.hash}")
    skills = {f.name: dict((r.code, r.text) for r in f.skills()) for f in standard.functions_at(bp.level)}
    rows = [[f.number, f.name, f.weight, f.questions, f.points,
             "\n".join(f"{c} {skills[f.name].get(c, '')}" for c in f.skill_codes)] for f in bp.functions]
    rows.append(["合计", "", sum(f.weight for f in bp.functions), sum(f.questions for f in bp.functions),
                 sum(f.points for f in bp.functions), f"每题 {bp.structure.points_each} 分"])
    write_table(ws, f"{bp.title}细目表", subtitle,
                ["序号", "职业功能", "技能权重(%)", "答辩题数", "答辩分值", "技能要求（答辩题考查范围）"],
                rows, [8, 14, 12, 10, 10, 70], left_cols=(5,))
    return workbook_bytes(wb)
