"""The seal that ties a form's manifest to the bank content it names.

The seal is a SHA-256 digest over the whole manifest (every field except the seal itself) and the
full bank record (stem, options, answer, explanation, tags …) of every item it names. Rewriting a
manifest changes the digest, and computing a new one needs the bank's records, which the paper
does not show (original option order, explanations, difficulty, bookkeeping). A forger who has the
bank can still write a consistent set; see the README (“verify 能证明什么”).

It sits below assemble (which seals every form it builds) and integrity (which also re-derives the
entries from the seed), so neither imports the other's caller.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from .bank.models import Bank, Item, Task
from .form import Form

SEAL_KEY = "integrity"
SEAL_VERSION = 1
_SALT = b"zujuan-seal-1\n"


def record_digest(rec: Item | Task) -> str:
    """Return the SHA-256 hex digest of one bank record's full content."""
    return hashlib.sha256(json.dumps(rec.to_dict(), ensure_ascii=False, sort_keys=True,
                                     default=str).encode("utf-8")).hexdigest()


def manifest_digest(manifest: dict, bank: Bank) -> str | None:
    """Return the seal digest of a manifest dict against the bank (None if an item is not in it)."""
    body = {k: v for k, v in manifest.items() if k != SEAL_KEY}
    h = hashlib.sha256(_SALT)
    h.update(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                        default=str).encode("utf-8"))
    for e in manifest.get("items") or ():
        rec = bank.get(str(e.get("id"))) if isinstance(e, dict) else None
        if rec is None:
            return None
        h.update(b"\n" + record_digest(rec).encode("ascii"))
    return h.hexdigest()


def seal_form(form: Form, bank: Bank) -> Form:
    """Return the form with its seal (manifest field "integrity") computed against the bank."""
    extra = {k: v for k, v in form.extra.items() if k != SEAL_KEY}
    unsealed = replace(form, extra=extra)
    digest = manifest_digest(unsealed.to_manifest(), bank)
    if digest is None:  # pragma: no cover - forms are assembled from the bank
        return unsealed
    return replace(form, extra={**extra, SEAL_KEY: {"version": SEAL_VERSION, "sha256": digest}})


def seal_problems(form: Form, bank: Bank) -> list[str]:
    """Return the reasons the form's seal does not hold against the bank (empty when it does).

    An item missing from the bank is reported elsewhere; the seal is then not checked.
    """
    manifest = form.to_manifest()
    seal = manifest.get(SEAL_KEY)
    if not isinstance(seal, dict) or not isinstance(seal.get("sha256"), str):
        return ["试卷清单没有完整性校验码（integrity），无法证明清单未被改写"]
    digest = manifest_digest(manifest, bank)
    if digest is None:
        return []
    if digest != seal["sha256"]:
        return ["试卷清单的完整性校验码与清单内容及其所列试题在题库中的内容不符："
                "清单在组卷后被改写，或所列试题在题库中已被修改"]
    return []
