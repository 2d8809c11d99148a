"""Time form assembly (assembler.assemble.assemble_forms) and check every constraint on the result.

    .venv/bin/python benchmarks/bench_assemble.py [--items 20000] [--seed 1] [--forms 10]
                                                  [--peer] [--peer-model cells|full|both]

(a) one 四级 创意策划 (4A) theory form from the shipped sample bank (question_bank/): target < 1 s;
(b) --forms (10) 4A theory forms with no shared item (max_overlap=0) from the synthetic bank
    (benchmarks/synthetic_bank.py, --items items): target < 30 s.
Each result is checked independently of the assembler: cell counts per function × type, points per
function, form size, pool eligibility, disjointness, no enemy pair in a form, difficulty mean within
3 ± 0.3 — plus, reported separately, zujuan's own extra rules (work-content quotas, 40–60% of judge
items √).

--peer runs the same job with FlexATA (PyPI flexata: PuLP + CBC) in its own venv
(benchmarks/_data/peer-venv, created on first use with `pip install flexata 'pandas<3'`) through
benchmarks/flexata_peer.py, on the same pool (exported as CSV) and the same constraints, and checks
both results with the same checker. Peer models: "cells" = exact cells + enemies + disjoint (the
minimum); "full" = also work-content quotas, difficulty band and judge-√ band, i.e. the same hard
constraints as zujuan. Default: both.
"""
from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synthetic_bank import ensure_bank  # noqa: E402

from assembler.assemble import AssemblyOptions, DifficultyTarget, assemble_forms  # noqa: E402
from assembler.bank import load_bank  # noqa: E402
from assembler.bank.models import TRUE_MARK, Bank, item_serves  # noqa: E402
from assembler.blueprint import Blueprint, build_blueprint, work_content_quota  # noqa: E402
from assembler.standard import load_standard, work_content_of  # noqa: E402
from assembler.structure import THEORY_TYPES, ItemType  # noqa: E402

DATA = HERE / "_data"
PEER_VENV = DATA / "peer-venv"
PEER_PY = PEER_VENV / "bin" / "python"
SAMPLE_TARGET_S = 1.0
SYNTH_TARGET_S = 30.0


# ---- the independent checker ---------------------------------------------------------------------
def pool_of(bank: Bank, bp: Blueprint) -> list:
    """Return the items a form of this blueprint may use: active, serving the level, in a row."""
    rows = {r.name for r in bp.rows}
    return [it for it in bank.items if it.active and item_serves(it, bp.level) and it.function in rows
            and it.type in THEORY_TYPES]


def check_forms(bank: Bank, bp: Blueprint, forms: list[list[str]], max_overlap: int = 0,  # noqa: C901
                target: DifficultyTarget = DifficultyTarget()) -> tuple[list[tuple[str, bool, str]], list]:
    """Return (core checks, extra checks) as (name, ok, detail) for forms given as lists of ids."""
    points = {s.type: Fraction(s.points) for s in bp.structure.sections}
    size = sum(r.count for r in bp.rows)
    eligible = {it.id for it in pool_of(bank, bp)}
    core: list[tuple[str, bool, str]] = []
    extra: list[tuple[str, bool, str]] = []

    def add(out, name, bad):
        out.append((name, not bad, "ok" if not bad else "; ".join(bad[:4]) + (f" … ({len(bad)} in all)" if len(bad) > 4 else "")))

    bad = [f"form {k + 1}: {len(ids)} items, {len(set(ids))} distinct" for k, ids in enumerate(forms)
           if len(ids) != size or len(set(ids)) != len(ids)]
    add(core, f"form size {size}, no item twice", bad)
    bad = [f"form {k + 1}: {i}" for k, ids in enumerate(forms) for i in ids if i not in eligible]
    add(core, "items eligible (active, level, function)", bad)
    items = [[bank.get(i) for i in ids if bank.get(i) is not None] for ids in forms]
    bad = []
    for k, its in enumerate(items):
        have = Counter((it.function, it.type) for it in its)
        for r in bp.rows:
            for t in THEORY_TYPES:
                need = r.cell(t).count
                if have[(r.name, t)] != need:
                    bad.append(f"form {k + 1} {r.name}·{t.value}: {have[(r.name, t)]} ≠ {need}")
    add(core, "cell counts (function × type)", bad)
    bad = []
    for k, its in enumerate(items):
        pts = Counter()
        for it in its:
            pts[it.function] += points[it.type]
        for r in bp.rows:
            if pts[r.name] != r.weight:
                bad.append(f"form {k + 1} {r.name}: {float(pts[r.name]):g} ≠ {r.weight}")
    add(core, "points per function", bad)
    bad = []
    sets = [set(ids) for ids in forms]
    for a in range(len(sets)):
        for b in range(a + 1, len(sets)):
            n = len(sets[a] & sets[b])
            if n > max_overlap:
                bad.append(f"forms {a + 1}&{b + 1} share {n}")
    add(core, f"pairwise overlap ≤ {max_overlap}" + (" (disjoint)" if max_overlap == 0 else ""), bad)
    bad = []
    for k, its in enumerate(items):
        ids = {it.id for it in its}
        clash = sorted({tuple(sorted((it.id, e))) for it in its for e in it.enemies if e in ids})
        bad += [f"form {k + 1}: {x} with {y}" for x, y in clash]
    add(core, "no enemy pair in a form", bad)
    bad = []
    means = []
    for k, its in enumerate(items):
        if target.ratio:
            continue
        m = sum(it.difficulty for it in its) / max(1, len(its))
        means.append(m)
        if not target.mean - target.tolerance - 1e-9 <= m <= target.mean + target.tolerance + 1e-9:
            bad.append(f"form {k + 1}: mean {m:.3f}")
    add(core, f"difficulty mean in {target.mean:g} ± {target.tolerance:g}"
        + (f" (forms: {min(means):.2f}–{max(means):.2f})" if means else ""), bad)
    # zujuan's own extra rules
    bad = []
    for k, its in enumerate(items):
        have = Counter((it.function, work_content_of(it.code, it.function)) for it in its)
        for r in bp.rows:
            for w, (lo, hi) in zip(r.work_contents, work_content_quota(r, r.count)):
                if not lo <= have[(r.name, w.code)] <= hi:
                    bad.append(f"form {k + 1} {r.name} {w.code}: {have[(r.name, w.code)]} ∉ [{lo},{hi}]")
    add(extra, "work-content quotas", bad)
    nj = sum(r.cell(ItemType.JUDGE).count for r in bp.rows)
    bad = []
    for k, its in enumerate(items):
        t = sum(1 for it in its if it.type is ItemType.JUDGE and it.answer == TRUE_MARK)
        if nj and not ceil(0.4 * nj) <= t <= floor(0.6 * nj):
            bad.append(f"form {k + 1}: {t} of {nj} judge items √")
    add(extra, "judge items √ 40–60%", bad)
    return core, extra


