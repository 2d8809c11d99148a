"""Time loading a large bank with assembler.bank.load_bank, from YAML and from one xlsx workbook.

    .venv/bin/python benchmarks/bench_load.py [--items 20000] [--seed 1] [--repeat 3] [--no-breakdown]
                                              [--what-if]

cold: ZUJUAN_CACHE=off (every file parsed); warm: ZUJUAN_CACHE=<temp dir>, primed by one untimed
load, so unchanged files come from the parse cache. Target: under 5 s each. The breakdown times the
loader's phases (parse, normalise, cross-record checks) separately to show where the time goes;
--what-if repeats the loads with the near-duplicate scan switched off (in this process only).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synthetic_bank import ensure_bank  # noqa: E402

from assembler.bank import load_bank  # noqa: E402
from assembler.bank import loader as L  # noqa: E402
from assembler.bank.models import Bank, Item, Origin, Task  # noqa: E402
from assembler.bank.normalize import item_from_record  # noqa: E402
from assembler.bank.yaml_io import bank_files  # noqa: E402
from assembler.standard import load_standard  # noqa: E402

TARGET_S = 5.0
DATA = HERE / "_data"


def _timed_load(path: Path, std, cache: str) -> tuple[float, int]:
    os.environ["ZUJUAN_CACHE"] = cache
    gc.collect()
    t = time.perf_counter()
    bank = load_bank([path], std)
    dt = time.perf_counter() - t
    n = len(bank)
    del bank
    return dt, n


def breakdown(path: Path, std, cache: str) -> dict[str, float]:
    """Return seconds per loader phase, replaying read_bank's steps with the library's own functions."""
    os.environ["ZUJUAN_CACHE"] = cache
    gc.collect()
    out: dict[str, float] = {}
    t = time.perf_counter()
    files = bank_files([path])
    problems: list = []
    raw = [(f, L._parse_file(f, problems)) for f in files]
    out["parse files (" + ("cache on" if cache != "off" else "cache off") + ")"] = time.perf_counter() - t
    t = time.perf_counter()
    items: list[Item] = []
    tasks: list[Task] = []
    for f, recs in raw:
        for rec in recs:
            origin = Origin(str(f), rec.pop("__sheet", ""), rec.pop("__row", None))
            column = rec.pop("__columns", None) or (lambda key: key)
            obj = item_from_record(rec, origin, column, std, problems)
            (tasks if isinstance(obj, Task) else items).append(obj)
    out["normalise + per-record checks"] = time.perf_counter() - t
    t = time.perf_counter()
    sim = L.similar_stems(items)
    out["similar_stems (near-duplicate scan)"] = time.perf_counter() - t
    real_similar = L.similar_stems
    L.similar_stems = lambda _items: []  # cross_checks without the near-duplicate scan
    try:
        t = time.perf_counter()
        other = L.cross_checks(items, tasks)
        out["duplicate ids + enemy checks"] = time.perf_counter() - t
    finally:
        L.similar_stems = real_similar
    t = time.perf_counter()
    bank = Bank(tuple(items), tuple(tasks), tuple(map(str, files)))
    out["Bank()"] = time.perf_counter() - t
    t = time.perf_counter()
    _ = bank.hash
    out["(Bank.hash, computed later by assemble)"] = time.perf_counter() - t
    out["_warnings"] = float(len(sim)), float(len(other))
    return out


def main(argv: list[str] | None = None) -> int:  # noqa: C901
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="timed loads per case (min and median shown)")
    ap.add_argument("--no-breakdown", action="store_true")
    ap.add_argument("--what-if", action="store_true",
                    help="also time load_bank with the near-duplicate scan switched off (in this process only), "
                         "i.e. the suggested fix: load_bank does not need the warnings it discards")
    a = ap.parse_args(argv)

    yaml_dir = DATA / f"bank-{a.items}-s{a.seed}"
    xlsx = DATA / f"bank-{a.items}-s{a.seed}.xlsx"
    ensure_bank(a.items, a.seed, yaml_dir, xlsx)
    t = time.perf_counter()
    std = load_standard()
    t_std = time.perf_counter() - t
    n_yaml = len(bank_files([yaml_dir]))
    print(f"bank: {a.items} items + tasks, {n_yaml} YAML files ({sum(p.stat().st_size for p in bank_files([yaml_dir])) / 1e6:.1f} MB)"
          f" and one workbook ({xlsx.stat().st_size / 1e6:.1f} MB); load_standard() once: {t_std:.2f} s")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load average at start "
          f"{os.getloadavg()[0]:.2f} (other processes compete for the CPUs if this is above ~0.5); "
          f"{a.repeat} timed loads per case\n")

    rows = []
    with tempfile.TemporaryDirectory(prefix="zujuan-cache-") as tmp:
        for label, path in (("YAML folder", yaml_dir), ("xlsx workbook", xlsx)):
            for mode in ("cold", "warm"):
                cache = "off" if mode == "cold" else str(Path(tmp) / label.split()[0])
                if mode == "warm":
                    _timed_load(path, std, cache)  # prime the cache (untimed)
                times = []
                n = 0
                for _ in range(a.repeat):
                    dt, n = _timed_load(path, std, cache)
                    times.append(dt)
                entries = len(list(Path(cache).glob("*.pickle"))) if mode == "warm" else None
                rows.append((label, mode, n, min(times), statistics.median(times), entries))
                print(f"  measured {label:<14} {mode}: " + ", ".join(f"{x:.2f}" for x in times) + " s", flush=True)

        print()
        print(f"{'source':<15}{'cache':<7}{'records':>8}{'min s':>9}{'median s':>10}  {'target':<8}{'result':<7}cache entries")
        print("-" * 78)
        for label, mode, n, mn, med, entries in rows:
            ok = "PASS" if med < TARGET_S else "FAIL"
            ent = "-" if entries is None else str(entries)
            print(f"{label:<15}{mode:<7}{n:>8}{mn:>9.2f}{med:>10.2f}  <{TARGET_S:<7g}{ok:<7}{ent}")
        for label, mode, _n, _mn, _med, entries in rows:
            if mode == "warm" and entries == 0:
                print(f"\nnote: the warm cache holds no entry for the {label}: the parse cache never stores workbook"
                      " records (they carry a `__columns` closure), so a warm xlsx load re-parses the workbook.")

        if not a.no_breakdown:
            for label, path in (("YAML folder", yaml_dir), ("xlsx workbook", xlsx)):
                for mode in ("cold", "warm"):
                    cache = "off" if mode == "cold" else str(Path(tmp) / label.split()[0])
                    try:
                        b = breakdown(path, std, cache)
                    except Exception as exc:  # the loader's internals changed: skip, the table above stands
                        print(f"\nbreakdown unavailable ({type(exc).__name__}: {exc})")
                        break
                    warn_sim, warn_all = b.pop("_warnings")
                    print(f"\nbreakdown, {label}, {mode} (one run; phases replayed with the loader's own functions):")
                    for k, v in b.items():
                        print(f"  {k:<42}{v:>8.2f} s")
                    print(f"  (similar-stem warnings: {int(warn_sim)}; other cross-record problems: {int(warn_all)})")
        if a.what_if:
            real_similar = L.similar_stems
            L.similar_stems = lambda _items: []
            try:
                print("\nwhat if load_bank skipped similar_stems (monkeypatched here, library unchanged):")
                for label, path in (("YAML folder", yaml_dir), ("xlsx workbook", xlsx)):
                    for mode in ("cold", "warm"):
                        cache = "off" if mode == "cold" else str(Path(tmp) / label.split()[0])
                        times = [_timed_load(path, std, cache)[0] for _ in range(a.repeat)]
                        med = statistics.median(times)
                        print(f"  {label:<15}{mode:<6} median {med:6.2f} s  "
                              + ("PASS" if med < TARGET_S else "FAIL") + f" (target < {TARGET_S:g} s)")
            finally:
                L.similar_stems = real_similar
    os.environ.pop("ZUJUAN_CACHE", None)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0 if all(med < TARGET_S for *_, med, _e in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
