"""The occupational standard as data: levels, directions, functions, requirements and weights.

`load_standard()` reads `blueprints/standard.yaml` and checks it; lookups never touch files.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, InputError, Problem
from .resources import DATA_ROOT as PACKAGE_ROOT  # the shipped data (see resources)
from .yaml_safe import load_yaml_file

DEFAULT_STANDARD = PACKAGE_ROOT / "blueprints" / "standard.yaml"

BASIC_FUNCTIONS = ("职业道德", "基础知识")


class Kind(str, enum.Enum):
    THEORY = "theory"
    SKILL = "skill"

    @property
    def label(self) -> str:
        return "理论知识" if self is Kind.THEORY else "操作技能"


@dataclass(frozen=True)
class Requirement:
    code: str
    text: str


@dataclass(frozen=True)
class WorkContent:
    code: str
    name: str
    skills: tuple[Requirement, ...] = ()
    knowledge: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Function:
    """An occupational function at one level (number restarts at each level)."""

    level: str
    number: int
    name: str
    work_contents: tuple[WorkContent, ...]

    def knowledge(self) -> tuple[Requirement, ...]:
        return tuple(r for wc in self.work_contents for r in wc.knowledge)

    def skills(self) -> tuple[Requirement, ...]:
        return tuple(r for wc in self.work_contents for r in wc.skills)


@dataclass(frozen=True)
class BasicItem:
    """A section-2 item (e.g. 2.2.6) with its numbered sub-items (e.g. 2.2.6(11))."""

    code: str
    name: str
    subitems: tuple[Requirement, ...] = ()

    def codes(self) -> tuple[str, ...]:
        """Return the codes an item may be tagged with: the sub-items, or the item itself."""
        return tuple(s.code for s in self.subitems) or (self.code,)


@dataclass(frozen=True)
class BasicSection:
    code: str
    name: str  # 职业道德 | 基础知识
    items: tuple[BasicItem, ...]


@dataclass(frozen=True)
class Level:
    code: str  # "4" | "3" | "2" | "1"
    name: str  # 四级
    title: str  # 中级工

    @property
    def label(self) -> str:
        return f"{self.name}/{self.title}"


@dataclass(frozen=True)
class Direction:
    code: str
    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Assessment:
    theory_minutes: int
    skill_minutes: int
    review_minutes: int
    full_marks: int
    pass_mark: int
    review_levels: tuple[str, ...] = ("2", "1")   # levels examined by 综合评审 (1.9.2)
    review_panel_min: int = 3                     # 综合评审委员 3 人（含）以上单数 (1.9.3)


@dataclass(frozen=True)
class Standard:
    name: str
    code: str
    edition: str
    levels: tuple[Level, ...]
    directions: tuple[Direction, ...]
    assessment: Assessment
    basics: tuple[BasicSection, ...]
    functions: dict = field(hash=False, compare=False)  # level -> tuple[Function, ...]
    direction_functions: dict = field(hash=False, compare=False)  # level -> {dir: (numbers)}
    weight_columns: tuple[str, ...] = ()
    theory_weights: dict = field(default_factory=dict, hash=False, compare=False)
    skill_weights: dict = field(default_factory=dict, hash=False, compare=False)

    # ---- lookups -------------------------------------------------------------------------
    def level(self, code: str) -> Level:
        return next(lv for lv in self.levels if lv.code == code)

    def direction(self, code: str) -> Direction:
        return next(d for d in self.directions if d.code == code)

    def functions_at(self, level: str) -> tuple[Function, ...]:
        return self.functions[level]

    def function(self, level: str, name: str) -> Function | None:
        return next((f for f in self.functions.get(level, ()) if f.name == name), None)

    def basic_section(self, name: str) -> BasicSection | None:
        return next((b for b in self.basics if b.name == name), None)

    def basic_item(self, code: str) -> BasicItem | None:
        """Return the section-2 item with this code (e.g. 2.2.6), or None."""
        return next((it for b in self.basics for it in b.items if it.code == code), None)

    def has_directions(self, level: str) -> bool:
        """Return whether the level's weight tables differ by direction (四级, 三级)."""
        return bool(self.direction_functions.get(level))

    def column(self, level: str, direction: str | None) -> str:
        return f"{level}{direction}" if self.has_directions(level) else level

    def weights(self, kind: Kind, level: str, direction: str | None) -> list[tuple[str, int]]:
        """Return [(row name, weight)] for one weight-table column, in the table's order."""
        table = self.theory_weights if kind is Kind.THEORY else self.skill_weights
        idx = self.weight_columns.index(self.column(level, direction))
        return [(name, vals[idx]) for name, vals in table.items() if vals[idx] is not None]

    def examined_functions(self, kind: Kind, level: str, direction: str | None) -> list[Function]:
        """Return the level's functions examined in that column, in the standard's order."""
        names = {n for n, _ in self.weights(kind, level, direction)}
        return [f for f in self.functions_at(level) if f.name in names]

    def valid_combinations(self) -> list[tuple[str, str | None]]:
        """Return every (level, direction) that has its own weight column."""
        out: list[tuple[str, str | None]] = []
        for lv in self.levels:
            if self.has_directions(lv.code):
                out += [(lv.code, d.code) for d in self.directions if lv.code in d.levels]
            else:
                out.append((lv.code, None))
        return out

    def knowledge_codes(self, level: str, function: str) -> dict[str, str]:
        """Return {code: text} of the codes a theory item of that function may carry (memoised)."""
        memo = self.__dict__.setdefault("_memo_knowledge", {})
        key = (level, function)
        if key not in memo:
            memo[key] = self._knowledge_codes(level, function)
        return memo[key]

    def _knowledge_codes(self, level: str, function: str) -> dict[str, str]:
        section = self.basic_section(function)
        if section is not None:
            return {c: _basic_text(it, c) for it in section.items for c in it.codes()}
        fn = self.function(level, function)
        return {r.code: r.text for r in fn.knowledge()} if fn else {}

    def skill_codes(self, level: str, function: str) -> dict[str, str]:
        """Return {code: text} of the skill requirements of a function at a level (memoised)."""
        memo = self.__dict__.setdefault("_memo_skill", {})
        key = (level, function)
        if key not in memo:
            fn = self.function(level, function)
            memo[key] = {r.code: r.text for r in fn.skills()} if fn else {}
        return memo[key]

    def function_names(self) -> list[str]:
        names = list(BASIC_FUNCTIONS)
        for lv in self.levels:
            for f in self.functions_at(lv.code):
                if f.name not in names:
                    names.append(f.name)
        return names


