"""CLI: zujuan generate / ledger."""
import json

from click.testing import CliRunner

from assembler.bank import load_bank
from assembler.cli import main

PIN = "2026-01-01T00:00:00+00:00"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_generate_writes_manifests_and_papers(tmp_path):
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    r = run("generate", "--level", "四级", "--direction", "A", "--kind", "理论", "--forms", 2, "--seed", 5,
            "--created", PIN, "--ledger", led, "--session", "测试场", "-o", out)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("全媒体运营师（四级/中级工）创意策划方向 理论知识：已生成 2 套试卷（种子 5，题库 ")
    assert lines[1].startswith("  4A-T-5-01：90 题，100 分，平均难度 ")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["4A-T-5-01-答案.docx", "4A-T-5-01-试卷.docx", "4A-T-5-01.json",
                     "4A-T-5-02-答案.docx", "4A-T-5-02-试卷.docx", "4A-T-5-02.json"]
    m = json.loads((out / "4A-T-5-01.json").read_text(encoding="utf-8"))
    assert m["session"] == "测试场" and m["created"] == PIN and len(m["items"]) == 90
    # same seed and bank: byte-identical files
    out2 = tmp_path / "out2"
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--forms", 2, "--seed", 5,
            "--created", PIN, "--no-ledger", "--session", "测试场", "-o", out2)
    assert r.exit_code == 0
    for name in names:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name
    # never silently overwritten
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--forms", 2, "--seed", 5,
            "--no-ledger", "-o", out)
    assert r.exit_code == 1
    assert r.output == (f"错误：输出文件已存在：4A-T-5-01.json、4A-T-5-02.json、4A-T-5-01-试卷.docx、4A-T-5-01-答案.docx、"
                        f"4A-T-5-02-试卷.docx 等（位于 {out}）。请换一个输出目录（-o）、换一个种子，或加 --force 覆盖。\n")
    # the ledger has the session; avoiding it, the bank holds a third paper with none of its items …
    r = run("ledger", "list", "--ledger", led)
    assert r.output.endswith("测试场：2 套试卷，180 题次\n")
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--seed", 6, "--ledger", led,
            "--avoid-sessions", 1, "--session", "下一场", "-o", tmp_path / "o3")
    assert r.exit_code == 0, r.output
    used = {i["id"] for n in (1, 2) for i in json.loads((out / f"4A-T-5-0{n}.json").read_text(encoding="utf-8"))["items"]}
    third = {i["id"] for i in json.loads((tmp_path / "o3" / "4A-T-6-01.json").read_text(encoding="utf-8"))["items"]}
    assert len(third) == 90 and not third & used
    # … but not two more beside the three already used
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--forms", 2, "--seed", 7,
            "--ledger", led, "--avoid-sessions", 2, "--session", "再下一场", "-o", tmp_path / "o4")
    assert r.exit_code == 1
    assert r.output.startswith("错误：题库不足，无法组出理论知识试卷（全媒体运营师（四级/中级工）创意策划方向）：\n四级 创意策划 · ")
    assert "题因近 2 场考试已用而排除）" in r.output
    assert not (tmp_path / "o4").exists()


def test_generate_skill(tmp_path):
    r = run("generate", "--level", "1", "--kind", "skill", "--seed", 2, "--no-ledger", "-o", tmp_path)
    assert r.exit_code == 0, r.output
    assert "考核时间合计" in r.output
    ids = [e["id"] for e in json.loads((tmp_path / "1-S-2-01.json").read_text(encoding="utf-8"))["items"]]
    bank = load_bank()
    handouts = [f"1-S-2-01-{i}-材料.xlsx" for i in ids if bank.get(i).materials]
    handouts += [f"1-S-2-01-{i}-素材" for i in ids if bank.get(i).files]
    assert handouts, "a 一级 paper hands out the materials of its tasks"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["1-S-2-01-评分记录表.docx", "1-S-2-01-试卷.docx", "1-S-2-01.json", *handouts])


def test_generate_bad_inputs(tmp_path):
    r = run("generate", "--level", "4", "--direction", "E", "--kind", "theory", "-o", tmp_path)
    assert r.exit_code == 2
    assert r.output == "错误：四级/中级工 没有「数据分析」职业方向：数据分析方向从三级起设置（可选等级：三级、二级、一级）。\n"
    # a bank of the basics only has no 二级 function items, however the sample bank grows (the
    # overlap hint of a multi-form shortage is tested in test_assemble and test_issue21)
    r = run("generate", "--level", "2", "--kind", "theory", "--bank", "question_bank/theory/JC-ZYDD.yaml",
            "--bank", "question_bank/theory/JC-JCZS.yaml", "--no-ledger", "-o", tmp_path)
    assert r.exit_code == 1
    assert r.output.startswith("错误：题库不足，无法组出理论知识试卷（全媒体运营师（二级/技师））：\n"
                               "二级 · 数据分析 · 判断题：需要 4 题，可用 0 题\n")
    r = run("generate", "--level", "2", "--kind", "theory", "--difficulty", "难", "--no-ledger", "-o", tmp_path)
    assert r.exit_code == 2
    assert r.output == "错误：难度目标「难」无效：填平均难度（如 3 或 3.2±0.2）、易:中:难比例（如 3:5:2），或平均通过率（如 p=0.65±0.05）。\n"
    r = run("generate", "--level", "2", "--kind", "theory", "--bank", tmp_path / "missing", "--no-ledger", "-o", tmp_path)
    assert r.exit_code == 1
    assert r.output.startswith("错误：题库有误，请先修正（可运行 zujuan bank validate 查看全部问题）（1 个错误）：\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_ledger_fails_before_writing(tmp_path):
    bad = tmp_path / "ledger.sqlite"
    bad.write_text("这不是数据库", encoding="utf-8")
    out = tmp_path / "o"
    r = run("generate", "--level", "1", "--kind", "theory", "--ledger", bad, "-o", out)
    assert r.exit_code == 1
    assert r.output.startswith(f"错误：使用记录（ledger）有误（1 个错误）：\n[错误] {bad}：不是可用的使用记录数据库：")
    assert not out.exists()
