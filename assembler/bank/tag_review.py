"""The tag-review workbook: suggestions for draft items out, the author's decisions back in.

`write_review_workbook` lists each draft item (id, type, stem, options, answer) with the suggested
codes best first (text and confidence), an 采纳 column (1/2/3 = take that suggestion) and a 改正
column whose drop-down holds every valid code of the item's level plus the basics.
`apply_review` writes the accepted or corrected tags into the YAML bank; rows left blank stay drafts.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, InputError, Problem
from ..fileio import write_bytes_atomic
from ..standard import BASIC_FUNCTIONS, Standard, load_standard, parse_level
from ..xlsx import workbook_bytes
from .models import Item
from .suggest import Scope, Suggestion, TagSuggester, check_scope

REVIEW_SHEET = "标注建议"
CODE_SHEET = "有效代码"
TOP = 3
HEADER = (["题号", "题型", "题干", "选项", "答案"]
          + [h for k in range(1, TOP + 1) for h in (f"建议{k}", f"建议{k} 要求", f"建议{k} 置信度")]
          + ["采纳", "改正"])
ACCEPT_COL = 6 + 3 * TOP  # 1-based column of 采纳
FIX_COL = ACCEPT_COL + 1
BASIC_NAME = "基本要求"


def is_draft(item: Item) -> bool:
    """Return whether an item still needs tagging (status draft)."""
    return item.is_draft


def code_token(std: Standard, level: str | None, function: str, code: str) -> str:
    """Return the workbook's spelling of a tag: 「三级 2.1.3 内容创作」, 「基本要求 2.2.6(11) 基础知识」."""
    return f"{std.level(level).name if level else BASIC_NAME} {code} {function}"


def parse_token(std: Standard, text: str) -> tuple[str | None, str, str]:
    """Return (level, function, code) of a tag token; raise InputError if it names no valid code."""
    parts = str(text).split()
    if len(parts) != 3:
        raise InputError(f"「{text}」不是有效代码：应从下拉列表选择，如「三级 2.1.3 内容创作」")
    lv_text, code, function = parts
    level = None if lv_text == BASIC_NAME else parse_level(lv_text)
    if (level is None) != (function in BASIC_FUNCTIONS):
        raise InputError(f"「{text}」不是有效代码：职业道德、基础知识属于基本要求，其余职业功能须写等级")
    if code not in std.knowledge_codes(level or std.levels[0].code, function):
        raise InputError(f"「{text}」不是有效代码：{function} 没有相关知识要求 {code}")
    return level, function, code


def _valid_tokens(std: Standard) -> dict[str, list[str]]:
    """Return {column title: tokens}: each level's knowledge codes plus the basics, and everything."""
    basics = [code_token(std, None, name, c) for name in BASIC_FUNCTIONS for c in std.knowledge_codes("4", name)]
    out: dict[str, list[str]] = {}
    for lv in std.levels:
        own = [code_token(std, lv.code, f.name, r.code) for f in std.functions_at(lv.code) for r in f.knowledge()]
        out[lv.name] = own + basics
    out["全部"] = [t for lv in std.levels for t in out[lv.name][: -len(basics)]] + basics
    return out


@dataclass(frozen=True)
class SuggestResult:
    drafts: int
    output: str
    trained_items: int


