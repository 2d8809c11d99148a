"""The rules module: the policy both the assembler and the reviewer apply, and the standard's facts."""
import json
from dataclasses import replace

import pytest

from assembler import rules
from assembler.assemble import AssemblyOptions, assemble_forms, parse_difficulty
from assembler.bank import load_bank
from assembler.blueprint import build_blueprint
from assembler.generate import GenerateRequest, generate
from assembler.review import load_forms, review_forms
from assembler.rules import (
    JUDGE_TRUE_SHARE,
    MAX_EQUAL_RUN,
    SINGLE_LETTERS,
    LetterBalance,
    ShareRule,
)
from assembler.standard import Kind, load_standard
from assembler.structure import ItemType

STD = load_standard()
PIN = "2026-01-01T00:00:00+00:00"


def test_share_rule_counts_whole_items():
    assert JUDGE_TRUE_SHARE.count_range(20) == (8, 12)
    assert JUDGE_TRUE_SHARE.count_range(5) == (2, 3)
    assert JUDGE_TRUE_SHARE.count_range(10) == (4, 6)  # 0.6 × 10 is 6.000…1 in floating point
    assert [c for c in range(11) if JUDGE_TRUE_SHARE.holds(c, 10)] == [4, 5, 6]
    assert JUDGE_TRUE_SHARE.holds(0, 0)
    assert JUDGE_TRUE_SHARE.text() == "40%～60%"
    assert ShareRule(0.25, 0.5).count_range(7) == (2, 3)


def test_letter_balance_bounds_and_cap():
    assert SINGLE_LETTERS.bounds(60) == pytest.approx((12, 18))
    assert SINGLE_LETTERS.cap(60) == 18
    assert SINGLE_LETTERS.cap(10) == 3  # 1.2 × 10 / 4 = 3.0000000000000004
    assert [c for c in range(20) if SINGLE_LETTERS.holds(c, 60)] == list(range(12, 19))
    assert LetterBalance("AB", 0.5).bounds(10) == (2.5, 7.5)


def test_difficulty_bands_and_label_p():
    assert [rules.difficulty_band(x) for x in (1, 2, 3, 4, 5)] == [0, 0, 1, 2, 2]
    assert rules.band_counts([1, 3, 3, 5, 4, 2, 3]) == (2, 3, 2)
    assert rules.label_p(1) == 0.90 and rules.label_p(5) == 0.20
    assert rules.label_p(9) == rules.LABEL_P[rules.DEFAULT_LABEL]
    assert rules.ratio_band_tolerance(10) == 1 and rules.ratio_band_tolerance(90) == 4
    d = parse_difficulty(None)
    assert (d.mean, d.tolerance) == (rules.DEFAULT_TARGET_MEAN, rules.DEFAULT_TARGET_TOLERANCE)
    assert parse_difficulty("p=0.7").tolerance == rules.DEFAULT_P_TOLERANCE


def test_standard_facts_come_from_the_standard():
    a = STD.assessment
    assert (rules.pass_mark(), rules.full_marks()) == (a.pass_mark, a.full_marks) == (60, 100)
    assert rules.minimum_minutes(Kind.THEORY) == a.theory_minutes == 90
    assert rules.minimum_minutes(Kind.SKILL) == a.skill_minutes == 100
    other = replace(STD, assessment=replace(a, pass_mark=70, theory_minutes=120))
    assert rules.pass_mark(other) == 70
    assert rules.minimum_minutes(Kind.THEORY, other) == 120


def test_a_sub_itemised_code_asks_for_its_sub_item(tmp_path):
    from assembler.bank.loader import read_bank

    p = tmp_path / "b.yaml"
    p.write_text("items:\n- {id: Q-1, type: judge, function: 职业道德, code: '2.1.2', stem: 遵纪守法是职业守则的要求。,"
                 " answer: √}\n", encoding="utf-8")
    _, problems = read_bank([p], STD)
    messages = [x.message for x in problems if x.severity == "error"]
    item = STD.basic_item("2.1.2")
    assert item is not None and len(item.subitems) == 4
    assert messages == ["题目 Q-1：2.1.2 须注明是「职业守则」4 项中的哪一项"]


def test_assembled_forms_keep_the_answer_rules():
    bank = load_bank(None, STD)
    bp = build_blueprint(STD, "4", "D", "theory")
    forms = assemble_forms(bank, bp, 2, 5, AssemblyOptions(created=PIN), STD)
    for form in forms:
        singles = [e.answer for e in form.entries if e.type is ItemType.SINGLE]
        judges = [e.answer for e in form.entries if e.type is ItemType.JUDGE]
        assert JUDGE_TRUE_SHARE.holds(judges.count("√"), len(judges))
        assert all(SINGLE_LETTERS.holds(singles.count(c), len(singles)) for c in SINGLE_LETTERS.letters)
        for seq in (singles, judges):
            assert all(len(set(seq[i:i + MAX_EQUAL_RUN + 1])) > 1 for i in range(len(seq) - MAX_EQUAL_RUN))


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    generate(GenerateRequest(level="4", direction="D", kind="theory", forms=1, seed=33, created=PIN, output=str(out),
                             record=False,
                             documents=False, session="规则测试"), STD)
    return out / "4D-T-33-01.json"


def _reviewed_with(manifest_path, tmp_path, answer_of):
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    for e in m["items"]:
        e["answer"] = answer_of(e)
    p = tmp_path / "changed.json"
    p.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return review_forms(load_forms([p]), load_bank(None, STD), STD)


def test_review_reports_every_broken_answer_rule_in_the_rules_words(manifest_path, tmp_path):
    review = _reviewed_with(manifest_path, tmp_path,
                            lambda e: {"judge": "√", "single": "A"}.get(e["type"], e["answer"]))
    assert review.verdict == "fail"
    reasons = [r.split("：", 1)[1] for r in review.reasons if r.startswith("4D-T-33-01：")]
    assert "判断题“√”占 100%，应在 40%～60% 之间" in reasons
    assert "判断题有 20 道相同答案连续出现（不应超过 3 道）" in reasons
    assert "单选题有 60 道相同答案连续出现（不应超过 3 道）" in reasons
    assert "单选题答案分布不均衡：A 60 题，B 0 题，C 0 题，D 0 题（应在 12～18 题之间）" in reasons


def test_review_accepts_the_generated_answers(manifest_path):
    review = review_forms(load_forms([manifest_path]), load_bank(None, STD), STD)
    assert review.verdict == "pass", review.reasons
