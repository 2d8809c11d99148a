"""Measure tag-suggestion accuracy on the shipped bank (k-fold, hidden tags) and suggest-tags speed.

    .venv/bin/python benchmarks/bench_tagging.py [--folds 5] [--seed 0] [--speed-items 1600] [--calibrate]

Each fold's items do not train the suggester: it learns from the other folds and the standard's
requirement texts, then ranks codes for the fold's items with their tags hidden. Reported per
level (basics separately): function top-1/top-3 and code top-1/top-3, with the level known
(the item's level, as `--level` gives it; basics items are scored in a 三级 scope), and overall
with the level hidden too (then the level is suggested as well). Speed: train on the whole bank and
suggest for --speed-items drafts (the shipped items, repeated, with tags hidden); target < 30 s.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assembler.bank import load_bank  # noqa: E402
from assembler.bank.suggest import CONFIDENCE_TEMPERATURE, Scope, TagSuggester  # noqa: E402
from assembler.standard import Kind, load_standard  # noqa: E402

TARGET_S = 30.0


def _hidden(it):
    return replace(it, level=None, function="", code="")


def _direction_scope(std, it) -> Scope:
    """Return the scope of a one-direction bank holding the item: its level and the first direction
    (A–E) that examines its function there (basics: 三级 创意策划)."""
    if it.level not in ("4", "3"):
        return Scope(it.level or "3", None if it.level else "A")
    for d in std.directions:
        if it.level in d.levels and it.function in {f.name for f in std.examined_functions(Kind.THEORY, it.level, d.code)}:
            return Scope(it.level, d.code)
    return Scope(it.level)


def calibrate(held_out: list[tuple[np.ndarray, int]]) -> None:
    """Print the negative log-likelihood and the expected calibration error of the top-1 confidence
    for a range of softmax temperatures, and the best temperature (temperature scaling)."""
    def measure(t: float) -> tuple[float, float]:
        nll, bins = 0.0, defaultdict(lambda: [0, 0.0, 0])
        for scores, truth in held_out:
            z = (scores - scores.max()) * t
            p = np.exp(z) / np.exp(z).sum()
            nll -= float(np.log(max(p[truth], 1e-12)))
            top = int(np.argmax(p))
            b = bins[min(9, int(p[top] * 10))]
            b[0] += 1
            b[1] += float(p[top])
            b[2] += top == truth
        ece = sum(abs(b[1] - b[2]) for b in bins.values()) / len(held_out)
        return nll / len(held_out), ece

    print("\ncalibration of the confidence (held-out, level known): temperature | NLL | ECE of top-1")
    best = None
    for t in (4, 8, 12, 16, 20, 24, 32, 40):
        nll, ece = measure(t)
        print(f"{t} | {nll:.3f} | {100 * ece:.1f} %{'  (current)' if t == CONFIDENCE_TEMPERATURE else ''}")
        if best is None or nll < best[1]:
            best = (t, nll, ece)
    print(f"best temperature by NLL: {best[0]} (NLL {best[1]:.3f}, ECE {100 * best[2]:.1f} %)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--speed-items", type=int, default=1600)
    ap.add_argument("--calibrate", action="store_true",
                    help="also fit the confidence temperature on the held-out folds (temperature scaling)")
    args = ap.parse_args()
    std = load_standard()
    items = [it for it in load_bank(None, std).items if it.active]
    order = list(range(len(items)))
    random.Random(args.seed).shuffle(order)
    folds = [order[k::args.folds] for k in range(args.folds)]
    known: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # n, f1, f3, c1, c3
    hidden = [0, 0, 0, 0, 0, 0]  # n, level1, f1, f3, c1, c3
    by_direction: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    held_out: list[tuple[np.ndarray, int]] = []  # (allowed scores, index of the true code) per item
    t0 = time.perf_counter()
    for fold in folds:
        test = set(fold)
        model = TagSuggester([items[k] for k in order if k not in test], std)
        probe = [items[k] for k in fold]
        blind = [_hidden(it) for it in probe]
        with_level = model.suggest(blind, scopes=[Scope(it.level or "3") for it in probe])
        if args.calibrate:
            labels = model.class_labels()
            index = {lab: k for k, lab in enumerate(labels)}
            for it, row in zip(probe, model.scores(blind)):
                mask = model.mask(Scope(it.level or "3"))
                truth = index.get((it.level, it.function, it.code))
                if truth is not None and mask[truth]:
                    held_out.append((row[mask], int(np.flatnonzero(mask).tolist().index(truth))))
        no_level = model.suggest(blind)
        directed = [(it, r) for it, r in zip(probe, model.suggest(blind, scopes=[_direction_scope(std, it) for it in probe]))
                    if it.level in ("4", "3")]
        for it, ranked in directed:
            fns = list(dict.fromkeys(s.function for s in ranked))
            codes = [(s.level, s.function, s.code) for s in ranked]
            for key in (f"{std.level(it.level).name} + 方向", "四级/三级 + 方向"):
                row = by_direction[key]
                row[0] += 1
                row[1] += fns[:1] == [it.function]
                row[2] += it.function in fns[:3]
                row[3] += codes[:1] == [(it.level, it.function, it.code)]
                row[4] += (it.level, it.function, it.code) in codes[:3]
        for it, ranked, ranked_blind in zip(probe, with_level, no_level):
            row = known["基本要求" if it.is_basic else f"{std.level(it.level).name}"]
            fns = list(dict.fromkeys(s.function for s in ranked))
            codes = [(s.level, s.function, s.code) for s in ranked]
            truth = (it.level, it.function, it.code)
            row[0] += 1
            row[1] += fns[:1] == [it.function]
            row[2] += it.function in fns[:3]
            row[3] += codes[:1] == [truth]
            row[4] += truth in codes[:3]
            fns = list(dict.fromkeys(s.function for s in ranked_blind))
            codes = [(s.level, s.function, s.code) for s in ranked_blind]
            hidden[0] += 1
            hidden[1] += ranked_blind[0].level == it.level
            hidden[2] += fns[:1] == [it.function]
            hidden[3] += it.function in fns[:3]
            hidden[4] += codes[:1] == [truth]
            hidden[5] += truth in codes[:3]
    cv_s = time.perf_counter() - t0

    def pct(a, n):
        return f"{100 * a / n:.1f} %"

    print(f"{args.folds}-fold, {len(items)} shipped items, seed {args.seed} ({cv_s:.1f} s)\n")
    print("level known | items | function top-1 | function top-3 | code top-1 | code top-3")
    print("---|---|---|---|---|---")
    total = [0, 0, 0, 0, 0]
    for name in ["四级", "三级", "二级", "一级", "基本要求"]:
        r = known.get(name)
        if not r:
            continue
        total = [a + b for a, b in zip(total, r)]
        print(f"{name} | {r[0]} | " + " | ".join(pct(x, r[0]) for x in r[1:]))
    print(f"all | {total[0]} | " + " | ".join(pct(x, total[0]) for x in total[1:]))
    for name, r in by_direction.items():
        print(f"{name} | {r[0]} | " + " | ".join(pct(x, r[0]) for x in r[1:]))
    n = hidden[0]
    print(f"\nlevel hidden: level top-1 {pct(hidden[1], n)}, function top-1 {pct(hidden[2], n)}, "
          f"function top-3 {pct(hidden[3], n)}, code top-1 {pct(hidden[4], n)}, code top-3 {pct(hidden[5], n)}")

    if args.calibrate:
        calibrate(held_out)

    drafts = [_hidden(items[k % len(items)]) for k in range(args.speed_items)]
    t0 = time.perf_counter()
    model = TagSuggester(items, std)
    model.suggest(drafts, Scope("3", "B"))
    speed = time.perf_counter() - t0
    print(f"\nspeed: train on {len(items)} items + suggest for {len(drafts)} drafts: {speed:.1f} s "
          f"(target < {TARGET_S:.0f} s) {'OK' if speed < TARGET_S else 'SLOW'}")


if __name__ == "__main__":
    main()
