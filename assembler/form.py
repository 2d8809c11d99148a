"""Forms (one assembled paper) and their manifests (the JSON later commands read)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem
from .rules import band_counts
from .standard import Kind
from .structure import ItemType

MANIFEST_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class FormEntry:
    """One item or task as placed in a form."""

    number: int  # paper order, continuous across sections (tasks: 1, 2, 3 …)
    id: str
    type: ItemType
    function: str
    code: str
    work_content: str
    points: float
    difficulty: int
    permutation: str = ""  # original option letters in displayed order, e.g. "CADB"; "" = unchanged
    answer: str = ""  # the displayed answer (letters after permutation, or √/×); tasks: ""
    duration: int = 0  # tasks only


@dataclass(frozen=True, kw_only=True)
class Tally:
    """Items and points of one function or item type in a form."""

    count: int
    points: float | int

    def to_dict(self) -> dict:
        return {"count": self.count, "points": self.points}


@dataclass(frozen=True, kw_only=True)
class FormTotals:
    """A form's items and points per function and per item type (the manifest's "totals")."""

    functions: dict[str, Tally]
    types: dict[str, Tally]  # by ItemType value
    points: float | int

    def to_dict(self) -> dict:
        return {"functions": {k: v.to_dict() for k, v in self.functions.items()},
                "types": {k: v.to_dict() for k, v in self.types.items()}, "points": self.points}


@dataclass(frozen=True, kw_only=True)
class FormDifficulty:
    """A form's mean difficulty and its items per band (the manifest's "difficulty")."""

    mean: float
    easy: int
    medium: int
    hard: int

    def to_dict(self) -> dict:
        return {"mean": self.mean, "easy": self.easy, "medium": self.medium, "hard": self.hard}


@dataclass(frozen=True, kw_only=True)
class Form:
    code: str
    level: str
    direction: str | None
    kind: Kind
    structure: str | None
    title: str
    seed: int
    bank_hash: str
    blueprint_hash: str
    created: str
    duration_minutes: int
    entries: tuple[FormEntry, ...]
    session: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def totals(self) -> FormTotals:
        """Return the items and points per function and per item type, and the points in all."""
        funcs: dict[str, Tally] = {}
        types: dict[str, Tally] = {}
        for e in self.entries:
            for table, key in ((funcs, e.function), (types, e.type.value)):
                t = table.get(key, Tally(count=0, points=0))
                table[key] = Tally(count=t.count + 1, points=_round(t.points + e.points))
        return FormTotals(functions=funcs, types=types, points=_round(sum(e.points for e in self.entries)))

    def difficulty(self) -> FormDifficulty:
        """Return the mean difficulty and the items in each difficulty band."""
        ds = [e.difficulty for e in self.entries]
        if not ds:
            return FormDifficulty(mean=0, easy=0, medium=0, hard=0)
        easy, medium, hard = band_counts(ds)
        return FormDifficulty(mean=round(sum(ds) / len(ds), 3), easy=easy, medium=medium, hard=hard)

    def to_manifest(self) -> dict:
        """Return the manifest (the JSON contract for review, verify and render)."""
        m = {
            "manifest_version": MANIFEST_VERSION,
            "form": self.code, "session": self.session, "title": self.title,
            "level": self.level, "direction": self.direction, "kind": self.kind.value,
            "structure": self.structure, "seed": self.seed, "bank_hash": self.bank_hash,
            "blueprint_hash": self.blueprint_hash, "created": self.created,
            "duration_minutes": self.duration_minutes,
            "items": [_entry_dict(e, self.kind) for e in self.entries],
            "totals": self.totals().to_dict(), "difficulty": self.difficulty().to_dict(),
        }
        m.update(self.extra)
        return m


def _round(x: float) -> float | int:
    x = round(x, 4)
    return int(x) if float(x).is_integer() else x


def _entry_dict(e: FormEntry, kind: Kind) -> dict:
    d = {"number": e.number, "id": e.id, "type": e.type.value, "function": e.function, "code": e.code,
         "work_content": e.work_content, "points": _round(e.points), "difficulty": e.difficulty}
    if kind is Kind.THEORY:
        d["permutation"] = e.permutation
        d["answer"] = e.answer
    else:
        d["duration"] = e.duration
    return d


def manifest_json(form: Form) -> str:
    return json.dumps(form.to_manifest(), ensure_ascii=False, indent=2) + "\n"


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_character_field(value: object, where: str = "") -> str | None:
    """Return the first field (a dotted path) whose text holds a control character, or None."""
    if isinstance(value, str):
        return where or "（顶层）" if _CONTROL_CHARS.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found = _control_character_field(child, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def form_from_manifest(data: dict, source: str = "") -> Form:
    """Return a Form read back from a manifest dict. Raises DataError if it is not a manifest, or if
    a text holds control characters or an item's points are not a finite number from 0 to 100."""
    bad = _control_character_field(data)
    if bad:
        raise DataError([Problem(f"试卷清单的字段 {bad} 含有控制字符，不是 zujuan 写出的清单", file=source)],
                        title="试卷清单有误")
    try:
        kind = Kind(data["kind"])
        entries = tuple(
            FormEntry(number=int(e["number"]), id=str(e["id"]), type=ItemType(e["type"]), function=str(e["function"]),
                      code=str(e["code"]), work_content=str(e.get("work_content", "")), points=float(e["points"]),
                      difficulty=int(e.get("difficulty", 3)), permutation=str(e.get("permutation", "")),
                      answer=str(e.get("answer", "")), duration=int(e.get("duration", 0)))
            for e in data["items"])
        if not all(0 <= e.points <= 100 for e in entries):  # (NaN and inf fail this too)
            raise ValueError("points")
        known = {"manifest_version", "form", "session", "title", "level", "direction", "kind", "structure", "seed",
                 "bank_hash", "blueprint_hash", "created", "duration_minutes", "items", "totals", "difficulty"}
        return Form(code=str(data["form"]), level=str(data["level"]), direction=data.get("direction"), kind=kind,
                    structure=data.get("structure"), title=str(data.get("title", "")), seed=int(data["seed"]),
                    bank_hash=str(data["bank_hash"]), blueprint_hash=str(data["blueprint_hash"]),
                    created=str(data.get("created", "")), duration_minutes=int(data.get("duration_minutes", 0)),
                    entries=entries, session=str(data.get("session", "")),
                    extra={k: v for k, v in data.items() if k not in known})
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError([Problem(f"不是有效的试卷清单（manifest）：缺少或错误的字段 {exc}", file=source)],
                        title="试卷清单有误") from None


def load_manifest(path: str | Path) -> Form:
    """Return the Form in a manifest file. Raises DataError for unreadable or malformed files."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError([Problem("文件不存在", file=str(p))], title="试卷清单有误") from None
    except IsADirectoryError:
        raise DataError([Problem("是文件夹，不是试卷清单", file=str(p))], title="试卷清单有误") from None
    except OSError as exc:
        raise DataError([Problem(f"无法读取：{exc.strerror or exc}", file=str(p))], title="试卷清单有误") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(f"不是 JSON 格式：{exc}", file=str(p))], title="试卷清单有误") from None
    except RecursionError:
        raise DataError([Problem("不是试卷清单：JSON 嵌套层数过多", file=str(p))], title="试卷清单有误") from None
    if not isinstance(data, dict):
        raise DataError([Problem("不是试卷清单（应为 JSON 对象）", file=str(p))], title="试卷清单有误")
    return form_from_manifest(data, str(p))
