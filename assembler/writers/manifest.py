"""The manifest writer: each form's JSON manifest, which review and verify read back."""
from __future__ import annotations

from ..form import Form, manifest_json
from ..formats import Document, Group, WriteContext


def write_manifest(form: Form, context: WriteContext) -> list[Document]:
    """Return the form's manifest document ({code}.json)."""
    return [Document(f"{form.code}.json", Group.MANIFESTS, manifest_json(form).encode("utf-8"))]
