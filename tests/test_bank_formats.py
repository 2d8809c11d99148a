"""Bank formats: YAML and Excel load into the same models; a round trip keeps every field."""

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assembler.bank import load_bank, read_bank
from assembler.bank.excel_io import write_workbook
from assembler.bank.template import EXAMPLE_ITEMS, EXAMPLE_TASK, write_template
from assembler.bank.yaml_io import dump_yaml_bank
from assembler.errors import DataError

SAMPLE = """\
items:
  - id: T-001
    type: single
    level: 4
    function: 内容创作
    code: "2.2.2"
    stem: 分镜头脚本通常不包含的是（    ）。
    options: {A: 景别, B: 时长, C: 画面内容, D: 投放预算}
    answer: D
    difficulty: 2
    p_value: 0.71
    explanation: 投放预算不属于分镜头脚本。
    enemies: [T-002]
    shuffle: false
    source: 原创
  - id: T-002
    type: judge
    function: 基础知识
    code: "2.2.6(2)"
    stem: 广告中可以使用“国家级”用语。
    answer: 错
  - id: T-003
    type: 多选题
    level: 3
    function: 数据分析
    code: "6.1.4"
    stem: A/B 测试设计时应当（    ）。
    options: {A: 只改变一个变量, B: 随机分组, C: 样本量足够, D: 提前终止看结果, E: 同时段投放}
    answer: A,B,C,E
    status: retired
tasks:
  - id: S-01
    level: 4
    function: 数据优化
    code: ["6.1.1", "6.1.2"]
    title: 周报
    duration: 30
    points: 15
    equipment: [计算机]
    task: |
      计算完播率。
      撰写分析。
    materials:
      - caption: 表1
        columns: [视频, 播放量]
        rows: [["V1", 100], ["V2", 250.5]]
    quality: [计算正确]
    rubric:
      - {element: 计算, points: 10, standard: 错一项扣2分}
      - {element: 分析, points: 5, standard: 少于100字扣2分}
"""


@pytest.fixture
def sample_dir(tmp_path):
    d = tmp_path / "bank"
    d.mkdir()
    (d / "a.yaml").write_text(SAMPLE, encoding="utf-8")
    return d


def test_yaml_loads_into_models(sample_dir):
    b = load_bank([sample_dir])
    single, judge, multi = b.items
    assert single.options[3] == ("D", "投放预算") and single.answer == "D" and not single.shuffle
    assert single.p_value == 0.71 and single.enemies == ("T-002",) and single.source == "原创"
    assert judge.level is None and judge.answer == "×" and judge.difficulty == 3
    assert multi.answer == "ABCE" and multi.status.value == "retired"
    (t,) = b.tasks
    assert t.codes == ("6.1.1", "6.1.2") and t.task == "计算完播率。\n撰写分析。"
    assert t.materials[0].rows[1] == ("V2", 250.5) and sum(r.points for r in t.rubric) == 15


def test_yaml_xlsx_yaml_round_trip(sample_dir, tmp_path):
    b = load_bank([sample_dir])
    xlsx = tmp_path / "bank.xlsx"
    xlsx.write_bytes(write_workbook(list(b.items), list(b.tasks)))
    b2 = load_bank([xlsx])
    assert b2.items == b.items and b2.tasks == b.tasks
    assert b2.hash == b.hash
    back = tmp_path / "back.yaml"
    back.write_text(dump_yaml_bank([*b2.items, *b2.tasks]), encoding="utf-8")
    b3 = load_bank([back])
    assert b3.items == b.items and b3.tasks == b.tasks
    assert 'code: "2.2.2"' in back.read_text(encoding="utf-8")


def test_shipped_bank_round_trips_through_excel(tmp_path):
    b = load_bank()
    xlsx = tmp_path / "all.xlsx"
    xlsx.write_bytes(write_workbook(list(b.items), list(b.tasks)))
    shutil.copytree(Path(b.get("S4-NRCZ-01").origin.file).parent / "files", tmp_path / "files")  # tasks' files travel too
    b2 = load_bank([xlsx])
    assert b2.hash == b.hash and len(b2) == len(b)


def test_template_has_help_dropdowns_and_examples(tmp_path):
    out = tmp_path / "t.xlsx"
    write_template(out)
    wb = load_workbook(out)
    assert wb.sheetnames[:5] == ["填写说明", "题目", "操作题", "评分标准", "材料"]
    ws = wb["题目"]
    assert [c.value for c in ws[1]][:6] == ["题号", "题型", "等级", "职业功能", "鉴定点代码", "题干"]
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == ["判断题", "单选题", "多选题"]
    assert any("B2:B5000" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert wb["操作题"].cell(2, 1).value == "EX-TASK-01"
    # the template's own examples are valid bank content
    b, problems = read_bank([out])
    assert [p for p in problems if p.severity == "error"] == []
    assert len(b.items) == len(EXAMPLE_ITEMS) and b.tasks == (EXAMPLE_TASK,)


def test_load_bank_raises_with_every_error(tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "x.yaml").write_text("items:\n  - {id: A1, type: single, level: 4, function: 内容创作, code: '9.9.9', "
                              "stem: 题（    ）, options: {A: 1, B: 2, C: 3, D: 4}, answer: E}\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_bank([d])
    assert len(e.value.problems) == 2
