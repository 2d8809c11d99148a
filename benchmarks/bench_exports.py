"""Time what writing every export adds to a 20-form exam session: the same session as
bench_batch.py, once with Word only and once with docx,pdf,moodle,qti,xlsx (skill entries: docx,pdf)
(target: the exports add under 30 s, PDF included).

    .venv/bin/python benchmarks/bench_exports.py
"""
from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_batch import ENTRIES  # noqa: E402

from assembler.batch import Session, SessionEntry, run_batch  # noqa: E402
from assembler.standard import Kind  # noqa: E402

ALL_THEORY = ("docx", "pdf", "moodle", "qti", "xlsx")
ALL_SKILL = ("docx", "pdf")


def timed(entries) -> tuple[float, int]:
    session = Session(name="基准测试场次", date="2026-12-12", entries=tuple(entries), created="2026-12-01T08:00:00+08:00")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = run_batch(session, tmp, record=False)
        return time.perf_counter() - t, res.files


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("LibreOffice (soffice) is not installed: the PDF export cannot be timed.")
    plain = [SessionEntry(level=lv, direction=d, kind=k, forms=2, structure=None,
                          seed=100 + i) for i, (lv, d, k) in enumerate(ENTRIES)]
    full = [dataclasses.replace(e, formats=ALL_THEORY if e.kind is Kind.THEORY else ALL_SKILL) for e in plain]
    base, n0 = timed(plain)
    every, n1 = timed(full)
    added = every - base
    verdict = "PASS" if added < 30 else "FAIL"
    print(f"20 套试卷：仅 Word {base:.1f} s（{n0} 个文件）；全部格式 {every:.1f} s（{n1} 个文件）；"
          f"导出增加 {added:.1f} s（目标 < 30 s）{verdict}")


if __name__ == "__main__":
    main()
