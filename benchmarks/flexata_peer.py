"""Peer run: assemble the same forms with FlexATA (PuLP + CBC). Runs in its own virtual environment.

    benchmarks/_data/peer-venv/bin/python benchmarks/flexata_peer.py POOL.csv CONSTRAINTS.json OUT.json

POOL.csv: id, function, type, work_content, difficulty, enemies (ids separated by ';'), judge_true (1 for a
judge item whose answer is √). CONSTRAINTS.json (written by bench_assemble.py):
  {"model": "cells" | "full", "n_forms": 10, "items_per_form": 90, "max_usage": 1, "time_limit": 900,
   "cells": [{"function", "type", "count"}], "work_contents": [{"function", "work_content", "min", "max"}],
   "difficulty_sum": [lo, hi], "judge_true": [lo, hi]}
model "cells": exact count per function × type cell, enemies, item usage ≤ max_usage (disjoint forms);
model "full": also the work-content quotas, the difficulty-sum band and the judge-√ band, i.e. the same
hard constraints zujuan's assembler applies. Writes OUT.json with the status, the model-build and
solve times (seconds, CSV reading and imports excluded) and the chosen ids per form.

Only this file imports FlexATA; it does not import zujuan (the peer venv has pandas<3, see
/work/shared/notes/flexata.md).
"""
from __future__ import annotations

import json
import sys
import time
import warnings


def main(pool_csv: str, constraints_json: str, out_json: str) -> int:
    t_import = time.perf_counter()
    import pandas as pd
    import pulp as pl
    from FlexATA.form_builder import FormBuilder
    import_s = time.perf_counter() - t_import

    warnings.simplefilter("ignore")
    spec = json.loads(open(constraints_json, encoding="utf-8").read())
    pool = pd.read_csv(pool_csv, dtype={"id": str, "function": str, "type": str, "work_content": str,
                                        "enemies": str}, keep_default_na=False)
    # ASCII keys for the content columns: FlexATA puts the value into the constraint name
    cell_key = {(c["function"], c["type"]): f"cell{k}" for k, c in enumerate(spec["cells"])}
    pool["cell"] = [cell_key.get((f, t), "other") for f, t in zip(pool["function"], pool["type"])]
    wc_key = {(w["function"], w["work_content"]): f"wc{k}" for k, w in enumerate(spec["work_contents"])}
    pool["wc"] = [wc_key.get((f, w), "other") for f, w in zip(pool["function"], pool["work_content"])]
    pairs = sorted({tuple(sorted((a, e))) for a, es in zip(pool["id"], pool["enemies"]) for e in es.split(";") if e})
    enemy_df = pd.DataFrame(pairs, columns=["ItemID", "EnemyID"])

    t0 = time.perf_counter()
    sp = FormBuilder()
    sp.pool = pool
    sp.number_of_forms = spec["n_forms"]
    sp.number_of_items_per_form = spec["items_per_form"]
    sp.item_id_column = "id"
    sp.create_item_by_form_variables()
    sp.add_content_constraints_by_column(
        column_name="cell",
        values_range={cell_key[(c["function"], c["type"])]: [c["count"], c["count"]] for c in spec["cells"]})
    if (pool["cell"] == "other").any():  # items outside the blueprint's cells must stay out
        sp.add_content_constraints_by_column(column_name="cell", values_range={"other": [0, 0]})
    if len(enemy_df):
        sp.add_enemy_constraints(enemy_pairs=enemy_df, itemid_column="ItemID", enemyid_column="EnemyID")
    if spec["model"] == "full":
        sp.add_content_constraints_by_column(
            column_name="wc",
            values_range={wc_key[(w["function"], w["work_content"])]: [w["min"], w["max"]]
                          for w in spec["work_contents"]})
        sp.add_weights_constraints(weights=[float(d) for d in pool["difficulty"]],
                                   weight_target=spec["difficulty_sum"])
        sp.add_content_constraints_by_column(column_name="judge_true", values_range={1: spec["judge_true"]})
    if spec["n_forms"] > 1:
        sp.add_item_usage_constraints(min_usage=0, max_usage=spec["max_usage"])
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    sp.solve_problem(timeLimit=spec.get("time_limit", 900), gapRel=0.05, gapAbs=0.01, msg=False, solver="CBC")
    solve_s = time.perf_counter() - t1

    forms = []
    if sp.status == "Optimal":
        ids = list(pool["id"])
        for r in range(spec["n_forms"]):
            forms.append([ids[i] for i in range(sp.pool_size) if (sp.items[i][r].varValue or 0) > 0.5])
    out = {"tool": "FlexATA", "model": spec["model"], "status": sp.status, "pool": int(sp.pool_size),
           "enemy_pairs": len(enemy_df), "build_s": build_s, "solve_s": solve_s, "import_s": import_s,
           "pulp": pl.__version__, "pandas": pd.__version__, "forms": forms}
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)
    print(f"FlexATA {spec['model']}: status {sp.status}, build {build_s:.2f} s, solve {solve_s:.2f} s")
    return 0 if forms else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        raise SystemExit(2)
    raise SystemExit(main(*sys.argv[1:]))
