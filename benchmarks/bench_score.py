"""Benchmark: 5,000 candidates × 90 items scored, written to the results workbook, read back and
analysed (issue 14 target: < 10 s). Uses a real generated form and 2PL-simulated answers.

    .venv/bin/python benchmarks/bench_score.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assembler.analyze import analyze_results  # noqa: E402
from assembler.bank.models import LETTERS  # noqa: E402
from assembler.generate import GenerateRequest, generate  # noqa: E402
from assembler.score import score_file  # noqa: E402
from assembler.writers.analysis import analysis_json, analysis_xlsx  # noqa: E402
from assembler.writers.results import read_results, results_xlsx  # noqa: E402

N = 5000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        res = generate(GenerateRequest(level="4", direction="A", kind="theory", seed=11,
                                       created="2026-12-02T00:00:00+00:00",
                                       output=tmp, overwrite=True, documents=False, record=False))
        form = res.forms[0]
        rng = np.random.default_rng(1)
        k = len(form.entries)
        theta = rng.normal(size=N)
        b = rng.normal(scale=0.8, size=k)
        knows = rng.random((N, k)) < 1 / (1 + np.exp(-1.3 * (theta[:, None] - b)))
        rows = [(1, ["准考证号", "姓名", "试卷编号"] + [str(i) for i in range(1, k + 1)])]
        for c in range(N):
            cells = []
            for j, e in enumerate(form.entries):
                if knows[c, j]:
                    cells.append(e.answer)
                elif e.type.value == "judge":
                    cells.append("√" if e.answer == "×" else "×")
                else:
                    cells.append(next(x for x in LETTERS if x not in e.answer))
            rows.append((c + 2, [f"{c:06d}", "", form.code] + cells))
        import csv

        from openpyxl import Workbook
        sheet = Path(tmp) / "答题登记表.csv"
        with sheet.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(r for _, r in rows)
        book = Path(tmp) / "答题登记表.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("答题登记")
        for _, r in rows:
            ws.append(r)
        wb.save(book)
        t = time.perf_counter()
        score_file(book, {form.code: form})
        print(f"(reading and scoring the same answers from .xlsx: {time.perf_counter() - t:.2f} s)")
        t0 = time.perf_counter()
        results = score_file(sheet, {form.code: form})
        t1 = time.perf_counter()
        path = Path(tmp) / "成绩表.xlsx"
        path.write_bytes(results_xlsx(results))
        t2 = time.perf_counter()
        analysis = analyze_results(read_results(path))
        t3 = time.perf_counter()
        analysis_json(analysis)
        analysis_xlsx(analysis)
        t4 = time.perf_counter()
    print(f"read .csv + score {t1 - t0:.2f} s, write results {t2 - t1:.2f} s, read + analyse {t3 - t2:.2f} s, "
          f"reports {t4 - t3:.2f} s; total {t4 - t0:.2f} s for {N} × {k} (target < 10 s)")


if __name__ == "__main__":
    main()
