"""QTI 2.1 package: read back with lxml, checked structurally and field by field against the manifest.

The IMS QTI 2.1 XSD is not shipped with the tests (its licence asks distributors to register with
IMS, and it pulls in the MathML 2 schemas), so the structure the XSD prescribes for what we write
(element order, required attributes, identifier form) is checked here with lxml instead.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from lxml import etree

from assembler.bank import load_bank
from assembler.bank.models import TRUE_MARK
from assembler.bank.quality import plain_text
from assembler.render.docx_base import clean
from assembler.render.qti import CP_NS, QTI_NS, render_qti_package
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

Q = f"{{{QTI_NS}}}"
C = f"{{{CP_NS}}}"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
ITEM_ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing"]


def flow_text(el) -> str:
    """Return an element's text as shown: <br/> as a line break, <strong> as its text."""
    out = [el.text or ""]
    for child in el:
        out.append("\n" if child.tag == f"{Q}br" else flow_text(child))
        out.append(child.tail or "")
    return "".join(out)


def read_package(data: bytes):
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    manifest = etree.fromstring(z.read("imsmanifest.xml"))
    return z, names, manifest


@pytest.fixture(scope="module")
def bank(std):
    return load_bank(None, std)


@pytest.fixture(scope="module")
def form(std, bank):
    return real_forms(std, bank, n=1)[0]


def check_item_structure(item) -> None:
    assert item.tag == f"{Q}assessmentItem"
    assert item.get("adaptive") == "false" and item.get("timeDependent") == "false"
    assert NCNAME.match(item.get("identifier"))
    tags = [etree.QName(c).localname for c in item]
    assert tags == sorted(tags, key=ITEM_ORDER.index)  # the XSD's sequence
    rd = item.find(f"{Q}responseDeclaration")
    assert rd.get("identifier") == "RESPONSE" and rd.get("baseType") == "identifier"
    ci = item.find(f"{Q}itemBody/{Q}choiceInteraction")
    assert ci.get("responseIdentifier") == "RESPONSE"
    for sc in ci.findall(f"{Q}simpleChoice"):
        assert NCNAME.match(sc.get("identifier"))


