"""答辩题 (defence questions) of the 综合评审: the record type, its YAML form and its checks.

A file under question_bank/defence/ holds `defence: [ … ]`. Each question carries 评分要点 rows
whose points add up to the question's points, so a second panel member scores it the same way.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, InputError, Problem
from ..standard import PACKAGE_ROOT, Standard, parse_level
from ..structure import plain_number
from ..yaml_safe import load_yaml_file
from .models import Origin, Status, _with_bookkeeping, is_example_id

DEFENCE_DIR = PACKAGE_ROOT / "question_bank" / "defence"
FIELDS = ("id", "type", "level", "function", "code", "question", "points", "rubric", "follow_ups",
          "enemies", "status", "source")
STATUS_WORDS = {"active": Status.ACTIVE, "启用": Status.ACTIVE, "retired": Status.RETIRED, "停用": Status.RETIRED}


@dataclass(frozen=True)
class ScoringPoint:
    point: str  # 评分要点
    points: Fraction


@dataclass(frozen=True, kw_only=True)
class DefenceQuestion:
    id: str
    level: str
    function: str
    codes: tuple[str, ...]  # skill-requirement codes
    question: str
    points: Fraction
    rubric: tuple[ScoringPoint, ...]
    follow_ups: tuple[str, ...] = ()  # 追问
    enemies: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    source: str = ""
    origin: Origin | None = None

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    def to_dict(self) -> dict:
        """Return the YAML mapping of the question (the inverse of parse_defence)."""
        d = {"id": self.id, "type": "defence", "level": int(self.level), "function": self.function,
             "code": list(self.codes), "question": self.question, "points": plain_number(self.points),
             "rubric": [{"point": r.point, "points": plain_number(r.points)} for r in self.rubric]}
        if self.follow_ups:
            d["follow_ups"] = list(self.follow_ups)
        return _with_bookkeeping(d, self)


def _points(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        f = Fraction(str(value)).limit_denominator(100)
    except (ValueError, ZeroDivisionError):
        return None
    return f if f > 0 else None


def _texts(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return None


def parse_defence(raw: object, standard: Standard, origin: Origin,  # noqa: C901
                  column: Callable[[str], str] | None = None) -> tuple[DefenceQuestion | None, list[Problem]]:
    """Return the question read from one YAML mapping (or one workbook row, see excel_io) and every
    problem found in it. `column` names a field as the author sees it (a workbook column); a
    rubric row may carry its own `__sheet`/`__row`/`__columns` (the 评分要点 sheet)."""
    where: dict[str, Any] = dict(file=origin.file, sheet=origin.sheet, row=origin.row)
    name: Callable[[str], str] = column or (lambda key: key)
    if not isinstance(raw, dict):
        return None, [Problem("答辩题应为映射（id、level、function、code、question、points、rubric …）", **where)]
    problems: list[Problem] = []

    def bad(msg: str, key: str) -> None:
        problems.append(Problem(msg, column=name(key), **where))

    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        bad(f"未知字段 {'、'.join(unknown)}", unknown[0])
    qid = str(raw.get("id") or "").strip()
    if not qid:
        bad("缺少题号 id", "id")
    if raw.get("type", "defence") != "defence":
        bad("type 应为 defence（答辩题）", "type")
    levels = standard.assessment.review_levels
    level = str(raw.get("level", "")).strip()
    try:
        level = parse_level(level)
    except InputError:
        pass
    if level not in levels:
        names = "、".join(f"{standard.level(x).name}（{x}）" for x in levels)
        bad(f"等级「{raw.get('level', '')}」无效：答辩题只用于{names}", "level")
    function = str(raw.get("function") or "").strip()
    fn = standard.function(level, function) if level in levels else None
    if level in levels and fn is None:
        names = "、".join(f.name for f in standard.functions_at(level))
        bad(f"职业功能「{function}」不属于{standard.level(level).name}：可用 {names}", "function")
    codes = _texts(raw.get("code"))
    if not codes:
        bad("缺少技能要求代码 code（如 2.3.1）", "code")
        codes = ()
    elif fn is not None:
        allowed = standard.skill_codes(level, function)
        wrong = [c for c in codes if c not in allowed]
        if wrong:
            bad(f"技能要求代码 {'、'.join(wrong)} 不属于{standard.level(level).name}「{function}」；"
                f"可用 {'、'.join(allowed)}", "code")
    question = str(raw.get("question") or "").strip()
    if not question:
        bad("缺少题目 question", "question")
    points = _points(raw.get("points"))
    if points is None:
        bad("分值 points 应为正数", "points")
    rubric: list[ScoringPoint] = []
    rows = raw.get("rubric")
    if not isinstance(rows, list) or not rows:
        bad("缺少评分要点 rubric（每行 point 与 points）", "rubric")
    else:
        for i, r in enumerate(rows, 1):
            rp = _points(r.get("points")) if isinstance(r, dict) else None
            text = str(r.get("point") or "").strip() if isinstance(r, dict) else ""
            if isinstance(r, dict) and r.get("__row") is not None:  # a row of the 评分要点 sheet
                rname = r.get("__columns") or (lambda key: key)
                at = dict(file=origin.file, sheet=r.get("__sheet", ""), row=r["__row"])
                if not text:
                    problems.append(Problem("评分要点为空", column=rname("point"), **at))
                if rp is None:
                    problems.append(Problem(f"配分「{r.get('points')}」应为正数", column=rname("points"), **at))
                if text and rp is not None:
                    rubric.append(ScoringPoint(text, rp))
                continue
            if not text or rp is None:
                bad(f"评分要点第 {i} 行应有 point（要点）和正数 points（分值）", "rubric")
                continue
            rubric.append(ScoringPoint(text, rp))
        total = sum((r.points for r in rubric), Fraction(0))
        if points is not None and len(rubric) == len(rows) and total != points:
            bad(f"评分要点分值合计 {plain_number(total)} 分，应等于本题分值 {plain_number(points)} 分", "rubric")
    follow_ups = _texts(raw.get("follow_ups"))
    if follow_ups is None:
        bad("追问 follow_ups 应为文字列表", "follow_ups")
    enemies = _texts(raw.get("enemies"))
    if enemies is None:
        bad("互斥题 enemies 应为题号列表", "enemies")
    status = STATUS_WORDS.get(str(raw.get("status") or "active").strip().lower())
    if status is None:
        bad("状态 status 应为 active（启用）或 retired（停用）", "status")
        status = Status.ACTIVE
    if problems:
        return None, problems
    assert points is not None and follow_ups is not None and enemies is not None  # else a problem was added
    return DefenceQuestion(id=qid, level=level, function=function, codes=codes, question=question, points=points,
                           rubric=tuple(rubric), follow_ups=follow_ups, enemies=enemies,
                           status=status, source=str(raw.get("source") or ""), origin=origin), []


def read_defence_file(path: str | Path, standard: Standard) -> tuple[list[DefenceQuestion], list[Problem]]:
    """Return the questions of one YAML file and every problem found in it."""
    path = Path(path)
    try:
        raw = load_yaml_file(path)
    except yaml.YAMLError as exc:
        return [], [Problem(f"不是合法的 YAML：{exc}", file=str(path))]
    except UnicodeDecodeError:
        return [], [Problem("不是 UTF-8 编码的文本文件", file=str(path))]
    except OSError as exc:
        return [], [Problem(f"无法读取：{exc.strerror or exc}", file=str(path))]
    if not isinstance(raw, dict) or not isinstance(raw.get("defence"), list):
        return [], [Problem("答辩题文件应为包含 defence 列表的映射", file=str(path))]
    out, problems = [], []
    for i, entry in enumerate(raw["defence"], 1):
        q, found = parse_defence(entry, standard, Origin(str(path), row=i))
        problems += found
        if q is not None:
            out.append(q)
    return out, problems


MATERIALS_FILE = "materials.yaml"  # the 申报材料 rubric beside the questions (defence_assemble)


def is_defence_file(path: str | Path) -> bool:
    """Return whether a YAML file holds 答辩题 (its top-level key is `defence:`)."""
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml") or p.name == MATERIALS_FILE:
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return b"\ndefence:" in b"\n" + head


def defence_files(paths: list[str | Path]) -> list[Path]:
    """Return the defence YAML files under the given files/folders, sorted: every YAML file in a
    folder named `defence` (the rubric materials.yaml excepted), and any file given by name whose
    top-level key is `defence:`."""
    return [f for f in _in_defence_folders(paths) if f.name != MATERIALS_FILE] + \
        [Path(p) for p in paths if not Path(p).is_dir() and is_defence_file(p)]


def rubric_files(paths: list[str | Path]) -> list[Path]:
    """Return the 申报材料 rubrics (defence/materials.yaml) under the given files/folders, sorted."""
    return [f for f in _in_defence_folders(paths) if f.name == MATERIALS_FILE] + \
        [Path(p) for p in paths if not Path(p).is_dir() and is_materials_file(p)]


def _in_defence_folders(paths: list[str | Path]) -> list[Path]:
    """Return the YAML files in folders named `defence` under the given folders (hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            continue
        for x in sorted(p.rglob("*")):
            rel = x.relative_to(p).parts
            folders = (p.name, *rel[:-1]) if p.name == "defence" else rel[:-1]
            if (x.suffix.lower() in (".yaml", ".yml") and not x.name.startswith(".")
                    and not any(f.startswith(".") for f in rel[:-1]) and "defence" in folders):
                out.append(x)
    return out


def is_materials_file(path: str | Path) -> bool:
    """Return whether a path is a 申报材料 rubric beside 答辩题 (defence/materials.yaml)."""
    p = Path(path)
    return p.name == MATERIALS_FILE and p.parent.name == "defence"


def materials_problems(files: list[Path]) -> list[Problem]:
    """Return the problems of the 申报材料 rubrics (checked against the default 综合评审 structure's
    申报材料 points)."""
    from ..structure import load_review_structure

    part = load_review_structure().part("materials")
    out: list[Problem] = []
    for f in files:
        try:
            load_materials_rubric(f, part.points if part else None)
        except DataError as exc:
            out += exc.problems
    return out


def materials_file(paths: list[str | Path] | None) -> Path:
    """Return the 申报材料 rubric that goes with a bank: <folder>/defence/materials.yaml (or
    materials.yaml in a defence folder) of the first bank folder that has one, else the shipped one."""
    for p in map(Path, paths or []):
        for candidate in (p / "defence" / MATERIALS_FILE, p / MATERIALS_FILE, p.parent / MATERIALS_FILE):
            if candidate.is_file():
                return candidate
    return DEFENCE_DIR / MATERIALS_FILE


def read_defence_files(files: list[Path], standard: Standard) -> tuple[list[DefenceQuestion], list[Problem]]:
    """Return the questions of the given defence files and every problem: per-question ones,
    duplicate ids and enemies that name no question (defence_cross_checks)."""
    questions, problems = [], []
    for f in files:
        qs, found = read_defence_file(f, standard)
        questions += qs
        problems += found
    return questions, problems + defence_cross_checks(questions)


def defence_cross_checks(questions: list[DefenceQuestion]) -> list[Problem]:
    """Return problems involving several 答辩题: duplicate ids, enemies that name no question; and a
    warning for each template example (EX-…), which never imports."""
    problems = []
    seen: dict[str, DefenceQuestion] = {}
    for q in questions:
        here = q.origin or Origin("")
        if is_example_id(q.id):
            problems.append(Problem(f"题号 {q.id} 是模板示例题，导入时会跳过", file=here.file, sheet=here.sheet,
                                    row=here.row, column=_id_column(here), severity="warning",
                                    hint="删除示例行，或改用自己的题号"))
        if q.id in seen:
            problems.append(Problem(f"题号 {q.id} 重复（另见 {(seen[q.id].origin or here).describe()}）",
                                    file=here.file, sheet=here.sheet, row=here.row, column=_id_column(here)))
        seen.setdefault(q.id, q)
    for q in questions:
        here = q.origin or Origin("")
        missing = [e for e in q.enemies if e not in seen]
        if missing:
            here = q.origin or Origin("")
            problems.append(Problem(f"互斥题 {'、'.join(missing)} 不存在", file=here.file, sheet=here.sheet,
                                    row=here.row, column="互斥题号" if here.sheet else "enemies"))
    return problems


def _id_column(origin: Origin) -> str:
    return "题号" if origin.sheet else "id"


def read_defence_bank(paths: list[str | Path] | None, standard: Standard) -> tuple[list[DefenceQuestion], list[Problem]]:
    """Return the questions of the given files/folders (default question_bank/defence/) and every
    problem (see read_defence_files); a missing path is a problem."""
    paths = list(paths or [DEFENCE_DIR])
    missing = [Problem("路径不存在", file=str(p)) for p in paths if not Path(p).exists()]
    questions, problems = read_defence_files(defence_files([p for p in paths if Path(p).exists()]), standard)
    return questions, missing + problems


def load_defence_bank(paths: list[str | Path] | None, standard: Standard) -> list[DefenceQuestion]:
    """Return the questions; raise DataError listing every problem when any is an error."""
    questions, problems = read_defence_bank(paths, standard)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title="答辩题库有误")
    return questions


