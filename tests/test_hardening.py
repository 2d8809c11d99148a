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

from assembler.bank.loader import forget_read_banks, load_bank
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
    session = Session(name=HOSTILE[0], date="2026-06-01", entries=())
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


def _task_materials(std, real_bank):
    from assembler.bank.models import Material
    from assembler.bank.task_files import materials_workbook
    task = replace(real_bank.get("S4-SJYH-02"), materials=(Material("表1 " + HOSTILE[0], ("项目", HOSTILE[1]),
                                                                    ((HOSTILE[2], 42), ("@SUM(A1)", "-丁"))),))
    return materials_workbook(task, CREATED), {"表1 " + HOSTILE[0], HOSTILE[1], HOSTILE[2], "@SUM(A1)", "-丁"}, CREATED_STAMP


WRITERS = {"bank export": _bank_export, "review": _review, "bank stats": _bank_stats, "blueprint": _blueprint,
           "score results": _score_results, "analysis": _analysis, "answer template": _answer_template,
           "tag review": _tag_review, "batch summary": _batch_summary, "panel template": _panel_template,
           "platform": _platform, "task materials": _task_materials}


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
    assert users == ["bank/excel_io.py", "bank/tag_review.py", "bank/task_files.py", "batch.py", "render/platform_xlsx.py", "review_panel.py",
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
    forget_read_banks()  # this test is about the parse cache under the in-process memo
    warm, warm_problems = read_bank([src], std)
    assert warm == cold and warm_problems == cold_problems
    # a crafted entry (a pickle that would run code) is never executed: it is not JSON, so it is rebuilt
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for e in entries:
        e.write_bytes(pickle.dumps(Payload()))
    forget_read_banks()
    again, _ = read_bank([src], std)
    assert again == cold and not marker.exists()
    # a folder open to others is closed again
    cache.chmod(0o755)
    forget_read_banks()
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
        f"[错误] {p}：YAML 文件被拒绝读取：YAML 中的别名（&锚点 / *引用）展开后超过 100000 个节点，"
        "疑似“别名炸弹”，拒绝读取（请直接写出内容，不用别名）"]


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


# ---- the malformed-input corpus: every loader, through the CLI -------------------------------------------
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

import corpus  # noqa: E402

CORPUS_ROOT = Path(tempfile.mkdtemp(prefix="zujuan-corpus-"))
CASES = {name: (args, needle) for name, args, needle in corpus.build(CORPUS_ROOT)}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _remove_corpus() -> None:
    (CORPUS_ROOT / "只读").chmod(0o755)
    shutil.rmtree(CORPUS_ROOT, ignore_errors=True)


atexit.register(_remove_corpus)


@pytest.fixture(scope="module")
def corpus_root():
    (CORPUS_ROOT / "只读").chmod(0o555)
    yield CORPUS_ROOT
    (CORPUS_ROOT / "只读").chmod(0o755)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_gives_a_chinese_message_and_no_traceback(name, corpus_root, monkeypatch):
    import os

    from click.testing import CliRunner

    from assembler.cli import main
    args, needle = CASES[name]
    if "只读" in name and os.geteuid() == 0:
        pytest.skip("running as root: a read-only folder is still writable")
    monkeypatch.chdir(corpus_root)  # default outputs (ledger, output/) would land here and be seen
    before = _tree(corpus_root)
    result = CliRunner().invoke(main, args)
    out = result.output
    assert result.exit_code != 0, out
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in out and "内部错误" not in out, out
    assert CJK.search(out), out
    assert needle in out, out
    assert _tree(corpus_root) == before, _tree(corpus_root) - before  # nothing written


# ---- validation gaps, each class with its exact message --------------------------------------------------
def _problems(tmp_path, std, name: str, data: bytes | str) -> list[str]:
    from assembler.bank.loader import read_bank
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    _, problems = read_bank([p], std)
    return [str(x).replace(str(p), name) for x in problems if x.severity == "error"]


