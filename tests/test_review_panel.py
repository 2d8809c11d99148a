"""综合评审: blueprint, 答辩题 records, set assembly, documents and panel aggregation."""
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from assembler.bank import read_bank
from assembler.bank.defence import (
    dump_defence,
    load_defence_bank,
    load_materials_rubric,
    parse_defence,
    read_defence_bank,
)
from assembler.bank.models import Origin
from assembler.bank.stats import review_capacities
from assembler.cli import main
from assembler.defence_assemble import assemble_defence_sets
from assembler.errors import DataError, InfeasibleError, InputError
from assembler.generate import GenerateRequest, generate
from assembler.review_blueprint import build_review_blueprint
from assembler.review_generate import summarise_panel
from assembler.review_panel import panel_result, parse_rule
from assembler.standard import load_standard

STD = load_standard()
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = load_defence_bank(None, STD)
CREATED = "2026-06-01T08:00:00Z"


def test_review_blueprint_defaults_and_spread():
    bp = build_review_blueprint(STD, "2")
    d = bp.to_dict()
    assert d["total_points"] == 100 and d["duration_minutes"] == 30 and d["panel_size"] == 5
    assert [(p["name"], p["points"]) for p in d["parts"]] == [("申报材料审阅", 40), ("答辩", 60)]
    assert [(f["name"], f["questions"], f["points"]) for f in d["functions"]] == [
        ("数据分析", 1, 15), ("内容创作", 1, 15), ("营销传播", 1, 15), ("运营管理", 1, 15)]
    one = build_review_blueprint(STD, "1")
    assert [(f.name, f.questions) for f in one.functions] == [("运营管理", 1), ("组织管理", 2), ("财务管理", 1)]


def test_review_blueprint_refuses_bad_choices(tmp_path):
    with pytest.raises(InputError, match="综合评审只适用于二级、一级"):
        build_review_blueprint(STD, "3")
    with pytest.raises(InputError, match="15 分钟少于标准规定的 20 分钟"):
        build_review_blueprint(STD, "2", duration_minutes=15)
    with pytest.raises(InputError, match="评审组 4 人不符合标准"):
        build_review_blueprint(STD, "2", panel_size=4)
    f = tmp_path / "r.yaml"
    f.write_text(yaml.safe_dump({"parts": [{"code": "materials", "points": 30}, {"code": "defence", "points": 70}],
                                 "defence": {"questions": 7, "points_each": 10}}), encoding="utf-8")
    bp = build_review_blueprint(STD, "2", str(f))
    assert sum(fn.questions for fn in bp.functions) == 7 and bp.structure.part("defence").points == 70


def test_blueprint_cli_json():
    res = CliRunner().invoke(main, ["blueprint", "--level", "1", "--kind", "review", "--format", "json"])
    assert res.exit_code == 0 and '"total_points": 100' in res.output
    res = CliRunner().invoke(main, ["blueprint", "--level", "4", "--kind", "review", "--direction", "A"])
    assert res.exit_code == 2 and "综合评审只适用于二级、一级" in res.output


def test_defence_round_trip_and_capacity():
    bank, _ = read_bank(check_similar=False)
    assert sorted(q.id for q in bank.defence) == sorted(q.id for q in QUESTIONS)
    caps = {c.key: c.forms for c in review_capacities(bank, STD)}
    assert set(caps) == {"2/review", "1/review"} and min(caps.values()) >= 3
    text = dump_defence(QUESTIONS)
    back = [parse_defence(d, STD, Origin("x", row=i))[0] for i, d in enumerate(yaml.safe_load(text)["defence"], 1)]
    assert [q.to_dict() for q in back] == [q.to_dict() for q in QUESTIONS]


