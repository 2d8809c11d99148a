"""Time a 20-form exam session (mixed levels and kinds, Word included) from the sample bank
(target: under 60 s).

    .venv/bin/python benchmarks/bench_batch.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assembler.batch import Session, SessionEntry, run_batch  # noqa: E402
from assembler.standard import Kind  # noqa: E402

ENTRIES = [  # 20 forms: 2 per entry, theory and skill, every level
    ("4", "A", Kind.THEORY), ("4", "C", Kind.THEORY), ("3", "B", Kind.THEORY), ("3", "E", Kind.THEORY),
    ("2", None, Kind.THEORY), ("1", None, Kind.THEORY),
    ("4", "D", Kind.SKILL), ("3", "A", Kind.SKILL), ("2", None, Kind.SKILL), ("1", None, Kind.SKILL),
]


def main() -> None:
    entries = tuple(SessionEntry(level=lv, direction=d, kind=k, forms=2, structure=None,
                                 seed=100 + i) for i, (lv, d, k) in enumerate(ENTRIES))
    session = Session(name="基准测试场次", date="2026-12-12", entries=entries, created="2026-12-01T08:00:00+08:00")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = run_batch(session, tmp, ledger=str(Path(tmp) / "ledger.sqlite"))
        elapsed = time.perf_counter() - t
    verdict = "PASS" if elapsed < 60 else "FAIL"
    print(f"{len(res.forms)} 套试卷，{res.files} 个文件，审核 {sum(v == '合格' for _, v in res.verdicts)} 套合格；"
          f"用时 {elapsed:.1f} s（目标 < 60 s）{verdict}")


if __name__ == "__main__":
    main()
