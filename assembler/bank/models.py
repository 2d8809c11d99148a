"""Bank domain objects: objective items, operational tasks and the bank that holds them."""
from __future__ import annotations

import enum
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..structure import ItemType

if TYPE_CHECKING:  # pragma: no cover
    from .defence import DefenceQuestion

LETTERS = "ABCDE"
TRUE_MARK, FALSE_MARK = "√", "×"
# A picture in a stem, option or explanation, as in Markdown: ![图](images/<sha16>.png), the path
# relative to the bank file's folder; the name is the picture's content hash, so the bank hash covers it.
IMAGE_MARK = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")

if TYPE_CHECKING:  # pragma: no cover
    from .defence import DefenceQuestion


class Status(str, enum.Enum):
    ACTIVE = "active"
    RETIRED = "retired"
    DRAFT = "draft"  # imported without a level, function or code: kept for tagging, never assembled
    REVIEW = "review"  # flagged by item analysis; assembly leaves it out until an author clears it

    @property
    def label(self) -> str:
        return {"active": "启用", "retired": "停用", "draft": "待标注", "review": "待审"}[self.value]


@dataclass(frozen=True)
class Origin:
    """Where a record came from, for messages: a YAML file entry or a workbook row."""

    file: str
    sheet: str = ""
    row: int | None = None  # workbook row, or the entry's position in a YAML list

    def describe(self) -> str:
        if self.sheet:
            return f"{self.file}，工作表「{self.sheet}」，第 {self.row} 行"
        return f"{self.file}，第 {self.row} 项"


class Bookkept(Protocol):
    """What _with_bookkeeping reads: items, tasks and 答辩题 (bank/defence.py) all have it."""

    @property
    def enemies(self) -> tuple[str, ...]: ...
    @property
    def status(self) -> Status: ...
    @property
    def source(self) -> str: ...


def _with_bookkeeping(d: dict, rec: Bookkept) -> dict:
    """Return d with the record's enemies, status and source added where they differ from the defaults."""
    if rec.enemies:
        d["enemies"] = list(rec.enemies)
    if rec.status is not Status.ACTIVE:
        d["status"] = rec.status.value
    if rec.source:
        d["source"] = rec.source
    return d


@dataclass(frozen=True, kw_only=True)
class Item:
    """An objective item: 判断题, 单项选择题 or 多项选择题."""

    id: str
    type: ItemType
    level: str | None  # None for 职业道德/基础知识 items, which serve every level
    function: str
    code: str
    stem: str
    options: tuple[tuple[str, str], ...]  # (letter, text); empty for judge items
    answer: str  # "B", "ACD", "√" or "×"
    difficulty: int = 3
    p_value: float | None = None
    explanation: str = ""
    enemies: tuple[str, ...] = ()
    shuffle: bool = True
    status: Status = Status.ACTIVE
    source: str = ""
    origin: Origin | None = field(default=None, compare=False, hash=False, repr=False)
    p_count: int | None = None  # candidates behind p_value (pooled over analysed sessions)

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    @property
    def is_basic(self) -> bool:
        return self.level is None

    @property
    def is_draft(self) -> bool:
        return self.status is Status.DRAFT

    def option_text(self, letter: str) -> str:
        return dict(self.options)[letter]

    def to_dict(self) -> dict:
        """Return the canonical YAML mapping (defaults omitted)."""
        d: dict = {"id": self.id, "type": self.type.value}
        if self.level is not None:
            d["level"] = int(self.level)
        if self.function or not self.is_draft:
            d["function"] = self.function
        if self.code or not self.is_draft:
            d["code"] = self.code
        d["stem"] = self.stem
        if self.options:
            d["options"] = {k: v for k, v in self.options}
        d["answer"] = self.answer
        d["difficulty"] = self.difficulty
        if self.p_value is not None:
            d["p_value"] = self.p_value
            if self.p_count:
                d["p_count"] = self.p_count
        if self.explanation:
            d["explanation"] = self.explanation
        if not self.shuffle:
            d["shuffle"] = False
        return _with_bookkeeping(d, self)


