"""Where the shipped data lives: the encoded standard, the paper structures and the sample bank.

A wheel carries them as package data (assembler/data/, read through importlib.resources); an
editable install reads them from the checkout. The user's own bank, outputs and ledger are never
here: outputs and the ledger default to the current folder.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_root() -> Path:
    """Return the folder holding blueprints/ and question_bank/ (package data, else the checkout)."""
    packaged = Path(str(files("assembler") / "data"))
    if (packaged / "blueprints" / "standard.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent


DATA_ROOT = data_root()
