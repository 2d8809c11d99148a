"""Load a bank from YAML files, workbooks or folders, and validate it as a whole.

Parsed raw records are cached by file content hash (in ~/.cache/zujuan or $ZUJUAN_CACHE), so a
large unchanged bank loads without re-parsing; normalisation and checks always run. The cache is
plain JSON of the records (it cannot run code, unlike pickle) in a folder only its owner can read
(0700); a folder owned by someone else is not used.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from ..errors import DataError, Problem
from ..standard import PACKAGE_ROOT, Standard, load_standard
from .defence import (
    DefenceQuestion,
    defence_cross_checks,
    defence_files,
    is_materials_file,
    materials_problems,
    parse_defence,
    read_defence_file,
    rubric_files,
)
from .excel_io import ColumnNamer, parse_workbook
from .models import Bank, Item, Origin, Task, is_example_id
from .normalize import id_key, item_from_record
from .similarity import similar_pairs
from .task_files import task_file_problems
from .yaml_io import bank_files, parse_yaml_bank

DEFAULT_BANK = PACKAGE_ROOT / "question_bank"
# The modules whose code decides what a file's cached records are: a change to any of them changes
# every cache key, so no version number has to be bumped by hand.
_PARSER_MODULES = ("assembler.bank.loader", "assembler.bank.yaml_io", "assembler.bank.excel_io",
                   "assembler.yaml_safe")


@lru_cache(maxsize=1)
def parser_code_hash() -> str:
    """Return a digest of the parser's own source (the _PARSER_MODULES), part of every cache key."""
    import importlib

    h = hashlib.sha256(b"zujuan parse cache\n")
    for name in _PARSER_MODULES:
        source = importlib.import_module(name).__file__
        h.update(name.encode() + b"\n" + (Path(source).read_bytes() if source else b""))
    return h.hexdigest()[:16]


def _encode(x):
    """Return x as plain JSON data, every non-JSON type tagged. Raises TypeError for anything else."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, list):
        return [_encode(v) for v in x]
    if isinstance(x, dict):
        return {"t": "dict", "v": [[_encode(k), _encode(v)] for k, v in x.items()]}
    if isinstance(x, tuple):
        return {"t": "tuple", "v": [_encode(v) for v in x]}
    if isinstance(x, (set, frozenset)):
        return {"t": "set", "v": [_encode(v) for v in x]}
    if isinstance(x, datetime):
        return {"t": "datetime", "v": x.isoformat()}
    if isinstance(x, date):
        return {"t": "date", "v": x.isoformat()}
    if isinstance(x, time):
        return {"t": "time", "v": x.isoformat()}
    if isinstance(x, timedelta):
        return {"t": "timedelta", "v": [x.days, x.seconds, x.microseconds]}
    if isinstance(x, bytes):
        return {"t": "bytes", "v": base64.b64encode(x).decode()}
    if isinstance(x, ColumnNamer):
        return {"t": "columns", "labels": x.labels, "found": x.found}
    if isinstance(x, Problem):
        return {"t": "problem", "v": asdict(x)}
    raise TypeError(type(x).__name__)


_DECODE = {"dict": lambda d: {_decode(k): _decode(v) for k, v in d["v"]},
           "tuple": lambda d: tuple(_decode(v) for v in d["v"]),
           "set": lambda d: {_decode(v) for v in d["v"]},
           "datetime": lambda d: datetime.fromisoformat(d["v"]), "date": lambda d: date.fromisoformat(d["v"]),
           "time": lambda d: time.fromisoformat(d["v"]), "timedelta": lambda d: timedelta(*d["v"]),
           "bytes": lambda d: base64.b64decode(d["v"]),
           "columns": lambda d: ColumnNamer(d["labels"].items(), d["found"]),
           "problem": lambda d: Problem(**d["v"])}


def _decode(x):
    if isinstance(x, list):
        return [_decode(v) for v in x]
    if isinstance(x, dict):
        return _DECODE[x["t"]](x)
    return x


def cache_dumps(records: list[dict], problems: list[Problem]) -> bytes:
    """Return the cache entry of one file's parse. Raises TypeError for a value JSON cannot carry."""
    return json.dumps([_encode(records), _encode(problems)], ensure_ascii=False).encode("utf-8")


