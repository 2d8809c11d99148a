"""Synthetic question bank for the benchmarks (合成数据 — never shipped in question_bank/).

`make_synthetic_bank(n_items, seed)` returns canonical records (dicts as in question_bank/FORMAT.md)
that are valid for the real standard (blueprints/standard.yaml):

- theory items are spread over 职业道德, 基础知识 and every level/function in proportion to the
  function's theory weight summed over the weight-table columns of its level (basics: over all
  columns), and within a function evenly over its knowledge codes (so every work content gets the
  share the default blueprint split gives it);
- types ≈ 22% judge / 67% single / 11% multiple, difficulty 1–5 with P = .1/.2/.4/.2/.1 (mean 3),
  judge answers √ with probability ½, about 1% of the items in enemy pairs (within a function);
- every stem is unique, starts with 「（合成）」 and is made of random phrases taken from the
  standard's requirement texts, so that near-duplicate warnings do not fire;
- per level/function with a skill weight W: tasks worth W, W/2, W/2 repeated (n_tasks_per_function
  in all), each with a 4-row rubric summing to its points.

CLI:  python benchmarks/synthetic_bank.py --items 20000 --seed 1 --out DIR [--xlsx FILE]
writes DIR/theory/JC-ZYDD.yaml, DIR/theory/L4-NRCZ.yaml, …, DIR/skill/S4-NRCZ.yaml, … and optionally
one workbook holding the same bank.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from fractions import Fraction
from math import floor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assembler.bank.models import Item, RubricRow, Task  # noqa: E402
from assembler.bank.yaml_io import dump_yaml_bank  # noqa: E402
from assembler.standard import BASIC_FUNCTIONS, Standard, load_standard  # noqa: E402
from assembler.structure import ItemType  # noqa: E402

ABBR = {"市场分析": "SCFX", "内容创作": "NRCZ", "运营管理": "YYGL", "直播运营": "ZBYY", "流量运营": "LLYY",
        "数据优化": "SJYH", "数据分析": "SJFX", "营销传播": "YXCB", "组织管理": "ZZGL", "财务管理": "CWGL",
        "职业道德": "ZYDD", "基础知识": "JCZS"}
TYPE_SHARES = (("judge", 0.22), ("single", 0.67), ("multiple", 0.11))
DIFFICULTY_P = (0.1, 0.2, 0.4, 0.2, 0.1)
ENEMY_SHARE = 0.01
LABEL = "（合成）"
_CONNECT = ("中", "方面", "过程中", "环节", "工作里", "实践中")
GENERATOR_VERSION = 2  # 2: negations marked **不**, national number–unit style (validate warns otherwise)
_ASK = ("下列说法正确的是", "下列做法恰当的是", "最合适的做法是", "首先应当考虑的是", "下列表述**不**准确的是")
_JUDGE_TAIL = ("是首要步骤。", "应当同步推进。", "**不**必单独考虑。", "可以相互替代。", "需要定期复核。", "应以数据为依据。")
_MOD = ("的基本要求", "的评估方法", "的常见误区", "的主要依据", "的适用场景", "的关键指标", "的实施步骤", "的注意事项")


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Return integers proportional to weights that sum exactly to total."""
    s = float(sum(weights))
    exact = [total * w / s if s else 0.0 for w in weights]
    base = [floor(e) for e in exact]
    for i in sorted(range(len(weights)), key=lambda k: (-(exact[k] - base[k]), k))[:total - sum(base)]:
        base[i] += 1
    return base


def _phrases(std: Standard) -> list[str]:
    texts = []
    for lv in std.levels:
        for f in std.functions_at(lv.code):
            texts += [r.text for r in (*f.knowledge(), *f.skills())]
    for sec in std.basics:
        for it in sec.items:
            texts += [it.name, *(s.text for s in it.subitems)]
    out = set()
    for t in texts:
        for p in re.split(r"[，。、；：（）()\s,.;:“”《》/]+|的|和|与|及|能|进行|根据", t.replace("中华人民共和国", "")):
            if 2 <= len(p) <= 8 and not re.search(r"[A-Za-z0-9]", p):
                out.add(p)
    return sorted(out)


