"""The operational-task bank as shipped: times follow FORMAT.md's deliverable rule, papers fit a session."""
import math
import re
from itertools import combinations
from pathlib import Path

import pytest

from assembler.bank import load_bank
from assembler.blueprint import all_blueprints
from assembler.standard import Kind, load_standard

STD = load_standard()
BANK = load_bank()
SKILL_DIR = Path(__file__).resolve().parent.parent / "question_bank" / "skill"
MAX_PAPER_MINUTES = 240  # one four-hour session (FORMAT.md, 考核时间)

# FORMAT.md, 考核时间: minutes per counted unit
RATES = {"计算": 0.3, "推导": 3, "文字": 0.03, "条目": 1.5, "图": 5, "媒体": 4, "导出": 3, "存档": 1}
TERM = re.compile(r"^(计算|推导|文字|条目|图|媒体|导出|存档)(\d+)(项|字|条|幅|类操作|个文件|个)(\d+(?:\.\d+)?)$")


def duration_lines():
    """Return (task id, duration, comment, number of materials tables) for every task in the shipped files."""
    tables = {t.id: len(t.materials) for t in BANK.tasks}  # the loader's reading, not a second YAML parse
    out = []
    for path in sorted(SKILL_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        current = None
        for line in text.splitlines():
            m = re.match(r"  - id: (\S+)", line)
            if m:
                current = m.group(1)
            m = re.match(r"    duration: (\d+)\s*(?:#\s*(.*))?$", line)
            if m:
                out.append((current, int(m.group(1)), m.group(2) or "", tables[current]))
    return out


@pytest.mark.parametrize("tid,duration,comment,tables", duration_lines(), ids=lambda v: v if isinstance(v, str) and v.startswith("S") else "")
def test_duration_is_the_counted_deliverables_rounded_up_to_five(tid, duration, comment, tables):
    assert comment, f"{tid}: duration has no deliverable count"
    body, _, total = comment.rpartition(" = ")
    terms = body.split(" + ")
    assert terms[0] == f"阅读{3 + tables}", f"{tid}: reading time is 3 + 1 per table"
    minutes = 3 + tables
    for term in terms[1:]:
        m = TERM.match(term)
        assert m, f"{tid}: cannot read term {term!r}"
        kind, count, _, stated = m.group(1), int(m.group(2)), m.group(3), float(m.group(4))
        assert stated == pytest.approx(round(count * RATES[kind], 1)), f"{tid}: {term} does not follow the rate"
        minutes += stated
    assert float(total) == pytest.approx(minutes, abs=0.05), f"{tid}: the terms do not add up"
    assert duration == 5 * math.ceil(float(total) / 5 - 1e-9), f"{tid}: duration is not the sum rounded up to 5"


def test_no_task_costs_more_than_three_and_a_half_minutes_a_point():
    heavy = [(t.id, t.duration, t.points) for t in BANK.tasks if t.duration > 3.5 * t.points]
    assert heavy == []


def paper_minutes(bp) -> tuple[int, int]:
    """Return the shortest and longest paper over every task combination that fills each row's weight."""
    lo = hi = 0
    for row in bp.rows:
        tasks = [t for t in BANK.tasks if t.active and t.level == bp.level and t.function == row.name]
        sums = [sum(t.duration for t in c) for k in range(1, len(tasks) + 1) for c in combinations(tasks, k)
                if sum(t.points for t in c) == row.weight and not any(b.id in a.enemies for a in c for b in c)]
        assert sums, f"{bp.title} · {row.name}: no combination fills {row.weight} points"
        lo += min(sums)
        hi += max(sums)
    return lo, hi


@pytest.mark.parametrize("bp", all_blueprints(STD, Kind.SKILL), ids=lambda bp: f"{bp.level}{bp.direction or ''}")
def test_every_skill_paper_lasts_between_the_standard_minimum_and_one_session(bp):
    lo, hi = paper_minutes(bp)
    assert lo >= STD.assessment.skill_minutes
    assert hi <= MAX_PAPER_MINUTES


OPEN_JUDGEMENT = ("同义变体", "同义表述", "同等表述", "意思相同", "酌情", "视情况", "适当扣分", "考评员抽查")


def test_no_rubric_row_leaves_the_judgement_to_the_examiner():
    """A row that says 'synonyms count' or 'the examiner samples' without listing what counts scores two ways."""
    open_rows = [(t.id, r.element, w) for t in BANK.tasks for r in t.rubric for w in OPEN_JUDGEMENT if w in r.standard]
    assert open_rows == []


FILE_NAME = re.compile(r"[\w\-\u4e00-\u9fff]+\.(?:png|jpg|jpeg|svg|mp4|mov|mp3|wav|ttf|txt)", re.IGNORECASE)


def test_every_file_a_task_hands_out_is_listed_and_every_listed_file_is_named_in_the_task():
    """Names in the task text or its equipment (not the candidate's own 准考证号… outputs) are the task's files."""
    for t in BANK.tasks:
        named = {n for text in (t.task, *t.equipment) for n in FILE_NAME.findall(text) if not n.startswith("准考证号")}
        listed = {f.name for f in t.files}
        assert named <= listed, f"{t.id}: {sorted(named - listed)} named but not listed under files"


def test_the_shipped_bank_has_every_promised_file():
    from assembler.bank.task_files import task_file_problems

    bank = BANK
    assert task_file_problems(bank.tasks) == []
    promised = {t.id for t in bank.tasks if t.files}
    assert {"S4-NRCZ-01", "S4-NRCZ-03", "S3-NRCZ-03", "S4-YYGL-05", "S4-ZBYY-02"} <= promised
