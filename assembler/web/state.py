"""The web workbench's shared state and configuration: what `zujuan serve` was started with, the
bank cache, and the accessors pages use (the standard, bank, uploads, jobs of the running app).
Below app, pages and jobpages, so they import it and not each other."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from ..bank import DEFAULT_BANK, read_bank
from ..bank.models import Bank
from ..bank.yaml_io import bank_files
from ..errors import DataError, InputError, Problem
from ..ledger import DEFAULT_LEDGER
from ..standard import Standard
from .jobs import JobRunner
from .uploads import UploadStore

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"
DEFAULT_OUTPUT = Path("output") / "web"
TOKEN_COOKIE = "zujuan_token"


@dataclass(frozen=True, kw_only=True)
class WebConfig:
    """What `zujuan serve` was started with."""

    bank: tuple[str, ...] = ()          # bank paths (default question_bank/)
    ledger: str | None = None           # default output/ledger.sqlite, as the CLI
    output: str | None = None           # the server's own output folder (default output/web/)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None            # required of every request when set
    max_upload_mb: int = 50
    workers: int = 2

    @property
    def ledger_path(self) -> str:
        return self.ledger or str(DEFAULT_LEDGER)

    @property
    def output_root(self) -> Path:
        return Path(self.output or DEFAULT_OUTPUT)

    @property
    def bank_paths(self) -> list[str]:
        return list(self.bank) or [str(DEFAULT_BANK)]

    def import_folder(self) -> Path:
        """Return the YAML bank folder imports write into (the first bank path); raise InputError
        if it is a file."""
        into = Path(self.bank_paths[0])
        if into.exists() and not into.is_dir():
            raise InputError(f"题库路径 {into} 是文件，无法导入；请用 --bank 指定题库文件夹启动。")
        return into


class BankCache:
    """The bank as read_bank returns it, read again only when a bank file changes."""

    def __init__(self, paths: list[str], standard: Standard):
        self.paths: list[str | Path] = list(paths)
        self.standard = standard
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[Bank, list[Problem]] | None = None

    def _signature(self) -> tuple:
        out = []
        for f in bank_files([p for p in self.paths if Path(p).exists()]):
            try:
                st = f.stat()
                out.append((str(f), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(f), 0, 0))
        return tuple(out)

    def read(self) -> tuple[Bank, list[Problem]]:
        """Return (bank, problems) of the configured paths; never raises for bad data."""
        with self._lock:
            key = self._signature()
            if key != self._key or self._value is None:
                self._value = read_bank(self.paths, self.standard, check_similar=False)
                self._key = key
            return self._value

    def load(self) -> Bank:
        """Return the bank, or raise DataError listing its errors (as load_bank does)."""
        bank, problems = self.read()
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DataError(errors, title="题库有误，请先修正（可运行 zujuan bank validate 查看全部问题）")
        return bank


def standard(app: Flask) -> Standard:
    return app.extensions["zujuan.standard"]


def bank_cache(app: Flask) -> BankCache:
    return app.extensions["zujuan.bank"]


def uploads(app: Flask) -> UploadStore:
    return app.extensions["zujuan.uploads"]


def jobs(app: Flask) -> JobRunner:
    return app.extensions["zujuan.jobs"]


def config_of(app: Flask) -> WebConfig:
    return app.config["ZUJUAN"]


KINDS = (("theory", "理论知识"), ("skill", "操作技能"), ("review", "综合评审（二级、一级）"))


def form_pickers() -> dict:
    """Return the level/direction/kind/structure choices of the forms (from the standard)."""
    from ..structure import list_structures

    std = standard(current_app)
    combos = std.valid_combinations()
    return {"levels": [(lv.code, lv.label) for lv in std.levels],
            "level_directions": {lv.code: " ".join(d for c, d in combos if c == lv.code and d) for lv in std.levels},
            "directions": [(d.code, d.name) for d in std.directions], "kinds": KINDS,
            "structures": list_structures()}


