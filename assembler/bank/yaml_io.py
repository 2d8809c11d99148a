"""The canonical YAML format: reading records from files and writing items back."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem
from ..yaml_safe import YAMLRefused, load_yaml
from .models import Item, Task

try:  # libyaml's C dumper is ~10× faster on large banks (load_yaml uses its loader too)
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper  # type: ignore[misc,assignment]


def parse_yaml_bank(data: bytes, path: str, problems: list[Problem]) -> list[dict]:
    """Return the raw records of a YAML bank file ({"items": [...]} and/or {"tasks": [...]}).

    Each record gets `__row` (its 1-based position in its list). Problems are appended.
    """
    try:
        raw = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem("不是 UTF-8 编码的文本文件，不是题库文件", file=path))
        return []
    except YAMLRefused as exc:
        problems.append(Problem(f"YAML 文件被拒绝读取：{exc}", file=path))
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        problems.append(Problem(f"YAML 语法错误{where}：{getattr(exc, 'problem', exc)}", file=path,
                                hint="检查缩进、冒号后的空格和引号是否成对"))
        return []
    if not isinstance(raw, dict) or not any(k in raw for k in ("items", "tasks")):
        problems.append(Problem("不是题库文件：顶层应为含 items（客观题）或 tasks（操作题）列表的映射", file=path,
                                hint="参见 question_bank/FORMAT.md"))
        return []
    records = []
    for key in ("items", "tasks"):
        seq = raw.get(key) or []
        if not isinstance(seq, list):
            problems.append(Problem(f"{key} 应为列表", file=path))
            continue
        for i, rec in enumerate(seq, 1):
            if not isinstance(rec, dict):
                problems.append(Problem(f"{key} 第 {i} 项不是映射（应为 id: …, type: … 的字段集合）", file=path, row=i))
                continue
            rec = dict(rec)
            rec["__row"] = i
            if key == "tasks":
                rec.setdefault("type", "task")
            records.append(rec)
    return records


class _QuotedStr(str):
    pass


class _BlockStr(str):
    pass


class _BankDumper(_Dumper):
    pass


_BankDumper.add_representer(_QuotedStr, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style='"'))
_BankDumper.add_representer(_BlockStr, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|"))


def _prepare(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if k == "code":
            v = [_QuotedStr(c) for c in v] if isinstance(v, list) else _QuotedStr(v)
        elif isinstance(v, str) and "\n" in v:
            v = _BlockStr(v if v.endswith("\n") else v + "\n")
        out[k] = v
    return out


def dump_yaml_bank(records: list[Item | Task]) -> str:
    """Return YAML text for a list of items and/or tasks, in the canonical format."""
    items = [_prepare(r.to_dict()) for r in records if isinstance(r, Item)]
    tasks = [_prepare(r.to_dict()) for r in records if isinstance(r, Task)]
    doc: dict = {}
    if items:
        doc["items"] = items
    if tasks:
        doc["tasks"] = tasks
    return yaml.dump(doc, Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=1000)


def bank_files(paths: list[str | Path]) -> list[Path]:
    """Return the bank files under the given files/folders (YAML and xlsx), sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.suffix.lower() in (".yaml", ".yml", ".xlsx")
                          and not x.name.startswith((".", "~$"))
                          and not any(part.startswith(".") for part in x.relative_to(p).parts[:-1])
                          and "defence" not in x.relative_to(p).parts[:-1])  # 答辩题: bank/defence.py
        else:
            out.append(p)
    return out