@dataclass(frozen=True)
class Material:
    """A data table handed to the candidate with a task."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    def to_dict(self) -> dict:
        return {"caption": self.caption, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


FILE_FIELD_SEP = "｜"  # between a file's fields in a workbook cell: 文件名｜内容｜格式｜提供方


class FileSource(enum.Enum):
    """Who supplies a task's materials file."""

    BANK = "题库"    # shipped with the bank, beside the task's file: files/<task id>/<name>
    CENTRE = "考点"  # prepared by the assessment centre to the task's specification (video, music …)


@dataclass(frozen=True)
class TaskFile:
    """A file the candidate is handed with a task (a picture, a clip, a logo …)."""

    name: str          # file name the task text uses, e.g. "logo.png"
    what: str          # what it shows or holds
    format: str        # format and size, e.g. "PNG 图片，512×512"; for the centre also duration and content
    source: FileSource = FileSource.BANK

    def to_dict(self) -> dict:
        d = {"name": self.name, "what": self.what, "format": self.format}
        if self.source is not FileSource.BANK:
            d["provided_by"] = self.source.value
        return d


@dataclass(frozen=True)
class RubricRow:
    element: str  # 评分要素
    points: int | float  # 配分
    standard: str  # 评分标准（扣分条件）


@dataclass(frozen=True, kw_only=True)
class Task:
    """An operational task (操作题) with its scoring rubric."""

    id: str
    level: str
    function: str
    codes: tuple[str, ...]  # the skill requirements it examines
    title: str
    duration: int
    points: int | float
    equipment: tuple[str, ...]
    task: str
    materials: tuple[Material, ...]
    quality: tuple[str, ...]
    rubric: tuple[RubricRow, ...]
    difficulty: int = 3
    enemies: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    source: str = ""
    origin: Origin | None = field(default=None, compare=False, hash=False, repr=False)
    files: tuple[TaskFile, ...] = ()  # materials files handed to the candidate (see bank/task_files.py)

    type = ItemType.TASK

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    @property
    def is_basic(self) -> bool:
        return False

    @property
    def code(self) -> str:
        return "、".join(self.codes)

    def to_dict(self) -> dict:
        d: dict = {"id": self.id, "type": "task", "level": int(self.level), "function": self.function,
                   "code": list(self.codes), "title": self.title, "duration": self.duration,
                   "points": self.points, "difficulty": self.difficulty,
                   "equipment": list(self.equipment), "task": self.task}
        if self.materials:
            d["materials"] = [m.to_dict() for m in self.materials]
        if self.files:
            d["files"] = [f.to_dict() for f in self.files]
        d["quality"] = list(self.quality)
        d["rubric"] = [{"element": r.element, "points": r.points, "standard": r.standard} for r in self.rubric]
        return _with_bookkeeping(d, self)


@dataclass(frozen=True)
class Bank:
    """Every item and task loaded from one or more files."""

    items: tuple[Item, ...]
    tasks: tuple[Task, ...]
    sources: tuple[str, ...] = ()
    defence: tuple[DefenceQuestion, ...] = ()   # 答辩题 from defence/ folders or 答辩题 sheets; not in hash
    _by_id: dict[str, Item | Task] = field(init=False, repr=False, compare=False)  # set in __post_init__

    def __post_init__(self):
        object.__setattr__(self, "_by_id", {x.id: x for x in self.records})

    @property
    def records(self) -> tuple[Item | Task, ...]:
        """Return every item, then every task."""
        return (*self.items, *self.tasks)

    def get(self, item_id: str) -> Item | Task | None:
        return self._by_id.get(item_id)

    def __len__(self) -> int:
        return len(self.items) + len(self.tasks)

    @property
    def hash(self) -> str:
        """Return a content hash independent of file format and order (first 16 hex digits)."""
        cached = self.__dict__.get("_hash")
        if cached:
            return cached
        h = hashlib.sha256()
        for rec in sorted(self.records, key=lambda x: x.id):
            h.update(json.dumps(rec.to_dict(), ensure_ascii=False, sort_keys=True, default=str).encode())
        value = h.hexdigest()[:16]
        object.__setattr__(self, "_hash", value)
        return value


def item_serves(item: Item | Task, level: str) -> bool:
    """Return whether a record may be used at this level (records without a level serve every level)."""
    return item.level is None or item.level == level


EXAMPLE_PREFIX = "EX-"


def is_example_id(item_id: str) -> bool:
    """Return whether an id marks a template example (EX-…), which never imports."""
    return str(item_id).upper().startswith(EXAMPLE_PREFIX)
