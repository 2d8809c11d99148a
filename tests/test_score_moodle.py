"""Scoring answer sheets from other systems: Moodle's responses report (matched by question and
option text, slots and choices shuffled) and sheets whose columns are keyed by 题目编号."""
import csv
import re

import numpy as np
import pytest
from click.testing import CliRunner
from lxml import etree

from assembler.bank import load_bank
from assembler.bank.models import FALSE_MARK, TRUE_MARK
from assembler.cli import main
from assembler.errors import DataError
from assembler.formats import WriteContext
from assembler.render.moodle_xml import write_moodle
from assembler.score import load_theory_forms, score_file, score_rows
from assembler.standard import load_standard
from assembler.structure import ItemType

BANK = load_bank()
N = 40


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    d = tmp_path_factory.mktemp("forms")
    r = CliRunner().invoke(main, ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--seed", "11",
                                  "--forms", "2", "--no-docx", "--no-ledger", "-o", str(d)])
    assert r.exit_code == 0, r.output
    return d, load_theory_forms(d)


def moodle_questions(form):
    """Return, from the Moodle XML zujuan exported, per question: (number, type, plain text, [(text, right)])."""
    docs = write_moodle(form, WriteContext(BANK, load_standard(), True))
    quiz = etree.fromstring(docs[0].data)
    out = []
    for q in quiz.iter("question"):
        if q.get("type") == "category":
            continue
        number = int(re.search(r"第(\d+)题", q.findtext("name/text")).group(1))
        text = re.sub(r"<[^>]+>", "", q.findtext("questiontext/text"))
        answers = [(a.findtext("text"), float(a.get("fraction")) > 0) for a in q.iter("answer")]
        out.append((number, q.get("type"), text, answers))
    return out


def moodle_report(form, rng, knows: float = 0.7):
    """Return (rows of a Moodle responses report, the letters each candidate chose by item number)."""
    qs = moodle_questions(form)
    slots = list(rng.permutation(len(qs)))  # the quiz's own slot order
    header = ["Surname", "First name", "ID number", "State", "Started on", "Completed", "Time taken", "Grade/100.00"]
    for k in range(1, len(qs) + 1):
        header += [f"Question {k}", f"Response {k}", f"Right answer {k}"]
    rows, chosen = [(1, header)], []
    by_number = {e.number: e for e in form.entries}
    for c in range(N):
        cells = ["张", f"考生{c}", f"2026{c:04d}", "Finished", "", "", "30 mins", ""]
        picks = {}
        for s in slots:
            number, qtype, text, answers = qs[s]
            e = by_number[number]
            letters = "ABCDE"[:len(answers)]
            if rng.random() < 0.1:
                resp, picked = "-", ""
            elif qtype == "truefalse":
                right = rng.random() < knows
                val = e.answer if right else (FALSE_MARK if e.answer == TRUE_MARK else TRUE_MARK)
                resp, picked = ("True" if val == TRUE_MARK else "False"), val
            else:
                k = sorted(set(rng.choice(len(answers), size=2 if qtype == "multichoiceset" else 1, replace=False)))
                if rng.random() < knows:
                    k = [j for j, (_, ok) in enumerate(answers) if ok]
                shown = list(rng.permutation(k))  # Moodle lists the chosen texts in its shuffled order
                resp = "; ".join(answers[j][0] for j in shown)
                picked = "".join(sorted(letters[j] for j in k))
            summary = text if qtype == "truefalse" else text + ": " + "; ".join(a for a, _ in answers)
            cells += [summary, resp, ""]
            picks[number] = picked
        rows.append((c + 2, cells))
        chosen.append(picks)
    rows.append((N + 2, ["Overall average", "", "", "", "", "", "", "61.2"]))
    return rows, chosen


