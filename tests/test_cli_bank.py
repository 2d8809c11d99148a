"""CLI: zujuan bank template / validate / import / export / stats."""
import json

from click.testing import CliRunner

from assembler.bank import load_bank
from assembler.bank.excel_io import write_workbook
from assembler.cli import main
from tests.bankutil import judge, single


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_template_then_validate(tmp_path):
    out = tmp_path / "t.xlsx"
    r = run("bank", "template", "-o", out)
    assert r.exit_code == 0 and r.output == f"已生成题库模板 {out}\n"
    r = run("bank", "validate", out)
    assert r.exit_code == 0
    assert r.output.endswith("共检查 3 道客观题、1 道操作题、1 道答辩题：0 个错误，5 个警告。\n")
    assert "题号 EX-TASK-01 是模板示例题，导入时会跳过" in r.output
    r = run("bank", "template", "-o", out)
    assert r.exit_code == 1 and r.output == f"错误：输出文件 {out} 已存在；如需覆盖请加 --force。\n"


def test_validate_reports_errors_and_exits_1(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("items:\n  - {id: B-1, type: single, level: 4, function: 内容创作, code: '2.2.2', stem: 题（    ）, "
                 "options: {A: 甲, B: 乙, C: 丙, D: 丁}, answer: AB}\n", encoding="utf-8")
    r = run("bank", "validate", p)
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        f"[错误] {p}，第 1 项，字段 answer：题目 B-1：单选题答案「AB」应只有一个字母（修改建议：只保留一个正确选项）",
        "共检查 1 道客观题、0 道操作题：1 个错误，0 个警告。",
        "错误：题库校验未通过。"]
    assert "Traceback" not in r.output


def test_validate_missing_path(tmp_path):
    r = run("bank", "validate", tmp_path / "nope.xlsx")
    assert r.exit_code == 1
    assert r.output.startswith(f"[错误] {tmp_path / 'nope.xlsx'}：路径不存在")


def _workbook(tmp_path, items, name="in.xlsx"):
    p = tmp_path / name
    p.write_bytes(write_workbook(items, []))
    return p


def test_import_writes_yaml_and_refuses_existing_ids(tmp_path):
    into = tmp_path / "qb"
    src = _workbook(tmp_path, [single("N-1", "4", "内容创作", "2.2.2"), judge("N-2", None, "职业道德", "2.1.1")])
    r = run("bank", "import", src, "--into", into)
    assert r.exit_code == 0, r.output
    assert (into / "theory" / "L4-NRCZ.yaml").exists() and (into / "theory" / "JC-ZYDD.yaml").exists()
    assert [x.id for x in load_bank([into]).items] == ["N-2", "N-1"]  # files in name order: JC-ZYDD, L4-NRCZ
    before = (into / "theory" / "L4-NRCZ.yaml").read_text(encoding="utf-8")
    changed = single("N-1", "4", "内容创作", "2.2.3")
    src2 = _workbook(tmp_path, [changed, single("N-3", "4", "内容创作", "2.2.1")], "in2.xlsx")
    r = run("bank", "import", src2, "--into", into)
    assert r.exit_code == 1
    assert "题号 N-1 已存在于" in r.output and "改用新题号；如确要覆盖原题，加 --replace" in r.output
    assert (into / "theory" / "L4-NRCZ.yaml").read_text(encoding="utf-8") == before  # nothing written
    r = run("bank", "import", src2, "--into", into, "--replace")
    assert r.exit_code == 0, r.output
    bank = load_bank([into])
    assert bank.get("N-1").code == "2.2.3" and bank.get("N-3") is not None and len(bank.items) == 3


def test_import_writes_nothing_when_any_error(tmp_path):
    into = tmp_path / "qb"
    bad = single("E-2", "4", "内容创作", "7.7.7")
    src = _workbook(tmp_path, [single("E-1", "4", "内容创作", "2.2.2"), bad])
    r = run("bank", "import", src, "--into", into)
    assert r.exit_code == 1
    assert "有错误，未导入任何题目" in r.output and "鉴定点代码 7.7.7 不是四级「内容创作」的相关知识要求" in r.output
    assert not into.exists()


def test_export_and_stats(tmp_path):
    src = tmp_path / "qb.yaml"
    src.write_text((__import__("assembler.bank.yaml_io", fromlist=["x"])).dump_yaml_bank(
        [single("X-1", "4", "内容创作", "2.2.2"), judge("X-2", None, "职业道德", "2.1.2(1)")]), encoding="utf-8")
    out = tmp_path / "all.xlsx"
    r = run("bank", "export", "--bank", src, "-o", out)
    assert r.exit_code == 0, r.output
    assert r.output == f"已写入 {out}\n共 2 道客观题、0 道操作题。\n"
    assert load_bank([out]).hash == load_bank([src]).hash
    r = run("bank", "stats", "--format", "json")
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert set(d) >= {"items", "by_type", "uncovered", "capacity"}
    assert d["items"] == sum(d["by_type"].values())
    assert set(d["capacity"]) == {"4A/theory", "4B/theory", "4C/theory", "4D/theory", "3A/theory", "3B/theory",
                                  "3C/theory", "3D/theory", "3E/theory", "2/theory", "1/theory",
                                  "4A/skill", "4B/skill", "4C/skill", "4D/skill", "3A/skill", "3B/skill",
                                  "3C/skill", "3D/skill", "3E/skill", "2/skill", "1/skill", "2/review", "1/review"}
    r = run("bank", "stats", "--format", "xlsx", "-o", tmp_path / "s.xlsx")
    assert r.exit_code == 0 and (tmp_path / "s.xlsx").exists()
