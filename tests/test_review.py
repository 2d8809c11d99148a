"""Review: coverage report, verdict, tamper detection, output formats."""
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assembler.bank import load_bank
from assembler.cli import main
from assembler.generate import GenerateRequest, generate
from assembler.review import LoadedForm, load_forms, review_forms
from assembler.standard import load_standard
from tests.xlsxutil import sheet_chart_count

STD = load_standard()
BANK = load_bank()
PIN = "2026-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def forms_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    generate(GenerateRequest(level="4", direction="D", kind="theory", forms=2, seed=21, created=PIN, output=str(out),
                             record=False,
                             documents=False, session="审核测试"), STD)
    return out


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_generated_forms_pass(forms_dir):
    review = review_forms(load_forms([forms_dir]), BANK, STD)
    assert review.verdict == "pass" and review.reasons == ()
    d = review.to_dict()
    assert set(d) >= {"verdict", "reasons", "forms", "overlap"}
    f = d["forms"][0]
    assert set(f) >= {"form", "functions", "uncovered", "difficulty"}
    assert f["functions"][0] == {"name": "职业道德", "target_points": 5, "actual_points": 5, "target_count": 4,
                                 "actual_count": 4, "cells": {"judge": {"target": 1, "actual": 1},
                                                              "single": {"target": 2, "actual": 2},
                                                              "multiple": {"target": 1, "actual": 1}}}
    assert d["overlap"] == [[90, 0], [0, 90]]
    assert d["forms"][0]["answers"]["longest_run"]["single"] <= 3


def _tamper(forms_dir, tmp_path, change):
    m = json.loads((forms_dir / "4D-T-21-01.json").read_text(encoding="utf-8"))
    change(m)
    p = tmp_path / "tampered.json"
    p.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return p


def test_moved_item_fails(forms_dir, tmp_path):
    def move(m):
        e = next(x for x in m["items"] if x["function"] == "流量运营")
        e["function"] = "市场分析"
        m["moved"] = e["id"]
    p = _tamper(forms_dir, tmp_path, move)
    moved = json.loads(p.read_text(encoding="utf-8"))["moved"]
    number = next(x["number"] for x in json.loads(p.read_text(encoding="utf-8"))["items"] if x["id"] == moved)
    review = review_forms(load_forms([p]), BANK, STD)
    assert review.verdict == "fail"
    assert f"4D-T-21-01：第 {number} 题 {moved} 的职业功能在试卷中为「市场分析」，题库中为「流量运营」" in review.reasons


