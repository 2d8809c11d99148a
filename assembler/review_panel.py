"""Panel results of the 综合评审: the scores workbook, its checks and the result by rule.

Rule (configurable): with `trim_from` or more members (default 5) the highest and the lowest
member totals are dropped and the rest averaged; with fewer, the plain mean. The result is
rounded to one decimal; 60 or more is 合格.

SCORES.xlsx has two sheets. 「设置」: rows 项目/值 (套号, 评审组人数, 计分规则, then one row per part
with its points). 「评分」: one row per candidate and member: 准考证号, 考生姓名, 评委序号, then one
column per part.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, InputError, Problem
from .rules import pass_mark

SETTINGS_SHEET, SCORES_SHEET = "设置", "评分"
RULES = {"trimmed": "去掉一个最高分和一个最低分后取平均", "mean": "取全体评委的平均分"}
ID_COLUMNS = ("准考证号", "考生姓名", "评委序号")
PLACEHOLDER_TICKET = "（准考证号"  # the template's first-row placeholder, refused when left in


@dataclass(frozen=True)
class PanelRule:
    name: str = "trimmed"  # trimmed | mean
    trim_from: int = 5

    def applies_trim(self, members: int) -> bool:
        return self.name == "trimmed" and members >= self.trim_from

    def describe(self, members: int) -> str:
        """Return the rule as printed on the 汇总表."""
        how = RULES["trimmed"] if self.applies_trim(members) else RULES["mean"]
        rule = (f"评审组 {self.trim_from} 人及以上时{RULES['trimmed']}，少于 {self.trim_from} 人时{RULES['mean']}"
                if self.name == "trimmed" else f"{RULES['mean']}")
        return f"计分规则：{rule}。本评审组 {members} 人，{how}，保留一位小数；{pass_mark()} 分及以上为合格。"


def parse_rule(value: object, trim_from: int = 5) -> PanelRule:
    """Return the PanelRule named by value (trimmed/去最高最低, mean/平均); raise InputError otherwise."""
    text = str(value or "trimmed").strip().lower()
    name = {"trimmed": "trimmed", "去最高最低": "trimmed", "去掉最高最低": "trimmed", "mean": "mean", "平均": "mean"}.get(text)
    if name is None:
        raise InputError(f"计分规则「{value}」无效：请填写 trimmed（去掉最高分和最低分后平均）或 mean（平均）。")
    if trim_from < 3:
        raise InputError("去掉最高分和最低分的最少评审组人数应不少于 3。")
    return PanelRule(name, trim_from)


@dataclass(frozen=True)
class PanelOutcome:
    totals: tuple[float, ...]  # each member's total, in member order
    dropped: tuple[int, ...]  # indexes of the dropped members (highest, lowest)
    result: float
    passed: bool
    rule_text: str


def panel_result(totals: list[float], rule: PanelRule = PanelRule()) -> PanelOutcome:
    """Return the panel result of the members' totals by the rule.

    Raises InputError for fewer than 3 members.
    """
    n = len(totals)
    if n < 3:
        raise InputError(f"评审组只有 {n} 人：综合评审的评审组应不少于 3 人。")
    dropped: tuple[int, ...] = ()
    kept = list(range(n))
    if rule.applies_trim(n):
        hi = max(range(n), key=lambda i: (totals[i], -i))
        lo = min((i for i in range(n) if i != hi), key=lambda i: (totals[i], i))
        dropped = (hi, lo)
        kept = [i for i in range(n) if i not in dropped]
    mean = sum(totals[i] for i in kept) / len(kept)
    result = round(mean + 1e-9, 1)
    return PanelOutcome(tuple(totals), dropped, result, result >= pass_mark(), rule.describe(n))


@dataclass(frozen=True)
class PanelSheetSettings:
    set_code: str
    panel_size: int
    rule: PanelRule
    parts: tuple[tuple[str, int | float], ...]  # (part name, points)


@dataclass(frozen=True)
class CandidateResult:
    ticket: str
    name: str
    members: tuple[str, ...]
    scores: tuple[tuple[float, ...], ...]  # per member, per part
    outcome: PanelOutcome


def panel_template_bytes(set_code: str, panel_size: int, parts: list[tuple[str, int]],
                         rule: PanelRule = PanelRule(), candidates: int = 1) -> bytes:
    """Return the empty scores workbook: settings, and one row per member for each candidate."""
    from openpyxl import Workbook

    from .xlsx import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = SETTINGS_SHEET
    ws.append(["项目", "值"])
    ws.append(["套号", set_code])
    ws.append(["评审组人数", panel_size])
    ws.append(["计分规则", rule.name])
    ws.append(["去最高最低的最少人数", rule.trim_from])
    for name, pts in parts:
        ws.append([name, pts])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 18
    sc = wb.create_sheet(SCORES_SHEET)
    sc.append(list(ID_COLUMNS) + [f"{n}（{p}分）" for n, p in parts])
    for c in range(candidates):
        for m in range(1, panel_size + 1):
            sc.append([f"{PLACEHOLDER_TICKET}{c + 1}）" if m == 1 else None, None, m] + [None] * len(parts))
    for col, wdt in zip("ABCDEFG", (16, 12, 10, 18, 18, 18, 18)):
        sc.column_dimensions[col].width = wdt
    return workbook_bytes(wb)


def write_panel_template(path: str | Path, set_code: str, panel_size: int, parts: list[tuple[str, int]],
                         rule: PanelRule = PanelRule(), candidates: int = 1, overwrite: bool = False) -> None:
    """Write the empty scores workbook (see panel_template_bytes) atomically.

    Raises OutputError if the file exists and overwrite is False, or if it cannot be written.
    """
    from .fileio import write_bytes_atomic

    write_bytes_atomic(path, panel_template_bytes(set_code, panel_size, parts, rule, candidates), overwrite)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def read_panel_scores(path: str | Path) -> tuple[PanelSheetSettings, list[CandidateResult]]:  # noqa: C901
    """Return the settings and every candidate's result read from a scores workbook.

    Raises DataError if the file cannot be opened, and naming every bad cell by sheet, row
    and column (missing or non-numeric scores, scores above a part's points, a candidate not
    scored by every member, bad settings).
    """
    from .xlsx import open_workbook

    path = Path(path)
    f = str(path)
    title = "综合评审评分表有误"
    wb = open_workbook(path, title, data_only=True, read_only=True)
    missing = [s for s in (SETTINGS_SHEET, SCORES_SHEET) if s not in wb.sheetnames]
    if missing:
        raise DataError([Problem(f"缺少工作表「{s}」（请用 zujuan review-panel --template 生成模板）", file=f)
                         for s in missing], title)
    problems: list[Problem] = []
    settings_rows = list(wb[SETTINGS_SHEET].iter_rows(min_row=2, values_only=True))
    kv = {str(r[0]).strip(): (r[1] if len(r) > 1 else None, i) for i, r in enumerate(settings_rows, 2) if r and r[0]}
    fixed = ("套号", "评审组人数", "计分规则", "去最高最低的最少人数")

    def setting(key: str):
        value, row = kv.get(key, (None, None))
        return value, row

    panel_raw, prow = setting("评审组人数")
    panel = _number(panel_raw)
    if panel is None or panel != int(panel) or panel < 3 or int(panel) % 2 == 0:
        problems.append(Problem("评审组人数应为不少于 3 的单数", file=f, sheet=SETTINGS_SHEET, row=prow or 3, column="值"))
        panel = 0
    panel = int(panel)
    rule_raw, rrow = setting("计分规则")
    trim_raw, _ = setting("去最高最低的最少人数")
    try:
        rule = parse_rule(rule_raw, int(_number(trim_raw) or 5))
    except InputError as exc:
        problems.append(Problem(str(exc), file=f, sheet=SETTINGS_SHEET, row=rrow or 4, column="值"))
        rule = PanelRule()
    parts: list[tuple[str, int | float]] = []
    for key, (value, at) in kv.items():
        if key in fixed:
            continue
        pts = _number(value)
        if pts is None or pts <= 0:
            problems.append(Problem(f"「{key}」的分值应为正数", file=f, sheet=SETTINGS_SHEET, row=at, column="值"))
            continue
        parts.append((key, int(pts) if pts == int(pts) else pts))
    if not parts:
        problems.append(Problem("没有列出评审部分及其分值（如 申报材料审阅 40、答辩 60）", file=f, sheet=SETTINGS_SHEET))
    elif abs(sum(p for _, p in parts) - 100) > 1e-9:
        problems.append(Problem(f"各部分分值合计 {sum(p for _, p in parts):g} 分，应为 100 分", file=f, sheet=SETTINGS_SHEET))
    settings = PanelSheetSettings(str(setting("套号")[0] or ""), panel, rule, tuple(parts))

    rows = list(wb[SCORES_SHEET].iter_rows(values_only=True))
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else ())]
    columns: dict[str, int] = {}
    for name, _ in parts:
        col = next((i for i, h in enumerate(header) if h == name or h.startswith(f"{name}（")), None)
        if col is None:
            problems.append(Problem(f"缺少「{name}」列", file=f, sheet=SCORES_SHEET, row=1))
        else:
            columns[name] = col
    for i, h in enumerate(ID_COLUMNS):
        if i >= len(header) or header[i] != h:
            problems.append(Problem(f"第 {i + 1} 列应为「{h}」", file=f, sheet=SCORES_SHEET, row=1))
    if problems:
        raise DataError(problems, title)
    candidates: dict[str, dict] = {}
    current = None
    for r, row in enumerate(rows[1:], 2):
        row = list(row) + [None] * (len(header) - len(row))
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        ticket = str(row[0]).strip() if row[0] is not None and str(row[0]).strip() else None
        if ticket and ticket.startswith(PLACEHOLDER_TICKET):
            problems.append(Problem(f"「{ticket}」是模板占位文字：请填写考生的准考证号", file=f, sheet=SCORES_SHEET,
                                    row=r, column="准考证号"))
        if ticket:
            current = candidates.setdefault(ticket, {"name": str(row[1] or "").strip(), "members": [], "scores": [],
                                                     "row": r})
        elif current is None:
            problems.append(Problem("缺少准考证号", file=f, sheet=SCORES_SHEET, row=r, column="准考证号"))
            continue
        number = _number(row[2])
        member = str(int(number)) if number is not None and number == int(number) else str(row[2] or "").strip()
        if not member:
            problems.append(Problem("缺少评委序号", file=f, sheet=SCORES_SHEET, row=r, column="评委序号"))
        elif panel and not (number is not None and number == int(number) and 1 <= number <= panel):
            problems.append(Problem(f"评委序号「{row[2]}」无效：应为 1～{panel} 的整数", file=f, sheet=SCORES_SHEET,
                                    row=r, column="评委序号"))
        elif member in current["members"]:
            problems.append(Problem(f"评委 {member} 重复评分", file=f, sheet=SCORES_SHEET, row=r, column="评委序号"))
        scores = []
        for name, pts in parts:
            col = columns[name]
            value = _number(row[col])
            label = header[col]
            if row[col] is None or str(row[col]).strip() == "":
                problems.append(Problem("未评分", file=f, sheet=SCORES_SHEET, row=r, column=label))
            elif value is None:
                problems.append(Problem(f"「{row[col]}」不是数字", file=f, sheet=SCORES_SHEET, row=r, column=label))
            elif value < 0 or value > pts:
                problems.append(Problem(f"{value:g} 分超出范围：应在 0～{pts:g} 分之间", file=f, sheet=SCORES_SHEET,
                                        row=r, column=label))
            scores.append(value if value is not None else 0.0)
        current["members"].append(member)
        current["scores"].append(tuple(scores))
    if not candidates and not problems:
        problems.append(Problem("没有任何评分行", file=f, sheet=SCORES_SHEET))
    for ticket, c in candidates.items():
        if panel and len(c["members"]) != panel:
            problems.append(Problem(f"考生 {ticket} 有 {len(c['members'])} 位评委评分，评审组为 {panel} 人：每位评委都应评分",
                                    file=f, sheet=SCORES_SHEET, row=c["row"], column="评委序号"))
    if problems:
        raise DataError(problems, title)
    out = []
    for ticket, c in candidates.items():
        totals = [round(sum(s), 4) for s in c["scores"]]
        out.append(CandidateResult(ticket, c["name"], tuple(c["members"]), tuple(c["scores"]),
                                   panel_result(totals, rule)))
    return settings, out