@pytest.mark.parametrize("field,value,shown,label,top", [
    ("points", ".nan", "nan", "配分", 100), ("points", ".inf", "inf", "配分", 100),
    ("points", "1e308", "1e308", "配分", 100), ("points", "9" * 40, "9" * 20 + "…", "配分", 100),
    ("duration", ".inf", "inf", "考核时间（分钟）", 600), ("duration", "-5", "-5", "考核时间（分钟）", 600),
])
def test_task_numbers_must_be_finite_and_in_range(tmp_path, std, field, value, shown, label, top):
    assert _problems(tmp_path, std, "t.yaml", corpus._yaml_task(**{field: value})) == [
        f"[错误] t.yaml，第 1 项，字段 {field}：题目 YT-1：{label}「{shown}」应为不大于 {top} 的正数"]


def test_item_numbers_must_be_finite(tmp_path, std):
    assert _problems(tmp_path, std, "a.yaml", corpus._yaml_item(difficulty=".nan", p_value=".inf")) == [
        "[错误] a.yaml，第 1 项，字段 difficulty：题目 Y-1：难度「nan」无效（修改建议：填写 1～5 的整数（1 最易，5 最难），留空默认为 3）",
        "[错误] a.yaml，第 1 项，字段 p_value：题目 Y-1：通过率「inf」应为 0～1 之间的小数（修改建议：如 0.65，或留空）"]


def test_ids_equal_under_nfkc_and_case_are_duplicates_and_odd_characters_refused(tmp_path, std):
    text = corpus._yaml_item(id="abc-1") + corpus._yaml_item(id="ABC-1")[len("items:\n"):] \
        + corpus._yaml_item(id="ａｂｃ-１", stem="另一道题的题干（    ）。")[len("items:\n"):] \
        + corpus._yaml_item(id='"Y\\u200b-2"', stem="第四道题的题干（    ）。")[len("items:\n"):]
    assert _problems(tmp_path, std, "ids.yaml", text) == [
        "[错误] ids.yaml，第 3 项，字段 id：题目 ａｂｃ-１：题号「ａｂｃ-１」含有全角、控制或不可见字符"
        "（U+FF11、U+FF41、U+FF42、U+FF43）（修改建议：改写为「abc-1」）",
        "[错误] ids.yaml，第 4 项，字段 id：题目 Y\u200b-2：题号「Y?-2」含有全角、控制或不可见字符（U+200B）"
        "（修改建议：题号只用半角字母、数字、连字符和汉字）",
        "[错误] ids.yaml，第 2 项，字段 题号：题号 ABC-1 重复（与 abc-1 仅大小写或全角、半角不同，视为同一题号）"
        "（首次出现在 ids.yaml，第 1 项）（修改建议：每道题的题号必须唯一）",
        "[错误] ids.yaml，第 3 项，字段 题号：题号 ａｂｃ-１ 重复（与 abc-1 仅大小写或全角、半角不同，视为同一题号）"
        "（首次出现在 ids.yaml，第 1 项）（修改建议：每道题的题号必须唯一）"]


def test_workbook_with_a_missing_sheet_part_is_refused_not_emptied(tmp_path, std):
    data = corpus._zip_edit(corpus._bank_workbook(std), drop=("xl/worksheets/sheet1.xml",))
    assert _problems(tmp_path, std, "b.xlsx", data) == [
        "[错误] b.xlsx：工作簿已损坏：缺少工作表「题目」的内容（xl/worksheets/sheet1.xml），其中的行无法读取"
        "（修改建议：用 zujuan bank template 生成模板后填写，另存为 .xlsx）"]


def test_rubric_and_material_problems_point_at_their_own_sheet_and_column(tmp_path, std):
    good = corpus._bank_workbook(std)
    assert _problems(tmp_path, std, "r.xlsx", corpus._cells_edit(good, "评分标准", {"C1": "要素名称"})) == [
        "[错误] r.xlsx，工作表「评分标准」，第 1 行：缺少必需的列：评分要素（另有无法识别的列：要素名称）"
        "（修改建议：第 1 行应为模板中的列名；可用 zujuan bank template 重新生成模板）",
        "[错误] r.xlsx，工作表「操作题」，第 2 行，「评分标准」列：评分标准为空"
        "（修改建议：每道操作题需要 4–8 条评分要素，配分之和等于试题配分）"]
    assert _problems(tmp_path, std, "p.xlsx", corpus._cells_edit(good, "评分标准", {"D2": "二十", "B3": "第二"})) == [
        "[错误] p.xlsx，工作表「评分标准」，第 3 行，「序号（B列）」列：序号「第二」应为数字（修改建议：填写 1、2、3 … 表示评分要素的顺序）",
        "[错误] p.xlsx，工作表「评分标准」，第 2 行，「配分（D列）」列：第 2 条评分要素的配分「二十」应为不大于 100 的正数",
        "[错误] p.xlsx，工作表「操作题」，第 2 行，「评分标准」列：评分标准配分合计 20 分，与试题配分 40 分不符"
        "（修改建议：调整各评分要素的配分）"]
    assert _problems(tmp_path, std, "m.xlsx", corpus._cells_edit(good, "材料", {"D1": "类型"})) == [
        "[错误] m.xlsx，工作表「材料」，第 1 行：缺少必需的列：行类型（另有无法识别的列：类型）"
        "（修改建议：第 1 行应为模板中的列名；可用 zujuan bank template 重新生成模板）"]


