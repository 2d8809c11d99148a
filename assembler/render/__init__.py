"""Word writers: one module per document, sharing the docx helpers in docx_base.

theory form → paper (试卷) and key (答案及评分标准); skill form → paper (考核准备通知单 + 试题单)
and scoring sheets (评分记录表). Every document embeds its form's manifest (see embed).
"""
from __future__ import annotations

from ..bank.models import Bank
from ..bank.task_files import task_handouts
from ..form import Form
from ..formats import Document, Group, WriteContext
from ..standard import Kind, Standard
from .answer_key import render_answer_key
from .embed import read_embedded, read_embedded_manifest
from .scoring_sheet import render_scoring_sheets
from .skill_paper import lookup_tasks, render_skill_paper
from .theory_paper import render_theory_paper


def render_form_documents(form: Form, bank: Bank, standard: Standard, explanations: bool = False) -> dict[str, bytes]:
    """Return {file name: docx bytes} for a form: theory paper + key, or skill paper + scoring sheets.

    Raises DataError if an entry is missing from the bank or a rubric does not add up.
    """
    if form.kind is Kind.THEORY:
        return {f"{form.code}-试卷.docx": render_theory_paper(form, bank),
                f"{form.code}-答案.docx": render_answer_key(form, bank, explanations)}
    return {f"{form.code}-试卷.docx": render_skill_paper(form, bank, standard),
            f"{form.code}-评分记录表.docx": render_scoring_sheets(form, bank)}


def write_docx(form: Form, context: WriteContext) -> list[Document]:
    """Return the form's Word documents: the paper (group PAPERS) and its key or scoring sheets (KEYS);
    a skill paper also hands out each task's materials workbook and the files the bank ships with
    it (PAPERS, see bank/task_files.py).

    Raises DataError if an entry is missing from the bank or a rubric does not add up.
    """
    docs = render_form_documents(form, context.bank, context.standard, context.explanations)
    out = [Document(name, Group.PAPERS if name.endswith("-试卷.docx") else Group.KEYS, data)
           for name, data in docs.items()]
    return out + skill_handouts(form, context)


def skill_handouts(form: Form, context: WriteContext) -> list[Document]:
    """Return what a skill paper hands out besides its documents (group PAPERS): each task's
    materials workbook and the files the bank ships with it; nothing for a theory form."""
    if form.kind is not Kind.SKILL:
        return []
    tasks = [t for _, t in lookup_tasks(form, context.bank)]
    return [Document(name, Group.PAPERS, data) for name, data in task_handouts(form.code, tasks, form.created)]


__all__ = ["render_form_documents", "write_docx", "skill_handouts", "read_embedded", "read_embedded_manifest", "render_theory_paper",
           "render_answer_key", "render_skill_paper", "render_scoring_sheets"]
