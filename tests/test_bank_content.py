"""Bank-wide content rules for the shipped sample bank."""
import re

import pytest

from assembler.bank import load_bank, read_bank

# Article numbers of 《网络安全法》 before its 2025 amendment, which renumbered them.
OBSOLETE_CYBERSECURITY_ARTICLES = re.compile(r"《网络安全法》第(四十一|二十四|四十三)条")


def law_items():
    bank = load_bank()
    return [it for it in bank.items if it.code.startswith("2.2.6")]


def test_every_law_item_names_the_text_and_version_it_follows():
    items = law_items()
    assert len(items) >= 60
    missing = [it.id for it in items if not re.search(r"《[^》]+》（[^）]*\d{4}", it.source)]
    assert missing == []


def test_no_law_item_cites_an_article_number_made_obsolete_by_an_amendment():
    bank = load_bank()
    stale = [it.id for it in bank.items
             if OBSOLETE_CYBERSECURITY_ARTICLES.search(it.stem + it.explanation + "".join(t for _, t in it.options))]
    assert stale == []


def test_number_unit_spacing_is_a_style_warning(tmp_path):
    p = tmp_path / "L4-SJYH.yaml"
    p.write_text(
        "items:\n"
        "  - id: L4-SJYH-901\n    type: judge\n    level: 4\n    function: 数据优化\n    code: \"6.1.1\"\n"
        "    stem: 某条视频播放 1200 次，点赞 60 个，点赞率为5%。\n    answer: √\n"
        "    explanation: 点赞率＝60÷1200＝5%。\n",
        encoding="utf-8")
    _, problems = read_bank([p])
    assert [(p.severity, p.column) for p in problems] == [("warning", "stem")]
    assert "「条视频播放 1200 次，点」" in problems[0].message


@pytest.mark.parametrize("structure, wanted", [("standard", 3), ("guojia-190", 2)])
def test_every_combination_holds_three_default_and_two_guojia_theory_papers(structure, wanted):
    # Confirmed by assembling the disjoint papers (blueprint points, types, work contents, difficulty,
    # enemies and answer balance all hold), as `bank stats --exact` does, for all 11 level/direction
    # combinations (issue 16).
    from assembler.assemble import AssemblyOptions, assemble_forms
    from assembler.blueprint import all_blueprints
    from assembler.standard import Kind, load_standard

    bank = load_bank()
    standard = load_standard()
    blueprints = all_blueprints(standard, Kind.THEORY, structure)
    assert len(blueprints) == 11
    for bp in blueprints:
        forms = assemble_forms(bank, bp, wanted, 2026, AssemblyOptions(max_overlap=0, time_limit=60), standard)
        ids = [{e.id for e in f.entries} for f in forms]
        assert len(forms) == wanted, (bp.level, bp.direction)
        assert len(set().union(*ids)) == sum(map(len, ids)) == wanted * len(ids[0]), (bp.level, bp.direction)


def test_every_knowledge_requirement_has_five_items_of_more_than_one_type():
    # issue 16: every knowledge requirement of every level, and every basics sub-item (each of the fifteen
    # laws and regulations included), has at least 5 active items, and not all of one type
    from collections import Counter, defaultdict

    from assembler.standard import BASIC_FUNCTIONS, Kind, load_standard

    std = load_standard()
    bank = load_bank()
    count: Counter = Counter()
    types: dict = defaultdict(set)
    for it in bank.items:
        if it.active:
            key = (None if it.function in BASIC_FUNCTIONS else it.level, it.function, it.code)
            count[key] += 1
            types[key].add(it.type)
    wanted = {(None, fn, code) for fn in BASIC_FUNCTIONS for code in std.knowledge_codes("4", fn)}
    for lv, d in std.valid_combinations():
        wanted |= {(lv, fn.name, code) for fn in std.examined_functions(Kind.THEORY, lv, d)
                   if fn.name not in BASIC_FUNCTIONS for code in std.knowledge_codes(lv, fn.name)}
    assert len([k for k in wanted if k[2].startswith("2.2.6(")]) == 15
    assert sorted((k, count[k]) for k in wanted if count[k] < 5) == []
    assert sorted(k for k in wanted if len(types[k]) < 2) == []
