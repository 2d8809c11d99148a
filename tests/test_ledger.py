"""The exposure ledger: recording, recent sessions, concurrent writers."""
import multiprocessing as mp
import sqlite3

from assembler.form import Form, FormEntry
from assembler.ledger import (
    list_sessions,
    recent_items,
    record_forms,
    session_detail,
    usage_counts,
)
from assembler.standard import Kind
from assembler.structure import ItemType


def form(code, ids):
    entries = tuple(FormEntry(number=n, id=i, type=ItemType.SINGLE, function="内容创作", code="2.2.2", work_content="2.2",
                              points=1.0, difficulty=3) for n, i in enumerate(ids, 1))
    return Form(code=code, level="4", direction="A", kind=Kind.THEORY, structure="standard", title="t", seed=1,
                bank_hash="bank", blueprint_hash="bp", created="2026-01-01T00:00:00+00:00", duration_minutes=90,
                entries=entries)


def test_record_and_query(tmp_path):
    db = tmp_path / "l.sqlite"
    record_forms(db, "第1场", "2026-01-10", [form("F1", ["a", "b"]), form("F2", ["c"])])
    record_forms(db, "第2场", "2026-02-10", [form("F1", ["b", "d"])])
    record_forms(db, "第3场", "2026-03-10", [form("F1", ["e"])])
    assert [s.name for s in list_sessions(db)] == ["第3场", "第2场", "第1场"]
    ids, names = recent_items(db, 2)
    assert ids == {"b", "d", "e"} and names == ["第3场", "第2场"]
    ids, names = recent_items(db, 2, before="第3场")  # the session being built is not its own history
    assert ids == {"a", "b", "c", "d"} and names == ["第2场", "第1场"]
    assert usage_counts(db, ["a", "b", "z"]) == {"a": 1, "b": 2, "z": 0}
    detail = session_detail(db, "第1场")
    assert [(f.form, f.items) for f in detail] == [("F1", ("a", "b")), ("F2", ("c",))]
    # re-recording a form in the same session replaces it instead of duplicating rows
    record_forms(db, "第1场", "2026-01-10", [form("F1", ["a", "x"])])
    assert [f.items for f in session_detail(db, "第1场")][0] == ("a", "x")


def _writer(args):
    db, k = args
    for j in range(10):
        record_forms(db, f"场次{k}", "2026-05-01", [form(f"F{j}", [f"i{k}-{j}-{n}" for n in range(30)])])
    return k


def test_concurrent_writers_lose_nothing(tmp_path):
    db = str(tmp_path / "c.sqlite")
    record_forms(db, "init", "2026-01-01", [])
    with mp.get_context("spawn").Pool(4) as pool:
        assert sorted(pool.map(_writer, [(db, k) for k in range(4)])) == [0, 1, 2, 3]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM uses").fetchone()[0] == 4 * 10 * 30
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_missing_ledger_is_empty(tmp_path):
    assert recent_items(tmp_path / "none.sqlite", 3) == (frozenset(), [])
    assert list_sessions(tmp_path / "none.sqlite") == []