def test_defence_validation_messages(tmp_path):
    bad = {"id": "D2-X", "level": 2, "function": "财务管理", "code": ["9.9.9"], "question": "",
           "points": 15, "rubric": [{"point": "甲", "points": 10}]}
    good_fn = dict(bad, function="数据分析", question="问？")
    f = tmp_path / "d.yaml"
    f.write_text(yaml.safe_dump({"defence": [bad, good_fn, dict(good_fn, level=3)]}, allow_unicode=True), encoding="utf-8")
    _, problems = read_defence_bank([f], STD)
    msgs = [str(p) for p in problems]
    assert any("第 1 项" in m and "职业功能「财务管理」不属于二级" in m for m in msgs)
    assert any("第 1 项" in m and "缺少题目 question" in m for m in msgs)
    assert any("第 2 项" in m and "技能要求代码 9.9.9 不属于二级「数据分析」" in m for m in msgs)
    assert any("第 2 项" in m and "评分要点分值合计 10 分，应等于本题分值 15 分" in m for m in msgs)
    assert any("第 3 项" in m and "答辩题只用于二级（2）、一级（1）" in m for m in msgs)
    with pytest.raises(DataError):
        load_defence_bank([f], STD)


@pytest.mark.parametrize("level", ["2", "1"])
def test_three_disjoint_sets_exact_points(level):
    bp = build_review_blueprint(STD, level)
    sets = assemble_defence_sets(QUESTIONS, bp, 3, 11, bank_hash="h", created=CREATED)
    ids = [i for s in sets for i in s.ids()]
    assert len(ids) == len(set(ids))
    by_id = {q.id: q for q in QUESTIONS}
    for s in sets:
        for f in bp.functions:
            assert sum(e.points for e in s.entries if e.function == f.name) == f.points
        assert sum(sum(r.points for r in by_id[i].rubric) for i in s.ids()) == 60
    again = assemble_defence_sets(QUESTIONS, bp, 3, 11, bank_hash="h", created=CREATED)
    assert [s.ids() for s in again] == [s.ids() for s in sets]
    first = bp.functions[0].name  # leave that function too few questions for three sets
    used = frozenset([q.id for q in QUESTIONS if q.level == level and q.function == first][2 * bp.functions[0].questions:])
    with pytest.raises(InfeasibleError, match=f"答辩题不足.*「{first}」需要 3 套"):
        assemble_defence_sets(QUESTIONS, bp, 3, 11, bank_hash="h", excluded=used)


def test_materials_rubric_adds_up():
    els = load_materials_rubric(total=40)
    assert {e.material for e in els} == {"技术总结/论文", "业绩材料"}
    with pytest.raises(DataError, match="应等于申报材料审阅部分的 30 分"):
        load_materials_rubric(total=30)


def test_panel_rule_3_and_5_members():
    five = panel_result([80, 90, 70, 60, 85])
    assert five.dropped == (1, 3) and five.result == 78.3 and five.passed
    assert "去掉一个最高分和一个最低分后取平均" in five.rule_text
    three = panel_result([50, 62, 65])
    assert three.dropped == () and three.result == 59.0 and not three.passed
    assert "取全体评委的平均分" in three.rule_text
    assert panel_result([80, 90, 70, 60, 85], parse_rule("mean")).result == 77.0
    with pytest.raises(InputError):
        parse_rule("median")


def _fill(book: Path, rows: list[tuple]) -> None:
    wb = load_workbook(book)
    ws = wb["评分"]
    for r, values in enumerate(rows, 2):
        for c, v in enumerate(values, 1):
            ws.cell(r, c).value = v
    wb.save(book)


def test_generate_documents_and_panel_summary(tmp_path):
    res = generate(GenerateRequest(level="2", direction=None, kind="review", forms=1, seed=4, panel_size=3,
                                   output=str(tmp_path),
                                   record=False, created=CREATED))
    s = res.forms[0]
    names = {Path(f).name for f in res.files}
    assert {f"{s.code}.json", f"{s.code}-答辩题单.docx", f"{s.code}-评分表.docx", f"{s.code}-汇总表.docx",
            f"{s.code}-评分录入.xlsx"} <= names
    paragraphs = [p.text for p in Document(tmp_path / f"{s.code}-答辩题单.docx").paragraphs]
    qtext = "\n".join(paragraphs)
    assert "答辩前不得向考生公开" in qtext and all(i in qtext for i in s.ids())
    by_id = {q.id: q for q in QUESTIONS}
    for i in s.ids():  # each question one paragraph, its YAML line breaks joined
        assert "".join(x.strip() for x in by_id[i].question.strip().splitlines()) in paragraphs
    sheets = Document(tmp_path / f"{s.code}-评分表.docx")
    texts = [p.text for p in sheets.paragraphs]
    assert texts.count("综合评审评分表") == 3 and texts.count("综合评审评分表（续）") == 3
    assert sum("评委（签名）" in t for t in texts) == 3
    cells = [c.text for t in sheets.tables for row in t.rows for c in row.cells]
    assert cells.count("第 2 号评委") == 2  # both pages of member 2's sheet name the member
    book = tmp_path / f"{s.code}-评分录入.xlsx"
    _fill(book, [("A001", "张三", 1, 30, 40), (None, None, 2, 36, 50), (None, None, 3, 32, 44)])
    results, files = summarise_panel(book)
    assert results[0].outcome.result == 77.3 and results[0].outcome.passed
    doc = Document(files[0])
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "77.3" in cells and "合格" in cells and "86" in cells
    assert any("取全体评委的平均分" in p.text for p in doc.paragraphs)