def test_scalar_rubric_and_materials_in_yaml(tmp_path, std):
    assert _problems(tmp_path, std, "s.yaml", corpus._yaml_task(rubric="5", materials="abc")) == [
        "[错误] s.yaml，第 1 项，字段 materials：题目 YT-1：材料应为列表（每份材料有 caption、columns、rows）"
        "（修改建议：参见 question_bank/FORMAT.md）",
        "[错误] s.yaml，第 1 项，字段 rubric：题目 YT-1：评分标准应为列表（每条有 element、points、standard）"
        "（修改建议：参见 question_bank/FORMAT.md）"]


def test_session_file_values_each_named(tmp_path):
    from assembler.batch import load_session
    from assembler.errors import DataError
    p = tmp_path / "s.yaml"
    p.write_text("session: '" + "长" * 101 + "'\ndate: '2026-02-30'\ncreated: 不是时间\navoid_sessions: abc\nbank: 5\n"
                 "entries:\n  - {level: 四级, direction: A, kind: theory, forms: 2.7, seed: -5, max_overlap: abc}\n"
                 "  - {level: 四级, direction: A, kind: theory, seed: 99999999999999999999}\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_session(p)
    assert [str(x).replace(str(p), "s.yaml") for x in exc.value.problems] == [
        "[错误] s.yaml，字段 session：场次名称过长（101 个字符，最多 100 个）",
        "[错误] s.yaml，字段 date：日期「2026-02-30」不是存在的日期",
        "[错误] s.yaml，字段 created：生成时间「不是时间」不是 ISO 8601 时间（如 2026-06-01T09:00:00+08:00）",
        "[错误] s.yaml，字段 avoid_sessions：avoid_sessions「abc」应为 0～10000 的整数",
        "[错误] s.yaml，字段 bank：bank 应为题库路径或路径的列表",
        "[错误] s.yaml，第 1 项，字段 entries.forms：forms「2.7」应为 1～100 的整数",
        "[错误] s.yaml，第 1 项，字段 entries.seed：seed「-5」应为 0～9223372036854775807 的整数",
        "[错误] s.yaml，第 1 项，字段 entries.max_overlap：max_overlap「abc」应为 0～10000 的整数",
        "[错误] s.yaml，第 2 项，字段 entries.seed：seed「99999999999999999999」应为 0～9223372036854775807 的整数"]
    p.write_text("session: x\ndate: 2026-13-45\nentries: []\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_session(p)
    assert str(exc.value.problems[0]).endswith("不是合法的 YAML：第 2 行的日期「2026-13-45」不存在（应写成存在的 YYYY-MM-DD）")


@pytest.mark.parametrize("args,message", [
    (["--seed", "-1"], "错误：种子 -1 超出范围：应为 0～9223372036854775807 的整数（--seed）。"),
    (["--seed", str(2 ** 70)], f"错误：种子 {2 ** 70} 超出范围：应为 0～9223372036854775807 的整数（--seed）。"),
    (["--created", "昨天"], "错误：生成时间「昨天」不是 ISO 8601 时间（如 2026-06-01T09:00:00+08:00）（--created）。"),
    (["--date", "2026-02-30"], "错误：场次日期「2026-02-30」不是存在的日期（--date）。"),
    (["--max-overlap", "-3"], "错误：最多重复题数「-3」应为 0～10000 的整数（--max-overlap）。"),
    (["--difficulty", "3±nan"], "错误：难度目标「3±nan」无效：填平均难度（如 3 或 3.2±0.2）、易:中:难比例（如 3:5:2），"
                                "或平均通过率（如 p=0.65±0.05）。"),
])
def test_generate_option_values_refused_before_anything(tmp_path, args, message):
    from click.testing import CliRunner

    from assembler.cli import main
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", "--level", "4", "--direction", "A", "--kind", "theory",
                                  "--ledger", str(tmp_path / "l.sqlite"), "-o", str(out)] + args)
    assert r.exit_code == 2 and r.output == message + "\n"
    assert not out.exists() and not (tmp_path / "l.sqlite").exists()


