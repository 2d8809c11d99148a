"""Word writers: one module per document, sharing the docx helpers in docx_base."""
from __future__ import annotations


def render_form_documents(form, bank, standard, explanations: bool = False) -> dict[str, bytes]:
    """Return {file name: docx bytes} for a form: theory paper + key, or skill paper + scoring sheets."""
    return {}
