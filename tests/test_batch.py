"""Batch: a whole session, written atomically, recorded in the ledger."""
import json
import zipfile

from click.testing import CliRunner
from openpyxl import load_workbook

from assembler.bank import load_bank
from assembler.batch import load_session
from assembler.cli import main
from assembler.ledger import list_sessions

SESSION = """\
session: 测试场次
date: 2026-12-12
entries:
  - {level: 四级, direction: 直播运营, kind: theory, forms: 2, structure: standard, seed: 11}
  - {level: 一级, kind: skill, forms: 1, seed: 12}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def handouts(manifest) -> list[str]:
    """Return the materials workbooks a skill paper hands out, from its manifest and the bank."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    bank = load_bank()
    return [f"{data['form']}-{e['id']}-材料.xlsx" for e in data["items"] if bank.get(e["id"]).materials]


def test_batch_builds_a_session(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(SESSION, encoding="utf-8")
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    r = run("batch", spec, "-o", out, "--ledger", led)
    assert r.exit_code == 0, r.output
    folder = out / "测试场次"
    extra = handouts(folder / "清单" / "1-S-12-01.json")  # the skill paper's materials workbooks
    assert r.output.splitlines()[-2:] == [f"测试场次（2026-12-12）：3 套试卷，{16 + len(extra)} 个文件，已写入 {folder}",
                                          "审核：3 套合格"]
    assert sorted(p.name for p in (folder / "试卷").iterdir()) == sorted(["1-S-12-01-试卷.docx", "4C-T-11-01-试卷.docx",
                                                                         "4C-T-11-02-试卷.docx", *extra])
    assert sorted(p.name for p in (folder / "答案").iterdir()) == ["1-S-12-01-评分记录表.docx", "4C-T-11-01-答案.docx",
                                                                  "4C-T-11-02-答案.docx"]
    assert len(list((folder / "清单").iterdir())) == 3 and len(list((folder / "审核").iterdir())) == 4
    with zipfile.ZipFile(folder / "测试场次-试卷.zip") as z:
        assert sorted(z.namelist()) == sorted(["1-S-12-01-试卷.docx", "4C-T-11-01-试卷.docx", "4C-T-11-02-试卷.docx", *extra])
    with zipfile.ZipFile(folder / "测试场次-答案及评分.zip") as z:
        assert all(not n.endswith("-试卷.docx") for n in z.namelist())
    ws = load_workbook(folder / "场次汇总.xlsx")["场次汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[3] for r in rows] == ["4C-T-11-01", "4C-T-11-02", "1-S-12-01"] and {r[7] for r in rows} == {"合格"}
    assert [s.name for s in list_sessions(led)] == ["测试场次"]
    # an existing session folder is never overwritten …
    before = (folder / "清单" / "4C-T-11-01.json").read_bytes()
    r = run("batch", spec, "-o", out, "--ledger", led)
    assert r.exit_code == 1 and r.output.endswith(f"错误：场次文件夹 {folder} 已存在；如需重新生成并替换，请加 --force。\n")
    # … unless --force, which replaces it as a whole
    r = run("batch", spec, "-o", out, "--ledger", led, "--force")
    assert r.exit_code == 0
    assert (folder / "清单" / "4C-T-11-01.json").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["测试场次"]


def test_failed_entry_leaves_nothing(tmp_path):
    spec = tmp_path / "s.yaml"
    # the third entry fails fast (an unreachable difficulty) after two entries were built
    spec.write_text(SESSION + "  - {level: 二级, kind: theory, forms: 1, seed: 13, difficulty: '4.8±0.1'}\n",
                    encoding="utf-8")
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    r = run("batch", spec, "-o", out, "--ledger", led)
    assert r.exit_code == 1
    assert "错误：场次文件第 3 项（二级理论知识）：二级 理论知识：题库无法满足难度目标（平均难度 4.8 ± 0.1）" in r.output
    assert (not out.exists() or list(out.iterdir()) == []) and list_sessions(led) == []


def test_session_file_errors(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("session: a/b\ndate: 12月\nentries:\n  - {level: 四级, direction: E, kind: theory, seed: 1}\n"
                    "  - {level: 一级, kind: skill}\n", encoding="utf-8")
    r = run("batch", spec)
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        "错误：场次文件有误（4 个错误）：",
        f"[错误] {spec}，字段 session：场次名称「a/b」含有不能用于文件夹名的字符",
        f"[错误] {spec}，字段 date：日期「12月」应写成 YYYY-MM-DD",
        f"[错误] {spec}，第 1 项，字段 entries：四级/中级工 没有「数据分析」职业方向：数据分析方向从三级起设置（可选等级：三级、二级、一级）。",
        f"[错误] {spec}，第 2 项，字段 entries.seed：缺少 seed（随机种子，必填）"]


def test_shipped_example_session_is_valid():
    s = load_session("examples/session.yaml")
    assert s.name == "2026年第4期全媒体运营师认定" and len(s.entries) == 8
    second = {e.kind.value for e in s.entries if e.level == "2"}
    assert second == {"theory", "skill", "review"}


def test_outputs_are_readable_by_others(tmp_path):
    import stat

    spec = tmp_path / "s.yaml"
    spec.write_text("session: 权限\ndate: 2026-12-12\nentries:\n  - {level: 一级, kind: theory, forms: 1, seed: 3}\n",
                    encoding="utf-8")
    r = run("batch", spec, "-o", tmp_path / "out", "--no-ledger")
    assert r.exit_code == 0, r.output
    folder = tmp_path / "out" / "权限"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~_umask()  # not mkdtemp's private 0700
    r = run("blueprint", "--level", "1", "--kind", "theory", "--format", "xlsx", "-o", tmp_path / "b.xlsx")
    assert stat.S_IMODE((tmp_path / "b.xlsx").stat().st_mode) == 0o666 & ~_umask()


def _umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_batch_review_entry_writes_panel_documents(tmp_path):
    from docx import Document

    spec = tmp_path / "s.yaml"
    spec.write_text("session: 技师场次\ndate: 2026-12-12\nentries:\n"
                    "  - {level: 二级, kind: theory, forms: 1, seed: 21}\n"
                    "  - {level: 二级, kind: skill, forms: 1, seed: 22}\n"
                    "  - {level: 二级, kind: review, forms: 2, seed: 23, panel_size: 3}\n", encoding="utf-8")
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    r = run("batch", spec, "-o", out, "--ledger", led)
    assert r.exit_code == 0, r.output
    folder = out / "技师场次"
    skill = next((folder / "清单").glob("2-S-22-01.json"))
    assert r.output.splitlines()[-2] == (f"技师场次（2026-12-12）：2 套试卷、2 套综合评审答辩题，{23 + len(handouts(skill))} 个文件，"
                                         f"已写入 {folder}")
    assert r.output.splitlines()[-1] == "审核：4 套合格"
    keys = sorted(p.name for p in (folder / "答案").iterdir())
    for code in ("R2-23-01", "R2-23-02"):
        assert {f"{code}-答辩题单.docx", f"{code}-评分表.docx", f"{code}-汇总表.docx", f"{code}-评分录入.xlsx"} <= set(keys)
        assert (folder / "清单" / f"{code}.json").exists()
    assert not any(n.startswith("R2-") for n in (p.name for p in (folder / "试卷").iterdir()))
    sheets = [p.text for p in Document(folder / "答案" / "R2-23-01-评分表.docx").paragraphs]
    assert sheets.count("综合评审评分表") == 3
    with zipfile.ZipFile(folder / "技师场次-答案及评分.zip") as z:
        assert "R2-23-02-答辩题单.docx" in z.namelist()
    ws = load_workbook(folder / "场次汇总.xlsx")["场次汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [(r[2], r[3], r[7]) for r in rows][-2:] == [("综合评审", "R2-23-01", "合格"), ("综合评审", "R2-23-02", "合格")]
    used = {s.name: s for s in list_sessions(led)}
    assert "技师场次" in used
    import json
    ids = [i["id"] for c in ("R2-23-01", "R2-23-02")
           for i in json.loads((folder / "清单" / f"{c}.json").read_text(encoding="utf-8"))["items"]]
    assert len(ids) == len(set(ids)) == 8
    # the panel's filled workbook in 答案/ finds its manifest in 清单/ for the 汇总表's title
    book = folder / "答案" / "R2-23-01-评分录入.xlsx"
    wb = load_workbook(book)
    for r, row in enumerate([("T01", "孙八", 1, 30, 45), (None, None, 2, 32, 48), (None, None, 3, 28, 40)], 2):
        for c, v in enumerate(row, 1):
            wb["评分"].cell(r, c).value = v
    wb.save(book)
    r = run("review-panel", book)
    assert r.exit_code == 0, r.output
    doc = Document(folder / "答案" / "R2-23-01-T01-汇总表.docx")
    assert doc.core_properties.title == "全媒体运营师（二级/技师）综合评审 综合评审汇总表"


def test_batch_review_entry_refused_for_level_three(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("session: x\ndate: 2026-12-12\nentries:\n"
                    "  - {level: 三级, direction: 数据分析, kind: review, forms: 1, seed: 1}\n", encoding="utf-8")
    r = run("batch", spec)
    assert r.exit_code == 1
    assert f"[错误] {spec}，第 1 项，字段 entries：综合评审只适用于二级、一级，三级不进行综合评审。" in r.output
