"""The exposure ledger: an SQLite record of every generated form's items, by session.

Writers use one short IMMEDIATE transaction per recording, WAL journalling and a busy timeout,
so several generations writing at once neither corrupt the file nor lose rows.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from .errors import DataError, Problem


class _Entry(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def number(self) -> int: ...


class _KindValue(Protocol):
    @property
    def value(self) -> str: ...


class Recordable(Protocol):
    """What the ledger stores of a form: a theory or skill Form, or a 综合评审 DefenceSet."""

    @property
    def code(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def direction(self) -> str | None: ...
    @property
    def kind(self) -> _KindValue: ...
    @property
    def seed(self) -> int: ...
    @property
    def bank_hash(self) -> str: ...
    @property
    def created(self) -> str: ...
    @property
    def entries(self) -> Sequence[_Entry]: ...

DEFAULT_LEDGER = Path("output") / "ledger.sqlite"  # relative: the current folder, never the package

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    direction TEXT,
    kind TEXT NOT NULL,
    seed INTEGER NOT NULL,
    bank_hash TEXT NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (session_id, code)
);
CREATE TABLE IF NOT EXISTS uses (
    form_id INTEGER NOT NULL REFERENCES forms(id),
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uses_item ON uses(item_id);
CREATE TABLE IF NOT EXISTS analyses (
    session TEXT NOT NULL,
    form TEXT NOT NULL,
    analysed TEXT NOT NULL,
    item_id TEXT NOT NULL,
    candidates INTEGER NOT NULL,
    p REAL NOT NULL,
    r_pb REAL,
    flags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS analyses_item ON analyses(item_id);
"""


@dataclass(frozen=True)
class SessionSummary:
    name: str
    date: str
    forms: int
    items: int


@dataclass(frozen=True, kw_only=True)
class RecordedForm:
    """One form of a recorded session, with the ids of its items in paper order."""

    form: str  # the form code
    level: str
    direction: str | None
    kind: str  # the kind's value as recorded ("theory", "skill", "review")
    seed: int
    created: str
    date: str  # the session's date
    items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ItemUse:
    """One use of an item: the session, its date, the form and the item's position on it."""

    session: str
    date: str
    form: str
    position: int


@dataclass(frozen=True, kw_only=True)
class ItemAnalysis:
    """What one item analysis found for an item: candidates, p, point-biserial r and flags."""

    session: str
    form: str
    date: str  # when it was analysed
    candidates: int
    p: float
    r_pb: float | None
    flags: str


def _connect(path: str | Path) -> sqlite3.Connection:
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(p, timeout=60, isolation_level=None)
        con.execute("PRAGMA busy_timeout = 60000")
        con.execute("PRAGMA journal_mode = WAL")
        con.executescript(_SCHEMA)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise DataError([Problem(f"不是可用的使用记录数据库：{exc}", file=str(p))], title="使用记录（ledger）有误") from None
    return con


_COLUMNS = {"sessions": {"id", "name", "date"},
            "forms": {"id", "session_id", "code", "level", "direction", "kind", "seed", "bank_hash", "created"},
            "uses": {"form_id", "item_id", "position"}}
MAX_SEED = 2**63 - 1  # SQLite INTEGER


def ensure_ledger(path: str | Path) -> None:
    """Open (creating if needed) the ledger and check it can be written, so a bad ledger fails
    before any output is written.

    Raises DataError if the file is not a usable ledger: not SQLite, another program's tables,
    read-only, or in a folder that cannot be written.
    """
    p = Path(path)
    with closing(_connect(p)) as con:
        for table, columns in _COLUMNS.items():
            have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
            if not columns <= have:
                raise DataError([Problem(f"表 {table} 的结构不是 zujuan 使用记录的结构（缺少列 "
                                         f"{'、'.join(sorted(columns - have))}）", file=str(p))],
                                title="使用记录（ledger）有误")
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO sessions(name, date) VALUES ('', '')")
            con.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            raise DataError([Problem(f"使用记录无法写入：{exc}", file=str(p))], title="使用记录（ledger）有误") from None


