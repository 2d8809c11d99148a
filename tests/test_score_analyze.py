"""Scoring and item analysis on a real generated form, with candidates simulated by a 2PL model."""
from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from assembler.analyze import analyze_results
from assembler.bank.models import FALSE_MARK, LETTERS, TRUE_MARK
from assembler.cli import main
from assembler.errors import InputError
from assembler.form import load_manifest, manifest_json
from assembler.score import score_rows
from assembler.structure import ItemType
from assembler.writers.analysis import analysis_json, analysis_xlsx
from assembler.writers.results import read_results, results_xlsx
from tests.xlsxutil import sheet_chart_count

N = 300
MISKEY, UNANSWERABLE = 25, 40  # item numbers (single-choice section)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("forms")
    r = CliRunner().invoke(main, ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--seed", "7",
                                  "--no-docx", "--no-ledger", "-o", str(d)])
    assert r.exit_code == 0, r.output
    path = next(d.glob("*.json"))
    form = load_manifest(path)
    # the true keys simulate the candidates; the manifest gets one wrong key (the planted miskey)
    true = [e.answer for e in form.entries]
    e = form.entries[MISKEY - 1]
    assert e.type is ItemType.SINGLE
    wrong = next(x for x in LETTERS[:len(e.permutation)] if x != e.answer)
    entries = list(form.entries)
    entries[MISKEY - 1] = replace(e, answer=wrong)
    form = replace(form, entries=tuple(entries))
    path.write_text(manifest_json(form), encoding="utf-8")
    rng = np.random.default_rng(20261202)
    k = len(true)
    theta = rng.normal(size=N)
    a = rng.uniform(0.8, 2.0, size=k)
    b = rng.normal(scale=0.8, size=k)
    prob = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    knows = rng.random((N, k)) < prob
    knows[:, UNANSWERABLE - 1] = False
    rows = [(1, ["准考证号", "姓名", "试卷编号"] + [str(i) for i in range(1, k + 1)])]
    expected = np.zeros((N, k), dtype=int)
    for c in range(N):
        cells = []
        for j, ent in enumerate(form.entries):
            n_opt = len(ent.permutation) if ent.permutation else (0 if ent.type is ItemType.JUDGE else 4)
            if ent.type is ItemType.JUDGE:
                ans = true[j] if knows[c, j] else (TRUE_MARK if rng.random() < 0.5 else FALSE_MARK)  # a guess
            elif knows[c, j]:
                ans = true[j]
            else:
                wrongs = [x for x in LETTERS[:n_opt] if x not in true[j]]
                ans = wrongs[rng.integers(len(wrongs))] if rng.random() > 0.1 else ""
            if j == UNANSWERABLE - 1 and rng.random() < 0.3:
                ans = ""
            expected[c, j] = int(ans == ent.answer)
            shown = {"√": "对", "×": "F"}.get(ans, ans.lower()[::-1]) if c % 2 else ans  # aliases, case, order
            cells.append(shown)
        rows.append((c + 2, [f"2026{c:05d}", f"考生{c}", form.code] + cells))
    return d, form, rows, expected


def test_scoring_is_exact(setup):
    d, form, rows, expected = setup
    res = score_rows(rows, {form.code: form}, "登记表.xlsx", "答题登记")
    fr = res.forms[0]
    assert (fr.correct == expected).all()
    pts = np.array([e.points for e in form.entries])
    assert np.allclose(fr.totals, expected @ pts)
    back = read_results_roundtrip(res, d)
    assert (back.forms[0].correct == expected).all()


def read_results_roundtrip(res, d):
    p = d / "成绩表.xlsx"
    p.write_bytes(results_xlsx(res))
    return read_results(p)


