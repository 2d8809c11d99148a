"""Time rendering a 90-item theory paper plus its key (target: under 1 s).

    .venv/bin/python benchmarks/bench_render.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assembler.assemble import AssemblyOptions, assemble_forms  # noqa: E402
from assembler.bank import load_bank  # noqa: E402
from assembler.blueprint import build_blueprint  # noqa: E402
from assembler.render import render_form_documents  # noqa: E402
from assembler.standard import load_standard  # noqa: E402


def main() -> None:
    std = load_standard()
    bank = load_bank()
    for level, direction, kind in (("4", "A", "theory"), ("1", None, "theory"), ("3", "E", "skill")):
        bp = build_blueprint(std, level, direction, kind)
        form = assemble_forms(bank, bp, 1, 1, AssemblyOptions(created="2026-01-01T00:00:00+00:00"), std)[0]
        times = []
        for _ in range(5):
            t = time.perf_counter()
            docs = render_form_documents(form, bank, std)
            times.append(time.perf_counter() - t)
        best, med = min(times), statistics.median(times)
        size = sum(len(v) for v in docs.values()) // 1024
        verdict = "PASS" if med < 1.0 else "FAIL"
        print(f"{form.code:<12} {len(form.entries):>3} 题  {len(docs)} 个文档 {size:>4} KB  "
              f"中位 {med * 1000:7.1f} ms  最快 {best * 1000:7.1f} ms  目标 < 1000 ms  {verdict}")


if __name__ == "__main__":
    main()
