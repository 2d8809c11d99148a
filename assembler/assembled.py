"""What one generate request produces before anything is written, and the request's ledger session.

Shared by generate (the engine) and review_generate (the 综合评审 path it calls), so neither
imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .blueprint import Blueprint
from .defence_assemble import DefenceSet
from .form import Form
from .formats import Document
from .ledger import DEFAULT_LEDGER
from .review_blueprint import ReviewBlueprint

if TYPE_CHECKING:  # pragma: no cover
    from .generate import GenerateRequest


@dataclass(frozen=True, kw_only=True)
class Assembled:
    """Forms and their documents, built in memory; nothing written yet. For the 综合评审 the
    blueprint is a ReviewBlueprint and the forms are DefenceSets (defence_assemble)."""

    blueprint: Blueprint | ReviewBlueprint
    forms: tuple[Form | DefenceSet, ...]
    documents: tuple[Document, ...]
    session: str
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()


def session_name(req: GenerateRequest) -> str:
    """Return the ledger session the request records under (default "<today> 组卷")."""
    return req.session or f"{date.today().isoformat()} 组卷"


def ledger_path(req: GenerateRequest) -> str:
    return req.ledger or str(DEFAULT_LEDGER)
