"""Issue 21: what a real one-direction bank showed (examples, standalone basics, multiple choice, notes)."""
import glob

from click.testing import CliRunner

from assembler.bank import read_bank
from assembler.bank.loader import cross_checks
from assembler.cli import main
from assembler.review import item_notes
from tests.bankutil import judge, multiple


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_template_examples_never_import(tmp_path):
    wb = tmp_path / "t.xlsx"
    run("bank", "template", "-o", wb)
    r = run("bank", "import", wb, "--into", tmp_path / "bank")
    assert r.exit_code == 1
    assert r.output.startswith(f"错误：{wb} 只有模板示例（题号 EX-…），未导入任何题目（5 个错误）：\n"
                               f"[错误] {wb}，工作表「题目」，第 2 行，「题号」列：第 2 行是模板示例 EX-JUDGE-001")
    assert not (tmp_path / "bank").exists()


def test_examples_are_skipped_beside_real_items(tmp_path):
    from openpyxl import load_workbook
    wb_path = tmp_path / "t.xlsx"
    run("bank", "template", "-o", wb_path)
    wb = load_workbook(wb_path)
    ws = wb["题目"]
    ws.append(["C-JUDGE-001", "判断题", 4, "内容创作", "2.2.3", "直播脚本应写明各时段的讲解商品。", None, None, None, None,
               None, "√", 2])
    wb.save(wb_path)
    r = run("bank", "import", wb_path, "--into", tmp_path / "bank")
    assert r.exit_code == 0, r.output
    assert "跳过模板示例 EX-TASK-01（示例永不导入）" in r.output
    assert "已导入 1 题，覆盖 0 题" in r.output
    bank, _ = read_bank([tmp_path / "bank"])
    assert [x.id for x in (*bank.items, *bank.tasks)] == ["C-JUDGE-001"]


def test_shipped_basics_are_valid_on_their_own():
    files = sorted(glob.glob("question_bank/theory/JC-*.yaml"))
    assert len(files) == 2
    bank, problems = read_bank(files, check_similar=False)
    assert [p for p in problems if p.severity == "error"] == []
    assert len(bank.items) > 150
    assert any("属于未加载的题库（L3-ZBYY），本次不检查" in p.message for p in problems)


def test_unknown_enemy_in_a_loaded_file_set_stays_an_error():
    a = judge("L4-NRCZ-001", "4", "内容创作", "2.2.3", enemies=("L4-NRCZ-999",))
    b = judge("L4-NRCZ-002", "4", "内容创作", "2.2.3")
    found = cross_checks([a, b], [], check_similar=False)
    assert [(p.severity, p.message) for p in found] == [("error", "题目 L4-NRCZ-001 的互斥题号 L4-NRCZ-999 不存在")]


