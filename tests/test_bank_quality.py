"""命题质量: cue figures, the emphasis mark for negations, and how papers print it."""
import io
import json

from docx import Document

from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.bank import load_bank, quality, read_bank
from assembler.bank.quality import (
    MULTIPLE_ALL_BUT_ONE_MAX,
    SINGLE_STRICTLY_LONGEST_MAX,
    bank_cues,
    cue_figures,
    plain_text,
    unmarked_negation,
)
from assembler.bank.stats import bank_stats, stats_text
from assembler.blueprint import build_blueprint
from assembler.render import render_form_documents
from assembler.structure import ItemType
from tests.bankutil import judge, multiple, single

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_cue_figures_count_each_cue():
    long_key = single("S-1", "4", "内容创作", "2.1.1")
    long_key = long_key.__class__(**{**long_key.__dict__, "options": (("A", "一个明显更长的正确选项"), ("B", "短"),
                                                                        ("C", "短些"), ("D", "也短"))})
    tied = single("S-2", "4", "内容创作", "2.1.1")  # options of equal length: tied, not strictly longest
    items = [long_key, tied,
             multiple("M-1", "4", "内容创作", "2.1.1", answer="ABCD"),  # five options, four keyed
             multiple("M-2", "4", "内容创作", "2.1.1", answer="AC"),
             judge("J-1", "4", "内容创作", "2.1.1", answer="×"),
             judge("J-2", "4", "内容创作", "2.1.1", answer="√")]
    items[4] = items[4].__class__(**{**items[4].__dict__, "stem": "直播复盘只需看成交额。"})
    q = cue_figures("t", items)
    assert (q.single, q.single_strictly_longest, q.single_longest_or_tied) == (2, 1, 2)
    assert (q.multiple, q.multiple_all_but_one, q.multiple_key_sizes) == (2, 1, {4: 1, 2: 1})
    assert (q.judge, q.judge_false, q.absolute, q.absolute_false) == (2, 1, 1, 1)
    d = q.to_dict()
    assert d["single_key_strictly_longest"] == 0.5 and d["multiple_all_but_one"] == 0.5


def test_negation_needs_the_emphasis_mark():
    plain = single("N-1", "4", "内容创作", "2.1.1")
    plain = plain.__class__(**{**plain.__dict__, "stem": "下列做法不正确的是（    ）。"})
    marked = plain.__class__(**{**plain.__dict__, "stem": "下列做法**不**正确的是（    ）。"})
    term = plain.__class__(**{**plain.__dict__, "stem": "下列安排中，违反不相容职务分离原则的是（    ）。"})
    assert unmarked_negation(plain) == "不正确的是（"
    assert unmarked_negation(marked) == "" and unmarked_negation(term) == ""
    assert plain_text(marked.stem) == plain.stem


def test_validate_warns_about_an_unmarked_negative_stem(tmp_path):
    p = tmp_path / "L4-NRCZ.yaml"
    p.write_text("items:\n  - id: L4-NRCZ-901\n    type: single\n    level: 4\n    function: 内容创作\n"
                 "    code: \"2.1.1\"\n    stem: 下列选项中，不属于短视频脚本类型的是（    ）。\n"
                 "    options: {A: 分镜头脚本, B: 拍摄提纲, C: 文学脚本, D: 财务报表}\n    answer: D\n",
                 encoding="utf-8")
    _, problems = read_bank([p])
    assert [(x.severity, x.column, x.message) for x in problems] == [
        ("warning", "stem", "题目 L4-NRCZ-901：否定式题干「不属于短视频脚本类型的是（」中的「不」未加着重标记，考生容易看漏")]
    assert problems[0].hint == "写成 **不**，试卷上印为加粗加着重号"


def test_papers_print_the_marked_negation_bold_with_emphasis_dots(std):
    bank = load_bank(None, std)
    marked = {it.id for it in bank.items if "**" in it.stem}
    assert len(marked) >= 25
    bp = build_blueprint(std, "4", "A", "theory")
    forms = assemble_forms(bank, bp, 2, 2026, AssemblyOptions(created="2026-01-01T00:00:00+00:00"), std)
    seen = 0
    for form in forms:
        doc = Document(io.BytesIO(render_form_documents(form, bank, std)[f"{form.code}-试卷.docx"]))
        numbers = {e.number for e in form.entries if e.id in marked}
        for p in doc.paragraphs:
            if p.style.name != "ZJ 题干" or int(p.text.split(".")[0]) not in numbers:
                continue
            assert "**" not in p.text
            emphasised = [r for r in p.runs if r._r.find(f"{W}rPr/{W}em") is not None]
            assert [r.text for r in emphasised] == ["不"] and all(r.bold for r in emphasised)
            seen += 1
    assert seen == sum(1 for f in forms for e in f.entries if e.id in marked) > 0


def test_stats_report_the_quality_section(std):
    bank = load_bank(None, std)
    stats = bank_stats(bank, std)
    d = json.loads(json.dumps(stats.to_dict()))
    whole = d["quality"]["bank"]
    assert whole["single"] == sum(1 for it in bank.items if it.type is ItemType.SINGLE)
    assert whole["negative_unmarked"] == []
    assert {f["name"] for f in d["quality"]["files"]} >= {"JC-JCZS.yaml", "L4-NRCZ.yaml"}
    text = stats_text(stats, std)
    assert "命题质量（考生可利用的线索" in text


