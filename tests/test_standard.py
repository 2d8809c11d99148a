"""The encoding of the standard: structure, codes and the two weight tables."""
import pytest

from assembler.errors import InputError
from assembler.standard import (
    Kind,
    check_standard,
    parse_direction,
    parse_kind,
    parse_level,
    resolve_choice,
)

COLS = ["4A", "4B", "4C", "4D", "3A", "3B", "3C", "3D", "3E", "2", "1"]
_ = None
# 4.1 理论知识权重表, written out from the standard's text (section 4.1).
THEORY = {
    "职业道德": [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
    "基础知识": [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    "市场分析": [15, 15, 15, 15, 15, 15, 15, 15, 15, _, _],
    "内容创作": [40, _, _, _, 40, _, _, _, _, 20, _],
    "运营管理": [_, 40, _, _, _, 40, _, _, _, 25, 15],
    "直播运营": [_, _, 40, _, _, _, 40, _, _, _, _],
    "流量运营": [_, _, _, 40, _, _, _, 40, _, _, _],
    "数据分析": [_, _, _, _, _, _, _, _, 40, 20, _],
    "数据优化": [30, 30, 30, 30, 30, 30, 30, 30, 30, _, _],
    "营销传播": [_, _, _, _, _, _, _, _, _, 20, _],
    "组织管理": [_, _, _, _, _, _, _, _, _, _, 30],
    "财务管理": [_, _, _, _, _, _, _, _, _, _, 40],
}
# 4.2 技能要求权重表 (section 4.2).
SKILL = {
    "市场分析": [30, 30, 30, 30, 30, 30, 30, 30, 30, _, _],
    "内容创作": [40, _, _, _, 40, _, _, _, _, 30, _],
    "运营管理": [_, 40, _, _, _, 40, _, _, _, 30, 20],
    "直播运营": [_, _, 40, _, _, _, 40, _, _, _, _],
    "流量运营": [_, _, _, 40, _, _, _, 40, _, _, _],
    "数据分析": [_, _, _, _, _, _, _, _, 40, 20, _],
    "数据优化": [30, 30, 30, 30, 30, 30, 30, 30, 30, _, _],
    "营销传播": [_, _, _, _, _, _, _, _, _, 20, _],
    "组织管理": [_, _, _, _, _, _, _, _, _, _, 40],
    "财务管理": [_, _, _, _, _, _, _, _, _, _, 40],
}


def expected(table, col):
    i = COLS.index(col)
    return {k: v[i] for k, v in table.items() if v[i] is not None}


@pytest.mark.parametrize("col", COLS)
def test_weight_tables_match_the_standard(std, col):
    level, direction = col[0], (col[1] if len(col) > 1 else None)
    assert dict(std.weights(Kind.THEORY, level, direction)) == expected(THEORY, col)
    assert dict(std.weights(Kind.SKILL, level, direction)) == expected(SKILL, col)
    assert sum(expected(THEORY, col).values()) == 100
    assert sum(expected(SKILL, col).values()) == 100


def test_the_encoding_checks_clean(std):
    assert check_standard(std) == []


def test_levels_functions_and_directions(std):
    assert [(lv.code, lv.name, lv.title) for lv in std.levels] == [
        ("4", "四级", "中级工"), ("3", "三级", "高级工"), ("2", "二级", "技师"), ("1", "一级", "高级技师")]
    assert [f.name for f in std.functions_at("4")] == ["市场分析", "内容创作", "运营管理", "直播运营", "流量运营", "数据优化"]
    assert [f.name for f in std.functions_at("3")] == ["市场分析", "内容创作", "运营管理", "直播运营", "流量运营", "数据分析", "数据优化"]
    assert [f.name for f in std.functions_at("2")] == ["数据分析", "内容创作", "营销传播", "运营管理"]
    assert [f.name for f in std.functions_at("1")] == ["运营管理", "组织管理", "财务管理"]
    assert std.direction_functions["4"] == {"A": (1, 2, 6), "B": (1, 3, 6), "C": (1, 4, 6), "D": (1, 5, 6)}
    assert std.direction_functions["3"]["E"] == (1, 6, 7)
    assert std.direction("E").levels == ("3", "2", "1")
    assert len(std.valid_combinations()) == 4 + 5 + 1 + 1


def test_requirement_counts_and_texts(std):
    f = std.function("4", "内容创作")
    assert [wc.code for wc in f.work_contents] == ["2.1", "2.2", "2.3"]
    assert len(f.knowledge()) == 10 and len(f.skills()) == 10
    assert std.knowledge_codes("4", "内容创作")["2.2.3"] == "直播脚本撰写的相关知识"
    assert std.skill_codes("3", "数据分析")["6.1.4"] == "能运用传播平台数据分析工具完成A/B测试"
    # line breaks from the PDF are repaired
    assert std.skill_codes("3", "直播运营")["4.1.2"] == "能结合直播运营效果对现场灯光等效果呈现设备进行更新优化升级，确保直播效果"
    assert len(std.function("1", "财务管理").knowledge()) == 7


def test_basics_have_rules_and_fifteen_laws(std):
    ethics = std.basic_section("职业道德")
    assert [it.code for it in ethics.items] == ["2.1.1", "2.1.2"]
    assert [r.text for r in ethics.items[1].subitems] == [
        "遵纪守法，诚实守信。", "恪尽职守，勇于创新。", "钻研业务，团结协作。", "严控质量，服务热情。"]
    basics = std.basic_section("基础知识")
    assert [len(it.subitems) for it in basics.items] == [3, 4, 4, 5, 3, 15]
    laws = basics.items[-1].subitems
    assert laws[10].text == "《网络直播营销管理办法（试行）》相关知识。"
    assert laws[14].code == "2.2.6(15)"
    assert "2.2.6(13)" in std.knowledge_codes("", "基础知识")


def test_assessment_facts(std):
    a = std.assessment
    assert (a.theory_minutes, a.skill_minutes, a.review_minutes, a.full_marks, a.pass_mark) == (90, 100, 20, 100, 60)


@pytest.mark.parametrize("value,code", [("4", "4"), (4, "4"), ("四级", "4"), ("中级工", "4"), ("四级/中级工", "4"),
                                        ("高级工", "3"), ("技师", "2"), ("一级", "1"), ("高级技师", "1")])
def test_parse_level(value, code):
    assert parse_level(value) == code


def test_parse_direction_and_kind(std):
    assert parse_direction("a", std) == "A"
    assert parse_direction("直播运营", std) == "C"
    assert parse_kind("理论") is Kind.THEORY and parse_kind("技能") is Kind.SKILL


def test_impossible_choices(std):
    with pytest.raises(InputError, match="数据分析方向从三级起设置"):
        resolve_choice(std, "四级", "E")
    with pytest.raises(InputError, match="须指定职业方向"):
        resolve_choice(std, "3", None)
    with pytest.raises(InputError, match="等级「5」无效"):
        resolve_choice(std, "5", "A")
    assert resolve_choice(std, "技师", "B") == ("2", None)
