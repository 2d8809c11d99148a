"""Assembly at scale (issue 17): forms × pool sizes, seed overlap, guojia-190, smallest overlap, memory.

    .venv/bin/python benchmarks/bench_scale.py [--pools 2000 20000 100000] [--forms 1 5 10 20 40]
                                               [--repeat 3] [--level 4 --direction A]

For each synthetic bank size (benchmarks/_data/bank-<items>-s1, generated on first use) a subprocess
loads the bank once and times assemble_forms for each N (max_overlap 0; seeds 1..repeat), checking
every hard constraint with bench_assemble.check_forms; when N disjoint forms do not fit, it times the
diagnosis (the InfeasibleError naming the smallest workable overlap) and then one assembly at that
overlap. The subprocess reports its peak RSS. Then, on the 20,000-item bank:

- seed overlap: items shared by the 10 forms of seed s and of seed s + 1 (s = 1..repeat);
- guojia-190 (三级 视听运营, 190 items): 10 forms — the smallest-overlap diagnosis, then the forms
  at that overlap; the diagnosis ÷ the feasible solve is the "smallest overlap < 3× one solve"
  figure;
- 1 form from the shipped sample bank.

Results print as tables (min / median / max over the runs, load average before/after).
`--chart FILE.png` also draws the median time against N for each bank size (needs matplotlib:
`.venv/bin/pip install -e '.[bench]'`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

DATA = HERE / "_data"


def _stats(xs: list[float]) -> str:
    return f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"


def _assemble_checked(bank, bp, n, seed, overlap, std):
    from bench_assemble import check_forms

    from assembler.assemble import AssemblyOptions, DifficultyTarget, assemble_forms

    t = time.perf_counter()
    forms = assemble_forms(bank, bp, n, seed, AssemblyOptions(max_overlap=overlap), std)
    dt = time.perf_counter() - t
    core, extra = check_forms(bank, bp, [f.ids() for f in forms], overlap, DifficultyTarget())
    ok = all(c[1] for c in core) and all(c[1] for c in extra)
    return forms, dt, ok


def one_pool(items: int, forms: list[int], repeat: int, level: str, direction: str | None,
             structure: str | None) -> dict:
    """Return timings for one bank size (run in a subprocess, so its peak RSS is its own)."""
    from synthetic_bank import ensure_bank

    from assembler.assemble import AssemblyOptions, assemble_forms
    from assembler.bank import load_bank
    from assembler.blueprint import build_blueprint
    from assembler.errors import InfeasibleError
    from assembler.standard import load_standard

    std = load_standard()
    path, _ = ensure_bank(items, 1, DATA / f"bank-{items}-s1", quiet=True)
    bank = load_bank([path], std)
    _ = bank.hash  # computed once per bank, as a long-running service would
    bp = build_blueprint(std, level, direction, "theory", structure)
    out = {"items": items, "rows": []}
    for n in forms:
        row = {"forms": n, "times": [], "ok": True}
        for k in range(repeat):
            try:
                _, dt, ok = _assemble_checked(bank, bp, n, 1 + k, 0, std)
                row["times"].append(dt)
                row["ok"] &= ok
            except InfeasibleError as first:
                exc: Exception = first
                t = time.perf_counter()  # timed again: the diagnosis alone
                try:
                    assemble_forms(bank, bp, n, 1 + k, AssemblyOptions(), std)
                except InfeasibleError as again:
                    exc = again
                row.setdefault("diagnosis", []).append(time.perf_counter() - t)
                m = re.search(r"--max-overlap (\d+)", str(exc))
                if not m:
                    row["infeasible"] = str(exc).splitlines()[-1]
                    break
                r = int(m.group(1))
                row["overlap"] = r
                _, dt, ok = _assemble_checked(bank, bp, n, 1 + k, r, std)
                row["times"].append(dt)
                row["ok"] &= ok
        out["rows"].append(row)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def seed_overlap(repeat: int) -> dict:
    from synthetic_bank import ensure_bank

    from assembler.bank import load_bank
    from assembler.blueprint import build_blueprint
    from assembler.standard import load_standard

    std = load_standard()
    path, _ = ensure_bank(20000, 1, DATA / "bank-20000-s1", quiet=True)
    bank = load_bank([path], std)
    bp = build_blueprint(std, "4", "A", "theory")
    sets = []
    for s in range(1, repeat + 2):
        forms, _, _ = _assemble_checked(bank, bp, 10, s, 0, std)
        sets.append({i for f in forms for i in f.ids()})
    shared = [len(sets[k] & sets[k + 1]) for k in range(repeat)]
    return {"shared": shared, "of": len(sets[0])}


def guojia(repeat: int) -> dict:
    from synthetic_bank import ensure_bank

    from assembler.assemble import AssemblyOptions, assemble_forms
    from assembler.bank import load_bank
    from assembler.blueprint import build_blueprint
    from assembler.errors import InfeasibleError
    from assembler.standard import load_standard

    std = load_standard()
    path, _ = ensure_bank(20000, 1, DATA / "bank-20000-s1", quiet=True)
    bank = load_bank([path], std)
    _ = bank.hash
    bp = build_blueprint(std, "3", "B", "theory", "guojia-190")
    diag, solve, overlaps, ok = [], [], [], True
    for k in range(repeat):
        t = time.perf_counter()
        try:
            assemble_forms(bank, bp, 10, 1 + k, AssemblyOptions(), std)
            r = 0
        except InfeasibleError as exc:
            m = re.search(r"--max-overlap (\d+)", str(exc))
            r = int(m.group(1)) if m else None
        diag.append(time.perf_counter() - t)
        overlaps.append(r)
        if r is None:
            break
        _, dt, good = _assemble_checked(bank, bp, 10, 1 + k, r, std)
        solve.append(dt)
        ok &= good
    sample = load_bank(None, std)
    _ = sample.hash
    bp4 = build_blueprint(std, "4", "A", "theory")
    one = []
    for k in range(max(3, repeat)):
        _, dt, good = _assemble_checked(sample, bp4, 1, 1 + k, 0, std)
        one.append(dt)
        ok &= good
    return {"diagnosis": diag, "solve": solve, "overlaps": overlaps, "sample_one": one, "ok": ok}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pools", type=int, nargs="+", default=[2000, 20000, 100000], help="bank sizes")
    ap.add_argument("--forms", type=int, nargs="+", default=[1, 5, 10, 20, 40])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--level", default="4")
    ap.add_argument("--direction", default="A")
    ap.add_argument("--structure", default=None)
    ap.add_argument("--one-pool", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--chart", default=None, help="write a PNG of median assembly time against N per bank")
    a = ap.parse_args(argv)
    os.environ.setdefault("ZUJUAN_CACHE", str(DATA / "cache"))
    if a.one_pool:
        print(json.dumps(one_pool(a.one_pool, a.forms, a.repeat, a.level, a.direction or None, a.structure)))
        return 0
    print(f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
    print(f"\n{a.level}{a.direction} theory, max_overlap 0; seconds min / median / max of {a.repeat} seeds")
    print(f"{'bank':>8} {'forms':>5}  {'assemble s':<22} {'note'}")
    curves: dict[int, list[tuple[int, float, bool]]] = {}
    for items in a.pools:
        load0 = os.getloadavg()[0]
        r = subprocess.run([sys.executable, __file__, "--one-pool", str(items), "--repeat", str(a.repeat),
                            "--level", a.level, "--direction", a.direction, "--forms", *map(str, a.forms)]
                           + (["--structure", a.structure] if a.structure else []),
                           capture_output=True, text=True, env=os.environ)
        if r.returncode:
            print(f"{items:>8}  failed: {r.stderr[-800:]}")
            continue
        res = json.loads(r.stdout.strip().splitlines()[-1])
        for row in res["rows"]:
            note = "constraints PASS" if row["ok"] else "constraints FAIL"
            if "infeasible" in row:
                note = row["infeasible"]
            elif "overlap" in row:
                note = (f"not disjoint-feasible: diagnosis {_stats(row['diagnosis'])} s says overlap "
                        f"{row['overlap']}; time shown is the assembly at it; " + note)
            times = _stats(row["times"]) if row["times"] else "-"
            print(f"{items:>8} {row['forms']:>5}  {times:<22} {note}")
            if row["times"]:
                curves.setdefault(items, []).append((row["forms"], statistics.median(row["times"]), "overlap" in row))
        print(f"{'':>8} peak RSS {res['peak_rss_mb']:.0f} MB (load {load0:.2f}→{os.getloadavg()[0]:.2f})")
    so = seed_overlap(a.repeat)
    print(f"\nseed overlap, 10 disjoint 4A forms from 20k: seeds s and s+1 share {so['shared']} of {so['of']} items "
          f"(mean {statistics.mean(so['shared']):.0f})")
    g = guojia(a.repeat)
    print("\nguojia-190, 三级 视听运营, 10 forms from 20k:")
    print(f"  smallest-overlap diagnosis {_stats(g['diagnosis'])} s -> overlap {g['overlaps']}")
    if g["solve"]:
        ratio = [d / s for d, s in zip(g["diagnosis"], g["solve"])]
        print(f"  assembly at that overlap {_stats(g['solve'])} s; diagnosis ÷ one feasible solve {_stats(ratio)} "
              f"(target < 3)")
    print(f"1 form 4A from the sample bank: {_stats(g['sample_one'])} s (target < 0.1 s); "
          f"constraints {'PASS' if g['ok'] else 'FAIL'}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if a.chart:
        write_chart(curves, Path(a.chart), f"{a.level}{a.direction}")
        print(f"chart written to {a.chart}")
    return 0


def write_chart(curves: dict[int, list[tuple[int, float, bool]]], path: Path, label: str) -> None:
    """Write the PNG: median seconds (log scale) against the number of forms, one line per bank
    size; a hollow marker where N disjoint forms did not fit and the time is at the smallest overlap."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is not installed: .venv/bin/pip install -e '.[bench]'")
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for items, points in sorted(curves.items()):
        xs, ys = [n for n, _, _ in points], [t for _, t, _ in points]
        line, = ax.plot(xs, ys, marker="o", label=f"{items:,} items")
        hollow = [(n, t) for n, t, o in points if o]
        if hollow:
            ax.plot(*zip(*hollow), linestyle="none", marker="o", markersize=9, markerfacecolor="white",
                    markeredgecolor=line.get_color())
    ax.set_yscale("log")
    ax.set_xlabel("forms assembled in one run (N)")
    ax.set_ylabel("median seconds (log scale)")
    ax.set_title(f"zujuan assemble_forms, {label} theory forms, max_overlap 0")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title="synthetic bank (hollow: at smallest overlap)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


if __name__ == "__main__":
    raise SystemExit(main())