def test_shipped_bank_cues_are_at_chance(std):
    """The shipped bank meets the cue targets of issues 16 and 19 (single, multiple, negations)."""
    whole, _ = bank_cues(load_bank(None, std).items)
    assert whole.single_strictly_longest / whole.single <= SINGLE_STRICTLY_LONGEST_MAX
    assert whole.multiple_all_but_one / whole.multiple <= MULTIPLE_ALL_BUT_ONE_MAX
    assert {2, 3, 4} <= set(whole.multiple_key_sizes)
    assert whole.negative_unmarked == ()


def test_absolute_wording_is_not_the_appraisal_term():
    from assembler.bank.quality import ABSOLUTE

    assert ABSOLUTE.search("这种方法属于按绝对标准评价") is None
    assert ABSOLUTE.search("绝对评价与相对评价") is None
    assert ABSOLUTE.search("这种做法绝对不会被限流") is not None


def test_an_explanation_that_names_options_by_letter_is_warned(tmp_path, std):
    """Options are shuffled on the paper, so 「A 符合要求」「B 把……弄反了」 in an explanation would point at the
    wrong option; the FAB model's 「A是……的作用」 and 「A/B测试」 are not letter references."""
    head = ("items:\n  - id: L2-NRCZ-901\n    type: single\n    level: 2\n    function: 内容创作\n    code: \"2.1.1\"\n"
            "    stem: 某笔记点击率低、收藏率高，应优先优化（    ）。\n"
            "    options: {A: 首图和标题, B: 正文, C: 发布时间, D: 话题标签}\n    answer: A\n")
    warned = {}
    for n, text in enumerate(["点击率低说明首图标题不吸引人；B 把两个指标对应的环节弄反了。",
                              "A 符合“先看首图标题”的浏览顺序。",
                              "FAB中F是属性，A是属性带来的作用；可用A/B测试验证首图标题的效果。"]):
        p = tmp_path / f"L2-NRCZ-{n}.yaml"
        p.write_text(head + f"    explanation: {text}\n", encoding="utf-8")
        _, problems = read_bank([p], std)
        warned[n] = [x.column for x in problems if "按字母引用选项" in x.message]
    assert warned == {0: ["explanation"], 1: ["explanation"], 2: []}


def _with(item, **fields):
    return item.__class__(**{**item.__dict__, **fields})


def test_stem_echo_on_the_key_alone_is_suspected():
    base = single("E-1", "4", "内容创作", "2.1.1")
    echo = _with(base, stem="短视频封面设计时，首先要考虑的是（    ）。", answer="B",
                 options=(("A", "画面色彩是否鲜艳"), ("B", "封面能否传达视频主题"), ("C", "字体是否统一"), ("D", "人物是否居中")))
    shared = _with(echo, options=(("A", "视频画面色彩"), ("B", "封面能否传达视频主题"), ("C", "字体是否统一"), ("D", "人物是否居中")))
    distractor = _with(echo, answer="A")
    assert quality.stem_echoes(echo) == {"B": frozenset({"封面", "视频"})}
    assert quality.echo_on_key_only(echo) == frozenset({"封面", "视频"})
    # 「视频」 is repeated by two options, so it is no cue; 「封面」 still is
    assert quality.echo_on_key_only(shared) == frozenset({"封面"})
    assert quality.echo_on_key_only(distractor) == frozenset()
    q = cue_figures("t", [echo, _with(distractor, id="E-2")])
    assert (q.single_echo, q.single_echo_key) == (2, 1)
    assert [(c.kind, c.item_id, c.note) for c in q.review_list] == [(quality.ECHO_ON_KEY, "E-1", "封面、视频")]


def test_reasoned_statements_and_all_but_one_are_listed_for_review():
    true = _with(judge("J-1", "4", "内容创作", "2.1.1", answer="√"), stem="剪辑时应先粗剪再精剪，以便尽早确定整体结构。")
    false = _with(judge("J-2", "4", "内容创作", "2.1.1", answer="×"), stem="应先精剪再粗剪，而不是先搭结构。")
    abo = multiple("M-1", "4", "内容创作", "2.1.1", answer="ABCD")
    q = cue_figures("t", [true, false, abo])
    assert (q.reasoned, q.reasoned_false) == (2, 1)
    assert [(c.kind, c.item_id) for c in q.review_list] == [(quality.REASONED_TRUE, "J-1"), (quality.ALL_BUT_ONE, "M-1")]
    assert q.review_list[0].note == "以便"
    assert q.review_list[1].note.startswith("E. ")
    d = q.to_dict()
    assert d["reasoned_false"] == 0.5 and d["review_list"][0] == {"kind": "自带理由的正确陈述", "id": "J-1", "note": "以便"}


def test_echo_target_needs_a_sample():
    q = quality.CueFigures(name="t", single_echo=20, single_echo_key=10)
    assert q.findings() == []
    q = quality.CueFigures(name="t", single_echo=60, single_echo_key=30)
    assert q.findings() == ["单选题中只有一个选项重复题干用词时，该项是正确项的占 50%（应不超过 30%）"]


def test_shipped_bank_echo_is_below_chance_and_review_list_reaches_the_workbook(std, tmp_path):
    from openpyxl import load_workbook

    from assembler.writers.bank_stats import stats_xlsx

    bank = load_bank(None, std)
    stats = bank_stats(bank, std)
    whole = stats.quality[0]
    assert whole.single_echo_key / whole.single_echo <= quality.SINGLE_ECHO_KEY_MAX
    text = stats_text(stats, std)
    assert f"{quality.ALL_BUT_ONE} {len(whole.suspects(quality.ALL_BUT_ONE))} 题" in text
    ws = load_workbook(io.BytesIO(stats_xlsx(stats, std)))["线索复核清单"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(c.kind, c.item_id) for c in whole.review_list]