def test_statistics_match_numpy_and_planted_items_are_flagged(setup):
    d, form, rows, expected = setup
    a = analyze_results(score_rows(rows, {form.code: form}))
    fa = a.forms[0]
    pts = np.array([e.points for e in form.entries])
    x = expected * pts
    total = x.sum(axis=1)
    k = len(pts)
    assert fa.candidates == N and fa.warning == ""
    assert fa.mean == pytest.approx(total.mean(), abs=1e-4)
    assert fa.sd == pytest.approx(np.std(total, ddof=1), abs=1e-4)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    assert fa.kr20 == pytest.approx(alpha, abs=1e-4)
    assert fa.sem == pytest.approx(np.std(total, ddof=1) * np.sqrt(1 - alpha), abs=1e-3)
    g = round(0.27 * N)
    order = sorted(range(N), key=lambda i: -total[i])  # stable: ties in sheet order
    up, lo = order[:g], order[-g:]
    for it in fa.items:
        j = it.number - 1
        assert it.p == pytest.approx(expected[:, j].mean(), abs=1e-4)
        rest = total - x[:, j]
        if expected[:, j].std() > 0:
            assert it.r_pb == pytest.approx(np.corrcoef(expected[:, j], rest)[0, 1], abs=1e-4)
        assert it.d == pytest.approx(expected[up, j].mean() - expected[lo, j].mean(), abs=1e-4)
    by = {i.number: i for i in fa.items}
    assert "miskey" in [c for c, _ in by[MISKEY].flags]
    assert by[MISKEY].r_pb < 0
    assert [c for c, _ in by[UNANSWERABLE].flags][:1] == ["too_hard"]
    assert by[UNANSWERABLE].p == 0 and by[UNANSWERABLE].omitted > 0
    miskeys = [i.number for i in fa.items if any(c == "miskey" for c, _ in i.flags)]
    assert miskeys == [MISKEY], [(by[m].p, by[m].r_pb, by[m].options, by[m].upper, by[m].flags) for m in miskeys]
    data = json.loads(analysis_json(a))
    assert data["form"] == form.code and data["candidates"] == N
    assert {"number", "id", "p", "r_pb", "d", "options", "omitted", "flags"} <= set(data["items"][0])
    assert data["items"][MISKEY - 1]["flags"][0].startswith("疑似答案错误")
    assert analysis_xlsx(a)[:2] == b"PK"


def test_too_few_candidates_refused(setup):
    d, form, rows, expected = setup
    with pytest.raises(InputError, match="少于 20 人"):
        analyze_results(score_rows(rows[:15], {form.code: form}))
    fa = analyze_results(score_rows(rows[:51], {form.code: form})).forms[0]
    assert "少于 100 人" in fa.warning


def test_bad_cells_reported_and_nothing_written(setup, tmp_path):
    d, form, rows, expected = setup
    bad = [list(r) for _, r in rows[:4]]
    bad[1][2] = "NOPE-01"  # unknown form
    bad[2][0] = bad[3][0]  # duplicate 准考证号
    judge = next(i for i, e in enumerate(form.entries) if e.type is ItemType.JUDGE)
    single = next(i for i, e in enumerate(form.entries) if e.type is ItemType.SINGLE and len(e.permutation) == 4)
    bad[3][3 + single] = "E"
    bad[3][3 + judge] = "也许"
    path = tmp_path / "登记表.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(bad)
    out = tmp_path / "成绩表.xlsx"
    r = CliRunner().invoke(main, ["score", str(path), "--forms", str(d), "-o", str(out)])
    assert r.exit_code == 1
    assert "工作表「CSV」，第 2 行，「试卷编号（C列）」列：试卷编号「NOPE-01」不在试卷清单文件夹中" in r.output
    assert "第 4 行，「准考证号（A列）」列：准考证号 202600002 重复（另见第 3 行）" in r.output
    assert f"第 4 行，「{single + 1}（" in r.output and "含 E" in r.output
    assert "判断题答案「也许」无法识别" in r.output
    assert not out.exists()