def theory_groups(std: Standard) -> list[tuple[str | None, str, float]]:
    """Return (level or None, function, weight mass) for every theory file of the bank."""
    cols = std.weight_columns
    groups = []
    for name in BASIC_FUNCTIONS:
        groups.append((None, name, float(sum(v for v in std.theory_weights[name] if v is not None))))
    for lv in std.levels:
        idx = [i for i, c in enumerate(cols) if c[0] == lv.code]
        for f in std.functions_at(lv.code):
            vals = std.theory_weights.get(f.name, [None] * len(cols))
            mass = float(sum(vals[i] for i in idx if vals[i] is not None))
            if mass:
                groups.append((lv.code, f.name, mass))
    return groups


def skill_groups(std: Standard) -> list[tuple[str, str, int]]:
    """Return (level, function, skill weight W) for every function with a skill weight at its level."""
    cols = std.weight_columns
    out = []
    for lv in std.levels:
        idx = [i for i, c in enumerate(cols) if c[0] == lv.code]
        for f in std.functions_at(lv.code):
            vals = std.skill_weights.get(f.name, [None] * len(cols))
            ws = {vals[i] for i in idx if vals[i] is not None}
            if ws:
                out.append((lv.code, f.name, max(ws)))
    return out


def file_prefix(level: str | None, function: str, task: bool = False) -> str:
    if task:
        return f"S{level}-{ABBR[function]}"
    return f"JC-{ABBR[function]}" if level is None else f"L{level}-{ABBR[function]}"


def _rubric(points: Fraction, k: int) -> list[dict]:
    """Return 4 rubric rows in multiples of 0.5 summing exactly to points."""
    halves = int(points * 2)
    parts = largest_remainder(halves, [1, 1, 1, 1])
    elements = ("任务完成度", "方法运用", "成果规范", "分析结论")
    rows = []
    for e, h in zip(elements, parts):
        p = Fraction(h, 2)
        rows.append({"element": e, "points": int(p) if p.denominator == 1 else float(p),
                     "standard": f"{e}**不**符合要求每处扣0.5分，扣完为止（合成评分标准{k}）"})
    return rows


