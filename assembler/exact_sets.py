"""Exact set packing: how many disjoint groups of tasks each sum to a function's weight.

Used by assembly (to explain a skill bank that cannot build a form) and by the bank statistics
(skill capacity); it knows nothing of either.
"""
from __future__ import annotations


def disjoint_exact_sets(points: list[float], target: float, max_size: int = 4,
                        max_candidates: int = 50_000) -> list[tuple[int, ...]]:
    """Return a largest family of disjoint index sets whose points each sum exactly to target.

    Candidate sets of up to `max_size` tasks are enumerated (a paper gives one function at most a
    few tasks), then the largest disjoint family is an exact set-packing integer program (HiGHS).
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    scale = 2  # tasks may carry half points
    vals = [round(p * scale) for p in points]
    goal = round(target * scale)
    order = sorted(range(len(vals)), key=lambda i: -vals[i])
    subsets: list[tuple[int, ...]] = []

    def grow(start: int, chosen: list[int], total: int) -> None:
        if len(subsets) >= max_candidates:
            return
        if total == goal:
            subsets.append(tuple(sorted(chosen)))
            return
        if len(chosen) == max_size:
            return
        for k in range(start, len(order)):
            i = order[k]
            if vals[i] > 0 and total + vals[i] <= goal:
                chosen.append(i)
                grow(k + 1, chosen, total + vals[i])
                chosen.pop()

    grow(0, [], 0)
    if not subsets:
        return []
    rows, cols = [], []
    for j, sset in enumerate(subsets):
        rows += list(sset)
        cols += [j] * len(sset)
    A = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vals), len(subsets)))
    res = milp(-np.ones(len(subsets)), constraints=LinearConstraint(A, 0, 1), integrality=np.ones(len(subsets)),
               bounds=Bounds(0, 1))
    if res.x is None:
        return []
    return [subsets[j] for j in np.flatnonzero(res.x > 0.5)]