def test_review_panel_refuses_bad_sheet(tmp_path):
    book = tmp_path / "s.xlsx"
    res = CliRunner().invoke(main, ["review-panel", str(book), "--template"])
    assert res.exit_code == 0
    _fill(book, [("A001", "李四", 1, 41, 50), (None, None, 2, "好", 50), (None, None, 3, 30, None),
                 (None, None, 4, 30, 50), (None, None, None, None, None)])
    res = CliRunner().invoke(main, ["review-panel", str(book)])
    assert res.exit_code == 1
    assert "工作表「评分」，第 2 行，「申报材料审阅（40分）」列：41 分超出范围：应在 0～40 分之间" in res.output
    assert "第 3 行，「申报材料审阅（40分）」列：「好」不是数字" in res.output
    assert "第 4 行，「答辩（60分）」列：未评分" in res.output
    assert "考生 A001 有 4 位评委评分，评审组为 5 人" in res.output
    assert not list(tmp_path.glob("*汇总表*"))


def _bank_with_defence(tmp_path, entries) -> Path:
    root = tmp_path / "bank"
    (root / "defence").mkdir(parents=True)
    (root / "defence" / "D2.yaml").write_text(yaml.safe_dump({"defence": entries}, allow_unicode=True), encoding="utf-8")
    return root


def test_bank_validate_reads_the_defence_folder(tmp_path):
    good = QUESTIONS[0].to_dict()
    bad = dict(good, id="D2-BAD", points=10)
    root = _bank_with_defence(tmp_path, [good, bad, dict(good)])
    res = CliRunner().invoke(main, ["bank", "validate", str(root)])
    assert res.exit_code == 1
    f = root / "defence" / "D2.yaml"
    assert f"[错误] {f}，第 2 项，字段 rubric：评分要点分值合计 15 分，应等于本题分值 10 分" in res.output
    assert f"[错误] {f}，第 3 项，字段 id：题号 {good['id']} 重复（另见 {f}，第 1 项）" in res.output
    assert "0 道客观题、0 道操作题、2 道答辩题：2 个错误" in res.output
    res = CliRunner().invoke(main, ["bank", "validate", str(root / "defence" / "D2.yaml")])
    assert res.exit_code == 1 and "2 道答辩题：2 个错误" in res.output


def test_bank_stats_review_capacity(tmp_path):
    res = CliRunner().invoke(main, ["bank", "stats", "--format", "json"])
    import json
    caps = json.loads(res.output)["capacity"]
    assert res.exit_code == 0 and caps["2/review"] >= 3 and caps["1/review"] >= 3
    two = [q.to_dict() for q in QUESTIONS if q.level == "2"]
    root = _bank_with_defence(tmp_path, two)
    bank, problems = read_bank([root])
    caps = {c.key: (c.forms, c.binding) for c in review_capacities(bank, STD)}
    assert caps["1/review"][0] == 0 and caps["2/review"][0] == min(
        sum(1 for q in QUESTIONS if q.level == "2" and q.function == f.name) for f in build_review_blueprint(STD, "2").functions)


