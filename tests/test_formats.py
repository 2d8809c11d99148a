"""formats: a new output format is one write function plus one registry entry."""
import zipfile

import pytest

from assembler import formats
from assembler.batch import Session, SessionEntry, run_batch
from assembler.errors import InputError
from assembler.formats import Document, Group, Writer, select_writers
from assembler.generate import GenerateRequest, generate
from assembler.review import Verdict
from assembler.standard import Kind


def write_plain(form, context):
    """A toy writer: the item ids, one per line, in the keys group."""
    text = "\n".join(e.id for e in form.entries) + "\n"
    return [Document(f"{form.code}-ids.txt", Group.KEYS, text.encode("utf-8"))]


PLAIN = Writer("plain", "题号清单", ".txt", f"{__name__}:write_plain", kinds=frozenset({Kind.THEORY}))


@pytest.fixture
def with_plain(monkeypatch):
    monkeypatch.setattr(formats, "WRITERS", (*formats.WRITERS, PLAIN))


def test_a_registered_writer_is_used_by_generate_and_batch(tmp_path, with_plain):
    res = generate(GenerateRequest(level="1", direction=None, kind="theory", seed=4, output=str(tmp_path / "g"),
                                   record=False, formats=("plain",)))
    assert sorted(p.name for p in (tmp_path / "g").iterdir()) == ["1-T-4-01-ids.txt", "1-T-4-01.json"]
    ids = (tmp_path / "g" / "1-T-4-01-ids.txt").read_text(encoding="utf-8").split()
    assert ids == [e.id for e in res.forms[0].entries]
    session = Session(name="格式", date="2026-12-12", entries=(SessionEntry(level="1", direction=None, kind=Kind.THEORY,
                                                                          forms=1, structure=None, seed=4),),
                      formats=("plain",))
    out = run_batch(session, tmp_path / "b", record=False)
    folder = tmp_path / "b" / "格式"
    assert sorted(p.name for p in (folder / "答案").iterdir()) == ["1-T-4-01-ids.txt"]
    assert not (folder / "试卷").exists() and out.verdicts == (("1-T-4-01", Verdict.PASS),)
    with zipfile.ZipFile(folder / "格式-答案及评分.zip") as z:
        assert z.namelist() == ["1-T-4-01-ids.txt"]


def test_writer_choices_and_refusals(with_plain, monkeypatch):
    assert formats.writer_names() == ["docx", "pdf", "moodle", "qti", "xlsx", "plain"]
    assert formats.default_formats() == ("docx",)
    assert [w.name for w in select_writers(None, Kind.SKILL)] == ["manifest", "docx"]
    with pytest.raises(InputError, match="未知的输出格式：nope（可选：docx、pdf、moodle、qti、xlsx、plain）"):
        select_writers(("nope",), Kind.THEORY)
    with pytest.raises(InputError, match="输出格式 plain（题号清单）不适用于操作技能考试"):
        select_writers(("plain",), Kind.SKILL)
    monkeypatch.setattr(formats, "WRITERS", (*formats.WRITERS, Writer("x", "X", ".x", "m:f", needs=("no-such-prog",))))
    with pytest.raises(InputError, match="输出格式 x 需要系统程序 no-such-prog，本机未安装"):
        select_writers(("x",), Kind.THEORY)


def test_batch_entries_keep_explanations(tmp_path):
    from docx import Document as Docx

    entry = SessionEntry(level="1", direction=None, kind=Kind.THEORY, forms=1, structure=None, seed=4,
                         explanations=True)
    run_batch(Session(name="解析", date="2026-12-12", entries=(entry,)), tmp_path, record=False)
    key = Docx(tmp_path / "解析" / "答案" / "1-T-4-01-答案.docx")
    assert any("解析" in p.text for p in key.paragraphs)