def test_changed_answer_fails(forms_dir, tmp_path):
    def change(m):
        e = next(x for x in m["items"] if x["type"] == "single")
        m["changed"] = (e["number"], e["id"], e["answer"])
        e["answer"] = "A" if e["answer"] != "A" else "B"
    p = _tamper(forms_dir, tmp_path, change)
    m = json.loads(p.read_text(encoding="utf-8"))
    number, iid, original = m["changed"]
    r = run("review", p, "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 1
    shown = "A" if original != "A" else "B"
    assert f"  不合格原因：第 {number} 题 {iid} 的答案在试卷中为 {shown}，按题库应为 {original}" in r.output
    assert r.output.startswith("审核结论：不合格\n") and r.output.endswith("错误：审核不合格。\n")


def test_overlap_beyond_limit_fails(forms_dir):
    loaded = load_forms([forms_dir / "4D-T-21-01.json"])
    twin = LoadedForm(loaded[0].form.__class__(**{**loaded[0].form.__dict__, "code": "twin"}), "twin.json")
    review = review_forms(loaded + [twin], BANK, STD)
    assert "4D-T-21-01 与 twin 有 90 道相同试题，超过允许的 0 题" in review.reasons


def test_outputs(forms_dir, tmp_path):
    r = run("review", forms_dir, "--format", "json", "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 0 and json.loads(r.output)["verdict"] == "pass"
    out = tmp_path / "r.xlsx"
    r = run("review", forms_dir, "--format", "xlsx", "-o", out, "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 0
    assert r.output.endswith("审核结论：合格（2 套试卷，0 条不合格原因）\n")
    wb = load_workbook(out)
    assert wb.sheetnames == ["审核结论", "4D-T-21-01", "4D-T-21-02", "重复题数"]
    assert sheet_chart_count(out, "4D-T-21-01") == 2


def test_review_input_errors(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}", encoding="utf-8")
    r = run("review", p)
    assert r.exit_code == 1
    assert r.output == f"错误：无法读取待审核的试卷（1 个错误）：\n[错误] {p}：不是有效的试卷清单（manifest）：缺少或错误的字段 'kind'\n"
    r = run("review", tmp_path / "nope.json")
    assert r.exit_code == 1
    assert r.output == f"错误：无法读取待审核的试卷（1 个错误）：\n[错误] {tmp_path / 'nope.json'}：文件或文件夹不存在\n"


def test_review_docx_is_signable(forms_dir, tmp_path):
    from docx import Document

    out = tmp_path / "r.docx"
    r = run("review", forms_dir, "--format", "docx", "-o", out, "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "审核结论：合格（共 2 套试卷）" in text
    assert "审核人（签名）：" in text and "日期：________年____月____日" in text


def test_verify_catches_an_edited_key(tmp_path):
    from docx import Document

    out = tmp_path / "p"
    generate(GenerateRequest(level="1", direction=None, kind="theory", seed=8, created=PIN, output=str(out),
                             record=False), STD)
    key = out / "1-T-8-01-答案.docx"
    r = run("verify", key)
    assert r.exit_code == 0 and r.output.endswith("复核通过：90 题与题库、蓝图一致。\n")
    doc = Document(str(key))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "题号" and t.rows[0].cells[1].text == "21")
    cell = table.rows[1].cells[1]
    original = cell.text
    cell.paragraphs[0].runs[0].text = "A" if original != "A" else "B"
    edited = tmp_path / "edited.docx"
    doc.save(str(edited))
    r = run("verify", edited)
    assert r.exit_code == 1
    assert (f"不一致：edited.docx：答案文档中第 21 题的答案为「{'A' if original != 'A' else 'B'}」，"
            f"按题库应为「{original}」\n") in r.output
    assert r.output.endswith("错误：复核未通过：1 处不一致。\n")


def test_verify_catches_an_edited_embedded_manifest(tmp_path):
    import zipfile

    out = tmp_path / "p"
    generate(GenerateRequest(level="1", direction=None, kind="theory", seed=9, created=PIN, output=str(out),
                             record=False), STD)
    paper = out / "1-T-9-01-试卷.docx"
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(paper) as zin, zipfile.ZipFile(edited, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("customXml/item") and b"manifest" in data.lower():
                def esc(t):  # the manifest is ASCII-escaped JSON
                    return json.dumps(t)[1:-1].encode()

                data = data.replace(esc("财务管理"), esc("组织管理"), 1)
            zout.writestr(info, data)
    r = run("verify", edited)
    assert r.exit_code == 1
    assert "的职业功能在试卷中为「组织管理」，题库中为「财务管理」" in r.output


def test_not_our_docx(tmp_path):
    from docx import Document

    p = tmp_path / "plain.docx"
    Document().save(str(p))
    r = run("verify", p)
    assert r.exit_code == 1
    assert r.output == f"错误：无法读取待审核的试卷（1 个错误）：\n[错误] {p}：不是 zujuan 生成的试卷：文档中没有内嵌的试卷清单\n"


def test_paper_and_key_of_one_form_are_reviewed_as_one(tmp_path):
    out = tmp_path / "p"
    generate(GenerateRequest(level="3", direction="A", kind="theory", seed=4, created=PIN, output=str(out),
                             record=False), STD)
    r = run("review", out / "3A-T-4-01-试卷.docx", out / "3A-T-4-01-答案.docx", "--format", "json",
            "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert len(d["forms"]) == 1 and d["overlap"] == [[90]]
    assert d["forms"][0]["source"].endswith("3A-T-4-01-答案.docx")


def test_review_notes_reach_the_workbook_and_the_word_report(forms_dir):
    import dataclasses
    import io

    from docx import Document

    from assembler.writers.review import review_docx, review_xlsx

    review = review_forms(load_forms([forms_dir]), BANK, STD)
    note = "1 道多选题的答案为全部选项（允许，但请确认确属全选）：L4-NRCZ-001"
    first = dataclasses.replace(review.forms[0], notes=(note,))
    rest = tuple(dataclasses.replace(f, notes=()) for f in review.forms[1:])  # whatever the bank's keys give
    noted = dataclasses.replace(review, forms=(first,) + rest)
    wb = load_workbook(io.BytesIO(review_xlsx(noted)))
    summary = wb["审核结论"]
    assert [c.value for c in summary[3]] == ["试卷编号", "名称", "类型", "结论", "原因", "说明"]
    assert [summary.cell(4, 6).value, summary.cell(5, 6).value] == [note, "—"]
    sheet_values = [c.value for row in wb[first.form].iter_rows() for c in row if c.value is not None]
    assert sheet_values[sheet_values.index("说明") + 1] == note
    text = [p.text for p in Document(io.BytesIO(review_docx(noted, PIN))).paragraphs]
    assert f"说明：{note}" in text


def test_verdict_is_an_enum_with_the_json_value_and_the_chinese_label(forms_dir):
    from assembler.review import Verdict

    assert Verdict.of(True) is Verdict.PASS and Verdict.of(False) is Verdict.FAIL
    assert (Verdict.PASS.label, Verdict.FAIL.label) == ("合格", "不合格")
    assert (str(Verdict.PASS), f"{Verdict.FAIL}") == ("pass", "fail")
    review = review_forms(load_forms([forms_dir]), BANK, STD)
    assert review.verdict is Verdict.PASS and all(f.verdict is Verdict.PASS for f in review.forms)
    d = json.loads(json.dumps(review.to_dict()))
    assert d["verdict"] == "pass" and {f["verdict"] for f in d["forms"]} == {"pass"}