def write_review_workbook(drafts: list[Item], suggestions: list[list[Suggestion]], std: Standard,
                          level: str | None = None) -> bytes:
    """Return the review workbook for the drafts and their suggestions (same order).

    A row's 改正 drop-down lists its level's codes plus the basics: the item's level, else `level`,
    else the best suggestion's level; every code when none is known.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    ws.append(HEADER)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
    for j, w in enumerate([14, 7, 50, 36, 6] + [22, 36, 8] * TOP + [6, 26], 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    rows_by_level: dict[str, list[int]] = {}
    for r, (it, sug) in enumerate(zip(drafts, suggestions), 2):
        cells: list[object] = [it.id, it.type.short, it.stem, "\n".join(f"{k}．{v}" for k, v in it.options), it.answer]
        for k in range(TOP):
            if k < len(sug):
                s = sug[k]
                cells += [code_token(std, s.level, s.function, s.code), s.text, round(s.confidence, 2)]
            else:
                cells += ["", "", ""]
        ws.append(cells + ["", ""])
        for c in ws[r]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        row_level = it.level or level or next((s.level for s in sug if s.level), None)
        level_name = std.level(row_level).name if row_level else "全部"
        rows_by_level.setdefault(level_name, []).append(r)
    ws.freeze_panes = "C2"
    lists = wb.create_sheet(CODE_SHEET)
    tokens = _valid_tokens(std)
    for j, (title, values) in enumerate(tokens.items(), 1):
        lists.cell(1, j, title)
        for i, v in enumerate(values, 2):
            lists.cell(i, j, v)
    lists.sheet_state = "hidden"
    accept = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True, showErrorMessage=True,
                            errorTitle="输入无效", error="填 1、2 或 3：采纳第几条建议；不采纳留空或在「改正」列选择代码")
    ws.add_data_validation(accept)
    if drafts:
        accept.add(f"{get_column_letter(ACCEPT_COL)}2:{get_column_letter(ACCEPT_COL)}{len(drafts) + 1}")
    fix = get_column_letter(FIX_COL)
    for j, (title, values) in enumerate(tokens.items(), 1):
        rows = rows_by_level.get(title)
        if not rows:
            continue
        col = get_column_letter(j)
        dv = DataValidation(type="list", formula1=f"{CODE_SHEET}!${col}$2:${col}${len(values) + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle="输入无效",
                            error="请从下拉列表选择标准中的相关知识要求代码")
        ws.add_data_validation(dv)
        for r in rows:
            dv.add(f"{fix}{r}")
    return workbook_bytes(wb)


def suggest_tags(paths: list | None, output: str | Path, level: object | None = None,
                 direction: object | None = None, train_paths: list | None = None,
                 standard: Standard | None = None, overwrite: bool = False) -> SuggestResult:
    """Write the review workbook for every draft item under paths.

    The suggester learns from the tagged items of train_paths (default question_bank/) and of paths.
    Raises InputError for a bad level/direction or when there are no drafts, DataError when a bank
    has errors, OutputError when the output exists and overwrite is False.
    """
    from .loader import DEFAULT_BANK, read_bank

    std = standard or load_standard()
    scope = check_scope(std, level, direction)
    bank, problems = read_bank(paths or [DEFAULT_BANK], std, check_similar=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors, title="题库有误，未生成标注建议")
    drafts = [it for it in bank.items if is_draft(it)]
    if not drafts:
        raise InputError(f"{'、'.join(map(str, paths or [DEFAULT_BANK]))} 中没有待标注（status: draft）的题目")
    tagged = [it for it in bank.items if not is_draft(it) and it.code]
    if train_paths != []:
        train, problems = read_bank(train_paths or [DEFAULT_BANK], std, check_similar=False)
        seen = {it.id for it in tagged}
        tagged += [it for it in train.items if not is_draft(it) and it.code and it.id not in seen]
    model = TagSuggester(tagged, std)
    data = write_review_workbook(drafts, model.suggest(drafts, scope, TOP), std, scope.level)
    out = write_bytes_atomic(output, data, overwrite)
    return SuggestResult(len(drafts), str(out), model.trained_items)


def is_review_workbook(path: str | Path) -> bool:
    """Return whether a file is a tag-review workbook (has the 标注建议 sheet)."""
    if Path(path).suffix.lower() != ".xlsx":
        return False
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:
        return False
    try:
        return REVIEW_SHEET in wb.sheetnames
    finally:
        wb.close()


def read_decisions(path: str | Path, std: Standard) -> tuple[dict[str, tuple[str | None, str, str]], int]:
    """Return ({id: (level, function, code)} the author accepted or corrected, rows left undecided).

    Raises DataError naming sheet, row and column for every unreadable decision.
    """
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb[REVIEW_SHEET]
    problems: list[Problem] = []
    decided: dict[str, tuple[str | None, str, str]] = {}
    undecided = 0
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
        row = list(row) + [None] * (FIX_COL - len(row))
        item_id = str(row[0] or "").strip()
        if not item_id:
            continue
        accept, fix = row[ACCEPT_COL - 1], row[FIX_COL - 1]
        where: dict[str, Any] = dict(file=str(path), sheet=REVIEW_SHEET, row=r)
        try:
            if fix not in (None, ""):
                decided[item_id] = parse_token(std, fix)
            elif accept not in (None, ""):
                k = int(float(str(accept).strip()))
                if not 1 <= k <= TOP or not row[5 + 3 * (k - 1)]:
                    raise InputError(f"采纳「{accept}」无效：填 1、2 或 3（该条建议须存在）")
                decided[item_id] = parse_token(std, row[5 + 3 * (k - 1)])
            else:
                undecided += 1
        except (InputError, ValueError) as exc:
            column = "改正" if fix not in (None, "") else "采纳"
            problems.append(Problem(str(exc) if isinstance(exc, InputError) else f"采纳「{accept}」不是数字",
                                    column=column, hint="采纳填 1/2/3，或在「改正」列从下拉列表选择代码", **where))
    wb.close()
    if problems:
        raise DataError(problems, title=f"{path} 的标注有误，未写入任何标注")
    return decided, undecided


@dataclass(frozen=True)
class ReviewResult:
    tagged: int
    left_drafts: int
    files: tuple[str, ...]


def apply_review(path: str | Path, into: str | Path | None = None,
                 standard: Standard | None = None) -> ReviewResult:
    """Write the accepted or corrected tags of a review workbook into the draft items under `into`.

    A tagged item loses its draft status; undecided rows stay drafts. Raises DataError (writing
    nothing) for a bad decision or an id that is not a draft item of the bank.
    """
    from ..fileio import write_files_atomic
    from .importer import _merge_text, _raw_records
    from .loader import DEFAULT_BANK
    from .yaml_io import bank_files

    std = standard or load_standard()
    into = Path(into or DEFAULT_BANK)
    decided, undecided = read_decisions(path, std)
    texts: dict[Path, str] = {}
    found: set[str] = set()
    for f in bank_files([into]) if into.exists() else []:
        if f.suffix.lower() not in (".yaml", ".yml"):
            continue
        records = _raw_records(f)
        changed = False
        for k, rec in enumerate(records):
            rid = str(rec.get("id"))
            if rid not in decided or rec.get("status") != "draft":
                continue
            level, function, code = decided[rid]
            new = {key: rec[key] for key in ("id", "type") if key in rec}
            if level is not None:
                new["level"] = int(level)
            new.update({"function": function, "code": code})
            new.update({key: v for key, v in rec.items()
                        if key not in ("id", "type", "level", "function", "code", "status")})
            records[k] = new
            found.add(rid)
            changed = True
        if changed:
            texts[f] = _merge_text(records, [])
    missing = [i for i in decided if i not in found]
    if missing:
        raise DataError([Problem(f"题号 {i} 不是 {into} 中待标注（draft）的题目", file=str(path), sheet=REVIEW_SHEET,
                                 column="题号", hint="先用 bank import 导入草稿，再用同一题库生成的建议表")
                         for i in missing], title=f"{path} 与题库不符，未写入任何标注")
    write_files_atomic(into, {str(f.relative_to(into)): t.encode("utf-8") for f, t in texts.items()})
    return ReviewResult(len(found), undecided, tuple(str(f) for f in sorted(texts)))


__all__ = ["suggest_tags", "apply_review", "write_review_workbook", "read_decisions", "is_review_workbook",
           "Scope"]
