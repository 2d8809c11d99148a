"""CLI and batch: --format docx,pdf,moodle,qti,xlsx and a session entry's formats key."""
import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from assembler.bank import load_bank
from assembler.cli import main

PIN = "2026-01-01T00:00:00+00:00"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_generate_machine_formats_without_word(tmp_path):
    out = tmp_path / "out"
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--forms", 2, "--seed", 5,
            "--created", PIN, "--no-ledger", "--format", "moodle,qti", "--format", "xlsx", "-o", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "4A-T-5-01-moodle.xml", "4A-T-5-01-qti.zip", "4A-T-5-01.json", "4A-T-5-02-moodle.xml", "4A-T-5-02-qti.zip",
        "4A-T-5-02.json", "4A-T-5-考试系统导入.xlsx"]


def test_unknown_and_unsuitable_formats_are_refused_before_anything(tmp_path):
    out = tmp_path / "out"
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--no-ledger", "--format", "docx,doc",
            "-o", out)
    assert r.exit_code == 2  # InputError
    assert r.output == "错误：未知的输出格式：doc（可选：docx、pdf、moodle、qti、xlsx）\n"
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "skill", "--no-ledger", "--format", "qti",
            "-o", out)
    assert r.exit_code == 2  # InputError
    assert r.output == "错误：输出格式 qti（QTI 2.1 内容包）不适用于操作技能考试。\n"
    assert not out.exists()


def test_pdf_without_libreoffice_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out, led = tmp_path / "out", tmp_path / "l.sqlite"
    r = run("generate", "--level", "4", "--direction", "A", "--kind", "theory", "--ledger", led, "--format",
            "docx,pdf", "-o", out)
    assert r.exit_code == 2  # InputError
    assert r.output.startswith("错误：输出格式 pdf 需要系统程序 soffice，本机未安装。请先安装 LibreOffice")
    assert not out.exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_batch_puts_exports_with_the_keys(tmp_path, monkeypatch):
    # where each export lands is under test here; the conversion itself is test_pdf's (real LibreOffice there),
    # so a stand-in converter records what batch hands over and answers with a PDF per document
    from assembler.render import pdf

    handed: list[list[str]] = []

    def convert(documents, workers=None):
        handed.append(sorted(documents))
        return {pdf.pdf_name(name): b"%PDF-1.7 " + name.encode() for name in documents}

    monkeypatch.setattr(pdf, "docx_to_pdf", convert)
    spec = tmp_path / "s.yaml"
    spec.write_text("session: 导出场\ndate: 2026-12-12\nentries:\n"
                    "  - {level: 四级, direction: 直播运营, kind: theory, forms: 1, seed: 11,"
                    " formats: 'docx,pdf,moodle,qti,xlsx'}\n"
                    "  - {level: 一级, kind: skill, forms: 1, seed: 12, formats: [pdf]}\n", encoding="utf-8")
    r = run("batch", spec, "-o", tmp_path / "out", "--no-ledger")
    assert r.exit_code == 0, r.output
    folder = tmp_path / "out" / "导出场"
    with zipfile.ZipFile(folder / "导出场-试卷.zip") as z:
        manifest = json.loads((folder / "清单" / "1-S-12-01.json").read_text(encoding="utf-8"))
        bank = load_bank()
        handouts = [f"1-S-12-01-{e['id']}-材料.xlsx" for e in manifest["items"] if bank.get(e["id"]).materials]
        assert handouts  # the skill paper hands out its tasks' tables whatever the format
        assert sorted(z.namelist()) == sorted(["1-S-12-01-试卷.pdf", "4C-T-11-01-试卷.docx", "4C-T-11-01-试卷.pdf",
                                               *handouts])
    with zipfile.ZipFile(folder / "导出场-答案及评分.zip") as z:
        assert sorted(z.namelist()) == ["1-S-12-01-评分记录表.pdf", "4C-T-11-01-moodle.xml", "4C-T-11-01-qti.zip",
                                        "4C-T-11-01-答案.docx", "4C-T-11-01-答案.pdf", "4C-T-11-01-考试系统导入.xlsx"]
        assert z.read("4C-T-11-01-答案.pdf") == "%PDF-1.7 4C-T-11-01-答案.docx".encode()
    # one conversion at the end of the batch, of every Word document of the entries that ask for pdf
    assert handed == [["1-S-12-01-评分记录表.docx", "1-S-12-01-试卷.docx", "4C-T-11-01-答案.docx", "4C-T-11-01-试卷.docx"]]
