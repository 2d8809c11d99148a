"""The output formats of `generate` and batch entries (--format docx,pdf,moodle,qti,xlsx): parsing
and checking the choice, and the files each format adds for a set of forms.

Every format's writer is its own module (moodle_xml, qti, platform_xlsx, pdf); this module only
says which writer makes which files.
"""
from __future__ import annotations

from typing import Iterable

from ..bank.models import Bank
from ..errors import InputError
from ..form import Form
from ..standard import Kind
from .export_items import THEORY_ONLY
from .moodle_xml import moodle_file_name, render_moodle_xml
from .pdf import docx_to_pdf, require_soffice
from .platform_xlsx import platform_file_name, render_platform_xlsx
from .qti import qti_file_name, render_qti_package

FORMATS = ("docx", "pdf", "moodle", "qti", "xlsx")
DEFAULT_FORMATS = ("docx",)
FORMAT_HELP = "输出格式，逗号分隔，可多选：docx（Word）、pdf（经 LibreOffice）、moodle（Moodle XML）、qti（QTI 2.1 包）、xlsx（考试系统导入表）"


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Return the formats named in "docx,pdf" (or a list), in FORMATS order; None → docx.

    Raises InputError naming every unknown format.
    """
    if value is None:
        return DEFAULT_FORMATS
    parts = value.replace("，", ",").split(",") if isinstance(value, str) else [str(v) for v in value]
    names = [p.strip().lower() for p in parts if p.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise InputError(f"未知的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    if not names:
        raise InputError(f"输出格式不能为空（可选：{'、'.join(FORMATS)}）")
    return tuple(f for f in FORMATS if f in names)


def check_formats(formats: tuple[str, ...], kind: Kind) -> None:
    """Raise InputError before anything is written if a format cannot be made: a machine format for a
    skill form, or pdf without LibreOffice (with an install hint)."""
    if kind is Kind.SKILL:
        bad = [f for f in formats if f in THEORY_ONLY]
        if bad:
            raise InputError(f"操作技能考核试卷不能输出 {'、'.join(bad)}（这些格式只含客观题，仅用于理论知识试卷）；"
                             "操作技能考核可输出 docx、pdf。")
    if "pdf" in formats:
        require_soffice()


def export_files(forms: list[Form] | tuple[Form, ...], bank: Bank, documents: dict[str, bytes],
                 formats: tuple[str, ...], workbook_name: str | None = None) -> dict[str, bytes]:
    """Return {file name: bytes} the formats other than docx add for these forms: the PDF of every
    Word document in `documents`, each form's Moodle XML and QTI package, and one import workbook
    for all the forms (named workbook_name, or after the forms' codes).

    Raises InputError/DataError as the writers do, OutputError if a PDF conversion fails.
    """
    out: dict[str, bytes] = {}
    theory = [f for f in forms if f.kind is Kind.THEORY]
    for f in theory:
        if "moodle" in formats:
            out[moodle_file_name(f)] = render_moodle_xml(f, bank)
        if "qti" in formats:
            out[qti_file_name(f)] = render_qti_package(f, bank)
    if "xlsx" in formats and theory:
        out[workbook_name or platform_file_name(theory)] = render_platform_xlsx(theory, bank)
    if "pdf" in formats:
        out.update(docx_to_pdf(documents))
    return out


__all__ = ["FORMATS", "DEFAULT_FORMATS", "FORMAT_HELP", "parse_formats", "check_formats", "export_files"]