def _basic_text(item: BasicItem, code: str) -> str:
    for s in item.subitems:
        if s.code == code:
            return f"{item.name}：{s.text}"
    return item.name


# ---- parsing user choices ---------------------------------------------------------------------
_LEVEL_ALIASES = {
    "4": ("4", "四级", "中级工", "四级/中级工", "中级"),
    "3": ("3", "三级", "高级工", "三级/高级工"),
    "2": ("2", "二级", "技师", "二级/技师"),
    "1": ("1", "一级", "高级技师", "一级/高级技师"),
}


def parse_level(value: object) -> str:
    """Return the level code for 4/3/2/1, 四级, 中级工 …; raise InputError otherwise."""
    text = re.sub(r"\s+", "", str(value)).replace("／", "/")
    for code, aliases in _LEVEL_ALIASES.items():
        if text in aliases:
            return code
    raise InputError(f"等级「{value}」无效：请填写 4/3/2/1，或 四级/中级工、三级/高级工、二级/技师、一级/高级技师。")


def parse_review_level(value: object, standard: Standard) -> str:
    """Return the level code of a level examined by 综合评审 (二级, 一级); raise InputError otherwise."""
    lv = parse_level(value)
    if lv not in standard.assessment.review_levels:
        names = "、".join(standard.level(x).name for x in standard.assessment.review_levels)
        raise InputError(f"综合评审只适用于{names}，{standard.level(lv).name}不进行综合评审。")
    return lv


def parse_direction(value: object, standard: Standard) -> str:
    """Return the direction code for A–E or a direction name; raise InputError otherwise."""
    text = str(value).strip()
    for d in standard.directions:
        if text.upper() == d.code or text == d.name or text == f"{d.name}方向":
            return d.code
    names = "、".join(f"{d.code} {d.name}" for d in standard.directions)
    raise InputError(f"职业方向「{value}」无效：请填写 {names}。")