def print_checks(title: str, core, extra) -> bool:
    ok = all(c[1] for c in core)
    print(f"  constraint check, {title}: {'PASS' if ok else 'FAIL'}")
    for name, good, detail in core:
        print(f"    [{'ok' if good else 'FAIL'}] {name}" + ("" if good else f": {detail}"))
    for name, good, detail in extra:
        print(f"    ({'ok' if good else 'not met'}) extra, zujuan-only rule: {name}" + ("" if good else f": {detail}"))
    return ok


# ---- peer -------------------------------------------------------------------------------------------
def ensure_peer_venv() -> tuple[bool, str]:
    """Return (ready, message): create benchmarks/_data/peer-venv with flexata and pandas<3 if missing."""
    if not PEER_PY.exists():
        print("creating the peer venv (python3.11 -m venv benchmarks/_data/peer-venv; pip install flexata 'pandas<3') …",
              flush=True)
        try:
            subprocess.run(["python3.11", "-m", "venv", str(PEER_VENV)], check=True, capture_output=True, text=True)
            r = subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "flexata", "pandas<3"],
                               capture_output=True, text=True, timeout=900)
            if r.returncode:
                return False, "pip install flexata 'pandas<3' failed:\n" + (r.stderr or r.stdout)[-1500:]
        except (OSError, subprocess.SubprocessError) as exc:
            return False, f"could not create the peer venv: {exc}"
    r = subprocess.run([str(PEER_PY), "-c", "import FlexATA.form_builder, pulp, pandas; "
                        "from importlib.metadata import version as v; "
                        "print(v('flexata'), pulp.__version__, pandas.__version__)"],
                       capture_output=True, text=True)
    if r.returncode:
        return False, "FlexATA is not importable in the peer venv:\n" + r.stderr[-1500:]
    fx, pulp_v, pd_v = r.stdout.split()
    return True, f"flexata {fx}, PuLP {pulp_v}, pandas {pd_v} (CBC bundled with PuLP)"