def test_template_has_defence_sheets_with_an_example():
    import tempfile

    from assembler.bank.excel_io import DEFENCE_SHEET, POINT_SHEET
    from assembler.bank.template import EXAMPLE_DEFENCE, write_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        write_template(path)
        wb = load_workbook(path)
        assert [c.value for c in wb[DEFENCE_SHEET][1]] == ["题号", "等级", "职业功能", "技能要求代码", "题目", "配分",
                                                           "追问", "互斥题号", "状态", "来源"]
        assert wb[DEFENCE_SHEET]["A2"].value == "EX-DEF-01"
        assert [c.value for c in wb[POINT_SHEET][1]] == ["题号", "序号", "评分要点", "配分"]
        assert wb[POINT_SHEET].max_row == 1 + len(EXAMPLE_DEFENCE.rubric)
        bank, problems = read_bank([path])
        assert [q.to_dict() for q in bank.defence] == [EXAMPLE_DEFENCE.to_dict()]
        assert not [p for p in problems if p.severity == "error"]


def test_defence_workbook_round_trip_and_import(tmp_path):
    out = tmp_path / "all.xlsx"
    # the defence folder alone (the whole bank's round trip is tests/test_bank_formats.py's)
    res = CliRunner().invoke(main, ["bank", "export", "--bank", str(ROOT / "question_bank" / "defence"), "-o", str(out)])
    assert res.exit_code == 0 and f"共 0 道客观题、0 道操作题、{len(QUESTIONS)} 道答辩题。" in res.output
    bank, problems = read_bank([out])
    assert not [p for p in problems if p.severity == "error"]
    assert sorted((q.to_dict() for q in bank.defence), key=lambda d: d["id"]) == \
        sorted((q.to_dict() for q in QUESTIONS), key=lambda d: d["id"])
    # import the defence questions of a workbook into an empty bank folder: defence/D2.yaml, defence/D1.yaml
    from assembler.bank.excel_io import write_workbook
    book = tmp_path / "d.xlsx"
    book.write_bytes(write_workbook([], [], STD, defence=QUESTIONS[:3]))
    into = tmp_path / "bank"
    res = CliRunner().invoke(main, ["bank", "import", str(book), "--into", str(into)])
    assert res.exit_code == 0, res.output
    assert "已导入 3 题，覆盖 0 题，写入 1 个文件" in res.output
    back = load_defence_bank([into / "defence"], STD)
    assert [q.to_dict() for q in back] == [q.to_dict() for q in QUESTIONS[:3]]
    res = CliRunner().invoke(main, ["bank", "import", str(book), "--into", str(into)])
    assert res.exit_code == 1 and f"题号 {QUESTIONS[0].id} 已存在于 {into / 'defence' / f'D{QUESTIONS[0].level}.yaml'}" in res.output
    res = CliRunner().invoke(main, ["bank", "import", str(book), "--into", str(into), "--replace"])
    assert res.exit_code == 0 and "已导入 0 题，覆盖 3 题" in res.output
    assert [q.to_dict() for q in load_defence_bank([into / "defence"], STD)] == [q.to_dict() for q in QUESTIONS[:3]]


def test_defence_workbook_validation_names_sheet_row_column(tmp_path):
    from assembler.bank.excel_io import DEFENCE_SHEET, POINT_SHEET, write_workbook

    book = tmp_path / "d.xlsx"
    book.write_bytes(write_workbook([], [], STD, defence=QUESTIONS[:2]))
    wb = load_workbook(book)
    wd, wp = wb[DEFENCE_SHEET], wb[POINT_SHEET]
    wd["B2"] = 3            # level
    wd["D3"] = "9.9.9"      # code
    wp["D2"] = "五分"       # a 评分要点 row's points
    wp["B3"] = "第二"       # a 评分要点 row's 序号, checked as the 评分标准 sheet's is
    wp.append(["D2-NONE", 1, "要点", 5])
    wb.save(book)
    res = CliRunner().invoke(main, ["bank", "validate", str(book)])
    assert res.exit_code == 1
    out = res.output
    assert f"{book}，工作表「答辩题」，第 2 行，「等级（B列）」列：等级「3」无效：答辩题只用于二级（2）、一级（1）" in out
    assert f"{book}，工作表「答辩题」，第 3 行，「技能要求代码（D列）」列：技能要求代码 9.9.9 不属于{STD.level(QUESTIONS[1].level).name}「{QUESTIONS[1].function}」" in out
    assert f"{book}，工作表「评分要点」，第 2 行，「配分（D列）」列：配分「五分」应为正数" in out
    assert (f"{book}，工作表「评分要点」，第 3 行，「序号（B列）」列：序号「第二」应为数字"
            "（修改建议：填写 1、2、3 … 表示评分要点的顺序）") in out
    assert f"工作表「评分要点」，第 {wp.max_row} 行，「题号」列：评分要点对应的题号 D2-NONE 在「答辩题」表中不存在" in out