def parse_kind(value: object) -> Kind:
    """Return the Kind for theory/skill, 理论/技能; raise InputError otherwise."""
    text = str(value).strip().lower()
    if text in ("theory", "理论", "理论知识", "理论知识考试"):
        return Kind.THEORY
    if text in ("skill", "技能", "操作技能", "操作技能考核", "实操"):
        return Kind.SKILL
    raise InputError(f"考试类型「{value}」无效：请填写 theory（理论）或 skill（技能）。")


def resolve_choice(standard: Standard, level: object, direction: object | None) -> tuple[str, str | None]:
    """Return (level, direction) checked against the standard; raise InputError if impossible."""
    lv = parse_level(level)
    d = parse_direction(direction, standard) if direction not in (None, "") else None
    level_obj = standard.level(lv)
    if standard.has_directions(lv):
        if d is None:
            allowed = "、".join(
                f"{x.code} {x.name}" for x in standard.directions if lv in x.levels
            )
            raise InputError(f"{level_obj.label} 须指定职业方向（--direction）：可选 {allowed}。")
        dobj = standard.direction(d)
        if lv not in dobj.levels:
            first = min(dobj.levels, key=lambda c: -int(c))
            raise InputError(
                f"{level_obj.label} 没有「{dobj.name}」职业方向：{dobj.name}方向从"
                f"{standard.level(first).name}起设置（可选等级："
                + "、".join(standard.level(c).name for c in dobj.levels) + "）。"
            )
        return lv, d
    # levels 2 and 1: one table for every direction; a valid direction is accepted and ignored
    if d is not None and lv not in standard.direction(d).levels:
        raise InputError(f"{level_obj.label} 没有「{standard.direction(d).name}」职业方向。")
    return lv, None


def work_content_of(code: str, function: str) -> str:
    """Return the work-content code an item code belongs to (2.2.3 → 2.2; 2.2.6(11) → 2.2.6)."""
    if function in BASIC_FUNCTIONS:
        return code.split("(")[0]
    return ".".join(code.split(".")[:2])


# ---- loading ------------------------------------------------------------------------------------
def _reqs(raw: Any, where: str, problems: list[Problem], path: str) -> tuple[Requirement, ...]:
    out = []
    for entry in raw or []:
        if not (isinstance(entry, list) and len(entry) == 2):
            problems.append(Problem(f"{where} 的要求应写成 [代码, 文字]：{entry!r}", file=path))
            continue
        out.append(Requirement(str(entry[0]), str(entry[1]).strip()))
    return tuple(out)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Standard:
    try:
        raw = load_yaml_file(path)
    except FileNotFoundError:
        raise DataError(f"找不到职业标准文件 {path}", title="职业标准编码有误") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path} 不是合法的 YAML：{exc}", title="职业标准编码有误") from None
    problems: list[Problem] = []
    try:
        std = _build(raw, path, problems)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError([Problem(f"结构不完整：缺少或错误的字段 {exc}", file=path)],
                        title="职业标准编码有误") from None
    problems += check_standard(std, path)
    if problems:
        raise DataError(problems, title="职业标准编码有误")
    return std


def load_standard(path: str | Path | None = None) -> Standard:
    """Return the encoded standard, checked. Raises DataError listing every problem."""
    return _load_cached(str(Path(path or DEFAULT_STANDARD).resolve()))


