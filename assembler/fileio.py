"""The one way zujuan writes files.

Single files (`write_bytes_atomic`) go to a temporary sibling and are renamed into place. A set
of files or folders (`Transaction`) is staged in a hidden folder `.zujuan-txn-*` inside the
output root, then moved into place; an optional ledger recording is held open across the moves
and commits last, so the outcome is either the old state or the new files with their ledger
record. A journal in the staging folder lets the next run finish or undo an interrupted commit
(a kill, a power cut): forward if its ledger record was committed, back otherwise. Existing files
are never replaced unless the caller says so, and the output root itself is never moved.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from .errors import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

TXN_PREFIX = ".zujuan-txn-"
_JOURNAL = "journal.json"
_LOCK = ".lock"
_STALE_SECONDS = 60  # a staging folder without a lock file younger than this may still be starting


def default_mode(directory: bool = False) -> int:
    """Return the permissions a normally created file (or folder) gets under the current umask;
    temporary files start private, and are given these before they are moved into place."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """Return the path, or raise OutputError if it exists and overwrite is False, if it is a folder,
    or if a folder above it is in fact a file (nothing could be written there)."""
    p = Path(path)
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"无法写入 {p}：{parent} 是文件，不是文件夹。")
            break
    if p.exists() and not overwrite:
        raise OutputError(f"输出文件 {p} 已存在；如需覆盖请加 --force。")
    if p.exists() and p.is_dir():
        raise OutputError(f"输出路径 {p} 是一个文件夹，请给出文件名。")
    return p


def write_bytes_atomic(path: str | Path, data: bytes, overwrite: bool = False) -> Path:
    """Write data to path atomically. Raises OutputError if the file exists and overwrite is False,
    or if writing fails (the temporary file is removed)."""
    p = check_target(path, overwrite)
    tmp: str | None = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, default_mode())
        os.replace(tmp, p)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {p}：{exc.strerror or exc}") from None
    return p


def clashes(root: Path, targets: list[str]) -> list[str]:
    """Return the targets (paths relative to root) that already exist."""
    return [t for t in targets if (root / t).exists() or (root / t).is_symlink()]


def refuse_clashes(root: Path, targets: list[str], overwrite: bool) -> None:
    """Raise OutputError naming existing targets (unless overwrite), or a target that is a folder
    where a file will go."""
    found = clashes(root, targets)
    if found and not overwrite:
        shown = "、".join(found[:5]) + (" 等" if len(found) > 5 else "")
        raise OutputError(f"输出文件已存在：{shown}（位于 {root}）。请换一个输出目录（-o）、换一个种子，或加 --force 覆盖。")


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    elif p.exists() or p.is_symlink():
        p.unlink()


def _open_permissions(p: Path) -> None:
    """Give staged files and folders normal permissions (mkdtemp/mkstemp make them private)."""
    if p.is_dir():
        os.chmod(p, default_mode(directory=True))
        for x in p.rglob("*"):
            os.chmod(x, default_mode(directory=x.is_dir()))
    else:
        os.chmod(p, default_mode())


class Transaction:
    """Stage files under ROOT/.zujuan-txn-*/new/, then move them into ROOT in one commit.

    Use as a context manager; leaving it removes the staging folder whatever happened. On
    creation, staging folders left by interrupted runs are finished or undone (see recover).
    Raises OutputError if the root cannot be created.
    """

    def __init__(self, root: str | Path, is_recorded: Callable[[dict], bool] | None = None):
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.recovered = recover(self.root, is_recorded)
            self.dir = Path(tempfile.mkdtemp(prefix=TXN_PREFIX, dir=self.root))
            self._lock = open(self.dir / _LOCK, "w")
            if fcntl is not None:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            (self.dir / "new").mkdir()
            (self.dir / "old").mkdir()
        except OSError as exc:
            raise OutputError(f"无法创建输出目录 {self.root}：{exc.strerror or exc}") from None

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the staging folder and release its lock."""
        shutil.rmtree(self.dir, ignore_errors=True)
        self._lock.close()

    def path(self, rel: str) -> Path:
        """Return where to stage the target rel (its parent folders are created)."""
        p = self.dir / "new" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def add(self, rel: str, data: bytes) -> None:
        """Stage a file. Raises OutputError if it cannot be written (a full disk)."""
        try:
            self.path(rel).write_bytes(data)
        except OSError as exc:
            raise OutputError(f"写入 {self.root} 失败：{exc.strerror or exc}") from None

    def commit(self, targets: list[str], overwrite: bool = False,
               record: AbstractContextManager | None = None, marker: dict | None = None) -> list[Path]:
        """Move the staged targets into the root; `record` (the ledger recording) is entered before
        the first move and left after the last, so its commit is the last step. Any failure puts
        the old files back and leaves `record` uncommitted. `marker` (written to the journal) lets
        recover() ask whether the record was committed. Raises OutputError.
        """
        refuse_clashes(self.root, targets, overwrite)
        for t in targets:
            dst, src = self.root / t, self.dir / "new" / t
            if dst.is_dir() and not src.is_dir():
                raise OutputError(f"输出路径 {dst} 是一个文件夹，无法用文件覆盖。")
            if Path(os.path.abspath(dst)) == Path(os.path.abspath(self.root)) or t in ("", ".", ".."):
                raise OutputError(f"不能替换输出目录本身：{self.root}")
        placed: list[str] = []
        backed: list[str] = []
        try:
            for t in targets:
                _open_permissions(self.dir / "new" / t)
            journal = self.dir / _JOURNAL
            journal.write_text(json.dumps({"targets": targets, "ledger": marker}, ensure_ascii=False), encoding="utf-8")
            with record if record is not None else nullcontext():
                for t in targets:
                    dst = self.root / t
                    if dst.exists() or dst.is_symlink():
                        (self.dir / "old" / t).parent.mkdir(parents=True, exist_ok=True)
                        os.replace(dst, self.dir / "old" / t)
                        backed.append(t)
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.dir / "new" / t, dst)
                    placed.append(t)
        except BaseException as exc:
            self._undo(placed, backed)
            if isinstance(exc, OSError):
                raise OutputError(f"写入 {self.root} 失败：{exc.strerror or exc}（已恢复原有文件）") from None
            raise
        return [self.root / t for t in targets]

    def _undo(self, placed: list[str], backed: list[str]) -> None:
        for t in reversed(placed):
            os.replace(self.root / t, self.dir / "new" / t)
        for t in reversed(backed):
            os.replace(self.dir / "old" / t, self.root / t)