def make_synthetic_bank(n_items: int, seed: int, n_tasks_per_function: int = 6,
                        standard: Standard | None = None) -> list[dict]:
    """Return n_items theory item records plus the task records, valid for the real standard."""
    std = standard or load_standard()
    rng = np.random.default_rng(seed)
    phrases = _phrases(std)
    groups = theory_groups(std)
    counts = largest_remainder(n_items, [m for *_, m in groups])
    records: list[dict] = []
    serial = 0
    for (level, function, _), n in zip(groups, counts):
        if n == 0:
            continue
        codes = sorted(std.knowledge_codes(level or "", function), key=_code_key)
        prefix = file_prefix(level, function)
        width = max(3, len(str(n)))
        tcounts = largest_remainder(n, [s for _, s in TYPE_SHARES])
        types = [t for (t, _), k in zip(TYPE_SHARES, tcounts) for _ in range(k)]
        types = [types[k] for k in rng.permutation(n)]
        diffs = rng.choice(5, size=n, p=DIFFICULTY_P) + 1
        group: list[dict] = []
        for k in range(n):
            serial += 1
            t = types[k]
            code = codes[k % len(codes)]
            p = [phrases[j] for j in rng.choice(len(phrases), size=4, replace=False)]
            conn = _CONNECT[int(rng.integers(len(_CONNECT)))]
            rec: dict = {"id": f"{prefix}-{k + 1:0{width}d}", "type": t}
            if level is not None:
                rec["level"] = int(level)
            rec.update({"function": function, "code": code})
            if t == "judge":
                tail = _JUDGE_TAIL[int(rng.integers(len(_JUDGE_TAIL)))]
                rec["stem"] = f"{LABEL}第{serial}题：{p[0]}{conn}，{p[1]}与{p[2]}、{p[3]}{tail}"
                rec["answer"] = "√" if rng.random() < 0.5 else "×"
            else:
                ask = _ASK[int(rng.integers(len(_ASK)))]
                rec["stem"] = f"{LABEL}第{serial}题：在{p[0]}{conn}，围绕{p[1]}、{p[2]}和{p[3]}，{ask}（    ）。"
                n_opt = 4 if t == "single" or rng.random() < 0.5 else 5
                opts = [phrases[j] + _MOD[int(rng.integers(len(_MOD)))]
                        for j in rng.choice(len(phrases), size=n_opt, replace=False)]
                rec["options"] = {"ABCDE"[j]: o for j, o in enumerate(opts)}
                if t == "single":
                    rec["answer"] = "ABCD"[int(rng.integers(4))]
                else:
                    n_ans = int(rng.integers(2, min(4, n_opt - 1) + 1))
                    rec["answer"] = "".join(sorted("ABCDE"[j] for j in rng.choice(n_opt, size=n_ans, replace=False)))
            rec["difficulty"] = int(diffs[k])
            rec["explanation"] = "合成数据，仅用于性能测试，不得用于考试。"
            rec["source"] = "合成"
            group.append(rec)
        # enemy pairs inside the function: about ENEMY_SHARE of the items, disjoint pairs
        n_pairs = int(round(n * ENEMY_SHARE / 2))
        if n_pairs and n >= 2:
            picked = rng.choice(n, size=2 * n_pairs, replace=False)
            for a, b in zip(picked[0::2], picked[1::2]):
                group[a].setdefault("enemies", []).append(group[b]["id"])
                group[b].setdefault("enemies", []).append(group[a]["id"])
        records += group
    # operational tasks: W, W/2, W/2 repeated, so that several disjoint exact sets exist
    for level, function, w in skill_groups(std):
        fn = std.function(level, function)
        prefix = file_prefix(level, function, task=True)
        pattern = (Fraction(w), Fraction(w, 2), Fraction(w, 2))
        for k in range(n_tasks_per_function):
            pts = pattern[k % 3]
            wc = fn.work_contents[k % len(fn.work_contents)]
            skills = [r.code for r in wc.skills] or [fn.skills()[0].code]
            codes = skills[:2] if k % 2 == 0 else skills[-1:]
            p = [phrases[j] for j in rng.choice(len(phrases), size=2, replace=False)]
            records.append({
                "id": f"{prefix}-{k + 1:02d}", "type": "task", "level": int(level), "function": function,
                "code": codes, "title": f"{LABEL}{wc.name}：{p[0]}与{p[1]}操作题{k + 1}",
                "duration": max(20, int(pts * 2)),
                "points": int(pts) if pts.denominator == 1 else float(pts),
                "difficulty": int(rng.choice(5, p=DIFFICULTY_P) + 1),
                "equipment": ["计算机1台/人（安装 WPS Office 或 Microsoft Office）"],
                "task": f"{LABEL}请围绕「{wc.name}」完成{p[0]}与{p[1]}的操作，提交成果文件。\n本题为合成数据，仅用于性能测试。\n",
                "quality": ["成果完整、规范，结论有数据支撑"],
                "rubric": _rubric(pts, k + 1),
                "source": "合成",
            })
    return records


