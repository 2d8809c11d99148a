"""Blueprints from the weight tables: totals, cells, splits, structures."""
from fractions import Fraction

import pytest

from assembler.blueprint import build_blueprint, largest_remainder
from assembler.errors import DataError, InputError
from assembler.standard import Kind, load_standard
from assembler.structure import ItemType, load_structure, parse_structure

STD = load_standard()
COMBOS = STD.valid_combinations()


@pytest.mark.parametrize("structure", ["standard", "guojia-190"])
@pytest.mark.parametrize("level,direction", COMBOS)
def test_theory_blueprints_are_exact(level, direction, structure):
    bp = build_blueprint(STD, level, direction, Kind.THEORY, structure)
    st = load_structure(structure)
    weights = dict(STD.weights(Kind.THEORY, level, direction))
    assert [r.name for r in bp.rows][:2] == ["职业道德", "基础知识"]
    assert {r.name: r.weight for r in bp.rows} == weights
    assert bp.total_points == 100 and sum(r.weight for r in bp.rows) == 100
    for r in bp.rows:
        assert sum(c.points for c in r.cells) == r.weight
        assert sum(w.points for w in r.work_contents) == r.weight
        for c in r.cells:
            assert c.points == c.count * st.section(c.type).points
    for s in st.sections:
        assert sum(r.cell(s.type).count for r in bp.rows) == s.count


@pytest.mark.parametrize("level,direction", COMBOS)
def test_skill_blueprints(level, direction):
    bp = build_blueprint(STD, level, direction, Kind.SKILL)
    assert sum(r.weight for r in bp.rows) == 100
    assert bp.duration_minutes >= 100
    assert all(not r.cells and not r.is_basic for r in bp.rows)
    d = bp.to_dict()
    assert all("cells" not in f for f in d["functions"])


def test_cells_spread_evenly_for_4a():
    bp = build_blueprint(STD, "4", "A", "theory")
    cells = {r.name: [r.cell(t).count for t in (ItemType.JUDGE, ItemType.SINGLE, ItemType.MULTIPLE)] for r in bp.rows}
    # 40 and 30 point functions get exactly their proportional share of each type
    assert cells["内容创作"] == [8, 24, 4]
    assert cells["数据优化"] == [6, 18, 3]
    assert cells["基础知识"] == [2, 6, 1]
    # 5 and 15 share the two half items left over; each deviates from its share by at most one item per type
    for name, ideal in (("职业道德", (1, 3, 0.5)), ("市场分析", (3, 9, 1.5))):
        assert all(abs(a - b) <= 1 for a, b in zip(cells[name], ideal))


def test_json_contract():
    d = build_blueprint(STD, "2", None, "theory").to_dict()
    assert d["level"] == "2" and d["direction"] is None and d["kind"] == "theory"
    assert d["structure"] == "standard" and d["total_points"] == 100 and d["duration_minutes"] == 90
    first = d["functions"][0]
    assert first["name"] == "职业道德" and first["weight"] == 5
    assert set(first["cells"]) == {"judge", "single", "multiple"}
    assert [f["name"] for f in d["functions"]] == ["职业道德", "基础知识", "数据分析", "内容创作", "营销传播", "运营管理"]


def test_default_split_follows_knowledge_requirement_counts():
    bp = build_blueprint(STD, "4", "A", "theory")
    nrcz = bp.row("内容创作")
    # 2.1: 3 requirements, 2.2: 4, 2.3: 3 of 10 -> 12, 16, 12 points
    assert [w.points for w in nrcz.work_contents] == [12, 16, 12]
    ethics = bp.row("职业道德")
    assert [w.points for w in ethics.work_contents] == [1, 4]


def test_split_override():
    bp = build_blueprint(STD, "4", "A", "theory", split={"内容创作": {"2.1": 10, "2.2": 20, "2.3": 10}})
    assert [w.points for w in bp.row("内容创作").work_contents] == [10, 20, 10]
    with pytest.raises(InputError, match="合计 30 分，应等于权重 40 分"):
        build_blueprint(STD, "4", "A", "theory", split={"内容创作": {"2.1": 10, "2.2": 10, "2.3": 10}})
    with pytest.raises(InputError, match="不存在的工作内容 9.9"):
        build_blueprint(STD, "4", "A", "theory", split={"内容创作": {"9.9": 40}})


def test_largest_remainder_is_exact():
    parts = largest_remainder(Fraction(10), [3, 4, 4, 5, 3, 15])
    assert sum(parts) == 10 and all(p.denominator in (1, 2) for p in parts)


def test_weight_that_cannot_be_built_is_reported():
    st = parse_structure({"name": "twos", "sections": [{"type": "judge", "count": 10, "points": 2},
                                                      {"type": "single", "count": 40, "points": 2}]})
    with pytest.raises(InputError, match="「职业道德」的权重 5 分无法由试卷结构「twos」的题分"):
        build_blueprint(STD, "4", "A", "theory", st)


def test_bad_structure_files():
    with pytest.raises(DataError, match="合计为 90 分，应为 100 分"):
        parse_structure({"sections": [{"type": "single", "count": 90, "points": 1}]}, "x.yaml")
    with pytest.raises(InputError, match="没有名为「nope」的试卷结构"):
        load_structure("nope")


def test_user_structure_file(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("name: mine\nduration_minutes: 120\nsections:\n  - {type: judge, count: 20, points: 1}\n"
                 "  - {type: single, count: 80, points: 1}\n", encoding="utf-8")
    bp = build_blueprint(STD, "1", None, "理论", str(p))
    assert bp.structure.name == "mine" and bp.duration_minutes == 120
    assert sum(r.cell(ItemType.SINGLE).count for r in bp.rows) == 80