def recover(root: Path, is_recorded: Callable[[dict], bool] | None = None) -> list[str]:
    """Finish or undo the commits that interrupted runs left in root; return what was done (Chinese).

    A staging folder with no journal never started committing and is removed. One with a journal
    is rolled forward if its ledger marker is recorded (is_recorded), otherwise rolled back.
    Folders another running process holds are left alone.
    """
    done: list[str] = []
    for d in sorted(root.glob(TXN_PREFIX + "*")):
        lock_path = d / _LOCK
        if not lock_path.exists():
            if time.time() - d.stat().st_mtime < _STALE_SECONDS:
                continue
            shutil.rmtree(d, ignore_errors=True)
            done.append(f"已删除中断留下的临时文件夹 {d.name}")
            continue
        with open(lock_path, "a") as lock:
            if fcntl is not None:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a running process owns it
            journal = d / _JOURNAL
            if journal.exists():
                spec = json.loads(journal.read_text(encoding="utf-8"))
                marker = spec.get("ledger")
                forward = marker is not None and is_recorded is not None and is_recorded(marker)
                _finish(root, d, spec["targets"], forward)
                done.append(f"上次运行在提交中途中断：已{'完成' if forward else '撤销'}其文件（{len(spec['targets'])} 项）")
            else:
                done.append(f"已删除中断留下的临时文件夹 {d.name}")
        shutil.rmtree(d, ignore_errors=True)
    return done


def _finish(root: Path, d: Path, targets: list[str], forward: bool) -> None:
    for t in targets:
        dst, new, old = root / t, d / "new" / t, d / "old" / t
        if forward:
            if new.exists():
                if (dst.exists() or dst.is_symlink()) and not old.exists():
                    old.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(dst, old)
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new, dst)
        else:
            if not new.exists() and (dst.exists() or dst.is_symlink()):
                _remove(dst)  # ours: placed before the interruption
            if old.exists():
                os.replace(old, dst)


def write_files_atomic(root: str | Path, files: dict[str, bytes], overwrite: bool = True) -> list[Path]:
    """Write several files under root (paths relative to it) so that all are replaced or none.

    Raises OutputError (writing nothing, leaving no temporary file) if any cannot be written.
    """
    with Transaction(root) as txn:
        for rel, data in files.items():
            txn.add(rel, data)
        return txn.commit(list(files), overwrite)
