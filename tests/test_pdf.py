"""PDF export through LibreOffice: read back with pypdf; refused up front when LibreOffice is absent."""
from __future__ import annotations

import io
import re
import shutil

import pytest
from pypdf import PdfReader

from assembler.bank import load_bank
from assembler.bank.quality import plain_text
from assembler.errors import InputError
from assembler.formats import WriteContext, select_writers
from assembler.render.pdf import (
    conversion_groups,
    docx_created,
    docx_to_pdf,
    pin_pdf,
    require_soffice,
    write_pdf,
)
from assembler.render.theory_paper import theory_sections
from assembler.standard import Kind
from tests.exportutil import hostile_bank, hostile_form, real_forms

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def converted(std):
    """Return a real form, its bank, the Word documents of it and of the hostile form, and their PDFs: one soffice
    process per form, the two side by side, each with a fresh profile (each launch costs about 1.5 s, so the tests
    share them)."""
    from assembler.render import render_form_documents

    bank = load_bank(None, std)
    form = real_forms(std, bank, n=1)[0]
    docs = {**render_form_documents(hostile_form(), hostile_bank(), std), **render_form_documents(form, bank, std)}
    return form, bank, docs, docx_to_pdf(docs, workers=2)


@pytest.fixture(scope="module")
def hostile_docs(converted):
    """Return the hostile form's Word documents and their PDFs, out of the shared conversion."""
    _, _, docs, pdfs = converted
    prefix = f"{hostile_form().code}-"
    return ({n: d for n, d in docs.items() if n.startswith(prefix)}, {n: d for n, d in pdfs.items() if n.startswith(prefix)})


@needs_soffice
def test_every_word_document_becomes_a_pdf_with_every_item_and_answer(std, converted, monkeypatch):
    from assembler.render import pdf

    form, bank, word, pdfs = converted
    hostile = hostile_form()
    handed = []

    def already_converted(documents, workers=None):  # the same documents the fixture converted with LibreOffice
        handed.append(sorted(documents))
        assert all(word[name] == data for name, data in documents.items())
        return {pdf.pdf_name(name): pdfs[pdf.pdf_name(name)] for name in documents}

    monkeypatch.setattr(pdf, "docx_to_pdf", already_converted)
    docs = write_pdf([form], WriteContext(bank, std))
    assert handed == [[f"{form.code}-答案.docx", f"{form.code}-试卷.docx"]]  # the form's documents, in one run
    by_name = {d.name: d for d in docs}
    assert sorted(by_name) == sorted([f"{form.code}-试卷.pdf", f"{form.code}-答案.pdf"])
    assert by_name[f"{form.code}-试卷.pdf"].group.name == "PAPERS"
    assert by_name[f"{form.code}-答案.pdf"].group.name == "KEYS"
    paper_text = pdf_text(by_name[f"{form.code}-试卷.pdf"].data)
    paper = squeeze(paper_text)
    assert form.code in paper
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", paper_text, re.M)]
    assert numbers == [e.number for e in form.entries]  # every item, in order
    for e in form.entries:
        item = bank.get(e.id)
        stem = squeeze(plain_text(item.stem)).replace("（）", "")
        assert stem[:12] in paper, e.id
        for _, option in item.options:
            assert squeeze(plain_text(option))[:10] in paper, e.id
    for sec in theory_sections(form):
        assert squeeze(sec.heading()) in paper  # the section's points, as in the manifest
    key = pdf_text(by_name[f"{form.code}-答案.pdf"].data)
    answers = [a for line in key.splitlines() if line.startswith("答案 ") for a in line.split()[1:]]
    assert answers == [e.answer for e in form.entries]  # every answer, in paper order
    text = pdf_text(pdfs[f"{hostile.code}-试卷.pdf"])
    flat = squeeze(text)  # justified lines come back with spaces between characters
    for shown in ("<b>标记</b>&实体&amp;与公式=SUM(A1)🙂", "<script>x</script>", "👍点赞<i>斜体</i>",
                  "B．=SUM(A1)+1", "&lt;已转义&gt;"):
        assert shown in flat
    assert re.search(r"🙂\s*\n\s*第二行", text)  # the line break is a line break