def test_review_panel_template_options_and_member_checks(tmp_path):
    book = tmp_path / "s.xlsx"
    res = CliRunner().invoke(main, ["review-panel", str(book), "--template", "--level", "1", "--panel-size", "3",
                                    "--panel-rule", "mean", "--candidates", "2"])
    assert res.exit_code == 0 and res.output == f"已生成评分录入表模板 {book}（评审组 3 人，2 名考生）\n"
    wb = load_workbook(book)
    settings = {r[0].value: r[1].value for r in wb["设置"].iter_rows(min_row=2)}
    assert settings["评审组人数"] == 3 and settings["计分规则"] == "mean"
    assert wb["评分"].max_row == 1 + 2 * 3
    res = CliRunner().invoke(main, ["review-panel", str(book), "--template", "--panel-size", "4"])
    assert res.exit_code == 2 and "评审组 4 人不符合标准：应不少于 3 人且为单数" in res.output
    _fill(book, [("（准考证号1）", "赵六", 1, 30, 40), (None, None, 2, 30, 40), (None, None, 7, 30, 40),
                 ("B002", "钱七", 1, 30, 40), (None, None, 2.0, 30, 40), (None, None, 2, 30, 40)])
    res = CliRunner().invoke(main, ["review-panel", str(book)])
    assert res.exit_code == 1
    assert "第 2 行，「准考证号」列：「（准考证号1）」是模板占位文字：请填写考生的准考证号" in res.output
    assert "第 4 行，「评委序号」列：评委序号「7」无效：应为 1～3 的整数" in res.output
    assert "第 7 行，「评委序号」列：评委 2 重复评分" in res.output
    _fill(book, [("B001", "赵六", 1, 30, 40), (None, None, 2, 36, 50), (None, None, 3, 20, 30),
                 ("B002", "钱七", 1, 30, 40), (None, None, 2, 30, 40), (None, None, 3, 30, 40)])
    res = CliRunner().invoke(main, ["review-panel", str(book)])
    assert res.exit_code == 0, res.output
    assert "B001 赵六：评委合计 70、86、50，评审结果 68.7 分，合格" in res.output
    doc = Document(tmp_path / "综合评审-B001-汇总表.docx")
    assert any("计分规则：取全体评委的平均分。本评审组 3 人" in p.text for p in doc.paragraphs)


