"""Import a workbook into the YAML bank, and export the bank to a workbook."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem
from ..fileio import write_files_atomic
from ..standard import Standard, load_standard
from ..yaml_safe import load_yaml
from .defence import DefenceQuestion, defence_files, is_defence_file
from .loader import DEFAULT_BANK, read_bank
from .models import Bank, Item, Task
from .yaml_io import bank_files, parse_yaml_bank

ABBREVIATIONS = {"市场分析": "SCFX", "内容创作": "NRCZ", "运营管理": "YYGL", "直播运营": "ZBYY", "流量运营": "LLYY",
                 "数据优化": "SJYH", "数据分析": "SJFX", "营销传播": "YXCB", "组织管理": "ZZGL", "财务管理": "CWGL",
                 "职业道德": "ZYDD", "基础知识": "JCZS"}


@dataclass(frozen=True)
class ImportResult:
    added: int
    replaced: int
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]


def target_file(into: Path, rec: Item | Task | DefenceQuestion) -> Path:
    """Return the canonical YAML file for a record: theory/L4-NRCZ.yaml, skill/S4-NRCZ.yaml,
    defence/D2.yaml …"""
    if isinstance(rec, DefenceQuestion):
        return into / "defence" / f"D{rec.level}.yaml"
    abbr = ABBREVIATIONS.get(rec.function, "QT")
    if isinstance(rec, Task):
        return into / "skill" / f"S{rec.level}-{abbr}.yaml"
    prefix = "JC" if rec.level is None else f"L{rec.level}"
    return into / "theory" / f"{prefix}-{abbr}.yaml"


def _is_defence_target(into: Path, f: Path) -> bool:
    return "defence" in f.relative_to(into).parts[:-1] or (f.exists() and is_defence_file(f))


def _raw_records(path: Path) -> list[dict]:
    if is_defence_file(path):
        return list(load_yaml(path.read_text(encoding="utf-8"))["defence"])
    problems: list[Problem] = []
    records = parse_yaml_bank(path.read_bytes(), str(path), problems)
    if problems:
        raise DataError(problems, title="目标题库文件有误，未导入")
    for r in records:
        r.pop("__row", None)
    return records


def import_workbook(source: str | Path, into: str | Path | None = None, replace: bool = False,
                    standard: Standard | None = None) -> ImportResult:
    """Validate a workbook and write its items and tasks into the YAML bank under `into`.

    Raises DataError (writing nothing) if the workbook has any error, or if an id already exists
    in the bank and replace is False.
    """
    std = standard or load_standard()
    into = Path(into or DEFAULT_BANK)
    new_bank, problems = read_bank([source], std)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors, title=f"{source} 有错误，未导入任何题目")
    existing: Bank | None = None
    existing_problems: list[Problem] = []
    if into.exists() and (bank_files([into]) or defence_files([into])):
        existing, existing_problems = read_bank([into], std)
    existing_errors = [p for p in existing_problems if p.severity == "error"]
    if existing_errors:
        raise DataError(existing_errors, title=f"目标题库 {into} 本身有错误，未导入")
    from .models import is_example_id

    records: tuple[Item | Task | DefenceQuestion, ...] = (*new_bank.records, *new_bank.defence)
    incoming = [r for r in records if not is_example_id(r.id)]
    skipped = [r for r in records if is_example_id(r.id)]
    have: dict[str, Item | Task | DefenceQuestion] = (
        {} if existing is None else {**{q.id: q for q in existing.defence}, **{x.id: x for x in existing.records}})
    if skipped and not incoming:
        raise DataError([Problem(f"第 {r.origin.row} 行是模板示例 {r.id}", file=str(source), sheet=r.origin.sheet,
                                 row=r.origin.row, column="题号", hint="删除示例行，填写自己的题目")
                         for r in skipped], title=f"{source} 只有模板示例（题号 EX-…），未导入任何题目")
    problems = [p for p in problems if not (p.severity == "warning" and "模板示例" in p.message)]
    problems += [Problem(f"跳过模板示例 {r.id}（示例永不导入）", file=str(source), sheet=r.origin.sheet,
                         row=r.origin.row, column="题号", severity="warning") for r in skipped]
    clashes = [r for r in incoming if r.id in have]
    if clashes and not replace:
        raise DataError([Problem(f"题号 {r.id} 已存在于 {have[r.id].origin.file}", file=str(source),
                                 sheet=r.origin.sheet, row=r.origin.row, column="题号",
                                 hint="改用新题号；如确要覆盖原题，加 --replace") for r in clashes],
                        title="题号已存在，未导入任何题目")
    # plan every file's new content first; write only when all are ready
    plans: dict[Path, list[dict]] = {}
    replaced_ids = {r.id for r in clashes}
    if replaced_ids:
        for f in (*bank_files([into]), *defence_files([into])):
            if f.suffix.lower() in (".yaml", ".yml"):
                raw = _raw_records(f)
                kept = [r for r in raw if str(r.get("id")) not in replaced_ids]
                if len(kept) != len(raw):
                    plans[f] = kept
    grouped: dict[Path, list] = defaultdict(list)
    for r in incoming:
        grouped[target_file(into, r)].append(r)
    texts: dict[Path, str] = {}
    for f, new_records in grouped.items():
        base = plans.pop(f, None)
        if base is None and f.exists():
            base = _raw_records(f)
        texts[f] = _merge_text(base or [], new_records, _is_defence_target(into, f))
    for f, kept in plans.items():
        texts[f] = _merge_text(kept, [], _is_defence_target(into, f))
    write_files_atomic(into, {str(f.relative_to(into)): t.encode("utf-8") for f, t in texts.items()})
    return ImportResult(len(incoming) - len(clashes), len(clashes), tuple(str(f) for f in sorted(texts)),
                        tuple(p for p in problems if p.severity == "warning"))


def _merge_text(base: list[dict], new: list[Item | Task | DefenceQuestion], defence: bool = False) -> str:
    """Return the YAML text of a bank file holding base (raw records) and new; defence=True: a
    defence file (`defence: [...]`)."""
    import yaml

    if defence:
        return yaml.safe_dump({"defence": base + [r.to_dict() for r in new]}, allow_unicode=True, sort_keys=False,
                              width=100)
    from .yaml_io import _BankDumper, _prepare

    items = [r for r in base if r.get("type") != "task"] + [_prepare(r.to_dict()) for r in new if isinstance(r, Item)]
    tasks = [r for r in base if r.get("type") == "task"] + [_prepare(r.to_dict()) for r in new if isinstance(r, Task)]
    doc: dict = {}
    if items:
        doc["items"] = [_prepare(r) if isinstance(r, dict) else r for r in items]
    if tasks:
        doc["tasks"] = [_prepare(r) if isinstance(r, dict) else r for r in tasks]
    return yaml.dump(doc, Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=1000)