@needs_soffice
def test_parallel_conversions_give_the_same_pdf_dated_by_the_form(hostile_docs):
    docs, first = hostile_docs  # converted side by side with the real form's, by a process with a fresh profile
    assert sorted(first) == ["4A-T-9-01-答案.pdf", "4A-T-9-01-试卷.pdf"]
    # a later run starts from a copy of the profile the first finished run set up; it converts the same
    # documents named as a second form: byte for byte the same PDFs, so no conversion time, no random file id,
    # no file name, nothing of the process or its profile
    from assembler.render import pdf

    assert pdf._profile_template is not None and (pdf._profile_template / "user").is_dir()
    again = docx_to_pdf({name.replace("-01-", "-02-"): data for name, data in docs.items()}, workers=1)
    assert again == {name.replace("-01-", "-02-"): data for name, data in first.items()}
    created = docx_created(docs["4A-T-9-01-试卷.docx"])
    assert created and len(created) == 14
    reader = PdfReader(io.BytesIO(first["4A-T-9-01-试卷.pdf"]))
    assert reader.metadata["/CreationDate"].startswith(f"D:{created}")
    assert len(reader.pages) >= 1  # the cross-reference table still holds after the pinning


def test_each_form_is_converted_by_a_process_of_its_own():
    assert conversion_groups(["4A-T-9-02-试卷.docx", "4A-T-9-01-答案.docx", "4A-T-9-01-试卷.docx", "审核报告.docx"]) == [
        ["4A-T-9-01-答案.docx", "4A-T-9-01-试卷.docx"], ["4A-T-9-02-试卷.docx"], ["审核报告.docx"]]


def test_pinning_keeps_the_length_and_replaces_every_run_dependent_field():
    body = b"%PDF-1.7\n1 0 obj<</CreationDate(D:20261203160420Z')/ModDate(D:20261203160421Z')>>endobj\n"
    trailer = b"trailer<</ID [ <54B602D5FB179AC64CBBA34B698F7D1E>\n<54B602D5FB179AC64CBBA34B698F7D1E> ]\n" \
              b"/DocChecksum /6D12F3621F15C6FF5DEACA727B78ADEC\n>>\n%%EOF\n"
    other_run = body.replace(b"160420", b"170933").replace(b"160421", b"170934") + \
        trailer.replace(b"54B602D5", b"0A1B2C3D").replace(b"6D12F362", b"99999999")
    pinned = pin_pdf(body + trailer, "20261101010000")
    assert len(pinned) == len(body + trailer)
    assert pinned == pin_pdf(other_run, "20261101010000")
    assert b"/CreationDate(D:20261101010000Z')" in pinned and b"/ModDate(D:20261101010000Z')" in pinned
    assert b"54B602D5" not in pinned and b"6D12F362" not in pinned


def test_missing_libreoffice_is_refused_before_anything_with_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError) as exc:
        select_writers(("docx", "pdf"), Kind.THEORY)
    assert str(exc.value) == ("输出格式 pdf 需要系统程序 soffice，本机未安装。请先安装 LibreOffice，例如 Debian/Ubuntu："
                              "sudo apt-get install libreoffice-writer fonts-noto-cjk；其他系统请从 LibreOffice 官网安装，"
                              "并确认 soffice 在 PATH 中。")
    with pytest.raises(InputError, match="未找到 LibreOffice"):
        require_soffice()


def test_only_a_run_that_converted_everything_leaves_its_profile_to_copy(tmp_path, monkeypatch):
    from assembler.render import pdf

    monkeypatch.setattr(pdf, "_profile_template", None)
    failed = tmp_path / "failed"
    (failed / "user").mkdir(parents=True)
    pdf._done_with_profile(failed, converted=False)
    assert pdf._profile_template is None and not failed.exists()
    empty = pdf._new_profile()
    assert list(empty.iterdir()) == []  # nothing to copy yet: LibreOffice sets the folder up
    shutil.rmtree(empty)
    good = tmp_path / "good"
    (good / "user" / "config").mkdir(parents=True)
    pdf._done_with_profile(good, converted=True)
    assert pdf._profile_template == good
    copy = pdf._new_profile()
    assert (copy / "user" / "config").is_dir() and copy != good
    shutil.rmtree(copy)