def export_peer_input(bank: Bank, bp: Blueprint, n_forms: int, target: DifficultyTarget, model: str,
                      time_limit: float) -> tuple[Path, Path]:
    pool = pool_of(bank, bp)
    ids = {it.id for it in pool}
    csv_path = DATA / f"peer-pool-{bp.level}{bp.direction or ''}.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "function", "type", "work_content", "difficulty", "enemies", "judge_true"])
        for it in pool:
            w.writerow([it.id, it.function, it.type.value, work_content_of(it.code, it.function), it.difficulty,
                        ";".join(e for e in it.enemies if e in ids),
                        int(it.type is ItemType.JUDGE and it.answer == TRUE_MARK)])
    size = sum(r.count for r in bp.rows)
    nj = sum(r.cell(ItemType.JUDGE).count for r in bp.rows)
    spec = {
        "model": model, "n_forms": n_forms, "items_per_form": size, "max_usage": 1, "time_limit": time_limit,
        "cells": [{"function": r.name, "type": t.value, "count": r.cell(t).count} for r in bp.rows for t in THEORY_TYPES],
        "work_contents": [{"function": r.name, "work_content": w.code, "min": lo, "max": hi}
                          for r in bp.rows for w, (lo, hi) in zip(r.work_contents, work_content_quota(r, r.count))],
        "difficulty_sum": [size * (target.mean - target.tolerance), size * (target.mean + target.tolerance)],
        "judge_true": [ceil(0.4 * nj), floor(0.6 * nj)],
    }
    spec_path = DATA / f"peer-constraints-{model}.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    return csv_path, spec_path


def run_peer(bank: Bank, bp: Blueprint, n_forms: int, target: DifficultyTarget, model: str,
             time_limit: float) -> dict | None:
    csv_path, spec_path = export_peer_input(bank, bp, n_forms, target, model, time_limit)
    out_path = DATA / f"peer-result-{model}.json"
    out_path.unlink(missing_ok=True)
    t = time.perf_counter()
    r = subprocess.run([str(PEER_PY), str(HERE / "flexata_peer.py"), str(csv_path), str(spec_path), str(out_path)],
                       capture_output=True, text=True, timeout=time_limit + 600)
    wall = time.perf_counter() - t
    if not out_path.exists():
        print(f"  FlexATA ({model}) failed (exit {r.returncode}):\n{(r.stderr or r.stdout)[-2000:]}")
        return None
    res = json.loads(out_path.read_text(encoding="utf-8"))
    res["wall_s"] = wall
    return res


# ---- main ---------------------------------------------------------------------------------------------
_MILP_SECONDS = [0.0]


def _instrument_milp() -> bool:
    """Wrap the milp the assembler calls (in this process only) to split its time into HiGHS vs the rest."""
    import assembler.assemble as asm

    if not hasattr(asm, "milp"):
        return False
    real = asm.milp

    def milp(*args, **kw):
        t = time.perf_counter()
        try:
            return real(*args, **kw)
        finally:
            _MILP_SECONDS[0] += time.perf_counter() - t

    asm.milp = milp
    return True


