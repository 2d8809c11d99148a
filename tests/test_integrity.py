"""Integrity of papers: every kind of tampering with a paper, a key or a manifest is caught by
verify and review, naming the item; a tampered key beside its paper is a disagreement."""
import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document

from assembler.bank import load_bank
from assembler.cli import main
from assembler.generate import GenerateRequest, generate
from assembler.seal import SEAL_KEY
from assembler.standard import load_standard

STD = load_standard()
BANK = load_bank()
PIN = "2026-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def theory(tmp_path_factory):
    out = tmp_path_factory.mktemp("theory")
    generate(GenerateRequest(level="4", direction="A", kind="theory", seed=31, created=PIN, output=str(out),
                             record=False,
                             session="完整性测试"), STD)
    return out


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def report(r):
    """Return the JSON report of a failed review (the error line follows it)."""
    assert r.output.endswith("}\n错误：审核不合格。\n"), r.output
    return json.loads(r.output[:r.output.rindex("}") + 1])


def manifest(folder):
    return json.loads((folder / "4A-T-31-01.json").read_text(encoding="utf-8"))


def copy(theory, tmp_path):
    dst = tmp_path / "forms"
    shutil.copytree(theory, dst)
    return dst


def rewrite_embedded(path, change):
    """Rewrite the manifest embedded in a docx (the JSON in customXml) with change(dict)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("customXml/item") and b"<manifest>" in data:
                text = data.decode("utf-8")
                start = text.index("<manifest>") + len("<manifest>")
                end = text.index("</manifest>")
                m = json.loads(text[start:end])
                change(m)
                data = (text[:start] + json.dumps(m, ensure_ascii=True, separators=(",", ":")) + text[end:]).encode()
            zout.writestr(info, data)
    tmp.replace(path)


def stems(doc):
    return [p for p in doc.paragraphs if p.style.name == "ZJ 题干"]


def option_paragraphs(doc, number):
    ps = doc.paragraphs
    k = next(i for i, p in enumerate(ps) if p.style.name == "ZJ 题干" and p.text.startswith(f"{number}. "))
    out = []
    for p in ps[k + 1:]:
        if p.style.name != "ZJ 选项":
            break
        out.append(p)
    return out


def set_text(paragraph, text):
    for r in paragraph.runs[1:]:
        r._r.getparent().remove(r._r)
    paragraph.runs[0].text = text


def first_single(folder):
    return next(e for e in manifest(folder)["items"] if e["type"] == "single")


def verify(path):
    r = run("verify", path)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    return r.output


def test_untouched_forms_verify_and_review(theory, tmp_path):
    for name in ("4A-T-31-01-试卷.docx", "4A-T-31-01-答案.docx"):
        r = run("verify", theory / name)
        assert r.exit_code == 0 and r.output.endswith("复核通过：90 题与题库、蓝图一致。\n"), r.output
    r = run("review", theory, "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 0 and r.output.startswith("审核结论：合格\n"), r.output
    assert SEAL_KEY in manifest(theory)


def test_options_swapped_between_letters(theory, tmp_path):
    forms = copy(theory, tmp_path)
    paper = forms / "4A-T-31-01-试卷.docx"
    e = first_single(forms)
    doc = Document(str(paper))
    ps = option_paragraphs(doc, e["number"])
    lines = [p.text.split("\t") for p in ps]
    parts = [x for line in lines for x in line]
    a, b = parts[0][2:], parts[1][2:]
    parts[0], parts[1] = f"A．{b}", f"B．{a}"
    k = 0
    for p, line in zip(ps, lines):
        set_text(p, "\t".join(parts[k:k + len(line)]))
        k += len(line)
    doc.save(str(paper))
    out = verify(paper)
    assert f"第 {e['number']} 题 {e['id']} 的选项 A 为「A．{b[:38]}" in out
    assert f"第 {e['number']} 题 {e['id']} 的选项 B 为「B．{a[:38]}" in out


def test_option_text_and_stem_tail_edited(theory, tmp_path):
    forms = copy(theory, tmp_path)
    paper = forms / "4A-T-31-01-试卷.docx"
    items = manifest(forms)["items"]
    doc = Document(str(paper))
    e = items[30]
    stem = next(p for p in stems(doc) if p.text.startswith(f"{e['number']}. "))
    set_text(stem, stem.text[:-1] + "吗")  # only the last character
    e2 = next(x for x in items if x["type"] == "multiple")
    opt = option_paragraphs(doc, e2["number"])[-1]
    set_text(opt, opt.text + "等")
    doc.save(str(paper))
    out = verify(paper)
    assert f"试卷中第 {e['number']} 题 {e['id']} 的题干为「" in out
    assert f"试卷中第 {e2['number']} 题 {e2['id']} 的选项" in out


def test_item_deleted_or_moved(theory, tmp_path):
    forms = copy(theory, tmp_path)
    paper = forms / "4A-T-31-01-试卷.docx"
    items = manifest(forms)["items"]
    doc = Document(str(paper))
    gone = items[4]  # a judge item: one paragraph
    p = next(p for p in stems(doc) if p.text.startswith(f"{gone['number']}. "))
    p._p.getparent().remove(p._p)
    doc.save(str(paper))
    out = verify(paper)
    assert f"试卷中第 {gone['number']} 题 {gone['id']} 的题干起缺少按题库应有的 1 处文字" in out

    shutil.copy(theory / "4A-T-31-01-试卷.docx", paper)
    doc = Document(str(paper))
    a, b = (next(p for p in stems(doc) if p.text.startswith(f"{n}. ")) for n in (2, 3))
    ta, tb = a.text, b.text
    set_text(a, "2. " + tb.split(" ", 1)[1])
    set_text(b, "3. " + ta.split(" ", 1)[1])
    doc.save(str(paper))
    out = verify(paper)
    assert f"试卷中第 2 题 {items[1]['id']} 的题干为「" in out and f"试卷中第 3 题 {items[2]['id']} 的题干为「" in out


def test_section_heading_count_edited(theory, tmp_path):
    forms = copy(theory, tmp_path)
    paper = forms / "4A-T-31-01-试卷.docx"
    doc = Document(str(paper))
    h = next(p for p in doc.paragraphs if p.style.name == "ZJ 大题标题" and "单项选择题" in p.text)
    set_text(h, h.text.replace("每题1分", "每题2分"))
    doc.save(str(paper))
    assert "试卷中大题标题为「二、单项选择题" in verify(paper)


def test_manifest_permutation_and_answer_rewritten_together(theory, tmp_path):
    forms = copy(theory, tmp_path)
    e = first_single(forms)
    perm = "DCBA"

    def change(m):
        x = next(i for i in m["items"] if i["number"] == e["number"])
        item = BANK.get(x["id"])
        x["permutation"] = perm
        x["answer"] = "ABCD"[perm.index(item.answer)]

    paper = forms / "4A-T-31-01-试卷.docx"
    rewrite_embedded(paper, change)
    out = verify(paper)
    assert "不一致：试卷清单的完整性校验码与清单内容及其所列试题在题库中的内容不符" in out
    assert f"第 {e['number']} 题 {e['id']} 的选项顺序按种子 31 应为 {e['permutation'] or '原顺序'}" in out
    # the paper itself is unchanged, so it now disagrees with its rewritten manifest too
    assert f"试卷中第 {e['number']} 题 {e['id']} 的选项" in out


def test_key_table_and_manifest_rewritten_together(theory, tmp_path):
    forms = copy(theory, tmp_path)
    key = forms / "4A-T-31-01-答案.docx"
    e = first_single(forms)
    new = "A" if e["answer"] != "A" else "B"
    doc = Document(str(key))
    for t in doc.tables:
        rows = t.rows
        for r0, r1 in zip(rows, rows[1:]):
            cells = [c.text for c in r0.cells]
            if cells[0] == "题号" and str(e["number"]) in cells:
                cell = r1.cells[cells.index(str(e["number"]))]
                cell.paragraphs[0].runs[0].text = new
    doc.save(str(key))

    def change(m):
        x = next(i for i in m["items"] if i["number"] == e["number"])
        x["answer"] = new
        item = BANK.get(x["id"])
        letters = [k for k, _ in item.options]
        perm = list(x["permutation"] or "".join(letters))
        # move the bank's answer to the new letter, as a forger would
        i, j = perm.index(item.answer), "ABCD".index(new)
        perm[i], perm[j] = perm[j], perm[i]
        x["permutation"] = "".join(perm)

    rewrite_embedded(key, change)
    out = verify(key)
    assert "试卷清单的完整性校验码与清单内容及其所列试题在题库中的内容不符" in out
    assert f"第 {e['number']} 题 {e['id']} 的选项顺序按种子 31 应为" in out

    # the folder: its manifest and paper disagree with the key, reported as such, naming the item
    r = run("review", forms, "--format", "json", "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 1, r.output
    d = report(r)
    assert len(d["forms"]) == 1 and d["overlap"] == [[90]]
    reasons = d["forms"][0]["reasons"]
    assert (f"4A-T-31-01-答案.docx 与 4A-T-31-01.json 的试卷清单不一致：第 {e['number']} 题 {e['id']} 的选项顺序、答案不同"
            f"（答案 {e['answer']} / {new}）") in reasons
    assert f"4A-T-31-01-答案.docx：答案文档中第 {e['number']} 题的答案为「{new}」，按题库应为「{e['answer']}」" in reasons
    assert not any("相同试题" in x for x in d["reasons"])


def test_folder_review_reads_the_documents(theory, tmp_path):
    forms = copy(theory, tmp_path)
    paper = forms / "4A-T-31-01-试卷.docx"
    e = manifest(forms)["items"][10]
    doc = Document(str(paper))
    stem = next(p for p in stems(doc) if p.text.startswith(f"{e['number']}. "))
    set_text(stem, stem.text.replace(stem.text[5:9], "改写文字"))
    doc.save(str(paper))
    r = run("review", forms, "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 1
    assert f"  不合格原因：4A-T-31-01-试卷.docx：试卷中第 {e['number']} 题 {e['id']} 的题干为「" in r.output


def test_rewritten_json_manifest_alone_fails(theory, tmp_path):
    forms = copy(theory, tmp_path)
    m = manifest(forms)
    a, b = m["items"][0], m["items"][1]
    a["id"], b["id"] = b["id"], a["id"]  # reorder two items of the same section
    (forms / "4A-T-31-01.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    r = run("review", forms / "4A-T-31-01.json", "--format", "json", "--ledger", tmp_path / "none.sqlite")
    assert r.exit_code == 1
    reasons = report(r)["forms"][0]["reasons"]
    assert "试卷清单的完整性校验码与清单内容及其所列试题在题库中的内容不符：清单在组卷后被改写，或所列试题在题库中已被修改" in reasons
    assert f"第 1 题按种子 31 应为 {a['id'] if False else b['id']}，清单中为 {a['id']}（试题顺序被改动）" in reasons

    del m[SEAL_KEY]
    (forms / "4A-T-31-01.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    r = run("review", forms / "4A-T-31-01.json", "--format", "json", "--ledger", tmp_path / "none.sqlite")
    assert "试卷清单没有完整性校验码（integrity），无法证明清单未被改写" in report(r)["forms"][0]["reasons"]


def test_skill_documents_are_compared(tmp_path):
    out = tmp_path / "s"
    generate(GenerateRequest(level="4", direction="A", kind="skill", seed=5, created=PIN, output=str(out),
                             record=False), STD)
    sheet = out / "4A-S-5-01-评分记录表.docx"
    r = run("verify", sheet)
    assert r.exit_code == 0, r.output
    doc = Document(str(sheet))
    cell = next(c for t in doc.tables for row in t.rows for c in row.cells if c.text.endswith(" 分"))
    cell.paragraphs[0].runs[0].text = "99 分"
    doc.save(str(sheet))
    out_text = verify(sheet)
    assert "评分记录表中第 1 题" in out_text and "的表格为「99 分」" in out_text