def cache_loads(data: bytes) -> tuple[list[dict], list[Problem]]:
    """Return (records, problems) from a cache entry. Raises ValueError/KeyError/TypeError if malformed."""
    records, problems = json.loads(data.decode("utf-8"))
    records, problems = _decode(records), _decode(problems)
    if not (isinstance(records, list) and all(isinstance(r, dict) for r in records)
            and isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)):
        raise ValueError("malformed cache entry")
    return records, problems


def _private_dir(path: Path) -> bool:
    """Return True if path is (now) a folder owned by this user and closed to others (0700)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = path.stat()
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            return False
        if st.st_mode & 0o077:
            path.chmod(0o700)
        return True
    except OSError:
        return False


def _cache_dir() -> Path | None:
    root = os.environ.get("ZUJUAN_CACHE")
    if root == "off":
        return None
    return Path(root) if root else Path.home() / ".cache" / "zujuan"


def _parse_bytes(path: str, data: bytes) -> tuple[list[dict], list[Problem]]:
    """Return (raw records, problems) of one file's bytes (runs in worker processes too)."""
    local: list[Problem] = []
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        records = parse_workbook(data, path, local)
    elif suffix in (".yaml", ".yml"):
        records = parse_yaml_bank(data, path, local)
    else:
        local.append(Problem("不是题库文件：只支持 .yaml/.yml 和 .xlsx", file=path))
        records = []
    return records, local


_PATH_MARK = "\x00bank-file\x00"  # JSON-escaped in an entry; no parse of text yields a NUL


def _json_text(s: str) -> bytes:
    return json.dumps(s, ensure_ascii=False)[1:-1].encode("utf-8")


def _path_free(data: bytes, path: Path) -> bool:
    """Return True if the file's own text never spells its path, so every occurrence of the path in
    its parse came from the path itself: the cache entry then stands for any copy of the file."""
    return _json_text(str(path)) not in data and str(path).encode("utf-8") not in data


def _without_path(entry: bytes, path: Path, movable: bool) -> bytes:
    """Return the cache entry with the file's path replaced by a mark (when the file is movable)."""
    return entry.replace(_json_text(str(path)), _json_text(_PATH_MARK)) if movable else entry


def _with_path(entry: bytes, path: Path, movable: bool) -> bytes:
    """Return the cache entry with the mark replaced by the path the file is read from now."""
    return entry.replace(_json_text(_PATH_MARK), _json_text(str(path))) if movable else entry


PARALLEL_BYTES = 2_000_000  # parse cache misses in several processes above this much YAML


def _parse_files(files: list[Path], problems: list[Problem]) -> list[list[dict]]:
    """Return each file's raw records, from the cache where the content is unchanged.

    Cache misses of a large bank are parsed in parallel processes (one per CPU).
    """
    cache = _cache_dir()
    if cache is not None and not _private_dir(cache):
        cache = None
    out: list[list[dict] | None] = [None] * len(files)
    todo: list[tuple[int, str, bytes, Path | None]] = []
    found: list[list[Problem]] = [[] for _ in files]
    for k, path in enumerate(files):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            found[k].append(Problem("文件不存在", file=str(path)))
            out[k] = []
            continue
        except OSError as exc:
            found[k].append(Problem(f"无法读取：{exc.strerror or exc}", file=str(path)))
            out[k] = []
            continue
        movable = _path_free(data, path)
        key = data + parser_code_hash().encode() + (b"" if movable else str(path).encode())
        cfile = cache / f"{hashlib.sha256(key).hexdigest()}.json" if cache else None
        if cfile and cfile.exists():
            try:
                out[k], found[k] = cache_loads(_with_path(cfile.read_bytes(), path, movable))
                continue
            except (OSError, ValueError, KeyError, TypeError):  # a broken cache entry is ignored and rebuilt
                pass
        todo.append((k, str(path), data, cfile))
    total = sum(len(d) for _, _, d, _ in todo)
    workers = min(os.cpu_count() or 1, len(todo))
    if workers > 1 and total > PARALLEL_BYTES:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_parse_bytes, [t[1] for t in todo], [t[2] for t in todo], chunksize=1))
    else:
        results = [_parse_bytes(name, data) for _, name, data, _ in todo]
    for (k, _, data, cfile), (records, local) in zip(todo, results):
        out[k], found[k] = records, local
        if cfile:
            tmp = cfile.with_suffix(f".{os.getpid()}.tmp")
            try:
                tmp.write_bytes(_without_path(cache_dumps(records, local), files[k], _path_free(data, files[k])))
                os.replace(tmp, cfile)
            except (OSError, TypeError, ValueError):  # not cached: a value JSON cannot carry, or no room
                try:
                    tmp.unlink(missing_ok=True)
                except OSError:
                    pass
    for f in found:
        problems += f
    return out  # type: ignore[return-value]