def test_package_lists_every_file_and_every_item_matches_the_manifest(form, bank):
    z, names, cp = read_package(render_qti_package(form, bank))
    assert cp.tag == f"{C}manifest"
    resources = cp.findall(f"{C}resources/{C}resource")
    test_res = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
    item_res = {r.get("identifier"): r for r in resources if r.get("type") == "imsqti_item_xmlv2p1"}
    assert len(test_res) == 1 and len(item_res) == len(form.entries)
    assert {d.get("identifierref") for d in test_res[0].findall(f"{C}dependency")} == set(item_res)
    for r in resources:
        assert [f.get("href") for f in r.findall(f"{C}file")] == [r.get("href")] and r.get("href") in names
    assert json.loads(z.read("zujuan-manifest.json")) == form.to_manifest()

    test = etree.fromstring(z.read("test.xml"))
    assert test.tag == f"{Q}assessmentTest"
    assert [etree.QName(c).localname for c in test] == ["outcomeDeclaration", "timeLimits", "testPart",
                                                        "outcomeProcessing"]
    assert test.find(f"{Q}timeLimits").get("maxTime") == str(form.duration_minutes * 60)
    parts = test.findall(f"{Q}testPart")
    assert len(parts) == 1
    sections = parts[0].findall(f"{Q}assessmentSection")
    assert [s.get("title") for s in sections] == ["判断题", "单项选择题", "多项选择题"]
    refs = [ref for s in sections for ref in s.findall(f"{Q}assessmentItemRef")]
    assert float(test.find(f"{Q}outcomeDeclaration").get("normalMaximum")) == form.totals().points
    structural = {f"{Q}{t}" for t in ("assessmentTest", "testPart", "assessmentSection", "assessmentItemRef")}
    ids = [i.get("identifier") for i in test.iter() if i.tag in structural]
    assert len(ids) == len(set(ids))  # test, part, section and item identifiers are unique

    manifest = form.to_manifest()["items"]
    assert len(refs) == len(manifest)
    for ref, m in zip(refs, manifest):  # paper order
        item = etree.fromstring(z.read(ref.get("href")))
        check_item_structure(item)
        assert item.get("label") == m["id"] and item.get("identifier") == ref.get("identifier")
        bank_item = bank.get(m["id"])
        rd = item.find(f"{Q}responseDeclaration")
        correct = [v.text for v in rd.findall(f"{Q}correctResponse/{Q}value")]
        score = item.find(f"{Q}outcomeDeclaration[@identifier='SCORE']")
        assert float(score.get("normalMaximum")) == m["points"]
        awarded = item.find(f"{Q}responseProcessing/{Q}responseCondition/{Q}responseIf/{Q}setOutcomeValue/{Q}baseValue")
        assert float(awarded.text) == m["points"]
        assert item.find(f"{Q}responseProcessing//{Q}match/{Q}correct").get("identifier") == "RESPONSE"
        ci = item.find(f"{Q}itemBody/{Q}choiceInteraction")
        choices = ci.findall(f"{Q}simpleChoice")
        stem = flow_text(item.find(f"{Q}itemBody/{Q}p"))
        if m["type"] == "judge":
            assert rd.get("cardinality") == "single" and ci.get("maxChoices") == "1"
            assert correct == ["T" if m["answer"] == TRUE_MARK else "F"]
            assert stem == plain_text(judge_stem(bank_item.stem))
            continue
        assert stem == plain_text(clean(bank_item.stem).strip())
        order = m["permutation"] or "".join(k for k, _ in bank_item.options)
        texts = dict(bank_item.options)
        assert [flow_text(c) for c in choices] == [plain_text(texts[o]).strip() for o in order]
        assert [c.get("identifier") for c in choices] == list("ABCDE"[:len(order)])
        assert "".join(correct) == m["answer"]
        assert ci.get("shuffle") == ("true" if bank_item.shuffle else "false")
        if m["type"] == "multiple":
            assert rd.get("cardinality") == "multiple" and ci.get("maxChoices") == str(len(choices))
        else:
            assert rd.get("cardinality") == "single" and ci.get("maxChoices") == "1"


def test_same_form_same_bytes(form, bank):
    assert render_qti_package(form, bank) == render_qti_package(form, bank)


def test_markup_formulas_emoji_and_line_breaks_survive_as_text():
    z, names, _ = read_package(render_qti_package(hostile_form(), hostile_bank()))
    items = {etree.fromstring(z.read(n)).get("label"): etree.fromstring(z.read(n)) for n in names if n.startswith("items/")}
    single = items["H-S-1"]
    assert flow_text(single.find(f"{Q}itemBody/{Q}p")) == plain_text(HOSTILE_STEM)
    assert single.find(f"{Q}itemBody/{Q}p/{Q}strong").text == "不"
    assert single.find(f"{Q}itemBody/{Q}p/{Q}b") is None  # the bank's "<b>" is text, not an element
    assert [flow_text(c) for c in single.iter(f"{Q}simpleChoice")] == [EMOJI_OPTION, HOSTILE_OPTION, "普通选项",
                                                                      BREAK_OPTION]
    assert single.find(f"{Q}itemBody/{Q}choiceInteraction").get("shuffle") == "false"  # the item says so
    multiple = items["H-M-1"]
    assert [v.text for v in multiple.iter(f"{Q}value") if v.getparent().tag == f"{Q}correctResponse"] == list("BCE")
    assert flow_text(items["H-J-1"].find(f"{Q}itemBody/{Q}p")) == "+判断 @提及 -负号 <script>x</script>"
    for item in items.values():
        check_item_structure(item)
