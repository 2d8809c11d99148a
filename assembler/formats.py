"""The output formats of a form, registered in one place.

A format is a `Writer`: a name (the CLI's `--format` value), a Chinese label, the file suffix it
writes, the exam kinds it can write, the system programs it needs, and a write function
`write(form, context) -> list[Document]` named as "module:function" so that it is imported only
when used (the CLI builds its `--format` choices from this table without importing any writer).
Each `Document` says which group it belongs to: papers (试卷, candidates see them), keys (答案及评分,
examiners only) or manifests (清单); `batch` puts each group into its own folder and zips papers
and keys separately. See ARCHITECTURE.md, "Adding an output format".
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from importlib import import_module
from typing import TYPE_CHECKING

from .errors import InputError
from .standard import Kind

if TYPE_CHECKING:  # pragma: no cover
    from .bank.models import Bank
    from .form import Form
    from .standard import Standard


class Group(Enum):
    """Who may see a document, which decides its batch folder and zip."""

    PAPERS = "试卷"
    KEYS = "答案"
    MANIFESTS = "清单"


@dataclass(frozen=True)
class Document:
    name: str   # file name, starting with the form code: "4C-T-11-01-试卷.docx"
    group: Group
    data: bytes


@dataclass(frozen=True)
class WriteContext:
    """What a writer may use besides the form."""

    bank: Bank
    standard: Standard
    explanations: bool = False


@dataclass(frozen=True)
class Writer:
    name: str
    label: str
    suffix: str
    entry: str                                  # "module:function", imported on first use
    kinds: frozenset[Kind] = frozenset(Kind)
    needs: tuple[str, ...] = ()                 # system programs that must be on PATH, e.g. ("soffice",)
    always: bool = False                        # written whatever --format says (the manifest)
    default: bool = False                       # chosen when no --format is given
    all_forms: bool = False                     # the function takes (forms, context): one call for a whole run
    hint: str = ""                              # how to install what `needs` names (shown when it is missing)

    def function(self) -> Callable[[Form, WriteContext], list[Document]]:
        """Return the write function (importing its module)."""
        module, _, name = self.entry.partition(":")
        return getattr(import_module(module), name)

    def write(self, form: Form, context: WriteContext) -> list[Document]:
        """Return this format's documents for one form."""
        return self.function()(form, context)

    def write_all(self, forms: list[Form], context: WriteContext) -> list[Document]:
        """Return this format's documents for every form (one call if the writer takes all forms)."""
        if self.all_forms:
            return self.function()(forms, context)  # type: ignore[arg-type]  # all_forms: (forms, context)
        return [d for f in forms for d in self.write(f, context)]


# ---- the registry: one entry per format ---------------------------------------------------------
WRITERS: tuple[Writer, ...] = (
    Writer("manifest", "试卷清单（JSON，供审核与复核）", ".json", "assembler.writers.manifest:write_manifest", always=True),
    Writer("docx", "Word：试卷与答案（理论）或试卷与评分记录表（技能）", ".docx",
           "assembler.render:write_docx", default=True),
    Writer("pdf", "PDF：每份 Word 文档（经 LibreOffice 转换）", ".pdf", "assembler.render.pdf:write_pdf",
           needs=("soffice",), all_forms=True, hint="assembler.render.pdf:INSTALL_HINT"),
    Writer("moodle", "Moodle XML 题库", ".xml", "assembler.render.moodle_xml:write_moodle",
           kinds=frozenset({Kind.THEORY})),
    Writer("qti", "QTI 2.1 内容包", ".zip", "assembler.render.qti:write_qti", kinds=frozenset({Kind.THEORY})),
    Writer("xlsx", "考试系统导入表（Excel，每套试卷一个工作表）", ".xlsx", "assembler.render.platform_xlsx:write_platform",
           kinds=frozenset({Kind.THEORY}), all_forms=True),
)


def writer_names() -> list[str]:
    """Return the formats a user can choose (the CLI's --format choices)."""
    return [w.name for w in WRITERS if not w.always]


def default_formats() -> tuple[str, ...]:
    """Return the formats written when none are chosen."""
    return tuple(w.name for w in WRITERS if w.default)


def select_writers(names: tuple[str, ...] | list[str] | None, kind: Kind) -> list[Writer]:
    """Return the writers for the chosen format names (None: the defaults), manifest first.

    Raises InputError for an unknown name, a format that cannot write this kind of exam, or a
    format whose system program is missing, before anything is assembled or written.
    """
    chosen = default_formats() if names is None else tuple(dict.fromkeys(names))
    by_name = {w.name: w for w in WRITERS}
    unknown = [n for n in chosen if n not in by_name or by_name[n].always]
    if unknown:
        raise InputError(f"未知的输出格式：{'、'.join(unknown)}（可选：{'、'.join(writer_names())}）")
    out = [w for w in WRITERS if w.always] + [by_name[n] for n in chosen]
    for w in out:
        if kind not in w.kinds:
            raise InputError(f"输出格式 {w.name}（{w.label}）不适用于{kind.label}考试。")
        missing = [p for p in w.needs if shutil.which(p) is None]
        if missing:
            hint = _hint(w.hint)
            raise InputError(f"输出格式 {w.name} 需要系统程序 {'、'.join(missing)}，本机未安装。{hint}")
    return out


def _hint(entry: str) -> str:
    """Return the install hint a writer names as "module:CONSTANT" ("" if none)."""
    if not entry:
        return ""
    module, _, name = entry.partition(":")
    return getattr(import_module(module), name)


def write_documents(forms: list[Form], writers: list[Writer], context: WriteContext) -> list[Document]:
    """Return every writer's documents for every form, writer by writer (manifests first). A
    document two writers both hand out with the same bytes (a skill paper's materials, see
    bank/task_files.py) is kept once. Raises OutputError if two different documents would get the
    same file name."""
    from .errors import OutputError

    docs: list[Document] = []
    seen: dict[str, bytes] = {}
    for w in writers:
        for d in w.write_all(forms, context):
            if d.name in seen:
                if seen[d.name] == d.data:
                    continue
                raise OutputError(f"两份输出文件同名：{d.name}")
            seen[d.name] = d.data
            docs.append(d)
    return docs