def test_cli_template_score_analyze(setup, tmp_path):
    d, form, rows, expected = setup
    runner = CliRunner()
    tpl = tmp_path / "答题登记表.xlsx"
    r = runner.invoke(main, ["score", "--template", "--forms", str(d), "-o", str(tpl)])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook
    ws = load_workbook(tpl)["答题登记"]
    assert [c.value for c in ws[1]][:4] == ["准考证号", "姓名", "试卷编号", "1"]
    from openpyxl import Workbook
    sheet = tmp_path / "answers.xlsx"
    book = Workbook()
    book.active.title = "答题登记"
    for _, r in rows[:121]:
        book.active.append(r)
    book.save(sheet)
    out = tmp_path / "成绩表.xlsx"
    r = runner.invoke(main, ["score", str(sheet), "--forms", str(d), "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert sheet_chart_count(out, "分数分布") >= 1 and wb["成绩"].cell(1, 4).value == "总分"
    assert wb["成绩"].cell(2, wb["成绩"].max_column).value in ("合格", "不合格")
    r = runner.invoke(main, ["analyze", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["candidates"] == 120
    rep = tmp_path / "分析.xlsx"
    r = runner.invoke(main, ["analyze", str(out), "--format", "xlsx", "-o", str(rep)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(rep)
    assert sheet_chart_count(rep, f"题目分析 {form.code}") >= 1 and sheet_chart_count(rep, f"干扰项 {form.code}") >= 1


def test_update_bank_shows_diff_then_writes_with_yes(setup, tmp_path):
    import shutil

    from assembler.bank import load_bank
    from assembler.bank.models import Status
    from assembler.standard import PACKAGE_ROOT

    d, form, rows, expected = setup
    bank = tmp_path / "bank"
    bank.mkdir()
    for name in sorted({e.id.rsplit("-", 1)[0] for e in form.entries}):  # the files the form's items come from
        shutil.copy(PACKAGE_ROOT / "question_bank" / "theory" / f"{name}.yaml", bank)
    results = tmp_path / "成绩表.xlsx"
    results.write_bytes(results_xlsx(score_rows(rows, {form.code: form})))
    ledger = tmp_path / "ledger.sqlite"
    before = {p.name: p.read_text(encoding="utf-8") for p in bank.glob("*.yaml")}
    args = ["analyze", str(results), "--update-bank", "--mark-review", "--bank", str(bank), "--ledger", str(ledger)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    miskey_id = form.entries[MISKEY - 1].id
    assert f"{miskey_id}：通过率 — → " in r.output and "状态 → 待审（疑似答案错误" in r.output
    assert "加 --yes 写入" in r.output
    assert before == {p.name: p.read_text(encoding="utf-8") for p in bank.glob("*.yaml")}
    r = CliRunner().invoke(main, args + ["--yes"])
    assert r.exit_code == 0, r.output
    items = {it.id: it for it in load_bank([bank]).items}
    p = expected[:, MISKEY - 1].mean()
    assert items[miskey_id].p_value == pytest.approx(p, abs=1e-3) and items[miskey_id].p_count == N
    assert items[miskey_id].status is Status.REVIEW
    easy = form.entries[0]
    assert items[easy.id].p_count == N
    # a second session pools: counts add up
    CliRunner().invoke(main, args + ["--yes"])
    assert load_bank([bank]).items[[it.id for it in load_bank([bank]).items].index(easy.id)].p_count == 2 * N
    r = CliRunner().invoke(main, ["ledger", "show", miskey_id, "--ledger", str(ledger)])
    assert r.exit_code == 0 and "分析：300 人，通过率" in r.output and "疑似答案错误" in r.output


def test_docx_report_has_native_charts_and_flagged_items(setup, tmp_path):
    """The Word report, read back: statistics table, one scatter, a bar chart per flagged item whose
    literal values are the option counts, and the same bytes for the same results."""
    import io
    import zipfile

    from docx import Document

    from assembler.render.analysis_doc import render_analysis

    d, form, rows, expected = setup
    a = analyze_results(score_rows(rows, {form.code: form}))
    fa = a.forms[0]
    data = render_analysis(a)
    assert render_analysis(a) == data
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"试卷 {form.code}" in text and f"需审题目（{len(fa.flagged)} 题）" in text
    assert f"第 {MISKEY} 题" in text and "疑似答案错误" in text
    stats = doc.tables[0]
    assert [c.text for c in stats.rows[1].cells][:4] == [str(N), str(len(form.entries)), "100", f"{fa.mean:.2f}"]
    items_table = doc.tables[-1]
    assert len(items_table.rows) == len(form.entries) + 1
    row = items_table.rows[MISKEY].cells
    assert row[0].text == str(MISKEY) and "疑似答案错误" in row[8].text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("word/charts/"))
        assert len(charts) == 1 + len(fa.flagged)
        ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
        from lxml import etree
        scatter = etree.fromstring(z.read("word/charts/chart1.xml"))
        xs = [float(v) for v in scatter.xpath("//c:xVal//c:v/text()", namespaces=ns)]
        assert sorted(xs) == sorted(i.p for i in fa.items if i.r_pb is not None)
        order = [i.number for i in fa.flagged]
        bar = etree.fromstring(z.read(f"word/charts/chart{2 + order.index(MISKEY)}.xml"))
        whole = bar.xpath("//c:ser[1]//c:val//c:v/text()", namespaces=ns)
        item = next(i for i in fa.items if i.number == MISKEY)
        assert [int(float(v)) for v in whole] == [item.options[x] for x in item.options] + [item.omitted]
    out = tmp_path / "分析.docx"
    r = CliRunner().invoke(main, ["analyze", str(read_results_path(setup, tmp_path)), "--format", "docx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert Document(str(out)).paragraphs[0].text == "职业技能等级认定理论知识考试题目分析报告"


def read_results_path(setup, tmp_path):
    d, form, rows, expected = setup
    p = tmp_path / "成绩表.xlsx"
    p.write_bytes(results_xlsx(score_rows(rows, {form.code: form})))
    return p