def check_recordable(forms: Sequence[Recordable]) -> None:
    """Raise InputError if a form holds a value the ledger cannot store (a seed beyond 64 bits)."""
    from .errors import InputError

    for f in forms:
        if not 0 <= f.seed <= MAX_SEED:
            raise InputError(f"种子 {f.seed} 超出范围：应为 0～{MAX_SEED} 的整数。")


def ledger_marker(path: str | Path, session: str, forms: Sequence[Recordable]) -> dict:
    """Return what identifies this recording, for the output journal (see fileio.recover)."""
    return {"path": str(path), "session": session, "forms": [[f.code, f.seed, f.created] for f in forms]}


def marker_recorded(marker: dict) -> bool:
    """Return True if the ledger holds every form the marker names (the recording committed)."""
    p = Path(marker["path"])
    if not p.exists():
        return False
    with closing(_connect(p)) as con:
        for code, seed, created in marker["forms"]:
            row = con.execute("SELECT 1 FROM forms f JOIN sessions s ON s.id = f.session_id WHERE s.name = ? "
                              "AND f.code = ? AND f.seed = ? AND f.created = ?",
                              (marker["session"], code, seed, created)).fetchone()
            if row is None:
                return False
    return True


def record_forms(path: str | Path, session: str, session_date: str | None, forms: Sequence[Recordable]) -> None:
    """Write the forms' items under a session (created if new), all in one transaction."""
    with recording(path, session, session_date, forms):
        pass