def test_bank_validate_checks_the_materials_rubric(tmp_path):
    root = _bank_with_defence(tmp_path, [QUESTIONS[0].to_dict()])
    rubric = root / "defence" / "materials.yaml"
    rubric.write_text(yaml.safe_dump({"materials": [{"material": "业绩材料", "elements": [
        {"element": "工作业绩", "points": 30, "standard": "有单位证明得 30 分"},
        {"element": "技术革新", "points": "多", "standard": "每项 2 分"}]}]}, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(main, ["bank", "validate", str(root)])
    assert res.exit_code == 1
    assert f"[错误] {rubric}，第 1 项，字段 elements：「业绩材料」第 2 个评审要素应有 element、正数 points 和 standard" in res.output
    assert "1 道答辩题：1 个错误" in res.output


def test_draw_backtracks_when_enemies_defeat_the_greedy_draw():
    from dataclasses import replace

    from assembler.defence_assemble import _draw

    a, b, c, d = (replace(QUESTIONS[0], id=x, enemies=()) for x in "ABCD")
    d = replace(d, enemies=("C",))  # greedy takes A+B, then C+D are enemies
    sets = _draw([a, b, c, d], 2, 2)
    assert [[q.id for q in s] for s in sets] == [["A", "C"], ["B", "D"]]
    assert _draw([a, c, d], 1, 3) is None  # no set holds both C and D


@pytest.mark.parametrize("level", ["2", "1"])
def test_every_seed_reaches_the_stated_capacity(level):
    bank, _ = read_bank(check_similar=False)
    cap = {c.key: c.forms for c in review_capacities(bank, STD)}[f"{level}/review"]
    bp = build_review_blueprint(STD, level)
    assert cap >= 6
    for seed in range(60):
        sets = assemble_defence_sets(QUESTIONS, bp, cap, seed, bank_hash="h", created=CREATED)
        ids = [i for s in sets for i in s.ids()]
        assert len(ids) == len(set(ids)) == cap * sum(f.questions for f in bp.functions)
        by_id = {q.id: q for q in QUESTIONS}
        for s in sets:
            chosen = [by_id[i] for i in s.ids()]
            assert not any(x.id in y.enemies for x in chosen for y in chosen)


def test_review_of_a_folder_leaves_the_panel_documents_alone(tmp_path):
    res = generate(GenerateRequest(level="2", direction=None, kind="review", forms=1, seed=5,
                                   output=str(tmp_path / "r"), record=False,
                                   created=CREATED))
    code = res.forms[0].code
    out = CliRunner().invoke(main, ["review", str(tmp_path / "r")])
    assert out.exit_code == 1 and "没有找到试卷清单或试卷" in out.output  # nothing to review, nothing refused
    out = CliRunner().invoke(main, ["review", str(tmp_path / "r" / f"{code}-评分表.docx")])
    assert out.exit_code == 1 and "这是综合评审（答辩）的文档或套题清单，不是试卷" in out.output


def test_question_paragraphs_join_soft_wrapped_lines():
    from assembler.render.review_panel_docs import question_paragraphs

    assert question_paragraphs("请说明甲，\n并说明乙。\n\n追加一段。\n") == ["请说明甲，并说明乙。", "追加一段。"]



def test_generate_review_is_ledger_aware(tmp_path):
    import json

    led = tmp_path / "l.sqlite"
    base = ["generate", "--level", "2", "--kind", "review", "--forms", "3", "--no-docx", "--ledger", str(led)]
    r1 = CliRunner().invoke(main, [*base, "--seed", "1", "--session", "甲", "--date", "2026-06-01", "-o", str(tmp_path / "a")])
    assert r1.exit_code == 0, r1.output
    r2 = CliRunner().invoke(main, [*base, "--seed", "2", "--session", "乙", "--date", "2026-07-01", "--avoid-sessions", "1",
                                   "-o", str(tmp_path / "b")])
    assert r2.exit_code == 0, r2.output

    def used(folder):
        return {i["id"] for m in folder.glob("R2-*.json") for i in json.loads(m.read_text(encoding="utf-8"))["items"]}
    first, second = used(tmp_path / "a"), used(tmp_path / "b")
    assert len(first) == len(second) == 12 and not first & second
    r3 = CliRunner().invoke(main, [*base, "--seed", "3", "--session", "丙", "--date", "2026-08-01", "--avoid-sessions", "2",
                                   "-o", str(tmp_path / "c")])
    assert r3.exit_code == 1 and "答辩题不足" in r3.output and "已排除近期用过的" in r3.output


def test_review_blueprint_workbook(tmp_path):
    out = tmp_path / "b.xlsx"
    res = CliRunner().invoke(main, ["blueprint", "--level", "1", "--kind", "review", "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(load_workbook(out)["综合评审细目表"].iter_rows(values_only=True))
    assert rows[0][0] == "全媒体运营师（一级/高级技师）综合评审细目表"
    assert "申报材料审阅 40 分" in rows[1][0] and "评审组 5 人" in rows[1][0]
    body = {r[1]: r for r in rows[3:-1]}
    bp = build_review_blueprint(STD, "1")
    assert {n: (r[3], r[4]) for n, r in body.items()} == {f.name: (f.questions, f.points) for f in bp.functions}
    assert "2.2.2 能根据人才标准制订薪酬绩效方案" in body["组织管理"][5]
    assert rows[-1][:5] == ("合计", None, 100, 4, 60)
    res = CliRunner().invoke(main, ["blueprint", "--level", "1", "--kind", "review", "--format", "xlsx"])
    assert res.exit_code == 2 and "xlsx 格式须用 -o 指定输出文件。" in res.output