def _build(raw: dict, path: str, problems: list[Problem]) -> Standard:
    levels = tuple(Level(str(x["level"]), x["name"], x["title"]) for x in raw["levels"])
    directions = tuple(
        Direction(x["code"], x["name"], tuple(str(v) for v in x["levels"])) for x in raw["directions"]
    )
    a = raw["assessment"]
    assessment = Assessment(theory_minutes=a["theory_minutes"], skill_minutes=a["skill_minutes"],
                            review_minutes=a["review_minutes"],
                            full_marks=a["full_marks"], pass_mark=a["pass_mark"],
                            review_levels=tuple(str(v) for v in a.get("review_levels", ("2", "1"))),
                            review_panel_min=int(a.get("review_panel_min", 3)))
    basics = tuple(
        BasicSection(
            str(sec["code"]), sec["name"],
            tuple(BasicItem(str(it["code"]), it["name"],
                            _reqs(it.get("subitems"), it["code"], problems, path))
                  for it in sec["items"]),
        )
        for sec in raw["basics"]
    )
    functions: dict[str, tuple[Function, ...]] = {}
    direction_functions: dict[str, dict[str, tuple[int, ...]]] = {}
    for lv in raw["work_requirements"]:
        code = str(lv["level"])
        functions[code] = tuple(
            Function(
                code, int(f["number"]), f["name"],
                tuple(
                    WorkContent(str(wc["code"]), wc["name"],
                                _reqs(wc.get("skills"), wc["code"], problems, path),
                                _reqs(wc.get("knowledge"), wc["code"], problems, path))
                    for wc in f["work_contents"]
                ),
            )
            for f in lv["functions"]
        )
        direction_functions[code] = {
            k: tuple(int(n) for n in v) for k, v in (lv.get("direction_functions") or {}).items()
        }
    return Standard(
        name=raw["name"], code=raw["code"], edition=raw["edition"], levels=levels,
        directions=directions, assessment=assessment, basics=basics, functions=functions,
        direction_functions=direction_functions,
        weight_columns=tuple(str(c) for c in raw["weight_columns"]),
        theory_weights={k: list(v) for k, v in raw["theory_weights"].items()},
        skill_weights={k: list(v) for k, v in raw["skill_weights"].items()},
    )


def check_standard(std: Standard, path: str = "") -> list[Problem]:  # noqa: C901
    """Return the encoding's problems: duplicate codes, bad weight columns, unknown functions."""
    problems: list[Problem] = []

    def dup(codes: list[str], where: str) -> None:
        seen = set()
        for c in codes:
            if c in seen:
                problems.append(Problem(f"{where} 的代码 {c} 重复", file=path))
            seen.add(c)

    dup([it.code for sec in std.basics for it in sec.items]
        + [s.code for sec in std.basics for it in sec.items for s in it.subitems], "基本要求")
    for lv, fns in std.functions.items():
        dup([str(f.number) for f in fns], f"{lv}级 职业功能")
        for f in fns:
            dup([wc.code for wc in f.work_contents], f"{lv}级 {f.name} 工作内容")
            dup([r.code for r in f.skills()], f"{lv}级 {f.name} 技能要求")
            dup([r.code for r in f.knowledge()], f"{lv}级 {f.name} 相关知识要求")
            for wc in f.work_contents:
                for r in (*wc.skills, *wc.knowledge):
                    if not r.code.startswith(wc.code + "."):
                        problems.append(Problem(
                            f"{lv}级 {f.name} 工作内容 {wc.code} 下的要求 {r.code} 编号不属于该工作内容",
                            file=path))
                if not wc.code.startswith(f"{f.number}."):
                    problems.append(Problem(f"{lv}级 工作内容 {wc.code} 不属于职业功能 {f.number}", file=path))
    ncol = len(std.weight_columns)
    for table_name, table in (("理论知识权重表", std.theory_weights), ("技能要求权重表", std.skill_weights)):
        for row, vals in table.items():
            if len(vals) != ncol:
                problems.append(Problem(f"{table_name}「{row}」行应有 {ncol} 列，实有 {len(vals)} 列", file=path))
        if problems:
            continue
        for i, col in enumerate(std.weight_columns):
            level = col[0]
            total = sum(v[i] for v in table.values() if v[i] is not None)
            if total != 100:
                problems.append(Problem(f"{table_name} {col} 列合计为 {total}，应为 100", file=path))
            for row, vals in table.items():
                if vals[i] is None or row in BASIC_FUNCTIONS:
                    continue
                if std.function(level, row) is None:
                    problems.append(Problem(f"{table_name} {col} 列给「{row}」赋了权重，但{level}级没有该职业功能",
                                            file=path))
            if len(col) == 2:  # a direction column: must match 3.x's list of examined functions
                listed = std.direction_functions.get(level, {}).get(col[1])
                weighted = sorted(fn.number for r, v in table.items()
                                  if v[i] is not None and r not in BASIC_FUNCTIONS
                                  and (fn := std.function(level, r)) is not None)
                if listed is not None and sorted(listed) != weighted:
                    problems.append(Problem(
                        f"{table_name} {col} 列加权的职业功能 {weighted} 与工作要求所列考核功能 {list(listed)} 不一致",
                        file=path))
    return problems