def test_all_option_multiple_key_is_valid_and_noted_in_review(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("items:\n  - {id: M-1, type: multiple, level: 4, function: 内容创作, code: '2.2.3', "
                 "stem: 直播脚本通常包含的内容有（    ）。, options: {A: 时间安排, B: 商品顺序, C: 话术要点, D: 互动环节, "
                 "E: 人员分工}, answer: ABCDE}\n", encoding="utf-8")
    bank, problems = read_bank([p])
    assert problems == [] and bank.items[0].answer == "ABCDE"
    notes = item_notes(list(bank.items))
    assert notes[0] == "1 道多选题的答案为全部选项（允许，但请确认确属全选）：M-1"


def test_review_notes_difficulty_without_data():
    items = [judge(f"J-{k}", "4", "内容创作", "2.2.3") for k in range(9)] + [multiple("M-1", "4", "内容创作", "2.2.3",
                                                                                    difficulty=2)]
    assert item_notes(items) == ("9/10 道题难度为默认值 3 且无通过率数据，难度分布仅为名义值，不反映实际难度（考后录入通过率后再评估）",)
    assert item_notes(items[-2:]) == ()


def test_refusal_without_short_cells_names_the_tightest_cells_then_the_overlap(monkeypatch):
    import pytest

    from assembler import assemble as A
    from assembler.bank import load_bank
    from assembler.blueprint import build_blueprint
    from assembler.errors import InfeasibleError
    from assembler.standard import Kind, load_standard

    std = load_standard()
    bp = build_blueprint(std, "4", "A", Kind.THEORY)
    # the joint program fails although every cell has enough items (as on the real bank)
    monkeypatch.setattr(A._TheoryProblem, "shortages", lambda self, n: [])
    monkeypatch.setattr(A._TheoryProblem, "_run", lambda self, *a, **k: None)
    monkeypatch.setattr(A._TheoryProblem, "_smallest_overlap", lambda self, *a, **k: (8, None, True))
    with pytest.raises(InfeasibleError) as exc:
        A.assemble_forms(load_bank(), bp, 2, 1, A.AssemblyOptions(max_overlap=0), std)
    lines = str(exc.value).splitlines()
    assert lines[0] == "四级 创意策划 理论知识：题库无法组出 2 套两两重复不超过 0 题的试卷。"
    assert lines[1].startswith("各单元格题量虽够，以下最紧")
    assert len(lines) == 8 and all("：需要 " in x and "可用" in x for x in lines[2:7])
    assert lines[7] == "最少需要允许每两套试卷重复 8 题（--max-overlap 8），或补充题目。"


def test_stats_scoped_to_one_level_and_direction():
    from assembler.bank import load_bank
    from assembler.bank.stats_scope import scoped_stats
    from assembler.standard import Kind, load_standard

    std = load_standard()
    files = sorted(glob.glob("question_bank/theory/L3-*.yaml") + glob.glob("question_bank/theory/JC-*.yaml"))
    s = scoped_stats(load_bank(files, std), std, 3, "视听运营")
    examined = {f.name for k in Kind for f in std.examined_functions(k, "3", "B")}
    assert s.scope == (("3", "B"),)
    assert s.stats.uncovered and all(u.level is None or (u.level == "3" and u.function in examined)
                                     for u in s.stats.uncovered)
    assert {u.kind for u in s.stats.uncovered} == {Kind.SKILL}  # the theory of 三级 is fully covered
    assert [c.key for c in s.stats.capacity] == ["3B/theory", "3B/skill"]
    assert "三级 视听运营" in s.serves and not any(x.startswith("四级") for x in s.serves)
    assert set(s.structures) == {"guojia-190", "standard"}
    assert [r.combination for r in s.structures["guojia-190"]] == ["三级 视听运营"]


def test_stats_cli_says_what_the_bank_serves_and_every_structure(tmp_path):
    r = run("bank", "stats", "--bank", "question_bank/theory/JC-ZYDD.yaml", "--bank", "question_bank/theory/JC-JCZS.yaml",
            "--level", "4", "--direction", "A")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "本题库可组卷的组合（至少能组 1 套理论或技能试卷）：无"
    assert lines[1] == "统计范围：四级 创意策划（缺口清单和组卷容量只列该范围：其职业功能及基本要求）"
    assert "各试卷结构下的理论组卷容量（互不重复的套数，按各单元格题量计数；加 --exact 逐一试组卷确认）：" in lines
    assert any(x.startswith("  guojia-190   四级 创意策划") for x in lines)
    r = run("bank", "stats", "--direction", "B")
    assert r.exit_code == 2 and r.output == "错误：指定职业方向（--direction）时须同时指定等级（--level）。\n"


def test_stats_notes_default_difficulty():
    from assembler.bank.stats_scope import scoped_stats
    from assembler.standard import load_standard
    from tests.bankutil import bank

    std = load_standard()
    s = scoped_stats(bank([judge(f"J-{k}", "4", "内容创作", "2.2.3") for k in range(5)]), std, 4, "A")
    assert s.difficulty_note == "5/5 道客观题难度为默认值 3 且无通过率数据：组卷的难度目标只是名义上满足，请按实际填写难度，或考后录入通过率。"
    s = scoped_stats(bank([judge("J-1", "4", "内容创作", "2.2.3", difficulty=2)]), std)
    assert s.difficulty_note == ""


def test_stats_workbook_has_the_served_combinations_and_every_structure(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    r = run("bank", "stats", "--level", "3", "--direction", "视听运营", "--format", "xlsx", "-o", out)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "适用范围"
    ws = wb["适用范围"]
    notes = ws.cell(2, 1).value.splitlines()
    assert notes[0].startswith("本题库可组卷的组合（至少能组 1 套理论或技能试卷）：") and "三级 视听运营" in notes[0]
    assert notes[1] == "统计范围：三级 视听运营"
    assert [c.value for c in ws[3]] == ["试卷结构", "组合", "套数", "限制因素"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert sorted(r[0] for r in rows) == ["guojia-190", "standard"] and all(r[1] == "三级 视听运营" for r in rows)
    assert all(isinstance(r[2], int) for r in rows)
