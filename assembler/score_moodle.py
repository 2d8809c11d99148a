"""Moodle's quiz «Responses» report (答题情况, downloaded as .csv or .xlsx) read as an answer sheet.

The report has one row per attempt and, per quiz slot N, a «Response N» column (what the candidate
chose, as option text) and, when «Question text» is ticked before downloading, a «Question N»
column (the question summary: the question text, then «: » and the choices for choice items).
Moodle numbers slots in its own order and may shuffle choices, so neither the slot number nor a
letter can be trusted: each slot's question text is matched to a form's item (the same text the
Moodle XML export wrote), which also tells which form the attempt sat, and each response is
matched to that item's option texts, giving the letters as printed on the paper. The result is
the canonical answer sheet (准考证号, 姓名, 试卷编号, 1, 2, …) that score_rows scores.
"""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from .answer_sheet import FORM_HEADER, ID_HEADER, NAME_HEADER
from .bank.models import FALSE_MARK, TRUE_MARK, Bank
from .errors import DataError, Problem
from .form import Form
from .structure import ItemType

if TYPE_CHECKING:  # pragma: no cover
    from .render.export_items import ExportItem

RESPONSE = re.compile(r"^(?:response|回答|作答|答案)\s*(\d+)$", re.I)
QUESTION = re.compile(r"^(?:question|题目|试题|问题)\s*(\d+)$", re.I)
ID_COLUMNS = ("id number", "idnumber", "身份证号", "学号", "证件号码", "编号", "username", "用户名",
              "email address", "email", "电子邮件地址", "邮箱")
SURNAME_COLUMNS = ("surname", "last name", "姓氏", "姓")
FIRST_COLUMNS = ("first name", "名字", "名")
SUMMARY_ROWS = ("overall average", "总平均", "平均分", "总体平均")
MOODLE_TRUE = {"true", "对", "正确", "是", "√"}
MOODLE_FALSE = {"false", "错", "错误", "否", "×"}
NO_ANSWER = {"", "-", "–", "—"}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[\s\u3000]+")


def is_moodle_responses(header: list[str]) -> bool:
    """Return True when a header row is Moodle's responses report (Response N columns, no 试卷编号)."""
    return FORM_HEADER not in header and any(RESPONSE.match(h or "") for h in header)


def norm(text: object) -> str:
    """Return text reduced for matching: HTML tags and entities, emphasis marks and spaces removed,
    Latin letters lower-cased."""
    t = html.unescape(_TAG.sub("", str(text or ""))).replace("**", "")
    return _SPACE.sub("", t).lower()


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    low = [h.strip().lower() for h in header]
    for name in names:
        if name in low:
            return low.index(name)
    return None


class _Index:
    """The forms' items by the start of their question text (as the Moodle export wrote it)."""

    def __init__(self, forms: dict[str, Form], bank: Bank):
        from .render.export_items import export_items

        self.items: dict[str, dict[int, ExportItem]] = {}
        self.by_start: dict[str, list[tuple[str, str, ExportItem]]] = {}
        for code, form in forms.items():
            exported = {it.number: it for it in export_items(form, bank)}
            self.items[code] = exported
            for it in exported.values():
                key = norm(it.stem)
                self.by_start.setdefault(key[:12], []).append((key, code, it))

    def match(self, question: str) -> dict[str, ExportItem]:
        """Return {form code: item} of the items whose text the question summary starts with
        (the longest such text wins, so an item whose text begins another's does not capture it)."""
        q = norm(question)
        found = [(key, code, it) for key, code, it in self.by_start.get(q[:12], []) if q.startswith(key)]
        if not found:
            return {}
        best = max(len(k) for k, _, _ in found)
        return {code: it for key, code, it in found if len(key) == best}


def _letters(response: str, item) -> str | None:
    """Return the displayed letters a response's option texts stand for, or None if one is unknown."""
    texts = {norm(t): letter for letter, t in item.options}
    whole = norm(response)
    if whole in texts:
        return texts[whole]
    if item.type is not ItemType.MULTIPLE:
        return None
    chosen, part = [], ""
    for piece in str(response).split(";"):  # Moodle joins the chosen texts with "; "
        part = f"{part};{piece}" if part else piece
        if norm(part) in texts:
            chosen.append(texts[norm(part)])
            part = ""
    if part.strip():
        return None
    return "".join(sorted(set(chosen)))


