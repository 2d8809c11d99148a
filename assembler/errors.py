"""The error hierarchy. The CLI turns every AssemblerError into a Chinese message in one place."""
from __future__ import annotations

from dataclasses import dataclass


class AssemblerError(Exception):
    """Base class of every error the library raises on purpose. The message is Chinese."""

    exit_code = 1


class InputError(AssemblerError):
    """A user's choice (level, direction, kind, structure …) is impossible or malformed."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One validation finding, located as precisely as the source allows."""

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    hint: str = ""
    severity: str = "error"  # "error" | "warning"
    place: str = ""  # where in a document: 「第 12 段」, 「第 2 页第 5 行」, 「第 7 行」

    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.place:
            parts.append(self.place)
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if self.sheet else f"第 {self.row} 项")
        if self.column:
            parts.append(f"「{self.column}」列" if self.sheet else f"字段 {self.column}")
        return "，".join(parts)

    def __str__(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        where = self.location()
        text = f"[{label}] {where}：{self.message}" if where else f"[{label}] {self.message}"
        if self.hint:
            text += f"（修改建议：{self.hint}）"
        return text


class DataError(AssemblerError):
    """A data file (standard, structure, bank, session, manifest) is invalid.

    Carries every problem found, so they are reported together.
    """

    def __init__(self, problems: list[Problem] | str, title: str = "数据文件有误"):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = list(problems)
        self.title = title
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{title}（{len(errors)} 个错误）："] + [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


class InfeasibleError(AssemblerError):
    """The bank or the structure cannot meet the blueprint; the message names every short cell."""


class OutputError(AssemblerError):
    """An output would overwrite an existing file or cannot be written."""