def test_moodle_report_scores_like_the_answer_sheet(forms, tmp_path):
    d, fs = forms
    form = fs[sorted(fs)[1]]
    rows, chosen = moodle_report(form, np.random.default_rng(5))
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(r for _, r in rows)
    res = score_file(path, fs, bank=BANK)
    assert [fr.form.code for fr in res.forms] == [form.code]
    fr = res.forms[0]
    assert [c.id for c in fr.candidates] == [f"2026{c:04d}" for c in range(N)]
    assert fr.candidates[0].name == "张考生0"
    # independent: the same choices typed into zujuan's own 答题登记表 score the same
    n = len(form.entries)
    sheet = [(1, ["准考证号", "姓名", "试卷编号"] + [str(i) for i in range(1, n + 1)])]
    sheet += [(c + 2, [f"2026{c:04d}", "", form.code] + [chosen[c][i] for i in range(1, n + 1)]) for c in range(N)]
    ref = score_rows(sheet, fs).forms[0]
    assert (fr.correct == ref.correct).all()
    assert 0 < fr.correct.mean() < 1
    multiple = [e.number for e in form.entries if e.type is ItemType.MULTIPLE]
    assert any(len(chosen[c][m]) >= 2 for c in range(N) for m in multiple)


def test_moodle_report_problems_are_located(forms, tmp_path):
    d, fs = forms
    form = fs[sorted(fs)[0]]
    rows, _ = moodle_report(form, np.random.default_rng(6))
    header = rows[0][1]
    resp = header.index("Response 3")
    rows[1][1][resp] = "一个并不存在的选项"
    q = header.index("Question 5")
    rows[2][1][q] = "这道题不在任何试卷里：" + rows[2][1][q]
    rows[3][1][header.index("ID number")] = rows[4][1][header.index("ID number")]
    with pytest.raises(DataError) as ei:
        from assembler.score_moodle import moodle_rows
        moodle_rows(rows, fs, BANK, "responses.xlsx", "Sheet1")
    text = str(ei.value)
    assert "第 3 行，「Question 5（" in text and "第 5 格的题目文本与试卷清单中的任何试题都不相符" in text
    assert "第 5 行，「ID number（C列）」列：考生编号 20260003 重复（另见第 4 行" in text
    assert "第 2 行，「Response 3（" in text and "作答「一个并不存在的选项」不是试卷" in text


def test_moodle_report_without_question_text_is_refused(forms, tmp_path):
    d, fs = forms
    path = tmp_path / "responses.csv"
    path.write_text("Surname,First name,ID number,State,Response 1,Response 2\n张,三,1,Finished,True,B\n",
                    encoding="utf-8")
    out = tmp_path / "成绩表.xlsx"
    r = CliRunner().invoke(main, ["score", str(path), "--forms", str(d), "-o", str(out)])
    assert r.exit_code == 1
    assert "缺少题目文本列（Question 1、2）：下载报表时请勾选「题目文本」" in r.output
    assert not out.exists()


def test_columns_keyed_by_item_id(forms, tmp_path):
    d, fs = forms
    a, b = (fs[c] for c in sorted(fs))
    ids = sorted({e.id for e in a.entries} | {e.id for e in b.entries})
    header = ["准考证号", "姓名", "试卷编号"] + ids
    rows = [(1, header)]
    for k, form in enumerate((a, b, a)):
        keyed = {e.id: e.answer for e in form.entries}
        rows.append((k + 2, [f"X{k}", "", form.code] + [keyed.get(i, "") for i in ids]))
    res = score_rows(rows, fs)
    assert all(fr.correct.all() for fr in res.forms)
    assert sorted(len(fr.candidates) for fr in res.forms) == [1, 2]
    only_b = next(i for i in ids if i not in {e.id for e in a.entries})
    rows[1][1][header.index(only_b)] = "A"
    with pytest.raises(DataError, match=f"试卷 {a.code} 中没有题目 {only_b}，此格却有作答"):
        score_rows(rows, fs, "平台导出.xlsx", "成绩")
