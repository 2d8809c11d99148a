"""Platform import workbook: read back with openpyxl and checked against the manifest."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assembler.bank import load_bank
from assembler.bank.models import TRUE_MARK
from assembler.bank.quality import plain_text
from assembler.render.docx_base import clean
from assembler.render.platform_xlsx import (
    DIFFICULTY,
    HEADER,
    platform_file_name,
    render_platform_xlsx,
)
from assembler.render.theory_paper import judge_stem
from tests.exportutil import (
    BREAK_OPTION,
    EMOJI_OPTION,
    HOSTILE_OPTION,
    HOSTILE_STEM,
    hostile_bank,
    hostile_form,
    real_forms,
)

SHORT = {"judge": "判断题", "single": "单选题", "multiple": "多选题"}


@pytest.fixture(scope="module")
def bank(std):
    return load_bank(None, std)


@pytest.fixture(scope="module")
def forms(std, bank):
    return real_forms(std, bank)


def test_one_sheet_per_form_every_row_matches_the_manifest(forms, bank):
    wb = load_workbook(io.BytesIO(render_platform_xlsx(forms, bank)))
    assert wb.sheetnames == [f.code for f in forms]
    for form in forms:
        ws = wb[form.code]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0] == HEADER
        manifest = form.to_manifest()["items"]
        assert len(rows) - 1 == len(manifest)
        for row, m in zip(rows[1:], manifest):  # paper order
            r = dict(zip(HEADER, row))
            item = bank.get(m["id"])
            assert r["试题编号"] == m["id"] and r["题型"] == SHORT[m["type"]] and r["知识点"] == m["code"]
            assert float(r["分值"]) == m["points"] and r["难度"] == DIFFICULTY[m["difficulty"]]
            options = [r[f"选项{k}"] for k in "ABCDE"]
            if m["type"] == "judge":
                assert r["题干"] == plain_text(judge_stem(item.stem))
                assert r["答案"] == ("正确" if m["answer"] == TRUE_MARK else "错误")
                assert options == [None] * 5
                continue
            assert r["题干"] == plain_text(clean(item.stem).strip())
            order = m["permutation"] or "".join(k for k, _ in item.options)
            texts = dict(item.options)
            assert options[:len(order)] == [plain_text(texts[o]).strip() for o in order]
            assert r["答案"] == m["answer"]
        for row in ws.iter_rows():
            for c in row:
                assert c.value is None or c.data_type == "s", c.coordinate  # text cells only


def test_formulas_markup_emoji_and_line_breaks_are_text(tmp_path):
    data = render_platform_xlsx([hostile_form()], hostile_bank())
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    rows = {r[12].value: r for r in ws.iter_rows(min_row=2)}
    judge, single, multiple = rows["H-J-1"], rows["H-S-1"], rows["H-M-1"]
    assert judge[1].value == "+判断 @提及 -负号 <script>x</script>" and judge[1].quotePrefix
    assert judge[9].value == "=1+1 不是公式 & <br> 也不是标记" and judge[9].data_type == "s" and judge[9].quotePrefix
    assert single[1].value == plain_text(HOSTILE_STEM)  # line break kept, emphasis marks dropped
    assert [c.value for c in single[2:6]] == [EMOJI_OPTION, HOSTILE_OPTION, "普通选项", BREAK_OPTION]
    assert single[3].data_type == "s" and single[3].quotePrefix
    assert single[7].value == "B"
    assert [c.value for c in multiple[2:7]] == ["己", "@戊", "-丁", "乙 & 丙", "甲"] and multiple[7].value == "BCE"
    # no formula anywhere in the file itself
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


def test_same_forms_same_bytes_and_name(forms, bank):
    assert render_platform_xlsx(forms, bank) == render_platform_xlsx(forms, bank)
    assert platform_file_name(forms) == "4A-T-42-考试系统导入.xlsx"
    assert platform_file_name(forms[:1]) == "4A-T-42-01-考试系统导入.xlsx"
