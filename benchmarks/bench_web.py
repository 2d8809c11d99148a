"""Time the web workbench's pages (zujuan serve) through Flask's test client.

    .venv/bin/python benchmarks/bench_web.py [--items 20000] [--seed 1] [--repeat 5]

For the shipped sample bank and for a synthetic 20,000-item bank: the first request (which reads
the bank into the server's cache) and then the median of --repeat requests of every read-only
page: 题库 (with the heat map) for a level and for the basics, a search by text and by code, one
item, 蓝图 (both tables), the 组卷 form and the 使用记录. Targets: < 300 ms per page for the sample
bank, < 2 s for the 20,000-item bank (warm, i.e. after the first request).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synthetic_bank import ensure_bank  # noqa: E402

from assembler.web import WebConfig, create_app  # noqa: E402

DATA = HERE / "_data"


def pages(bank) -> list[str]:
    first = bank.items[0]
    return ["/bank?level=4", "/bank?level=basic", "/bank/search?q=直播", f"/bank/search?q={first.code}",
            f"/bank/item/{first.id}", "/blueprint?level=4&direction=A&kind=theory", "/generate", "/ledger"]


def run(label: str, bank_paths: tuple[str, ...], repeat: int, target: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(WebConfig(bank=bank_paths, output=f"{tmp}/web", ledger=f"{tmp}/ledger.sqlite"))
        client = app.test_client()
        t = time.perf_counter()
        resp = client.get("/bank?level=4")
        cold = time.perf_counter() - t
        assert resp.status_code == 200, resp.status_code
        bank, _ = app.extensions["zujuan.bank"].read()
        print(f"{label}: {len(bank.items)} items, {len(bank.tasks)} tasks; first request (reads the bank) {cold * 1000:.0f} ms")
        ok = True
        for url in pages(bank):
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                resp = client.get(url)
                times.append(time.perf_counter() - t)
                assert resp.status_code == 200, (url, resp.status_code)
            med = statistics.median(times)
            ok &= med < target
            print(f"  {url:50s} {med * 1000:8.1f} ms  {len(resp.data) / 1024:7.0f} KiB  {'ok' if med < target else 'SLOW'}")
        return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    ok = run("sample bank (question_bank/)", (), args.repeat, 0.3)
    big, _ = ensure_bank(args.items, args.seed, DATA / f"bank-{args.items}-s{args.seed}")
    ok &= run(f"synthetic bank ({args.items} items)", (str(big),), args.repeat, 2.0)
    print("all pages within target" if ok else "some pages missed the target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