def test_split_file_naming_an_unknown_function(tmp_path):
    from click.testing import CliRunner

    from assembler.cli import main
    split = tmp_path / "split.yaml"
    split.write_text("不存在的功能: {1.1: 10}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--no-ledger",
                                  "-o", str(tmp_path / "out"), "--split", str(split)])
    assert r.exit_code == 2
    assert r.output == ("错误：分值拆分含有本蓝图没有的职业功能 不存在的功能；可用 职业道德、基础知识、市场分析、内容创作、"
                        "数据优化。\n")


def test_direction_at_levels_two_and_one_is_said_to_be_ignored(tmp_path):
    from click.testing import CliRunner

    from assembler.cli import main
    r = CliRunner().invoke(main, ["generate", "--level", "2", "--direction", "A", "--kind", "theory", "--no-ledger",
                                  "--no-docx", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "提示：二级/技师 各职业方向共用一张鉴定要素细目表，--direction A 已忽略。"


def test_an_unexpected_error_is_a_message_not_a_traceback(monkeypatch):
    from click.testing import CliRunner

    import assembler.bank as bank
    from assembler.cli import main

    def broken(*args, **kwargs):
        raise RuntimeError("模拟的缺陷")

    monkeypatch.setattr(bank, "read_bank", broken)
    monkeypatch.delenv("ZUJUAN_DEBUG", raising=False)
    r = CliRunner().invoke(main, ["bank", "validate"])
    assert r.exit_code == 70 and isinstance(r.exception, SystemExit)
    assert r.output == ("错误：内部错误（RuntimeError：模拟的缺陷）。这是 zujuan 的缺陷，请附上命令与输入文件报告；"
                        "设置环境变量 ZUJUAN_DEBUG=1 可看到详细信息。\n")
    monkeypatch.setenv("ZUJUAN_DEBUG", "1")
    r = CliRunner().invoke(main, ["bank", "validate"])
    assert isinstance(r.exception, RuntimeError)


def test_formula_like_text_survives_export_and_reimport(tmp_path, std):
    """Bank export → read back: every stem, option and explanation is the text written, not a formula."""
    from assembler.bank.excel_io import write_workbook
    from assembler.bank.loader import read_bank
    items = [replace(hostile_bank().items[1], id="H-S-2", stem=HOSTILE[0] + "（    ）。"), *hostile_bank().items]
    items = [replace(x, function="数据优化", code="6.1.1") if x.function == "数据分析" else x for x in items]
    p = tmp_path / "export.xlsx"
    p.write_bytes(write_workbook(items, [], std))
    back, problems = read_bank([p], std)
    assert [x for x in problems if x.severity == "error"] == []
    assert [(x.id, x.stem, x.options, x.explanation) for x in back.items] == \
        [(x.id, x.stem, x.options, x.explanation) for x in items]


def test_results_workbook_gives_back_the_names_it_was_given(tmp_path):
    from assembler.writers.results import read_results, results_xlsx
    results, _ = _results(hostile_form())
    p = tmp_path / "成绩.xlsx"
    p.write_bytes(results_xlsx(results))
    back = read_results(p)
    assert [(c.id, c.name) for fr in back.forms for c in fr.candidates] == \
        [(c.id, c.name) for fr in results.forms for c in fr.candidates]
    assert any(c.name.startswith("=HYPERLINK") for fr in back.forms for c in fr.candidates)


def test_a_ledger_query_never_creates_the_ledger(tmp_path):
    from click.testing import CliRunner

    from assembler.cli import main
    led = tmp_path / "无.sqlite"
    r = CliRunner().invoke(main, ["ledger", "show", "某场", "--ledger", str(led)])
    assert r.exit_code == 1 and r.output == f"错误：查询失败（1 个错误）：\n[错误] {led}：使用记录文件不存在\n"
    assert not led.exists()
