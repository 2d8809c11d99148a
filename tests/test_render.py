"""The Word writers: theory paper and key, skill paper and scoring sheets, the embedded manifest."""
from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile

import pytest
from docx import Document

from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.bank import load_bank
from assembler.bank.models import Bank, Item, Material, RubricRow, Task
from assembler.blueprint import build_blueprint
from assembler.errors import DataError, InfeasibleError
from assembler.form import Form, FormEntry, form_from_manifest
from assembler.render import (
    read_embedded,
    read_embedded_manifest,
    render_form_documents,
)
from assembler.render.answer_key import remap_letters
from assembler.render.docx_base import clean, fit_widths, fmt_number
from assembler.render.skill_paper import number_ranges, task_blocks
from assembler.render.theory_paper import choice_stem, judge_stem, option_columns
from assembler.standard import Kind
from assembler.structure import ItemType

CREATED = "2026-01-01T00:00:00+00:00"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLANK = re.compile(r"[（(][\s\u00a0\u3000]*[）)]")
STEM = re.compile(r"^(\d+)\. ")


# ---- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bank(std):
    return load_bank(None, std)


@pytest.fixture(scope="module")
def form(std, bank):
    bp = build_blueprint(std, "4", "A", "theory")
    return assemble_forms(bank, bp, 1, 42, AssemblyOptions(created=CREATED), std)[0]


@pytest.fixture(scope="module")
def docs(form, bank, std):
    return render_form_documents(form, bank, std)


@pytest.fixture(scope="module")
def paper(docs, form):
    return Document(io.BytesIO(docs[f"{form.code}-试卷.docx"]))


@pytest.fixture(scope="module")
def key(docs, form):
    return Document(io.BytesIO(docs[f"{form.code}-答案.docx"]))


def body_texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "ZJ 大题标题"]


def stems(doc) -> list[tuple[int, str]]:
    """Return (number, text) of every item paragraph in paper order."""
    out = []
    for p in doc.paragraphs:
        if p.style.name == "ZJ 题干":
            m = STEM.match(p.text)
            assert m, p.text
            out.append((int(m.group(1)), p.text))
    return out


def key_answers(doc) -> dict[int, str]:
    """Return {number: answer} read from the key's answer tables (题号 row, then 答案 row)."""
    found = {}
    for t in doc.tables:
        rows = [[c.text for c in r.cells] for r in t.rows]
        for a, b in zip(rows[::2], rows[1::2]):
            if a[0] == "题号" and b[0] == "答案":
                for n, ans in zip(a[1:], b[1:]):
                    if n:
                        found[int(n)] = ans
    return found


# ---- theory paper -----------------------------------------------------------------------------------
def test_theory_files(docs, form):
    assert set(docs) == {f"{form.code}-试卷.docx", f"{form.code}-答案.docx"}
    assert all(data[:2] == b"PK" for data in docs.values())


def test_section_headings_and_points(paper):
    assert headings(paper) == [
        "一、判断题（第1题～第20题。将判断结果填入括号中。正确的填“√”，错误的填“×”。每题1分，满分20分。）",
        "二、单项选择题（第21题～第80题。选择一个正确的答案，将相应的字母填入题内的括号中。每题1分，满分60分。）",
        "三、多项选择题（第81题～第90题。选择正确的答案，将相应的字母填入题内的括号中。"
        "错选或多选均不得分，也不反映在得分中。每题2分，满分20分。）",
    ]


