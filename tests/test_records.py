"""Records passed between modules are dataclasses whose to_dict() is exactly the JSON contract, and
records with many fields are built with keywords only (issue 20)."""
import dataclasses
import json

import pytest

from assembler.bank.models import Item, Task
from assembler.bank.stats import CellCount, Gap, TypeTotal
from assembler.batch import Session, SessionEntry
from assembler.blueprint import Blueprint
from assembler.form import Form, FormDifficulty, FormEntry, FormTotals, Tally
from assembler.generate import GenerateRequest
from assembler.ledger import ItemAnalysis, ItemUse, RecordedForm
from assembler.review import (
    AnswerSpread,
    CellCheck,
    DifficultyCheck,
    Equivalence,
    FunctionCheck,
    RequirementCheck,
    WorkContentCheck,
)
from assembler.standard import Kind
from assembler.structure import ItemType


def test_stats_records_give_the_json_keys():
    c = CellCount(level=None, function="基础知识", work_content="2.2.6", type=ItemType.JUDGE, count=4)
    assert c.to_dict() == {"level": None, "function": "基础知识", "work_content": "2.2.6", "type": "judge", "count": 4}
    g = Gap(level="4", function="内容创作", code="2.2.1", text="文案", kind=Kind.SKILL)
    assert list(g.to_dict()) == ["level", "function", "code", "text", "kind"] and g.to_dict()["kind"] == "skill"
    assert TypeTotal(ItemType.SINGLE, 3) == TypeTotal(type=ItemType.SINGLE, count=3)


def test_review_records_give_the_json_keys():
    f = FunctionCheck(name="内容创作", target_points=20.0, actual_points=19.5, target_count=20, actual_count=19,
                      cells=(CellCheck(ItemType.JUDGE, 4, 4), CellCheck(ItemType.SINGLE, 16, 15)))
    assert f.to_dict() == {"name": "内容创作", "target_points": 20, "actual_points": 19.5, "target_count": 20,
                           "actual_count": 19, "cells": {"judge": {"target": 4, "actual": 4},
                                                         "single": {"target": 16, "actual": 15}}}
    w = WorkContentCheck(function="内容创作", code="2.2", name="文案", points=12, min=2, max=None, actual=0)
    assert w.to_dict() == {"function": "内容创作", "code": "2.2", "name": "文案", "points": 12, "min": 2, "max": None,
                           "actual": 0, "covered": False}
    r = RequirementCheck(function="内容创作", code="2.2.1", text="文案", covered=True)
    assert list(r.to_dict()) == ["function", "code", "text", "covered"]
    skill = DifficultyCheck(mean=2.5, easy=1, medium=1, hard=0)
    assert skill.to_dict() == {"mean": 2.5, "easy": 1, "medium": 1, "hard": 0}
    theory = dataclasses.replace(skill, target="3 ± 0.3", ok=False)
    assert list(theory.to_dict()) == ["mean", "easy", "medium", "hard", "target", "ok"]
    a = AnswerSpread(single={"A": 1, "B": 0, "C": 2, "D": 1}, judge_true=2, judge_false=3, multiple={"A": 1},
                     longest_single=2, longest_judge=3)
    assert a.to_dict() == {"single": {"A": 1, "B": 0, "C": 2, "D": 1}, "judge": {"√": 2, "×": 3},
                           "multiple": {"A": 1}, "longest_run": {"single": 2, "judge": 3}}
    e = Equivalence(label="四级 创意策划 理论知识", forms=("A", "B"), points_identical=True,
                    difficulty_means=(3.0, 2.9), difficulty_spread=0.1)
    assert json.loads(json.dumps(e.to_dict())) == {"forms": ["A", "B"], "points_identical": True,
                                                   "difficulty_means": [3.0, 2.9], "difficulty_spread": 0.1}


def test_ledger_records_are_dataclasses():
    for cls in (RecordedForm, ItemUse, ItemAnalysis):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


@pytest.mark.parametrize("cls", [Item, Task, Form, FormEntry, Blueprint, GenerateRequest, Session, SessionEntry])
def test_records_with_many_fields_take_keywords_only(cls):
    required = [f for f in dataclasses.fields(cls) if f.init and f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    assert all(f.kw_only for f in dataclasses.fields(cls) if f.init)
    with pytest.raises(TypeError):
        cls(*[None] * len(required))


def test_form_totals_and_difficulty_give_the_manifest_keys():
    t = FormTotals(functions={"内容创作": Tally(count=2, points=1.5)}, types={"judge": Tally(count=2, points=1.5)},
                   points=1.5)
    assert t.to_dict() == {"functions": {"内容创作": {"count": 2, "points": 1.5}},
                           "types": {"judge": {"count": 2, "points": 1.5}}, "points": 1.5}
    assert FormDifficulty(mean=3.1, easy=1, medium=2, hard=0).to_dict() == {"mean": 3.1, "easy": 1, "medium": 2,
                                                                             "hard": 0}
