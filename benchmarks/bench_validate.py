"""Time `zujuan bank validate` on synthetic banks of 10,000, 20,000 and 100,000 items.

    .venv/bin/python benchmarks/bench_validate.py [--items 10000 20000 100000] [--repeat 3] [--seed 1]
                                                  [--stats]

Each size: the bank is generated on first use (benchmarks/_data/bank-<items>-s<seed>/); one untimed
run primes the parse cache (benchmarks/_data/cache; the "cold" figure printed is that run), then
--repeat timed runs of the real command in a subprocess (Python start-up and imports included),
reported as min / median / max with the load average before and after. Separately, in this process,
the near-duplicate scan alone (assembler.bank.loader.similar_stems) on the loaded items.
--stats also times `zujuan bank stats` on each bank the same way.
Targets (issue 17): validate 20k < 5 s, 100k < 30 s; stats 100k < 30 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synthetic_bank import ensure_bank  # noqa: E402

DATA = HERE / "_data"
TARGETS = {20000: 5.0, 100000: 30.0}


def run_cli(args: list[str], env: dict) -> tuple[float, str]:
    """Return (wall seconds, last output line) of one `python -m assembler …` run."""
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "assembler", *args], capture_output=True, text=True, env=env,
                       cwd=ROOT)
    wall = time.perf_counter() - t
    lines = (r.stdout or r.stderr).strip().splitlines()
    return wall, (lines[-1] if lines else f"exit {r.returncode}")


def scan_alone(path: Path) -> tuple[float, int, int]:
    """Return (seconds, items, near-duplicate warnings) of similar_stems alone on the bank."""
    from assembler.bank import read_bank
    from assembler.bank.loader import similar_stems

    bank, _ = read_bank([path], check_similar=False)
    t = time.perf_counter()
    found = similar_stems(list(bank.items))
    return time.perf_counter() - t, len(bank.items), len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, nargs="+", default=[10000, 20000, 100000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stats", action="store_true", help="also time `zujuan bank stats`")
    a = ap.parse_args(argv)
    env = {**os.environ, "ZUJUAN_CACHE": str(DATA / "cache")}
    os.environ["ZUJUAN_CACHE"] = env["ZUJUAN_CACHE"]
    print(f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
    ok = True
    rows = []
    for n in a.items:
        path, _ = ensure_bank(n, a.seed, DATA / f"bank-{n}-s{a.seed}")
        commands = [("validate", ["bank", "validate", "--quiet", str(path)])]
        if a.stats:
            commands.append(("stats", ["bank", "stats", "--bank", str(path)]))
        for name, args in commands:
            cold, _ = run_cli(args, env)
            load0 = os.getloadavg()[0]
            times, last = [], ""
            for _ in range(a.repeat):
                wall, last = run_cli(args, env)
                times.append(wall)
            load1 = os.getloadavg()[0]
            target = TARGETS.get(n)
            verdict = "" if target is None else (" PASS" if statistics.median(times) < target else " FAIL")
            ok &= verdict != " FAIL"
            rows.append((n, name, cold, min(times), statistics.median(times), max(times), load0, load1, target, verdict))
            print(f"{n:>7} items  bank {name:<8} first (cache priming) {cold:6.2f} s; warm min/median/max "
                  f"{min(times):6.2f} / {statistics.median(times):6.2f} / {max(times):6.2f} s "
                  f"(load {load0:.2f}→{load1:.2f})" + (f"; target < {target:g} s{verdict}" if target else ""))
            print(f"         {last[:150]}")
        dt, count, found = scan_alone(path)
        print(f"         near-duplicate scan alone (similar_stems, {count} items): {dt:.2f} s, {found} warnings")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