def test_title_notes_and_seal(paper, form):
    texts = body_texts(paper)
    assert "职业技能等级认定统一试卷" in texts
    assert f"{form.title} 理论知识试卷" in texts
    assert f"试卷编号：{form.code}" in texts
    assert "1．考试时间：90分钟。" in texts
    assert any("请首先按要求在试卷的标封处填写您的姓名、准考证号和所在单位的名称" in t for t in texts)
    assert any("不要在试卷上乱写乱画，不要在标封区填写无关的内容" in t for t in texts)
    assert any("密" in t and "封" in t and "线" in t and "答" in t for t in texts)
    seal = [c.text for c in paper.tables[0].rows[0].cells]
    assert seal[0::2] == ["姓名", "准考证号", "单位名称"]
    score = [[c.text for c in r.cells] for r in paper.tables[1].rows]
    assert score == [["题号", "一", "二", "三", "总分", "统分人"], ["得分", "", "", "", "", ""]]
    boxes = [[[c.text for c in r.cells] for r in t.rows] for t in paper.tables[2:]]
    assert boxes == [[["得　分", ""], ["评分人", ""]]] * 3


def test_continuous_numbering_and_counts(paper):
    numbers = [n for n, _ in stems(paper)]
    assert numbers == list(range(1, 91))
    counts, current = {}, None
    for p in paper.paragraphs:
        if p.style.name == "ZJ 大题标题":
            current = p.text[:1]
        elif p.style.name == "ZJ 题干":
            counts[current] = counts.get(current, 0) + 1
    assert counts == {"一": 20, "二": 60, "三": 10}


def test_item_text_brackets_and_options(paper, form, bank):
    by_number = dict(stems(paper))
    paras = paper.paragraphs
    for e in form.entries:
        text = by_number[e.number]
        it = bank.get(e.id)
        assert len(BLANK.findall(text)) == 1, text  # exactly one answer bracket
        if e.type is ItemType.JUDGE:
            assert BLANK.match(text[len(f"{e.number}. "):])  # national style: bracket first
            assert judge_stem(it.stem) in text
    # displayed option k shows original option permutation[k]
    options_after: dict[int, str] = {}
    current = None
    for p in paras:
        if p.style.name == "ZJ 题干":
            current = int(STEM.match(p.text).group(1))
            options_after[current] = ""
        elif p.style.name == "ZJ 选项" and current is not None:
            options_after[current] += p.text + "\t"
    for e in form.entries:
        if e.type is ItemType.JUDGE:
            continue
        it = bank.get(e.id)
        order = e.permutation or "".join(k for k, _ in it.options)
        shown = [s for s in options_after[e.number].split("\t") if s]
        assert shown == [f"{'ABCDE'[k]}．{it.option_text(o).strip()}" for k, o in enumerate(order)]
        assert e.permutation == "" or e.answer == "".join(
            sorted("ABCDE"[order.index(a)] for a in it.answer))


def test_items_keep_together_and_headings_keep_with_next(paper):
    for p in paper.paragraphs:
        if p.style.name in ("ZJ 大题标题",):
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
    paras = [p for p in paper.paragraphs if p.style.name in ("ZJ 题干", "ZJ 选项")]
    for a, b in zip(paras, paras[1:]):
        if b.style.name == "ZJ 选项":  # a stem or option followed by more of its own options
            assert a.paragraph_format.keep_with_next, a.text


def test_option_layout_is_compact(paper):
    rows = [p.text for p in paper.paragraphs if p.style.name == "ZJ 选项"]
    assert any(r.count("\t") == 3 for r in rows)  # four short options on a line
    assert any(r.count("\t") == 1 for r in rows)  # two per line