def _code_key(code: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", code))


# ---- records → library objects ----------------------------------------------------------------
def to_objects(records: list[dict]) -> tuple[list[Item], list[Task]]:
    """Return the library's Item and Task objects for canonical records (no validation)."""
    items, tasks = [], []
    for r in records:
        if r["type"] == "task":
            tasks.append(Task(id=r["id"], level=str(r["level"]), function=r["function"], codes=tuple(r["code"]),
                              title=r["title"], duration=r["duration"],
                              points=r["points"], equipment=tuple(r["equipment"]), task=r["task"], materials=(),
                              quality=tuple(r["quality"]),
                              rubric=tuple(RubricRow(x["element"], x["points"], x["standard"]) for x in r["rubric"]),
                              difficulty=r["difficulty"], enemies=tuple(r.get("enemies", ())),
                              source=r.get("source", "")))
        else:
            items.append(Item(id=r["id"], type=ItemType(r["type"]), level=str(r["level"]) if "level" in r else None,
                              function=r["function"],
                              code=r["code"], stem=r["stem"], options=tuple(sorted(r.get("options", {}).items())),
                              answer=r["answer"],
                              difficulty=r["difficulty"], p_value=None, explanation=r.get("explanation", ""),
                              enemies=tuple(r.get("enemies", ())),
                              source=r.get("source", "")))
    return items, tasks


def file_of(rec: dict) -> str:
    """Return the bank file (relative to the bank folder) a record belongs in."""
    if rec["type"] == "task":
        return f"skill/{file_prefix(str(rec['level']), rec['function'], task=True)}.yaml"
    lv = str(rec["level"]) if "level" in rec else None
    return f"theory/{file_prefix(lv, rec['function'])}.yaml"


def write_yaml_bank(records: list[dict], out: str | Path) -> list[Path]:
    """Write one canonical YAML file per level/function under out/theory and out/skill."""
    out = Path(out)
    items, tasks = to_objects(records)
    by_file: dict[str, list] = defaultdict(list)
    for rec, obj in zip(records, _in_record_order(records, items, tasks)):
        by_file[file_of(rec)].append(obj)
    written = []
    for rel, objs in sorted(by_file.items()):
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(dump_yaml_bank(objs), encoding="utf-8")
        written.append(p)
    return written


def _in_record_order(records, items, tasks):
    it_items, it_tasks = iter(items), iter(tasks)
    for r in records:
        yield next(it_tasks) if r["type"] == "task" else next(it_items)


def write_xlsx_bank(records: list[dict], path: str | Path, standard: Standard | None = None) -> Path:
    """Write the whole bank as one workbook (the export format of assembler.bank.excel_io)."""
    from assembler.bank.excel_io import write_workbook

    items, tasks = to_objects(records)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(write_workbook(items, tasks, standard or load_standard()))
    return p


def ensure_bank(n_items: int, seed: int, out_dir: str | Path, xlsx: str | Path | None = None,
                n_tasks_per_function: int = 6, quiet: bool = False) -> tuple[Path, Path | None]:
    """Generate the bank (YAML folder, and workbook if asked) unless it is already there."""
    out_dir = Path(out_dir)
    marker = out_dir / ".complete"
    stamp = f"{n_items} {seed} {n_tasks_per_function} v{GENERATOR_VERSION}\n"
    need_yaml = not (marker.exists() and marker.read_text() == stamp)
    need_xlsx = xlsx is not None and (need_yaml or not Path(xlsx).exists())
    if need_yaml or need_xlsx:
        t0 = time.perf_counter()
        records = make_synthetic_bank(n_items, seed, n_tasks_per_function)
        if need_yaml:
            if out_dir.exists():  # stale bank from other parameters: replace its files
                for old in out_dir.glob("*/*.yaml"):
                    old.unlink()
            write_yaml_bank(records, out_dir)
            marker.write_text(stamp)
        if need_xlsx:
            write_xlsx_bank(records, xlsx)
        if not quiet:
            print(f"[synthetic bank] generated {n_items} items (seed {seed}) in {time.perf_counter() - t0:.1f} s"
                  f" -> {out_dir}" + (f", {xlsx}" if need_xlsx else ""), flush=True)
    return out_dir, (Path(xlsx) if xlsx else None)


def describe(records: list[dict]) -> str:
    """Return a one-paragraph summary: type shares, difficulty mean, judge √ share, enemies."""
    items = [r for r in records if r["type"] != "task"]
    n = len(items) or 1
    shares = ", ".join(f"{t} {sum(r['type'] == t for r in items) / n:.1%}" for t, _ in TYPE_SHARES)
    judges = [r for r in items if r["type"] == "judge"]
    true = sum(r["answer"] == "√" for r in judges) / (len(judges) or 1)
    mean = sum(r["difficulty"] for r in items) / n
    enemies = sum(len(r.get("enemies", ())) for r in items) // 2
    return (f"types: {shares}; mean difficulty {mean:.3f}; judge √ {true:.1%}; {enemies} enemy pairs; "
            f"{len({r['stem'] for r in items})} distinct stems")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic (合成) bank valid for the real standard.")
    ap.add_argument("--items", type=int, default=20000, help="number of theory items (default 20000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tasks-per-function", type=int, default=6)
    ap.add_argument("--out", required=True, help="output folder (theory/ and skill/ are created inside)")
    ap.add_argument("--xlsx", default=None, help="also write the bank as one .xlsx workbook")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    records = make_synthetic_bank(a.items, a.seed, a.tasks_per_function)
    t1 = time.perf_counter()
    files = write_yaml_bank(records, a.out)
    t2 = time.perf_counter()
    n_tasks = sum(r["type"] == "task" for r in records)
    print(f"{len(records) - n_tasks} items + {n_tasks} tasks generated in {t1 - t0:.2f} s; "
          f"{len(files)} YAML files written to {a.out} in {t2 - t1:.2f} s")
    print(describe(records))
    if a.xlsx:
        write_xlsx_bank(records, a.xlsx)
        print(f"workbook written to {a.xlsx} in {time.perf_counter() - t2:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