def dump_defence(questions: list[DefenceQuestion]) -> str:
    """Return the YAML text of a defence file holding the questions."""
    return yaml.safe_dump({"defence": [q.to_dict() for q in questions]}, allow_unicode=True, sort_keys=False,
                          width=100)


@dataclass(frozen=True)
class MaterialElement:
    material: str  # 技术总结/论文 | 业绩材料
    element: str
    points: Fraction
    standard: str


def load_materials_rubric(path: str | Path | None = None, total: int | None = None) -> list[MaterialElement]:
    """Return the 申报材料 review rubric (question_bank/defence/materials.yaml by default).

    Raises DataError naming every malformed element, or when the points do not add up to total.
    """
    path = Path(path or DEFENCE_DIR / "materials.yaml")
    title = "申报材料评分细则有误"
    try:
        raw = load_yaml_file(path)
    except OSError:
        raise DataError([Problem("找不到申报材料评分细则文件", file=str(path))], title) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(path))], title) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("materials"), list):
        raise DataError([Problem("应为包含 materials 列表的映射", file=str(path))], title)
    out, problems = [], []
    for i, m in enumerate(raw["materials"], 1):
        name = str(m.get("material") or "").strip() if isinstance(m, dict) else ""
        elements = m.get("elements") if isinstance(m, dict) else None
        if not name or not isinstance(elements, list):
            problems.append(Problem("每类材料应有 material（名称）和 elements（评审要素列表）", file=str(path), row=i))
            continue
        for k, e in enumerate(elements, 1):
            try:
                pts = Fraction(str(e["points"]))
                if pts <= 0 or not str(e["element"]).strip() or not str(e["standard"]).strip():
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                problems.append(Problem(f"「{name}」第 {k} 个评审要素应有 element、正数 points 和 standard",
                                        file=str(path), row=i, column="elements"))
                continue
            out.append(MaterialElement(name, str(e["element"]).strip(), pts, str(e["standard"]).strip()))
    got = sum((e.points for e in out), Fraction(0))
    if not problems and total is not None and got != total:
        problems.append(Problem(f"评审要素配分合计 {float(got):g} 分，应等于申报材料审阅部分的 {total} 分", file=str(path)))
    if problems:
        raise DataError(problems, title)
    return out
