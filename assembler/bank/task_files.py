"""Materials files of operational tasks: where the bank keeps them, what validate checks, and the
files a skill paper hands out.

A task lists its files under `files:` (name, what, format, provided_by). Files the bank ships
(provided_by 题库, the default) live beside the task's bank file, in files/<task id>/<name>; files
the centre prepares (provided_by 考点: video clips, music) are specified in `format` and listed in
the 考核准备通知单. The data tables of a task (`materials`) are not stored as spreadsheets: the
paper's `<form code>-<task id>-材料.xlsx` is written from them when the paper is generated.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem
from .models import FileSource, Material, Task

FILES_DIR = "files"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def files_dir(task: Task) -> Path | None:
    """Return the folder holding the task's shipped files (None for a task without an origin)."""
    if task.origin is None or not task.origin.file:
        return None
    return Path(task.origin.file).parent / FILES_DIR / task.id


def shipped_files(task: Task) -> list[tuple[str, Path]]:
    """Return (name, path) of every file the bank ships with the task, in the task's order."""
    folder = files_dir(task)
    if folder is None:
        return []
    return [(f.name, folder / f.name) for f in task.files if f.source is FileSource.BANK]


def task_file_problems(tasks: list[Task] | tuple[Task, ...]) -> list[Problem]:
    """Return an error for every shipped file a task lists that is missing, and a warning for a
    file in a task's folder that the task does not list."""
    problems: list[Problem] = []
    for t in tasks:
        folder = files_dir(t)
        if folder is None:
            continue
        o = t.origin
        assert o is not None  # files_dir is None without one
        column = "素材文件" if o.sheet else "files"  # the workbook column, or the YAML field
        for name, path in shipped_files(t):
            if not path.is_file():
                problems.append(Problem(f"操作题 {t.id} 的素材文件 {name} 不存在", column=column,
                                        hint=f"把文件放到 {path}，或把它标为 provided_by: 考点",
                                        file=o.file, sheet=o.sheet, row=o.row))
        listed = {f.name for f in t.files}
        if folder.is_dir():
            for extra in sorted(p.name for p in folder.iterdir() if p.is_file()):
                if extra not in listed:
                    problems.append(Problem(f"操作题 {t.id} 的素材文件夹中有未列出的文件 {extra}", column=column,
                                            severity="warning", hint=f"在 files 中列出它，或从 {folder} 删除",
                                            file=o.file, sheet=o.sheet, row=o.row))
    return problems


def materials_workbook_name(form_code: str, task_id: str) -> str:
    """Return the file name of a paper's materials workbook for one task."""
    return f"{form_code}-{task_id}-材料.xlsx"


def files_folder_name(form_code: str, task_id: str) -> str:
    """Return the output folder that receives a task's shipped files for one paper."""
    return f"{form_code}-{task_id}-素材"


def sheet_title(m: Material, k: int, used: set[str]) -> str:
    """Return a unique worksheet title for the k-th table: its number (表1) or, failing that, 表k."""
    head = m.caption.split(" ", 1)[0] if m.caption.startswith("表") else f"表{k}"
    title = _SHEET_BAD.sub("", head)[:31] or f"表{k}"
    while title in used:
        title = f"表{k}-{len(used)}"
    used.add(title)
    return title


def materials_workbook(task: Task, created: str | None = None) -> bytes:
    """Return an xlsx with one worksheet per materials table of the task: caption, header, rows.

    Numbers stay numbers; text that looks like a formula stays text (see assembler/xlsx.py).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..xlsx import workbook_bytes

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for k, m in enumerate(task.materials, 1):
        ws = wb.create_sheet(sheet_title(m, k, used))
        ws.append([m.caption])
        ws["A1"].font = Font(bold=True)
        ws.append(list(m.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for r in m.rows:
            ws.append(list(r))
        for j, col in enumerate(m.columns):
            width = max([len(str(col))] + [len(str(r[j])) for r in m.rows])
            ws.column_dimensions[ws.cell(2, j + 1).column_letter].width = min(60, 2 * width + 2)
    return workbook_bytes(wb, created)


def task_handouts(form_code: str, tasks: list[Task], created: str | None = None) -> list[tuple[str, bytes]]:
    """Return (relative file name, bytes) of everything a paper hands out besides the documents:
    each task's materials workbook and a copy of each file the bank ships with it.

    Raises OSError if a shipped file cannot be read (validate reports it as missing first).
    """
    out: list[tuple[str, bytes]] = []
    for t in tasks:
        if t.materials:
            out.append((materials_workbook_name(form_code, t.id), materials_workbook(t, created)))
        for name, path in shipped_files(t):
            out.append((f"{files_folder_name(form_code, t.id)}/{name}", path.read_bytes()))
    return out


def export_task_files(tasks: list[Task] | tuple[Task, ...], folder: str | Path, overwrite: bool = False) -> list[Path]:
    """Write a copy of every shipped task file into folder/files/<task id>/, beside an exported
    workbook, so that the workbook validates where it lands; return the files written.

    Raises OutputError naming the files that exist already (unless overwrite) before writing any.
    """
    from ..fileio import refuse_clashes, write_bytes_atomic

    root = Path(folder)
    plan = [(f"{FILES_DIR}/{t.id}/{name}", path) for t in tasks for name, path in shipped_files(t) if path.is_file()]
    refuse_clashes(root, [rel for rel, _ in plan], overwrite)
    return [write_bytes_atomic(root / rel, src.read_bytes(), overwrite=True) for rel, src in plan]


__all__ = ["export_task_files", "FILES_DIR", "files_dir", "shipped_files", "task_file_problems", "materials_workbook",
           "materials_workbook_name", "files_folder_name", "task_handouts"]
