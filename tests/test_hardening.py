"""Hardening (issue 11): every workbook writes formula-like text as text and carries pinned times;
hostile inputs give a Chinese message, never a traceback."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from exportutil import CREATED, hostile_bank, hostile_form, real_forms
from lxml import etree
from openpyxl import load_workbook

from assembler.bank.loader import load_bank
from assembler.blueprint import build_blueprint
from assembler.xlsx import FORMULA_START, workbook_bytes

HOSTILE = ('=HYPERLINK("http://evil.example","点我")', "+1+1", "-2-2", "@SUM(A1)", "\t=1+1", "\r=1+1")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EPOCH_STAMP = (2000, 1, 1, 0, 0, 0)
CREATED_STAMP = (2026, 1, 1, 0, 0, 0)


@pytest.fixture(scope="module")
def real_bank():
    return load_bank()


def workbook_texts(data: bytes) -> tuple[list, set[str]]:
    """Return (formula elements found in any sheet, every text value read back with openpyxl)."""
    formulas = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                formulas += etree.fromstring(z.read(name)).findall(".//m:f", NS)
    texts: set[str] = set()
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    texts.add(c.value)
                    if c.value.startswith(FORMULA_START):
                        assert c.quotePrefix, (ws.title, c.coordinate, c.value)
    return formulas, texts


def zip_stamps(data: bytes) -> set[tuple]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.date_time for i in z.infolist()}


def core_times(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
    return set(re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core))


# ---- every workbook writer, with hostile text wherever the user's text reaches it -----------------
def _bank_export(std, real_bank):
    from assembler.bank.excel_io import write_workbook
    items = [replace(it, stem=h + "题干（    ）。") if i == 0 else it for i, it in enumerate(hostile_bank().items)
             for h in [HOSTILE[0]]]
    return write_workbook(items, [], std), {HOSTILE[0] + "题干（    ）。", "=SUM(A1)+1", "-丁", "@戊"}, EPOCH_STAMP


def _review(std, real_bank):
    from assembler.review import LoadedForm, review_forms
    from assembler.writers.review import review_xlsx
    form = replace(real_forms(std, real_bank, n=1)[0], title=HOSTILE[0])
    review = review_forms([LoadedForm(form, HOSTILE[1])], real_bank, std)
    return review_xlsx(review), {HOSTILE[0]}, CREATED_STAMP


def _bank_stats(std, real_bank):
    from assembler.bank.stats import bank_stats
    from assembler.writers.bank_stats import stats_xlsx
    return stats_xlsx(bank_stats(hostile_bank(), std), std), set(), EPOCH_STAMP


def _blueprint(std, real_bank):
    from assembler.writers.blueprint import blueprint_xlsx
    return blueprint_xlsx(build_blueprint(std, "4", "A", "theory"), std), set(), EPOCH_STAMP


def _results_rows(form, names):
    header = ["准考证号", "姓名", "试卷编号"] + [str(e.number) for e in form.entries]
    rows = [(1, header)]
    for k, name in enumerate(names):
        answers = [e.answer if (k + j) % 3 else "" for j, e in enumerate(form.entries)]
        rows.append((k + 2, [f"=ID{k}" if k == 0 else f"2026{k:04d}", name, form.code] + answers))
    return rows


def _results(form):
    from assembler.score import score_rows
    names = [HOSTILE[k % len(HOSTILE)] + f"考生{k}" for k in range(24)]
    return score_rows(_results_rows(form, names), {form.code: form}), {HOSTILE[0] + "考生0", "=ID0"}


def _score_results(std, real_bank):
    from assembler.writers.results import results_xlsx
    results, texts = _results(hostile_form())
    return results_xlsx(results), texts, CREATED_STAMP


def _analysis(std, real_bank):
    from assembler.analyze import analyze_results
    from assembler.writers.analysis import analysis_xlsx
    results, _ = _results(hostile_form())
    return analysis_xlsx(analyze_results(results)), set(), EPOCH_STAMP


def _answer_template(std, real_bank):
    from assembler.score import template_xlsx
    form = replace(hostile_form(), code="=4A-T-9-01")
    return template_xlsx({form.code: form}), set(), CREATED_STAMP


def _tag_review(std, real_bank):
    from assembler.bank.models import Status
    from assembler.bank.tag_review import write_review_workbook
    draft = replace(hostile_bank().items[1], status=Status.DRAFT)
    return write_review_workbook([draft], [[]], std, "4"), {draft.stem}, EPOCH_STAMP


def _batch_summary(std, real_bank):
    from assembler.batch import Session, _summary_xlsx
    session = Session(HOSTILE[0], "2026-06-01", ())
    rows = [["四级", "A", "理论", "=4A", 90, 1, "@file", "合格"]]
    return _summary_xlsx(session, rows), {f"{HOSTILE[0]} 试卷汇总", "=4A", "@file"}, (2026, 5, 31, 16, 0, 0)


def _panel_template(std, real_bank, tmp_path):
    from assembler.review_panel import write_panel_template
    p = tmp_path / "评分表.xlsx"
    write_panel_template(p, "=SET", 3, [("-论文", 40), ("@答辩", 60)])
    return p.read_bytes(), {"=SET"}, EPOCH_STAMP


def _platform(std, real_bank):
    from assembler.render.platform_xlsx import render_platform_xlsx
    return render_platform_xlsx([hostile_form()], hostile_bank()), {"=SUM(A1)+1", "-丁", "@戊"}, CREATED_STAMP


WRITERS = {"bank export": _bank_export, "review": _review, "bank stats": _bank_stats, "blueprint": _blueprint,
           "score results": _score_results, "analysis": _analysis, "answer template": _answer_template,
           "tag review": _tag_review, "batch summary": _batch_summary, "panel template": _panel_template,
           "platform": _platform}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_workbook_writes_formula_text_as_text_with_pinned_times(name, std, real_bank, tmp_path):
    make = WRITERS[name]
    args = (std, real_bank, tmp_path) if name == "panel template" else (std, real_bank)
    data, expected, stamp = make(*args)
    formulas, texts = workbook_texts(data)
    assert formulas == []
    assert expected <= texts, expected - texts
    # no wall clock: every zip entry and the document properties carry the pinned time
    assert zip_stamps(data) == {stamp}
    iso = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp)
    assert core_times(data) == {iso}
    if name == "panel template":
        (tmp_path / "评分表.xlsx").unlink()
    assert make(*args)[0] == data


def test_every_writer_is_in_the_walk():
    """A new workbook writer must save through assembler.xlsx.workbook_bytes (and join WRITERS)."""
    root = Path(__file__).resolve().parent.parent / "assembler"
    savers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                    if re.search(r"\bwb\.save\(|save_workbook\(|ExcelWriter\(", p.read_text(encoding="utf-8")))
    assert savers == ["xlsx.py"]
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if "workbook_bytes(" in p.read_text(encoding="utf-8") and p.name != "xlsx.py")
    assert users == ["bank/excel_io.py", "bank/tag_review.py", "batch.py", "render/platform_xlsx.py", "review_panel.py",
                     "score.py", "writers/analysis.py", "writers/bank_stats.py", "writers/blueprint.py",
                     "writers/results.py", "writers/review.py"]  # one per entry of WRITERS
    assert len(users) == len(WRITERS)


def test_workbook_bytes_text_round_trip():
    from openpyxl import Workbook
    wb = Workbook()
    for i, text in enumerate(HOSTILE, 1):
        wb.active.cell(i, 1, text)
    wb.active.cell(len(HOSTILE) + 1, 1, 42)
    data = workbook_bytes(wb, CREATED)
    formulas, texts = workbook_texts(data)
    assert formulas == [] and texts == set(HOSTILE)
    assert load_workbook(io.BytesIO(data)).active.cell(len(HOSTILE) + 1, 1).value == 42


def test_review_docx_carries_the_forms_time(std, real_bank):
    from docx import Document

    from assembler.review import LoadedForm, review_forms
    from assembler.writers.review import review_docx
    form = real_forms(std, real_bank, n=1)[0]
    review = review_forms([LoadedForm(form, "x.json")], real_bank, std)
    data = review_docx(review)
    assert zip_stamps(data) == {CREATED_STAMP}
    props = Document(io.BytesIO(data)).core_properties
    assert props.created.isoformat()[:19] == props.modified.isoformat()[:19] == "2026-01-01T00:00:00"
    assert review_docx(review) == data


# ---- the parse cache: JSON, private ------------------------------------------------------------------
def test_parse_cache_is_json_private_and_round_trips(tmp_path, monkeypatch, std):
    import os
    import pickle
    import stat

    from assembler.bank.excel_io import write_workbook
    from assembler.bank.loader import read_bank

    cache = tmp_path / "cache"
    monkeypatch.setenv("ZUJUAN_CACHE", str(cache))
    src = tmp_path / "bank"
    src.mkdir()
    (src / "b.xlsx").write_bytes(write_workbook(list(hostile_bank().items), [], std))
    (src / "a.yaml").write_text("items:\n- id: Y-1\n  type: judge\n  level: '4'\n  function: 内容创作\n"
                                "  code: 2.1.1\n  stem: 日期 2026-01-02 之前的判断题陈述。\n  answer: √\n"
                                "  note: 2026-01-02\n", encoding="utf-8")
    cold, cold_problems = read_bank([src], std)
    entries = sorted(cache.iterdir())
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert [e.suffix for e in entries] == [".json", ".json"]
    warm, warm_problems = read_bank([src], std)
    assert warm == cold and warm_problems == cold_problems
    # a crafted entry (a pickle that would run code) is never executed: it is not JSON, so it is rebuilt
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for e in entries:
        e.write_bytes(pickle.dumps(Payload()))
    again, _ = read_bank([src], std)
    assert again == cold and not marker.exists()
    # a folder open to others is closed again
    cache.chmod(0o755)
    read_bank([src], std)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


# ---- YAML: alias bombs --------------------------------------------------------------------------------
ALIAS_BOMB = ('items: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]\n'
              + "".join(f"k{i}: &k{i} [" + ",".join([f"*{'a' if i == 0 else f'k{i - 1}'}"] * 9) + "]\n"
                        for i in range(8)))


def test_alias_bomb_refused_quickly_with_a_clear_message():
    import time

    import yaml

    from assembler.yaml_safe import ALIAS_EXPANSION_LIMIT, YAMLRefused, load_yaml
    t0 = time.perf_counter()
    with pytest.raises(YAMLRefused) as exc:
        load_yaml(ALIAS_BOMB)
    assert time.perf_counter() - t0 < 5  # a generous bound: it used to take minutes and end in MemoryError
    assert str(exc.value) == (f"YAML 中的别名（&锚点 / *引用）展开后超过 {ALIAS_EXPANSION_LIMIT} 个节点，"
                              "疑似“别名炸弹”，拒绝读取（请直接写出内容，不用别名）")
    assert isinstance(exc.value, yaml.YAMLError)
    with pytest.raises(YAMLRefused, match="引用自身"):
        load_yaml("a: &x [1, *x]\n")
    # ordinary anchors and merge keys still work
    assert load_yaml("b: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n") == {"b": {"x": 1}, "c": {"x": 1, "y": 2}}


def test_alias_bomb_in_a_bank_file_is_a_located_problem(tmp_path, std):
    from assembler.bank.loader import read_bank
    p = tmp_path / "bomb.yaml"
    p.write_text(ALIAS_BOMB, encoding="utf-8")
    _, problems = read_bank([p], std)
    assert [str(x) for x in problems] == [
        f"[错误] {p}：YAML 语法错误：YAML 中的别名（&锚点 / *引用）展开后超过 100000 个节点，"
        "疑似“别名炸弹”，拒绝读取（请直接写出内容，不用别名）（修改建议：检查缩进、冒号后的空格和引号是否成对）"]


def test_every_yaml_read_goes_through_load_yaml():
    root = Path(__file__).resolve().parent.parent / "assembler"
    direct = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                    if re.search(r"yaml\.(safe_)?load(_all)?\(|yaml\.(C?Safe|Full|Unsafe)?Loader\b", p.read_text(encoding="utf-8"))
                    and p.name != "yaml_safe.py")
    assert direct == []


# ---- batch reviews the Word documents it writes ----------------------------------------------------------
def test_batch_review_checks_the_word_documents(tmp_path, monkeypatch):
    """A paper rendered from other stems than the bank's (a renderer fault) fails the batch's own review."""
    import json

    from click.testing import CliRunner

    import assembler.render as render
    from assembler.bank.models import Bank
    from assembler.cli import main

    original = render.render_theory_paper

    def faulty_paper(form, bank):
        first = form.entries[0].id
        edited = Bank(tuple(replace(x, stem="被改动的题干（    ）。") if x.id == first else x for x in bank.items),
                      bank.tasks, bank.sources)
        return original(form, edited)

    monkeypatch.setattr(render, "render_theory_paper", faulty_paper)
    spec = tmp_path / "s.yaml"
    spec.write_text("session: 文档审核\ndate: 2026-12-12\nentries:\n"
                    "  - {level: 四级, direction: 直播运营, kind: theory, forms: 1, seed: 11}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["batch", str(spec), "-o", str(out), "--no-ledger"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1] == "审核：0 套合格，1 套不合格：4C-T-11-01"
    report = json.loads((out / "文档审核" / "审核" / "01-4C-theory-审核.json").read_text(encoding="utf-8"))
    reasons = report["forms"][0]["reasons"]
    assert any(x.startswith("4C-T-11-01-试卷.docx：") and "第 1 题" in x for x in reasons), reasons
    assert not any("答案.docx" in x for x in reasons), reasons