def timed(fn, *args, **kw):
    gc.collect()
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=20000, help="synthetic bank size (default 20000)")
    ap.add_argument("--seed", type=int, default=1, help="bank seed and assembly seed")
    ap.add_argument("--forms", type=int, default=10)
    ap.add_argument("--level", default="4")
    ap.add_argument("--direction", default="A")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs of the 10-form job (seeds seed, seed+1, …)")
    ap.add_argument("--peer", action="store_true", help="also run FlexATA (PuLP + CBC) on the same job")
    ap.add_argument("--peer-model", choices=["cells", "full", "both"], default="both")
    ap.add_argument("--peer-time-limit", type=float, default=900.0)
    a = ap.parse_args(argv)
    os.environ.setdefault("ZUJUAN_CACHE", str(DATA / "cache"))
    std = load_standard()
    bp = build_blueprint(std, a.level, a.direction, "theory")
    target = DifficultyTarget()
    print(f"blueprint: {bp.title} theory, {sum(r.count for r in bp.rows)} items, "
          f"{sum(1 for r in bp.rows for c in r.cells if c.count)} non-empty cells; machine: {os.cpu_count()} CPUs, "
          f"load average at start {os.getloadavg()[0]:.2f}\n")
    results_ok = True

    # (a) the shipped sample bank, one form
    sample, t_load = timed(load_bank, None, std)
    pool_a = pool_of(sample, bp)
    print(f"(a) sample bank question_bank/: {len(sample.items)} items, pool for {bp.level}{bp.direction or ''}: "
          f"{len(pool_a)}; load {t_load:.2f} s")
    times_a = []
    forms_a = None
    for k in range(3):
        forms_a, dt = timed(assemble_forms, sample, bp, 1, a.seed + k, AssemblyOptions(), std)
        times_a.append(dt)
    print(f"  assemble 1 form (seeds {a.seed}–{a.seed + 2}): " + ", ".join(f"{x:.3f}" for x in times_a)
          + f" s (first call includes Bank.hash); target < {SAMPLE_TARGET_S:g} s: "
          + ("PASS" if max(times_a) < SAMPLE_TARGET_S else "FAIL"))
    core, extra = check_forms(sample, bp, [f.ids() for f in forms_a], 0, target)
    results_ok &= print_checks("sample bank, 1 form (last seed)", core, extra) and max(times_a) < SAMPLE_TARGET_S

    # (b) the synthetic bank, n disjoint forms
    ydir = DATA / f"bank-{a.items}-s{a.seed}"
    ensure_bank(a.items, a.seed, ydir)
    bank, t_load = timed(load_bank, [ydir], std)
    pool_b = pool_of(bank, bp)
    print(f"\n(b) synthetic bank: {len(bank.items)} items, pool for {bp.level}{bp.direction or ''}: {len(pool_b)} "
          f"({sum(len(it.enemies) for it in pool_b) // 2} enemy pairs); load {t_load:.2f} s (see bench_load.py)")
    times_b = []
    solver_b = []
    forms_b = None
    instrumented = _instrument_milp()
    for k in range(a.repeat):
        _MILP_SECONDS[0] = 0.0
        try:
            forms_b, dt = timed(assemble_forms, bank, bp, a.forms, a.seed + k, AssemblyOptions(max_overlap=0), std)
        except Exception as exc:  # report and go on to the peer
            print(f"  assemble_forms raised {type(exc).__name__}: {exc}")
            forms_b, dt = None, float("nan")
        times_b.append(dt)
        solver_b.append(_MILP_SECONDS[0])
    ours = statistics.median(times_b)
    ours_solve = statistics.median(solver_b) if instrumented else float("nan")
    ok_b = bool(forms_b) and ours < SYNTH_TARGET_S
    print(f"  assemble {a.forms} forms, max_overlap=0: " + ", ".join(f"{x:.2f}" for x in times_b)
          + f" s (first includes Bank.hash); target < {SYNTH_TARGET_S:g} s: " + ("PASS" if ok_b else "FAIL"))
    if instrumented:
        print("  of which inside scipy.optimize.milp (HiGHS): " + ", ".join(f"{x:.2f}" for x in solver_b) + " s")
    ours_ok = False
    if forms_b:
        core, extra = check_forms(bank, bp, [f.ids() for f in forms_b], 0, target)
        ours_ok = print_checks(f"zujuan, {a.forms} forms", core, extra)
    results_ok &= ok_b and ours_ok

    # peer
    if a.peer:
        print()
        ready, msg = ensure_peer_venv()
        if not ready:
            print("FlexATA PEER NOT RUN — it could not be installed or imported (no network?):\n  " + msg)
            print("zujuan's results above stand on their own.")
            return 0 if results_ok else 1
        print(f"peer: {msg}; pool exported as CSV ({len(pool_b)} items), same constraints, CBC time limit "
              f"{a.peer_time_limit:g} s")
        models = ["cells", "full"] if a.peer_model == "both" else [a.peer_model]
        rows = []
        for model in models:
            print(f"  running FlexATA, model '{model}' …", flush=True)
            res = run_peer(bank, bp, a.forms, target, model, a.peer_time_limit)
            if res is None:
                rows.append((model, None, None, None, None, False))
                continue
            ok = False
            if res["forms"]:
                core, extra = check_forms(bank, bp, res["forms"], 0, target)
                ok = print_checks(f"FlexATA '{model}', {a.forms} forms", core, extra)
            else:
                print(f"  FlexATA '{model}': status {res['status']}, no forms")
            rows.append((model, res["build_s"], res["solve_s"], res["import_s"], res["wall_s"], ok))
        print(f"\nsummary: {a.forms} disjoint {bp.level}{bp.direction or ''} theory forms from a {len(pool_b)}-item pool "
              f"({a.items}-item bank)")
        print(f"{'tool':<10}{'model':<32}{'build s':>9}{'solve s':>9}{'total s':>9}  constraints")
        print("-" * 82)
        print(f"{'zujuan':<10}{'cells+wc+difficulty+judge√':<32}{ours - ours_solve:>9.2f}{ours_solve:>9.2f}{ours:>9.2f}  "
              + ("PASS" if ours_ok else "FAIL"))
        for model, b, s, imp, wall, ok in rows:
            label = "cells (+enemies, disjoint)" if model == "cells" else "full (same as zujuan)"
            if b is None:
                print(f"{'FlexATA':<10}{label:<32}{'-':>9}{'-':>9}{'-':>9}  not run / failed")
                continue
            print(f"{'FlexATA':<10}{label:<32}{b:>9.2f}{s:>9.2f}{b + s:>9.2f}  " + ("PASS" if ok else "FAIL")
                  + f"   (process wall {wall:.1f} s incl. imports {imp:.1f} s + CSV)")
        print("(zujuan 'build' = everything outside HiGHS: pool, shortage checks, model rows, form entries, "
              "Bank.hash; FlexATA 'build' = PuLP model construction, 'solve' = CBC incl. writing/reading its files)")
        for model, b, s, _imp, _wall, _ok in rows:
            if b is not None:
                print(f"zujuan time ÷ FlexATA time ({model}): {ours:.2f} / {b + s:.2f} = {ours / (b + s):.2f}")
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0 if results_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