@contextmanager
def recording(path: str | Path, session: str, session_date: str | None, forms: Sequence[Recordable]) -> Iterator[None]:
    """Write the forms' items in one transaction that commits when the block ends without error
    (and is rolled back otherwise): the caller moves its files into place inside the block."""
    day = session_date or date.today().isoformat()
    with closing(_connect(path)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("INSERT OR IGNORE INTO sessions(name, date) VALUES (?, ?)", (session, day))
            sid = con.execute("SELECT id FROM sessions WHERE name = ?", (session,)).fetchone()[0]
            for f in forms:
                con.execute("DELETE FROM uses WHERE form_id IN (SELECT id FROM forms WHERE session_id = ? AND code = ?)",
                            (sid, f.code))
                con.execute("DELETE FROM forms WHERE session_id = ? AND code = ?", (sid, f.code))
                cur = con.execute(
                    "INSERT INTO forms(session_id, code, level, direction, kind, seed, bank_hash, created) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, f.code, f.level, f.direction, f.kind.value, f.seed, f.bank_hash, f.created))
                con.executemany("INSERT INTO uses(form_id, item_id, position) VALUES (?, ?, ?)",
                                [(cur.lastrowid, e.id, e.number) for e in f.entries])
            yield
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def recent_items(path: str | Path, sessions: int, before: str | None = None) -> tuple[frozenset, list[str]]:
    """Return (item ids used in the last `sessions` sessions, those sessions' names).

    Sessions are ordered by date, then by when they were first recorded. A missing ledger is empty.
    """
    if sessions <= 0 or not Path(path).exists():
        return frozenset(), []
    with closing(_connect(path)) as con:
        rows = con.execute("SELECT id, name FROM sessions WHERE (? IS NULL OR name != ?) ORDER BY date DESC, id DESC LIMIT ?",
                           (before, before, sessions)).fetchall()
        if not rows:
            return frozenset(), []
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        used = con.execute(f"SELECT DISTINCT u.item_id FROM uses u JOIN forms f ON f.id = u.form_id "
                           f"WHERE f.session_id IN ({marks})", ids).fetchall()
    return frozenset(r[0] for r in used), [r[1] for r in rows]


def list_sessions(path: str | Path) -> list[SessionSummary]:
    """Return every session with its number of forms and item uses, newest first."""
    if not Path(path).exists():
        return []
    with closing(_connect(path)) as con:
        rows = con.execute(
            "SELECT s.name, s.date, COUNT(DISTINCT f.id), COUNT(u.item_id) FROM sessions s "
            "LEFT JOIN forms f ON f.session_id = s.id LEFT JOIN uses u ON u.form_id = f.id "
            "GROUP BY s.id ORDER BY s.date DESC, s.id DESC").fetchall()
    return [SessionSummary(*r) for r in rows]


def session_detail(path: str | Path, name: str) -> list[RecordedForm]:
    """Return the forms of a session with their item ids. Raises DataError if there is no such session
    (or no ledger file: a query never creates one)."""
    if not Path(path).exists():
        raise DataError([Problem("使用记录文件不存在", file=str(path))], title="查询失败")
    with closing(_connect(path)) as con:
        row = con.execute("SELECT id, date FROM sessions WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise DataError([Problem(f"使用记录中没有名为「{name}」的场次", file=str(path))], title="查询失败")
        forms = con.execute("SELECT id, code, level, direction, kind, seed, created FROM forms WHERE session_id = ? "
                            "ORDER BY code", (row[0],)).fetchall()
        out = []
        for fid, code, level, direction, kind, seed, created in forms:
            items = tuple(r[0] for r in con.execute("SELECT item_id FROM uses WHERE form_id = ? ORDER BY position", (fid,)))
            out.append(RecordedForm(form=code, level=level, direction=direction, kind=kind, seed=seed,
                                    created=created, date=row[1], items=items))
    return out


def usage_counts(path: str | Path, item_ids: list[str] | None = None, exclude_session: str | None = None) -> dict[str, int]:
    """Return how many recorded forms used each item (optionally leaving one session out)."""
    if not Path(path).exists():
        return {}
    with closing(_connect(path)) as con:
        rows = con.execute(
            "SELECT u.item_id, COUNT(*) FROM uses u JOIN forms f ON f.id = u.form_id JOIN sessions s ON s.id = f.session_id "
            "WHERE (? IS NULL OR s.name != ?) GROUP BY u.item_id", (exclude_session, exclude_session)).fetchall()
    counts = dict(rows)
    return {i: counts.get(i, 0) for i in item_ids} if item_ids is not None else counts


def record_analysis(path: str | Path, rows: list[tuple[str, str, str, str, int, float, float | None, str]]) -> None:
    """Write item-analysis rows (session, form, date, item id, candidates, p, r_pb, flags), replacing
    any earlier analysis of the same session and form, in one transaction."""
    with closing(_connect(path)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            for session, form in {(r[0], r[1]) for r in rows}:
                con.execute("DELETE FROM analyses WHERE session = ? AND form = ?", (session, form))
            con.executemany("INSERT INTO analyses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def item_history(path: str | Path, item_id: str) -> tuple[list[ItemUse], list[ItemAnalysis]]:
    """Return (uses, analyses) of one item: where it was used, and what each analysis found."""
    if not Path(path).exists():
        return [], []
    with closing(_connect(path)) as con:
        uses = [ItemUse(session=s, date=d, form=f, position=n) for s, d, f, n in con.execute(
            "SELECT s.name, s.date, f.code, u.position FROM uses u JOIN forms f ON f.id = u.form_id "
            "JOIN sessions s ON s.id = f.session_id WHERE u.item_id = ? ORDER BY s.date, s.id", (item_id,))]
        found = [ItemAnalysis(session=s, form=f, date=d, candidates=n, p=p, r_pb=r, flags=fl)
                 for s, f, d, n, p, r, fl in con.execute(
                     "SELECT session, form, analysed, candidates, p, r_pb, flags FROM analyses WHERE item_id = ? "
                     "ORDER BY analysed, rowid", (item_id,))]
    return uses, found
