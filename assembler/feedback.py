"""Back into the bank: observed p (pooled over sessions, with the candidate count), a proposed
difficulty from p, and `status: review` for flagged items, written into the YAML entries.

plan_updates() returns the changes (shown as a diff summary); apply_updates() edits only the
lines of the entries concerned, so the hand-written files keep their layout and comments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .analyze import Analysis
from .bank.models import Bank, Status
from .errors import DataError, Problem
from .fileio import write_bytes_atomic
from .yaml_safe import load_yaml

REVIEW_FLAGS = ("miskey", "too_easy", "too_hard", "weak")


def difficulty_from_p(p: float) -> int:
    """Return the difficulty label (1 easiest … 5 hardest) a facility p suggests."""
    return 1 if p >= 0.85 else 2 if p >= 0.70 else 3 if p >= 0.50 else 4 if p >= 0.30 else 5


@dataclass(frozen=True, kw_only=True)
class ItemUpdate:
    id: str
    file: str
    old_p: float | None
    old_count: int
    new_p: float
    new_count: int
    old_difficulty: int
    new_difficulty: int
    review: bool  # becomes status: review
    reasons: tuple[str, ...] = ()

    def describe(self) -> str:
        old = "—" if self.old_p is None else f"{self.old_p:.3f}（{self.old_count} 人）"
        parts = [f"{self.id}：通过率 {old} → {self.new_p:.3f}（{self.new_count} 人）"]
        if self.new_difficulty != self.old_difficulty:
            parts.append(f"难度 {self.old_difficulty} → {self.new_difficulty}")
        if self.review:
            parts.append("状态 → 待审（" + "；".join(self.reasons) + "）")
        return "，".join(parts)


def plan_updates(analysis: Analysis, bank: Bank, mark_review: bool = False) -> list[ItemUpdate]:
    """Return the bank changes an analysis implies, pooling its p with each item's recorded p.

    Raises DataError for analysed items that are not in the bank or not in a YAML file.
    """
    by_id = {it.id: it for it in bank.items}
    seen: dict[str, list] = {}
    for fa in analysis.forms:
        for s in fa.items:
            seen.setdefault(s.id, []).append((s, fa.candidates))
    problems, out = [], []
    for iid, stats in seen.items():
        item = by_id.get(iid)
        if item is None or item.origin is None or not item.origin.file.endswith((".yaml", ".yml")):
            problems.append(Problem(f"题目 {iid} 不在 YAML 题库中，无法写回通过率"))
            continue
        n_new = sum(n for _, n in stats)
        hits = sum(s.p * n for s, n in stats)
        old_n = (item.p_count or 0) if item.p_value is not None else 0
        total = old_n + n_new
        p = (hits + (item.p_value or 0) * old_n) / total
        flagged = [r for s, _ in stats for code, r in s.flags if code in REVIEW_FLAGS]
        review = mark_review and bool(flagged) and item.status is Status.ACTIVE
        out.append(ItemUpdate(id=iid, file=item.origin.file, old_p=item.p_value, old_count=old_n, new_p=round(p, 4),
                              new_count=total, old_difficulty=item.difficulty,
                              new_difficulty=difficulty_from_p(p), review=review, reasons=tuple(flagged)))
    if problems:
        raise DataError(problems, title="无法写回题库")
    return sorted(out, key=lambda u: (u.file, u.id))


def diff_summary(updates: list[ItemUpdate]) -> str:
    """Return the changes as text, one line per item, grouped by file."""
    lines, current = [], None
    for u in updates:
        if u.file != current:
            current = u.file
            lines.append(f"{u.file}：")
        lines.append("  " + u.describe())
    changed = sum(u.new_difficulty != u.old_difficulty for u in updates)
    lines.append(f"共 {len(updates)} 题写入通过率，{changed} 题调整难度，{sum(u.review for u in updates)} 题标为待审。")
    return "\n".join(lines) + "\n"


def _set_field(block: list[str], key: str, value: str, after: str) -> list[str]:
    """Return the entry's lines with `key: value` replaced, or inserted after the `after` field."""
    pat = re.compile(rf"^(\s+){key}:")
    for i, line in enumerate(block):
        m = pat.match(line)
        if m:
            block[i] = f"{m.group(1)}{key}: {value}\n"
            return block
    indent = "    "
    for i, line in enumerate(block):
        m = re.match(rf"^(\s+){after}:", line)
        if m:
            indent = m.group(1)
            j = i + 1
            while j < len(block) and block[j].startswith(indent + " "):  # a multi-line value
                j += 1
            block.insert(j, f"{indent}{key}: {value}\n")
            return block
    end = len(block)
    while end > 1 and not block[end - 1].strip():
        end -= 1
    block.insert(end, f"{indent}{key}: {value}\n")
    return block


def apply_updates(updates: list[ItemUpdate]) -> list[str]:
    """Write the updates into their YAML files (each checked to parse before it replaces the old one).

    Return the files written. Raises DataError if an entry cannot be found or a file would break.
    """
    written = []
    by_file: dict[str, list[ItemUpdate]] = {}
    for u in updates:
        by_file.setdefault(u.file, []).append(u)
    new_texts = {}
    for file, ups in by_file.items():
        lines = Path(file).read_text(encoding="utf-8").splitlines(keepends=True)
        starts = [i for i, line in enumerate(lines) if re.match(r"^\s*- id:\s*", line)]
        index = {re.sub(r"^\s*- id:\s*", "", lines[i]).strip().strip("'\""): i for i in starts}
        for u in sorted(ups, key=lambda u: -index.get(u.id, -1)):
            if u.id not in index:
                raise DataError([Problem(f"找不到题目 {u.id} 的条目", file=file)], title="无法写回题库")
            a = index[u.id]
            b = next((s for s in starts if s > a), len(lines))
            block = lines[a:b]
            block = _set_field(block, "difficulty", str(u.new_difficulty), "answer")
            block = _set_field(block, "p_value", f"{u.new_p:.4g}", "difficulty")
            block = _set_field(block, "p_count", str(u.new_count), "p_value")
            if u.review:
                block = _set_field(block, "status", "review", "p_count")
            lines[a:b] = block
        text = "".join(lines)
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            raise DataError([Problem(f"写回后不是合法的 YAML：{exc}", file=file)], title="无法写回题库") from None
        got = {str(r.get("id")): r for r in data.get("items") or []}
        for u in ups:
            if got.get(u.id, {}).get("p_count") != u.new_count:
                raise DataError([Problem(f"写回题目 {u.id} 失败", file=file)], title="无法写回题库")
        new_texts[file] = text
    for file, text in new_texts.items():
        write_bytes_atomic(file, text.encode("utf-8"), overwrite=True)
        written.append(file)
    return written


def record_in_ledger(path: str | Path, analysis: Analysis, analysed: str | None = None) -> None:
    """Write every analysed item's p and r_pb into the ledger under its form's session."""
    from datetime import date

    from .ledger import record_analysis

    day = analysed or date.today().isoformat()
    rows = [(fa.session or fa.form, fa.form, day, s.id, fa.candidates, s.p, s.r_pb, "；".join(r for _, r in s.flags))
            for fa in analysis.forms for s in fa.items]
    record_analysis(path, rows)