def moodle_rows(rows: list[tuple[int, list]], forms: dict[str, Form], bank: Bank, source: str = "",  # noqa: C901
                sheet: str = "") -> list[tuple[int, list]]:
    """Return the canonical answer-sheet rows (header first) of a Moodle responses report.

    Raises DataError listing every cell that cannot be read (sheet, row, column): no question-text
    columns, a question that is in none of the forms, an attempt whose questions span several forms,
    a response that is not one of the item's options, a missing or repeated candidate number.
    """
    from openpyxl.utils import get_column_letter

    header = [str(c).strip() if c is not None else "" for c in rows[0][1]]
    problems: list[Problem] = []

    def bad(msg: str, row: int | None = None, col: int | None = None) -> None:
        column = f"{header[col]}（{get_column_letter(col + 1)}列）" if col is not None and col < len(header) else ""
        problems.append(Problem(msg, file=source, sheet=sheet, row=row, column=column))

    responses = {int(m.group(1)): j for j, h in enumerate(header) if (m := RESPONSE.match(h))}
    questions = {int(m.group(1)): j for j, h in enumerate(header) if (m := QUESTION.match(h))}
    id_col = _column(header, ID_COLUMNS)
    if id_col is None:
        bad("Moodle 答题情况报表缺少考生编号列（ID number、Username 或 Email address）", 1)
    lacking = sorted(set(responses) - set(questions))
    if lacking:
        bad("Moodle 答题情况报表缺少题目文本列（Question "
            f"{'、'.join(map(str, lacking[:10]))}{' 等' if len(lacking) > 10 else ''}）：下载报表时请勾选「题目文本」"
            "（Question text），zujuan 据此找到每一格对应的试题与试卷", 1)
    if problems:
        raise DataError(problems, title="Moodle 答题情况报表有误，未写入任何文件")
    index = _Index(forms, bank)
    surname, first = _column(header, SURNAME_COLUMNS), _column(header, FIRST_COLUMNS)
    width = max(len(f.entries) for f in forms.values())
    out: list[tuple[int, list]] = [(1, [ID_HEADER, NAME_HEADER, FORM_HEADER] + [str(n) for n in range(1, width + 1)])]
    seen: dict[str, int] = {}

    def cell(r: list, j: int | None) -> str:
        v = r[j] if j is not None and j < len(r) else None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "" if v is None else str(v).strip()

    for i, r in rows[1:]:
        first_text = next((cell(r, j) for j in range(len(r)) if cell(r, j)), "")
        if first_text.lower().startswith(SUMMARY_ROWS):
            continue  # Moodle's «Overall average» line
        cid = cell(r, id_col)
        if not cid:
            bad("考生编号为空", i, id_col)
        elif cid in seen:
            bad(f"考生编号 {cid} 重复（另见第 {seen[cid]} 行；下载时请只取每人一次作答）", i, id_col)
        else:
            seen[cid] = i
        slots: dict[int, dict[str, ExportItem]] = {}
        for slot in sorted(responses):
            matched = index.match(cell(r, questions[slot]))
            if not matched:
                bad(f"第 {slot} 格的题目文本与试卷清单中的任何试题都不相符", i, questions[slot])
            slots[slot] = matched
        common = set(forms)
        for matched in slots.values():
            if matched:
                common &= set(matched)
        if any(not m for m in slots.values()):
            continue
        if len(common) != 1:
            what = "分属不同试卷" if not common else f"在 {'、'.join(sorted(common))} 中都有，无法确定是哪一套"
            bad(f"本行作答的试题{what}", i)
            continue
        code = common.pop()
        answers = [""] * len(forms[code].entries)
        numbers: dict[int, int] = {}
        for slot, matched in slots.items():
            it = matched[code]
            if it.number in numbers:
                bad(f"第 {slot} 格与第 {numbers[it.number]} 格是同一道题（试卷 {code} 第 {it.number} 题）", i,
                    questions[slot])
            numbers[it.number] = slot
            raw = cell(r, responses[slot])
            if raw in NO_ANSWER:
                continue
            if it.type is ItemType.JUDGE:
                value = TRUE_MARK if raw.lower() in MOODLE_TRUE else FALSE_MARK if raw.lower() in MOODLE_FALSE else None
            else:
                value = _letters(raw, it)
            if value is None:
                bad(f"作答「{raw[:40]}」不是试卷 {code} 第 {it.number} 题的选项", i, responses[slot])
                continue
            answers[it.number - 1] = value
        missing = sorted(set(range(1, len(answers) + 1)) - set(numbers))
        if missing:
            bad(f"本行缺少试卷 {code} 的第 {'、'.join(map(str, missing[:10]))}{' 等' if len(missing) > 10 else ''} 题", i)
        name = (cell(r, surname) + cell(r, first)) if surname is not None or first is not None else ""
        out.append((i, [cid, name, code] + answers + [""] * (width - len(answers))))
    if problems:
        raise DataError(problems, title="Moodle 答题情况报表有误，未写入任何文件")
    return out
