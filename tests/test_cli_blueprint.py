"""CLI: zujuan standard / zujuan blueprint."""
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from assembler.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_blueprint_json():
    r = run("blueprint", "--level", "四级", "--direction", "创意策划", "--kind", "理论", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["level"] == "4" and d["direction"] == "A" and sum(f["weight"] for f in d["functions"]) == 100


def test_impossible_direction_exits_2():
    r = run("blueprint", "--level", "4", "--direction", "E", "--kind", "theory")
    assert r.exit_code == 2
    assert r.output == "错误：四级/中级工 没有「数据分析」职业方向：数据分析方向从三级起设置（可选等级：三级、二级、一级）。\n"


def test_missing_direction_and_bad_kind():
    r = run("blueprint", "--level", "3", "--kind", "theory")
    assert r.exit_code == 2
    assert r.output == "错误：三级/高级工 须指定职业方向（--direction）：可选 A 创意策划、B 视听运营、C 直播运营、D 流量运营、E 数据分析。\n"
    r = run("blueprint", "--level", "3", "--direction", "A", "--kind", "exam")
    assert r.exit_code == 2
    assert r.output == "错误：考试类型「exam」无效：请填写 theory（理论）或 skill（技能）。\n"


def test_xlsx_output(tmp_path):
    out = tmp_path / "bp.xlsx"
    r = run("blueprint", "--level", "3", "--direction", "E", "--kind", "theory", "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["鉴定要素细目表", "双向细目表"]
    ws = wb["双向细目表"]
    assert "三级/高级工" in ws["A1"].value
    assert ws.freeze_panes == "A4"
    total_row = [c.value for c in ws[ws.max_row]]
    assert total_row[0] == "合计" and total_row[-2:] == [90, 100]
    # never silently overwritten
    r = run("blueprint", "--level", "3", "--direction", "E", "--kind", "theory", "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 1 and "已存在" in r.output


def test_standard_tree():
    r = run("standard", "--level", "1")
    assert r.exit_code == 0
    assert "3. 财务管理" in r.output and "知识 3.2.3 财务风险控制方案的内容与编写方法" in r.output
    r = run("standard", "--format", "json")
    d = json.loads(r.output)
    assert [lv["level"] for lv in d["levels"]] == ["4", "3", "2", "1"]
