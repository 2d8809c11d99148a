"""Moodle XML export: read back with lxml and checked field by field against the manifest."""
from __future__ import annotations

import pytest
from lxml import etree, html

from assembler.bank import load_bank
from assembler.bank.models import LETTERS, TRUE_MARK
from assembler.bank.quality import plain_text
from assembler.errors import InputError
from assembler.form import form_from_manifest
from assembler.render.docx_base import clean
from assembler.render.moodle_xml import category_path, render_moodle_xml
from assembler.render.theory_paper import judge_stem
from tests.bankutil import bank as small_bank
from tests.bankutil import task
from tests.exportutil import (
    BREAK_OPTION,
    EMOJI_OPTION,
    HOSTILE_OPTION,
    HOSTILE_STEM,
    hostile_bank,
    hostile_form,
    real_forms,
)

QTYPE = {"judge": "truefalse", "single": "multichoice", "multiple": "multichoiceset"}


def html_text(fragment: str) -> str:
    """Return what an HTML fragment shows: text with <br> as a line break."""
    if not fragment:
        return ""
    root = html.fragment_fromstring(fragment, create_parent="div")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return root.text_content()


def questions(xml: bytes) -> list[tuple[str, etree._Element]]:
    """Return (category path, question) for every non-category question, in file order."""
    quiz = etree.fromstring(xml)
    assert quiz.tag == "quiz"
    out, category = [], None
    for q in quiz.findall("question"):
        if q.get("type") == "category":
            category = q.findtext("category/text")
        else:
            out.append((category, q))
    return out


@pytest.fixture(scope="module")
def bank(std):
    return load_bank(None, std)


@pytest.fixture(scope="module")
def forms(std, bank):
    return real_forms(std, bank)


def test_every_item_option_answer_and_point_matches_the_manifest(forms, bank):
    for form in forms:
        manifest = form.to_manifest()
        found = {q.findtext("idnumber"): (cat, q) for cat, q in questions(render_moodle_xml(form, bank))}
        assert len(found) == len(manifest["items"])
        for m in manifest["items"]:
            cat, q = found[m["id"]]
            item = bank.get(m["id"])
            assert q.get("type") == QTYPE[m["type"]]
            assert cat == f"$course${'/'}{form.code}/{m['function']}"
            assert float(q.findtext("defaultgrade")) == m["points"]
            assert q.findtext("penalty") == "0"
            assert {t.findtext("text") for t in q.findall("tags/tag")} >= {f"id:{m['id']}", f"鉴定点:{m['code']}"}
            assert q.find("questiontext").get("format") == "html"
            answers = q.findall("answer")
            if m["type"] == "judge":
                assert html_text(q.findtext("questiontext/text")) == plain_text(judge_stem(item.stem))
                right = [a.findtext("text") for a in answers if a.get("fraction") == "100"]
                assert right == ["true" if m["answer"] == TRUE_MARK else "false"]
                assert [a.get("fraction") for a in answers].count("0") == 1
                continue
            assert html_text(q.findtext("questiontext/text")) == plain_text(clean(item.stem).strip())
            order = m["permutation"] or "".join(k for k, _ in item.options)
            texts = dict(item.options)
            assert [html_text(a.findtext("text")) for a in answers] == [plain_text(texts[o]).strip() for o in order]
            right = "".join(LETTERS[k] for k, a in enumerate(answers) if a.get("fraction") == "100")
            assert right == m["answer"]
            assert all(a.get("fraction") in ("0", "100") for a in answers)
            assert q.findtext("shuffleanswers") == ("true" if item.shuffle else "false")
            assert q.findtext("answernumbering") == "ABCD"
            if m["type"] == "single":
                assert q.findtext("single") == "true"
            else:
                assert q.find("single") is None  # all-or-nothing type has no single/multi switch


def test_round_trip_through_the_manifest_gives_the_same_file(forms, bank):
    form = forms[0]
    assert render_moodle_xml(form_from_manifest(form.to_manifest()), bank) == render_moodle_xml(form, bank)


def test_markup_formulas_emoji_and_line_breaks_survive_as_text():
    xml = render_moodle_xml(hostile_form(), hostile_bank())
    qs = {q.findtext("idnumber"): q for _, q in questions(xml)}
    judge, single, multiple = qs["H-J-1"], qs["H-S-1"], qs["H-M-1"]
    assert html_text(judge.findtext("questiontext/text")) == "+判断 @提及 -负号 <script>x</script>"
    assert html_text(judge.findtext("generalfeedback/text")) == "=1+1 不是公式 & <br> 也不是标记"
    assert html_text(single.findtext("questiontext/text")) == plain_text(HOSTILE_STEM)
    assert "<strong>不</strong>" in single.findtext("questiontext/text")  # the bank's emphasis, as bold
    # displayed order BADC: A shows the bank's B, B the bank's A (the key)
    assert [html_text(a.findtext("text")) for a in single.findall("answer")] == [
        EMOJI_OPTION, HOSTILE_OPTION, "普通选项", BREAK_OPTION]
    assert [a.get("fraction") for a in single.findall("answer")] == ["0", "100", "0", "0"]
    assert html_text(single.findtext("generalfeedback/text")) == "B 是 =SUM(A1)+1；A 不对。"
    assert html_text(multiple.findtext("questiontext/text")) == "多选 &lt;已转义&gt; 的题干（    ）。"
    assert [html_text(a.findtext("text")) for a in multiple.findall("answer")] == ["己", "@戊", "-丁", "乙 & 丙", "甲"]
    assert "".join(LETTERS[k] for k, a in enumerate(multiple.findall("answer")) if a.get("fraction") == "100") == "BCE"
    assert multiple.findtext("defaultgrade") == "2.5"


def test_category_path_escapes_slashes():
    form = hostile_form()
    assert category_path(form, "内容/创作") == "$course$/4A-T-9-01/内容//创作"


def test_a_skill_form_is_refused(std):
    from assembler.form import Form
    from assembler.standard import Kind

    form = Form(code="4-S-1-01", level="4", direction=None, kind=Kind.SKILL, structure=None, title="t", seed=1,
                bank_hash="h", blueprint_hash="b", created="", duration_minutes=60, entries=())
    with pytest.raises(InputError, match="操作技能考核试卷，不能导出为机考题目"):
        render_moodle_xml(form, small_bank(tasks=[task("S-1", "4", "内容创作", ["2.1.1"], 20)]))