# Banks read in this process, by what was read: the same folders, unchanged, give the same (immutable)
# Bank and problems without normalising and checking again (the web workbench and the test suite read
# one bank many times). Only whole folders are remembered: a task's material files and pictures live
# in the bank folder, so a folder's file listing with sizes and modification times covers everything
# a reading depends on. Least recently used readings are dropped first, so one large bank read again and
# again between many small ones stays.
_READ_MEMO: dict[tuple, tuple[Standard, Bank, tuple[Problem, ...]]] = {}
_READ_MEMO_SIZE = 8


def forget_read_banks() -> None:
    """Forget the banks read in this process, so the next read_bank parses and checks again."""
    _READ_MEMO.clear()


def _folder_fingerprint(paths: list[Path]) -> tuple | None:
    """Return what identifies the content of the folders (every file's path, size, mtime and inode),
    or None when a path is not a folder (then the reading is not remembered)."""
    out: list[tuple] = []
    for p in paths:
        if not p.is_dir():
            return None
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    return None
                out.append((dirpath, name, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def read_bank(paths: list[str | Path] | None = None, standard: Standard | None = None,
              check_similar: bool = True) -> tuple[Bank, list[Problem]]:
    """Return the bank read from the paths (default question_bank/) and every problem found.

    YAML files in folders named `defence` (and files given by name whose key is `defence:`) are
    答辩题 of the 综合评审 (bank/defence.py); they land in Bank.defence.

    Never raises for bad data: problems carry file, sheet, row and column. check_similar=False
    skips the near-duplicate stem scan (it only yields warnings).
    """
    std = standard or load_standard()
    given = list(paths or [DEFAULT_BANK])
    folders = [Path(p).resolve() for p in given]
    fingerprint = _folder_fingerprint(folders)
    # the paths as given (and the folder they are relative to): the problems and origins name them so
    key = (tuple(map(str, given)), os.getcwd(), id(std), check_similar, fingerprint)
    hit = _READ_MEMO.get(key) if fingerprint is not None else None
    if hit is not None and hit[0] is std:
        _READ_MEMO[key] = _READ_MEMO.pop(key)  # most recently used last: the eviction below drops the oldest use
        return hit[1], list(hit[2])
    bank, problems = _read_bank(given, std, check_similar)
    if fingerprint is not None and _folder_fingerprint(folders) == fingerprint:  # unchanged while read
        if len(_READ_MEMO) >= _READ_MEMO_SIZE:
            _READ_MEMO.pop(next(iter(_READ_MEMO)))
        _READ_MEMO[key] = (std, bank, tuple(problems))
    return bank, problems


def _read_bank(paths: list[str | Path], std: Standard, check_similar: bool) -> tuple[Bank, list[Problem]]:
    problems: list[Problem] = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(Problem("路径不存在", file=str(p), hint="检查题库文件或文件夹的路径"))
    existing = [p for p in paths if Path(p).exists()]
    defence_paths = defence_files(existing)
    listed = bank_files(existing)
    problems += materials_problems(rubric_files(existing))
    files = [f for f in listed if f not in set(defence_paths) and not is_materials_file(f)]
    items: list[Item] = []
    tasks: list[Task] = []
    defence: list[DefenceQuestion] = []
    for f in defence_paths:
        found_q, found = read_defence_file(f, std)
        defence += found_q
        problems += found
    for f, records in zip(files, _parse_files(files, problems)):
        for rec in records:
            origin = Origin(str(f), rec.pop("__sheet", ""), rec.pop("__row", None))
            column = rec.pop("__columns", None) or (lambda key: key)
            if rec.get("type") == "defence":  # a row of a workbook's 答辩题 sheet
                q, found = parse_defence(rec, std, origin, column)
                problems += found
                defence += [q] if q else []
                continue
            obj = item_from_record(rec, origin, column, std, problems)
            if isinstance(obj, Task):
                tasks.append(obj)
            elif isinstance(obj, Item):
                items.append(obj)
    problems += defence_cross_checks(defence)
    if not files and not defence_paths and not rubric_files(existing) and not problems:
        problems.append(Problem("没有找到题库文件（.yaml 或 .xlsx）", file=", ".join(map(str, paths))))
    problems += cross_checks(items, tasks, check_similar)
    problems += task_file_problems(tasks)
    return Bank(tuple(items), tuple(tasks), tuple(str(f) for f in (*files, *defence_paths)), tuple(defence)), problems


def load_bank(paths: list[str | Path] | None = None, standard: Standard | None = None) -> Bank:
    """Return the bank; raise DataError listing every error (warnings do not stop loading)."""
    bank, problems = read_bank(paths, standard, check_similar=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors, title="题库有误，请先修正（可运行 zujuan bank validate 查看全部问题）")
    return bank


def _where(x: Item | Task) -> dict:
    o = x.origin or Origin("")
    return {"file": o.file, "sheet": o.sheet, "row": o.row}


def normalise_stem(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).lower()


def _file_set(item_id: str) -> str:
    """Return an id's file set: the part before its serial number (JC-ZYDD-029 → JC-ZYDD)."""
    return item_id.rsplit("-", 1)[0] if "-" in item_id else item_id


def cross_checks(items: list[Item], tasks: list[Task], check_similar: bool = True) -> list[Problem]:
    """Return problems that involve several records: duplicate ids, unknown enemies, similar stems."""
    problems: list[Problem] = []
    records: list[Item | Task] = [*items, *tasks]
    first: dict[str, Item | Task] = {}
    by_key: dict[str, Item | Task] = {}
    for x in records:
        if not x.id:
            continue
        key = id_key(x.id)
        if key in by_key:
            other = by_key[key]
            o = other.origin
            same = "" if other.id == x.id else f"（与 {other.id} 仅大小写或全角、半角不同，视为同一题号）"
            problems.append(Problem(f"题号 {x.id} 重复{same}（首次出现在 {o.describe() if o else '?'}）", column="题号",
                                    hint="每道题的题号必须唯一", **_where(x)))
        else:
            by_key[key] = first[x.id] = x
    loaded_sets = {_file_set(i) for i in first}
    for x in records:
        if is_example_id(x.id):
            problems.append(Problem(f"题号 {x.id} 是模板示例题，导入时会跳过", column="题号", severity="warning",
                                    hint="删除示例行，或改用自己的题号", **_where(x)))
        for e in x.enemies:
            if e not in first and "-" in e and _file_set(e) not in loaded_sets:
                # e.g. the shipped basics loaded without the sample's level items
                problems.append(Problem(f"题目 {x.id} 的互斥题号 {e} 属于未加载的题库（{_file_set(e)}），本次不检查",
                                        column="互斥题号", severity="warning", **_where(x)))
            elif e not in first:
                problems.append(Problem(f"题目 {x.id} 的互斥题号 {e} 不存在", column="互斥题号",
                                        hint="删除或改正该题号", **_where(x)))
            elif e == x.id:
                problems.append(Problem(f"题目 {x.id} 把自己列为互斥题", column="互斥题号", **_where(x)))
    if check_similar:
        problems += similar_stems(items)
    return problems


def similar_stems(items: list[Item], threshold: float = 0.85) -> list[Problem]:
    """Return warnings for duplicated or near-duplicated stems (stem + options, normalised,
    character-trigram Jaccard ≥ threshold); each item is reported against the most similar
    earlier item (the first one on a tie).

    Exact and near-linear (see bank/similarity.py): the result equals brute force.
    """
    problems: list[tuple[int, Problem]] = []
    norms = [normalise_stem(it.stem + "".join(v for _, v in it.options)) for it in items]
    exact: dict[str, int] = {}
    unique: list[int] = []
    for i, it in enumerate(items):
        if norms[i] in exact:
            problems.append((i, Problem(f"题目 {it.id} 与 {items[exact[norms[i]]].id} 题干和选项完全相同", column="题干",
                                        hint="删除重复题，或改写其中一道", severity="warning", **_where(it))))
            continue
        exact[norms[i]] = i
        unique.append(i)
    for a, (b, jac) in similar_pairs([norms[i] for i in unique], threshold).items():
        it, other = items[unique[a]], items[unique[b]]
        problems.append((unique[a], Problem(f"题目 {it.id} 与 {other.id} 高度相似（相似度 {jac:.0%}）", column="题干",
                                            hint="确认是否重复；如考查不同知识点请改写题干", severity="warning",
                                            **_where(it))))
    problems.sort(key=lambda x: x[0])  # stable: in item order, as the scan reports them
    return [p for _, p in problems]