def test_fonts_page_header_and_footer(docs, form, paper):
    data = docs[f"{form.code}-试卷.docx"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        footer = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
        header = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert 'w:ascii="Times New Roman"' in styles
    assert "asciiTheme" not in styles  # theme fonts would override the explicit ones
    for field in ("PAGE", "NUMPAGES"):
        assert f" {field} " in footer
    assert footer.count('w:fldCharType="begin"') == 2 and footer.count('w:fldCharType="end"') == 2
    assert "第 " in footer and " 页" in footer and "共 " in footer
    assert form.code in header and "理论知识试卷" in header
    sec = paper.sections[0]
    assert (sec.page_width.mm, sec.page_height.mm) == pytest.approx((210, 297), abs=0.5)


# ---- answer key -------------------------------------------------------------------------------------
def test_key_answers_equal_manifest(key, form):
    assert key_answers(key) == {e.number: e.answer for e in form.entries}
    manifest = form.to_manifest()
    assert key_answers(key) == {i["number"]: i["answer"] for i in manifest["items"]}


def test_key_headings(key, form):
    texts = body_texts(key)
    assert f"{form.title} 理论知识试卷" in texts and "答案及评分标准" in texts
    assert headings(key)[:3] == ["一、判断题（第1题～第20题。每题1分，满分20分。）",
                                 "二、单项选择题（第21题～第80题。每题1分，满分60分。）",
                                 "三、多项选择题（第81题～第90题。每题2分，满分20分。）"]
    assert "解析" not in headings(key)
    # rows of ten: each table alternates a 题号 row and an 答案 row of 11 cells
    for t in key.tables:
        assert all(len(r.cells) == 11 for r in t.rows)


def test_key_with_explanations(form, bank, std):
    data = render_form_documents(form, bank, std, explanations=True)[f"{form.code}-答案.docx"]
    doc = Document(io.BytesIO(data))
    assert "解析" in headings(doc)
    lines = {int(m.group(1)): p.text for p in doc.paragraphs
             if p.style.name == "ZJ 题干" and (m := re.match(r"^(\d+)．答案：", p.text))}
    assert sorted(lines) == list(range(1, 91))
    for e in form.entries:
        assert lines[e.number].startswith(f"{e.number}．答案：{e.answer}")
        it = bank.get(e.id)
        if it.explanation and not e.permutation:
            assert clean(it.explanation).strip() in lines[e.number]


def test_remap_letters_in_explanations():
    it = Item(id="X-1", type=ItemType.SINGLE, level="4", function="内容创作", code="2.1.1", stem="题干（    ）",
              options=(("A", "甲"), ("B", "乙"), ("C", "丙"), ("D", "丁")), answer="B", explanation="")
    e = FormEntry(number=1, id="X-1", type=ItemType.SINGLE, function="内容创作", code="2.1.1", work_content="2.1",
                  points=1, difficulty=3, permutation="CDBA", answer="C")
    assert remap_letters("B项正确，A、C错误；GMV和B站不是选项。", it, e) == "C项正确，D、A错误；GMV和B站不是选项。"


# ---- reproducible and embedded ------------------------------------------------------------------
def test_byte_identical_output(form, bank, std, docs):
    again = render_form_documents(form, bank, std)
    assert again == docs
    for data in docs.values():
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
            assert infos[0].filename == "[Content_Types].xml"


def test_core_properties_pinned(paper, form):
    cp = paper.core_properties
    assert cp.author == "zujuan"
    assert cp.title == f"{form.title} 理论知识试卷"
    assert cp.created.replace(tzinfo=None).isoformat() == "2026-01-01T00:00:00"
    assert cp.modified == cp.created and cp.last_printed == cp.created


def test_embedded_manifest_round_trips(docs, form, tmp_path):
    expected = json.loads(json.dumps(form.to_manifest()))
    kinds = {}
    for name, data in docs.items():
        assert read_embedded_manifest(data) == expected
        info = read_embedded(data)
        assert (info["form"], info["seed"], info["bank_hash"]) == (form.code, form.seed, form.bank_hash)
        kinds[name] = info["document"]
        path = tmp_path / name
        path.write_bytes(data)
        assert read_embedded_manifest(path) == expected
        assert read_embedded_manifest(str(path)) == expected
    assert kinds == {f"{form.code}-试卷.docx": "paper", f"{form.code}-答案.docx": "key"}
    assert form_from_manifest(read_embedded_manifest(next(iter(docs.values())))) == form


def test_no_manifest_is_none(tmp_path):
    buf = io.BytesIO()
    Document().save(buf)
    assert read_embedded_manifest(buf.getvalue()) is None
    assert read_embedded_manifest(b"not a zip file") is None


# ---- odd data -----------------------------------------------------------------------------------------
def _tiny_theory(items: list[Item], points: float = 1.0, title: str = "全媒体运营师（四级/中级工）测试") -> Form:
    entries = []
    for n, it in enumerate(items, 1):
        answer = it.answer
        entries.append(FormEntry(number=n, id=it.id, type=it.type, function=it.function, code=it.code,
                                 work_content="2.1", points=points, difficulty=3, permutation="", answer=answer))
    return Form(code="T-ODD-01", level="4", direction="A", kind=Kind.THEORY, structure="standard", title=title, seed=1,
                bank_hash="0" * 16, blueprint_hash="0" * 16, created=CREATED, duration_minutes=90,
                entries=tuple(entries))


def test_control_characters_do_not_break_documents(std):
    items = [
        Item(id="ODD-1", type=ItemType.JUDGE, level="4", function="内容创作", code="2.1.1",
             stem="控制\x01字符\x0b与\ufffe非字符\ud800不应破坏文档。", options=(), answer="√",
             explanation="解析\x07含\x1f控制符"),
        Item(id="ODD-2", type=ItemType.SINGLE, level="4", function="内容创作", code="2.1.1",
             stem="选项含 <b>标记</b> & 实体&amp;\x00",
             options=(("A", "甲\x02"), ("B", "<w:t>乙</w:t>"), ("C", "丙\uffff"), ("D", "丁")), answer="A"),
        Item(id="ODD-3", type=ItemType.MULTIPLE, level="4", function="内容创作", code="2.1.1", stem="多选（ ）题干在括号后还有字",
             options=(
            ("A", "一"), ("B", "二"), ("C", "三"), ("D", "四"), ("E", "五")), answer="ACE"),
    ]
    bank = Bank(tuple(items), ())
    form = _tiny_theory(items, title="测试\x07试卷")
    docs = render_form_documents(form, bank, std, explanations=True)
    paper = Document(io.BytesIO(docs["T-ODD-01-试卷.docx"]))
    texts = "\n".join(body_texts(paper))
    assert "1. （" in texts and "控制字符与非字符不应破坏文档。" in texts
    assert "选项含 <b>标记</b> & 实体&amp;（" in texts  # inserted as text, never interpreted
    assert "B．<w:t>乙</w:t>" in texts and "C．丙" in texts
    assert "多选（" in texts and texts.count("（") >= 3
    odd = [t for t, _ in stems(paper)]
    assert odd == [1, 2, 3]
    multi = [p.text for p in paper.paragraphs if p.text.startswith("3. ")][0]
    assert len(BLANK.findall(multi)) == 1 and multi.endswith("题干在括号后还有字")
    for ch in "\x00\x01\x02\x07\x0b\x1f\ufffe\uffff":
        assert ch not in texts
    key = Document(io.BytesIO(docs["T-ODD-01-答案.docx"]))
    assert key_answers(key) == {1: "√", 2: "A", 3: "ACE"}
    assert "解析含控制符" in "\n".join(body_texts(key))
    assert read_embedded_manifest(docs["T-ODD-01-试卷.docx"])["title"] == "测试\x07试卷"


def test_half_points_are_written_plainly(std, bank, form):
    half = dataclasses.replace(form, entries=tuple(dataclasses.replace(e, points=e.points / 2) for e in form.entries))
    paper = Document(io.BytesIO(render_form_documents(half, bank, std)[f"{form.code}-试卷.docx"]))
    hs = headings(paper)
    assert hs[0].endswith("每题0.5分，满分10分。）")
    assert hs[2].endswith("每题1分，满分10分。）")


def test_missing_item_is_reported(std, form):
    with pytest.raises(DataError) as exc:
        render_form_documents(form, Bank((), ()), std)
    assert form.entries[0].id in str(exc.value)


def test_text_helpers():
    assert clean("a\x00b\x0bc\ufffed\r\ne") == "abcd\ne"
    assert [fmt_number(v) for v in (1200, 1200.0, 0.35, 1e-05, True, None, "12%")] == \
        ["1200", "1200", "0.35", "0.00001", "是", "", "12%"]
    assert choice_stem("题干（    ）。").count("（") == 1
    assert choice_stem("没有括号的题干").endswith("）")
    assert judge_stem("（  ）判断题干（    ）") == "判断题干"
    assert option_columns([("A", "短"), ("B", "短"), ("C", "短"), ("D", "短")]) == 4
    assert option_columns([("A", "一" * 12), ("B", "短"), ("C", "短"), ("D", "短")]) == 2
    assert option_columns([("A", "一" * 25), ("B", "短"), ("C", "短"), ("D", "短")]) == 1
    assert option_columns([(x, "短") for x in "ABCDE"]) == 3
    assert sum(fit_widths([3000, 500, 9000], 9241)) == 9241
    assert number_ranges([1, 2, 3, 5, 7, 8]) == "1～3、5、7、8"


def test_task_text_keeps_real_line_breaks():
    text = ("第一行说明，结束。\n第二行说明，这一行很长很长很长很长很长很长很长很长很长很长很长很长很长，被作者折行成为\n"
            "两行的句子。\n请完成以下工作：\n1. 第一项要求，这里也写得很长，需要折行，\n   折行后的续行缩进。\n"
            "   （1）缩进的小项\n2. 第二项\n短行无标点\n另一短行")
    assert task_blocks(text) == [
        (0, "第一行说明，结束。"),
        (0, "第二行说明，这一行很长很长很长很长很长很长很长很长很长很长很长很长很长，被作者折行成为两行的句子。"),
        (0, "请完成以下工作："),
        (1, "1. 第一项要求，这里也写得很长，需要折行，折行后的续行缩进。"),
        (2, "（1）缩进的小项"),
        (1, "2. 第二项"),
        (0, "短行无标点"),
        (0, "另一短行"),
    ]


# ---- skill paper and scoring sheets -------------------------------------------------------------
def _task(tid: str, function: str, codes: tuple[str, ...], points: int, rubric_points: tuple[int, ...],
          equipment: tuple[str, ...], duration: int = 30) -> Task:
    rubric = tuple(RubricRow(f"要素{k}", p, f"未达到要求{k}扣 {p} 分，扣完为止") for k, p in enumerate(rubric_points, 1))
    return Task(id=tid, level="1", function=function, codes=codes, title=f"{function}测试题 {tid}", duration=duration,
                points=points, equipment=equipment,
                task="某企业情况说明，数据见表 1。\n请完成以下工作：\n1. 计算各项指标；\n2. 撰写说明，不少于 300 字。",
                materials=(Material("表 1 测试数据", ("项目", "金额（元）", "占比"),
                          (("收入", 1200, 0.35), ("成本", 800.0, "12%"), ("说明", None, "—"))),),
                quality=("计算正确", "说明完整"), rubric=rubric)


@pytest.fixture(scope="module")
def skill_bank():
    common = ("计算机 1 台/人", "A4 草稿纸 2 张/人")
    return Bank((), (
        _task("S1-T-YY-01", "运营管理", ("1.1.1", "1.1.2"), 20, (8, 6, 6), common),
        _task("S1-T-ZZ-01", "组织管理", ("2.1.1",), 40, (10, 10, 10, 10), common + ("组织结构图模板",)),
        _task("S1-T-CW-01", "财务管理", ("3.1.3",), 20, (5, 5, 10), common + ("计算器 1 个/人",)),
        _task("S1-T-CW-02", "财务管理", ("3.2.1", "3.2.2"), 20, (4, 4, 4, 8), common),
    ))


@pytest.fixture(scope="module")
def skill_form(std, skill_bank):
    bp = build_blueprint(std, "1", None, "skill")
    return assemble_forms(skill_bank, bp, 1, 7, AssemblyOptions(created=CREATED), std)[0]


@pytest.fixture(scope="module")
def skill_docs(skill_form, skill_bank, std):
    return render_form_documents(skill_form, skill_bank, std)


def test_skill_files_and_kinds(skill_docs, skill_form):
    code = skill_form.code
    assert set(skill_docs) == {f"{code}-试卷.docx", f"{code}-评分记录表.docx"}
    assert read_embedded(skill_docs[f"{code}-试卷.docx"])["document"] == "skill_paper"
    assert read_embedded(skill_docs[f"{code}-评分记录表.docx"])["document"] == "scoring_sheet"
    assert read_embedded_manifest(skill_docs[f"{code}-评分记录表.docx"]) == json.loads(
        json.dumps(skill_form.to_manifest()))


def test_skill_paper_contents(skill_docs, skill_form, skill_bank, std):
    doc = Document(io.BytesIO(skill_docs[f"{skill_form.code}-试卷.docx"]))
    texts = body_texts(doc)
    assert "考核准备通知单" in texts
    sheets = [t for t in texts if t.startswith("试题单")]
    assert len(sheets) == len(skill_form.entries) == 4
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    flat = {c for row in cells for c in row}
    # notice: tasks with times and a 合计; the union of equipment, each once
    assert ["合计"] * 4 + [str(sum(e.duration for e in skill_form.entries)), "100"] in cells
    equipment = [row[1] for row in cells if len(row) == 3 and row[0].isdigit()]
    assert equipment == ["计算机 1 台/人", "A4 草稿纸 2 张/人", "组织结构图模板", "计算器 1 个/人"]
    for e in skill_form.entries:
        t = skill_bank.get(e.id)
        assert t.id in flat and t.title in flat and f"{t.duration} 分钟" in flat
        for c in t.codes:
            assert f"{c} {std.skill_codes('1', t.function)[c]}" in texts
    assert "1.1.1 能根据企业战略规划制定品牌定位策略" in texts
    # work task: its line breaks give paragraphs; materials as tables with plain numbers
    assert "某企业情况说明，数据见表 1。" in texts and "1. 计算各项指标；" in texts
    assert "表 1 测试数据" in texts
    assert ["收入", "1200", "0.35"] in cells and ["成本", "800", "12%"] in cells and ["说明", "", "—"] in cells
    assert "1．计算正确" in texts


def test_scoring_sheet_totals(skill_docs, skill_form, skill_bank):
    doc = Document(io.BytesIO(skill_docs[f"{skill_form.code}-评分记录表.docx"]))
    rubrics = [t for t in doc.tables if [c.text for c in t.rows[0].cells] ==
               ["序号", "评分要素", "配分", "评分标准", "扣分", "得分"]]
    assert len(rubrics) == len(skill_form.entries)
    for t, e in zip(rubrics, sorted(skill_form.entries, key=lambda e: e.number)):
        task = skill_bank.get(e.id)
        rows = [[c.text for c in r.cells] for r in t.rows]
        body, total = rows[1:-1], rows[-1]
        assert [r[1] for r in body] == [r.element for r in task.rubric]
        assert sum(float(r[2]) for r in body) == task.points == e.points
        assert total[0] == total[1] == "合计" and float(total[2]) == task.points
    texts = body_texts(doc)
    signs = [t for t in texts if t.startswith("考评员（签名）：")]
    assert len(signs) == len(skill_form.entries)
    assert signs[0] == "考评员（签名）：________  ________  ________   日期：____年__月__日"


def test_skill_deterministic(skill_docs, skill_form, skill_bank, std):
    assert render_form_documents(skill_form, skill_bank, std) == skill_docs


def test_rubric_mismatch_is_refused(skill_form, skill_bank, std):
    bad = tuple(dataclasses.replace(t, rubric=t.rubric[:-1]) if t.id == "S1-T-ZZ-01" else t for t in skill_bank.tasks)
    with pytest.raises(DataError) as exc:
        render_form_documents(skill_form, Bank((), bad), std)
    assert "S1-T-ZZ-01" in str(exc.value)


def test_real_bank_skill_paper(std, bank):
    bp = build_blueprint(std, "4", "A", "skill")
    try:
        form = assemble_forms(bank, bp, 1, 42, AssemblyOptions(created=CREATED), std)[0]
    except InfeasibleError:
        pytest.skip("the shipped bank cannot yet assemble a 四级 skill paper")
    docs = render_form_documents(form, bank, std)
    sheet = Document(io.BytesIO(docs[f"{form.code}-评分记录表.docx"]))
    totals = [float(t.rows[-1].cells[2].text) for t in sheet.tables if t.rows[-1].cells[0].text == "合计"]
    assert totals == [e.points for e in sorted(form.entries, key=lambda e: e.number)]


# ---- pictures in items (issue 12 §3) ----------------------------------------------------------------
def test_item_pictures_appear_in_the_paper_and_key_at_a_sensible_width(tmp_path, form, bank, std):
    from docbuild import png

    from assembler.bank.documents import image_name

    wide, small = png(1600, 600, (30, 90, 200)), png(80, 40, (200, 120, 20))
    (tmp_path / "images").mkdir()
    refs = {}
    for data in (wide, small):
        refs[data] = image_name(data, "png")
        (tmp_path / refs[data]).write_bytes(data)
    origin = dataclasses.replace(bank.items[0].origin, file=str(tmp_path / "pictures.yaml"))
    single_entry = next(e for e in form.entries if e.type is ItemType.SINGLE)
    judge_entry = next(e for e in form.entries if e.type is ItemType.JUDGE)
    changed = {}
    for e in (single_entry, judge_entry):
        it = bank.get(e.id)
        options = tuple((k, f"{v}![图]({refs[small]})" if k == "A" else v) for k, v in it.options)
        changed[e.id] = dataclasses.replace(it, stem=f"{it.stem}![图]({refs[wide]})", options=options,
                                            explanation=f"{it.explanation}![图]({refs[small]})", origin=origin)
    pictured = Bank(tuple(changed.get(it.id, it) for it in bank.items), bank.tasks)
    docs = render_form_documents(form, pictured, std, explanations=True)
    paper = Document(io.BytesIO(docs[f"{form.code}-试卷.docx"]))
    shapes = sorted(paper.inline_shapes, key=lambda s: -s.width)
    from docx.shared import Cm

    assert len(shapes) == 3  # two stems, one option A
    assert [round(s.width / Cm(1), 1) for s in shapes] == [9.0, 9.0, round(80 / 72 * 2.54, 1)]  # small: its own size
    assert shapes[0].height == int(Cm(9) * 600 / 1600)  # the wide picture shrunk to 9 cm, proportions kept
    # the stem's picture is centred on its own line right after the stem
    paras = paper.paragraphs
    k = next(i for i, p in enumerate(paras) if p.text.startswith(f"{single_entry.number}. "))
    assert paras[k + 1].text == "" and paras[k + 1]._p.xpath(".//pic:pic") and paras[k + 1].alignment == 1
    key = Document(io.BytesIO(docs[f"{form.code}-答案.docx"]))
    assert len(key.inline_shapes) == 2  # the two explanations


def test_option_pictures_count_in_the_option_layout():
    short = [("A", "甲"), ("B", "乙"), ("C", "丙"), ("D", "丁")]
    assert option_columns(short) == 4
    pictured = [(k, v + "![图](images/0123456789abcdef.png)") for k, v in short]
    assert option_columns(pictured) == 2  # a 3.6 cm picture beside a short text: two to a line
    longer = [(k, "查看平台热榜及官方创作灵感工具" + "![图](images/0123456789abcdef.png)") for k, _ in short]
    assert option_columns(longer) == 1
