"""fileio: outputs and the ledger committed together; interrupted commits finished or undone."""
import errno
import os
import sqlite3

import pytest
from click.testing import CliRunner

from assembler import fileio
from assembler.batch import Session, SessionEntry, load_session, run_batch
from assembler.cli import main
from assembler.errors import DataError, InputError, OutputError
from assembler.fileio import TXN_PREFIX, Transaction, write_files_atomic
from assembler.generate import GenerateRequest, generate
from assembler.ledger import list_sessions, session_detail
from assembler.standard import Kind

PIN = "2026-01-01T00:00:00+00:00"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _request(out, led, seed=7, session="场", **kw):
    return GenerateRequest(level="1", direction=None, kind="theory", seed=seed, created=PIN, session=session,
                           ledger=str(led), output=str(out), documents=False, **kw)


def _killed_after(n_moves, action):
    """Run action() in a child process that dies (os._exit) after n_moves renames; return its exit status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        real, count = os.replace, [0]

        def replace(a, b):
            real(a, b)
            count[0] += 1
            if count[0] >= n_moves:
                os._exit(9)
        os.replace = replace
        try:
            action()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1] >> 8


def _visible(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_kill_between_renames_is_undone_by_the_next_run(tmp_path):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    out.mkdir()
    (out / "1-T-7-01.json").write_text("旧", encoding="utf-8")
    assert _killed_after(2, lambda: generate(_request(out, led, forms=2, overwrite=True))) == 9
    assert any(p.name.startswith(TXN_PREFIX) for p in out.iterdir())  # interrupted mid-commit
    assert list_sessions(led) == []
    res = generate(_request(out, led, seed=8))  # the next run undoes it first
    assert res.recovered == ("上次运行在提交中途中断：已撤销其文件（2 项）",)
    assert (out / "1-T-7-01.json").read_text(encoding="utf-8") == "旧"
    assert _visible(out) == ["1-T-7-01.json", "1-T-8-01.json"]
    assert [f.form for f in session_detail(led, "场")] == ["1-T-8-01"]


def test_kill_after_the_ledger_commit_is_finished_by_the_next_run(tmp_path, monkeypatch):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"

    def action():
        Transaction.close = lambda self: os._exit(9)  # die before the staging folder is removed
        generate(_request(out, led))
    assert _killed_after(10**6, action) == 9
    assert [f.form for f in session_detail(led, "场")] == ["1-T-7-01"]
    res = generate(_request(out, led, seed=8))
    assert res.recovered == ("上次运行在提交中途中断：已完成其文件（1 项）",)
    assert _visible(out) == ["1-T-7-01.json", "1-T-8-01.json"] and not any(p.name.startswith(".") for p in out.iterdir())


def test_batch_killed_after_the_folder_rename_leaves_no_unrecorded_folder(tmp_path):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    session = Session(name="杀", date="2026-12-12", entries=(SessionEntry(level="1", direction=None, kind=Kind.THEORY,
                                                                         forms=1, structure=None, seed=3, formats=()),))
    assert _killed_after(1, lambda: run_batch(session, out, ledger=str(led))) == 9
    assert (out / "杀").is_dir() and list_sessions(led) == []  # the folder is in place, the ledger not yet
    res = run_batch(Session(name="另", date="2026-12-12", entries=session.entries), out, ledger=str(led))
    assert res.recovered == ("上次运行在提交中途中断：已撤销其文件（1 项）",)
    assert _visible(out) == ["另"] and [s.name for s in list_sessions(led)] == ["另"]


def test_stale_staging_folder_without_journal_is_removed(tmp_path):
    out = tmp_path / "out"
    stale = out / f"{TXN_PREFIX}old"
    (stale / "new").mkdir(parents=True)
    os.utime(stale, (0, 0))
    res = generate(_request(out, tmp_path / "l.sqlite"))
    assert res.recovered == (f"已删除中断留下的临时文件夹 {TXN_PREFIX}old",) and not stale.exists()


def test_a_failed_rename_restores_every_old_file(tmp_path, monkeypatch):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    generate(_request(out, led, forms=2))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real, count = os.replace, [0]

    def replace(a, b):
        count[0] += 1
        if count[0] == 4:
            raise OSError(errno.EACCES, "Permission denied")
        real(a, b)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match="已恢复原有文件"):
        generate(_request(out, led, forms=2, overwrite=True, session="另"))
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [s.name for s in list_sessions(led)] == ["场"]


def test_force_with_a_folder_in_the_way_changes_nothing(tmp_path):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    generate(_request(out, led, forms=2))
    (out / "1-T-7-02.json").unlink()
    (out / "1-T-7-02.json").mkdir()
    before = (out / "1-T-7-01.json").read_bytes()
    with pytest.raises(OutputError, match="是一个文件夹"):
        generate(_request(out, led, forms=2, overwrite=True, session="另"))
    assert (out / "1-T-7-01.json").read_bytes() == before and [s.name for s in list_sessions(led)] == ["场"]


@pytest.mark.parametrize("setup, message", [
    ("readonly", "使用记录无法写入"),
    ("foreign", "不是 zujuan 使用记录的结构"),
])
def test_unusable_ledger_fails_before_anything_is_written(tmp_path, setup, message):
    led, out = tmp_path / "l.sqlite", tmp_path / "out"
    if setup == "readonly":
        generate(_request(tmp_path / "first", led))
        os.chmod(led, 0o444)
    else:
        with sqlite3.connect(led) as con:
            con.execute("CREATE TABLE forms (x TEXT)")
    if os.geteuid() == 0 and setup == "readonly":
        pytest.skip("root ignores file permissions")
    with pytest.raises(DataError, match=message):
        generate(_request(out, led))
    assert not out.exists()


def test_seed_beyond_the_ledger_range_is_refused_before_writing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(InputError, match="种子 9223372036854775808 超出范围"):
        generate(_request(out, tmp_path / "l.sqlite", seed=2**63))
    assert not out.exists() or _visible(out) == []


def test_duplicate_form_codes_in_a_session_are_refused(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("session: 重\ndate: 2026-12-12\nentries:\n  - {level: 一级, kind: theory, forms: 2, seed: 3}\n"
                    "  - {level: 1, kind: 理论, forms: 1, seed: 3}\n", encoding="utf-8")
    r = run("batch", spec, "-o", tmp_path / "out")
    assert r.exit_code == 1
    assert r.output.splitlines() == ["错误：场次文件有误（1 个错误）：",
                                     f"[错误] {spec}，第 2 项，字段 entries：与第 1 项生成相同的试卷编号 1-T-3-01"
                                     "（等级、方向、类型与种子都相同）（修改建议：改用不同的种子）"]
    assert not (tmp_path / "out").exists()
    entry = SessionEntry(level="1", direction=None, kind=Kind.THEORY, forms=1, structure=None, seed=3)
    with pytest.raises(InputError, match="场次第 1 项与第 2 项生成相同的试卷编号 1-T-3-01"):
        run_batch(Session(name="重", date="2026-12-12", entries=(entry, entry)), tmp_path / "out", record=False)


@pytest.mark.parametrize("name", [".", "..", "..."])
def test_session_named_dots_is_refused_and_the_root_is_never_renamed(tmp_path, name):
    spec = tmp_path / "s.yaml"
    spec.write_text(f"session: '{name}'\ndate: 2026-12-12\nentries:\n  - {{level: 一级, kind: theory, seed: 3}}\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match="不能只由点组成"):
        load_session(spec)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    entry = SessionEntry(level="1", direction=None, kind=Kind.THEORY, forms=1, structure=None, seed=3, formats=())
    with pytest.raises(InputError, match="不能只由点组成"):
        run_batch(Session(name=name, date="2026-12-12", entries=(entry,)), out, overwrite=True, record=False)
    assert _visible(out) == ["keep.txt"]
    with Transaction(out) as txn, pytest.raises(OutputError, match="不能替换输出目录本身"):
        txn.commit(["."], overwrite=True)
    assert _visible(out) == ["keep.txt"]


def test_full_disk_while_staging_leaves_no_temporary_file(tmp_path, monkeypatch):
    root = tmp_path / "qb"
    (root / "theory").mkdir(parents=True)
    (root / "theory" / "a.yaml").write_text("旧", encoding="utf-8")
    real = fileio.Path.write_bytes

    def full(self, data):
        if self.name == "b.yaml":
            real(self, data[:3])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)
    monkeypatch.setattr(fileio.Path, "write_bytes", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_files_atomic(root, {"theory/a.yaml": "新".encode(), "theory/b.yaml": b"items: []\n"})
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == ["theory", "theory/a.yaml"]
    assert (root / "theory" / "a.yaml").read_text(encoding="utf-8") == "旧"


def test_bank_import_on_a_full_disk_writes_nothing(tmp_path, monkeypatch):
    from assembler.bank.excel_io import write_workbook
    from assembler.bank.importer import import_workbook
    from tests.bankutil import judge, single

    src = tmp_path / "in.xlsx"
    src.write_bytes(write_workbook([single("N-1", "4", "内容创作", "2.2.2"), judge("N-2", None, "职业道德", "2.1.1")],
                                   []))
    into = tmp_path / "qb"
    real, calls = fileio.Path.write_bytes, []

    def full(self, data):
        calls.append(self)
        if len(calls) == 2:  # the second bank file does not fit
            real(self, data[:5])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)
    monkeypatch.setattr(fileio.Path, "write_bytes", full)
    with pytest.raises(OutputError, match="No space left on device"):
        import_workbook(src, into)
    assert [p for p in into.rglob("*") if p.is_file()] == []
