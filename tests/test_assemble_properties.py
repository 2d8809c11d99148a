"""Property tests: over random banks and structures, every hard constraint holds, or the
infeasibility message is correct."""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.bank.models import Bank, Item
from assembler.blueprint import build_blueprint
from assembler.errors import InfeasibleError
from assembler.standard import Kind, load_standard
from assembler.structure import ItemType, parse_structure
from tests.test_assemble import check_theory_form

STD = load_standard()
STRUCTURES = [
    {"name": "s1", "sections": [{"type": "single", "count": 100, "points": 1}]},
    {"name": "s2", "sections": [{"type": "judge", "count": 20, "points": 1}, {"type": "single", "count": 80, "points": 1}]},
    {"name": "s3", "sections": [{"type": "judge", "count": 20, "points": 1}, {"type": "single", "count": 60, "points": 1},
                                {"type": "multiple", "count": 10, "points": 2}]},
]
LEVELS = [("1", None), ("2", None), ("4", "B")]


def spread_codes(row, n: int, offset: int) -> list[str]:
    """Return n requirement codes of the row, its work contents drawn in proportion to their points
    (as the assembler's work-content quotas are), so that a rich bank is rich in every work content."""
    wcs = [w for w in row.work_contents if w.requirements]
    total = sum(float(w.points) for w in wcs)
    given = [0] * len(wcs)
    out = []
    for k in range(n):
        j = max(range(len(wcs)), key=lambda i: float(wcs[i].points) * (k + 1) / total - given[i])
        out.append(wcs[j].requirements[(given[j] + offset) % len(wcs[j].requirements)])
        given[j] += 1
    return out


@st.composite
def scenarios(draw, low=0.6, high=3.0):
    level, direction = draw(st.sampled_from(LEVELS))
    structure = parse_structure(draw(st.sampled_from(STRUCTURES)))
    bp = build_blueprint(STD, level, direction, Kind.THEORY, structure)
    n_forms = draw(st.integers(1, 2))
    richness = draw(st.floats(low, high))
    items = []
    for r in bp.rows:
        lv = None if r.is_basic else level
        offset = draw(st.integers(0, 20))
        for c in r.cells:
            n = int(c.count * richness) + draw(st.integers(0, 2))
            for k, code in enumerate(spread_codes(r, n, offset)):
                iid = f"{r.name}-{c.type.value}-{k}"
                diff = draw(st.sampled_from([2, 3, 3, 3, 4]))
                if c.type is ItemType.JUDGE:
                    items.append(Item(id=iid, type=c.type, level=lv, function=r.name, code=code, stem=f"{iid} 判断。",
                                      options=(), answer="√" if k % 2 else "×", difficulty=diff))
                elif c.type is ItemType.SINGLE:
                    opts = tuple((x, f"{iid}{x}") for x in "ABCD")
                    items.append(Item(id=iid, type=c.type, level=lv, function=r.name, code=code, stem=f"{iid}（    ）",
                                      options=opts, answer="ABCD"[k % 4], difficulty=diff,
                                      shuffle=k % 7 != 0))
                else:
                    opts = tuple((x, f"{iid}{x}") for x in "ABCDE")
                    items.append(Item(id=iid, type=c.type, level=lv, function=r.name, code=code, stem=f"{iid}（    ）",
                                      options=opts, answer="BD", difficulty=diff))
    if items and draw(st.booleans()):  # a few enemy pairs
        a, b = items[0], items[-1]
        items[0] = Item(**{**a.__dict__, "enemies": (b.id,)})
    return bp, Bank(tuple(items), ()), n_forms, draw(st.integers(0, 10_000))


SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(scenarios())
def test_forms_meet_every_constraint_or_the_message_is_right(scenario):
    check_scenario(scenario)


@SETTINGS
@given(scenarios(low=2.2, high=4.0))
def test_rich_banks(scenario):
    check_scenario(scenario)


def check_scenario(scenario):
    bp, bank, n_forms, seed = scenario
    try:
        forms = assemble_forms(bank, bp, n_forms, seed, AssemblyOptions(), STD)
    except InfeasibleError as exc:
        msg = str(exc)
        shortages = re.findall(r"需要 (\d+) 题，可用 (\d+) 题", msg)
        m = re.search(r"--max-overlap (\d+)", msg)
        if msg.startswith("题库不足"):  # every cell named is really short
            assert shortages and all(int(have) < int(need) for need, have in shortages), msg
        elif m:  # the stated smallest overlap really works
            r = int(m.group(1))
            forms = assemble_forms(bank, bp, n_forms, seed, AssemblyOptions(max_overlap=r), STD)
            assert len(set(forms[0].ids()) & set(forms[1].ids())) <= r
        elif "请调整 --difficulty" in msg:  # the pool's stated mean difficulty is its real one, off target
            stated = float(re.search(r"可用题目的平均难度为 ([\d.]+)", msg).group(1))
            mean = sum(x.difficulty for x in bank.items) / len(bank.items)
            assert abs(stated - mean) < 0.006 and abs(mean - 3.0) > 0.3 - 1e-9, msg
        else:  # counts and difficulty suffice: enemies or work-content quotas conflict
            assert "相互冲突" in msg, msg
        return
    assert len(forms) == n_forms
    for f in forms:
        check_theory_form(f, bank, bp)
    if n_forms == 2:
        assert not set(forms[0].ids()) & set(forms[1].ids())
