"""Tag suggestions (issue 12 §4): the suggester, the review workbook and applying it to drafts."""
import glob
from dataclasses import replace

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from assembler.bank import load_bank
from assembler.bank.suggest import Scope, TagSuggester, check_scope
from assembler.bank.tag_review import (
    ACCEPT_COL,
    CODE_SHEET,
    FIX_COL,
    REVIEW_SHEET,
    apply_review,
    parse_token,
    read_decisions,
    write_review_workbook,
)
from assembler.cli import main
from assembler.errors import DataError, InputError
from assembler.standard import Kind, load_standard

STD = load_standard()


@pytest.fixture(scope="module")
def shipped():
    # 三级 SCFX/SJFX/SJYH and 职业道德 (about 400 items): enough for the held-out check, quick to train
    files = sorted(glob.glob("question_bank/theory/L3-S*.yaml") + glob.glob("question_bank/theory/JC-ZYDD.yaml"))
    return [it for it in load_bank(files).items if it.active]


@pytest.fixture(scope="module")
def model(shipped):
    # hold out every 10th item so the checks below are on items the model did not see
    return TagSuggester([it for k, it in enumerate(shipped) if k % 10], STD)


def _blind(it):
    return replace(it, level=None, function="", code="")


def test_held_out_items_mostly_get_their_code_in_the_top_three(model, shipped):
    probe = [it for k, it in enumerate(shipped) if k % 10 == 0]
    ranked = model.suggest([_blind(it) for it in probe], scopes=[Scope(it.level or "3") for it in probe])
    hits = sum((it.level, it.function, it.code) in [(s.level, s.function, s.code) for s in r]
               for it, r in zip(probe, ranked))
    assert hits / len(probe) > 0.75
    first = ranked[0][0]
    assert first.text and 0 < first.confidence <= 1
    assert [s.confidence for s in ranked[0]] == sorted((s.confidence for s in ranked[0]), reverse=True)


def test_direction_scope_keeps_its_functions_plus_basics(model, shipped):
    examined = {f.name for f in STD.examined_functions(Kind.THEORY, "3", "B")} | {"职业道德", "基础知识"}
    ranked = model.suggest([_blind(it) for it in shipped[:60]], Scope("3", "B"), top=3)
    assert all(s.function in examined and s.level in ("3", None) for r in ranked for s in r)
    assert {s.function for r in ranked for s in r} - {"职业道德", "基础知识"}


def test_scope_needs_a_level_for_a_direction():
    with pytest.raises(InputError, match="须同时指定等级"):
        check_scope(STD, None, "B")
    assert check_scope(STD, "三级", "视听运营") == Scope("3", "B")


def test_tokens_name_valid_codes_only():
    assert parse_token(STD, "三级 2.1.1 内容创作") == ("3", "内容创作", "2.1.1")
    assert parse_token(STD, "基本要求 2.2.6(11) 基础知识") == (None, "基础知识", "2.2.6(11)")
    with pytest.raises(InputError, match="没有相关知识要求 9.9.9"):
        parse_token(STD, "三级 9.9.9 内容创作")


DRAFTS = """items:
  - id: D-001
    type: judge
    stem: 短视频创意脚本中的台词应尽量口语化、短句化，便于出镜者自然表达。
    answer: √
    status: draft
  - id: D-002
    type: single
    stem: 依据《中华人民共和国广告法》，下列用语中可以使用的是（    ）。
    options: {A: 国家级, B: 最佳, C: 第一品牌, D: 限时优惠}
    answer: D
    status: draft
  - id: D-003
    type: judge
    stem: 直播间的场控负责在直播中调整商品上架节奏。
    answer: √
    status: draft
"""


def _review(tmp_path, model):
    drafts = [_blind(it) for it in load_bank(["question_bank/theory/L3-NRCZ.yaml"]).items[:3]]
    drafts = [replace(d, id=f"D-00{k}") for k, d in enumerate(drafts, 1)]
    data = write_review_workbook(drafts, model.suggest(drafts, Scope("3")), STD, "3")
    path = tmp_path / "review.xlsx"
    path.write_bytes(data)
    return path


def test_review_workbook_lists_suggestions_and_drop_downs(tmp_path, model):
    path = _review(tmp_path, model)
    wb = load_workbook(path)
    ws = wb[REVIEW_SHEET]
    assert [c.value for c in ws[1]][:7] == ["题号", "题型", "题干", "选项", "答案", "建议1", "建议1 要求"]
    assert ws.cell(1, ACCEPT_COL).value == "采纳" and ws.cell(1, FIX_COL).value == "改正"
    assert ws.cell(2, 1).value == "D-001"
    parse_token(STD, ws.cell(2, 6).value)  # a valid token
    assert wb[CODE_SHEET].sheet_state == "hidden"
    assert "三级 2.1.1 内容创作" in [c.value for c in wb[CODE_SHEET]["B"]]
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"1,2,3"' in formulas and f"{CODE_SHEET}!$B$2:$B${sum(1 for c in wb[CODE_SHEET]['B'] if c.value)}" in formulas


def test_accepted_and_corrected_tags_are_written_the_rest_stay_drafts(tmp_path, model):
    review = _review(tmp_path, model)
    wb = load_workbook(review)
    ws = wb[REVIEW_SHEET]
    ws.cell(2, ACCEPT_COL, "1")
    ws.cell(3, FIX_COL, "基本要求 2.2.6(2) 基础知识")
    wb.save(review)
    first = parse_token(STD, ws.cell(2, 6).value)
    bank = tmp_path / "bank"
    (bank / "theory").mkdir(parents=True)
    (bank / "theory" / "drafts.yaml").write_text(DRAFTS, encoding="utf-8")
    assert read_decisions(review, STD)[1] == 1
    res = apply_review(review, bank)
    assert (res.tagged, res.left_drafts) == (2, 1)
    recs = {r["id"]: r for r in yaml.safe_load((bank / "theory" / "drafts.yaml").read_text(encoding="utf-8"))["items"]}
    assert (recs["D-001"].get("level") and str(recs["D-001"]["level"]), recs["D-001"]["function"],
            recs["D-001"]["code"]) == first
    assert "status" not in recs["D-001"]
    assert recs["D-002"]["function"] == "基础知识" and recs["D-002"]["code"] == "2.2.6(2)" and "level" not in recs["D-002"]
    assert recs["D-003"]["status"] == "draft"


def test_bad_correction_is_refused_and_nothing_written(tmp_path, model):
    review = _review(tmp_path, model)
    wb = load_workbook(review)
    wb[REVIEW_SHEET].cell(2, ACCEPT_COL, "1")
    wb[REVIEW_SHEET].cell(3, FIX_COL, "三级 2.1.1")
    wb.save(review)
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "drafts.yaml").write_text(DRAFTS, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        apply_review(review, bank)
    assert str(exc.value).splitlines()[1] == (
        f"[错误] {review}，工作表「标注建议」，第 3 行，「改正」列：「三级 2.1.1」不是有效代码：应从下拉列表选择，"
        "如「三级 2.1.3 内容创作」（修改建议：采纳填 1/2/3，或在「改正」列从下拉列表选择代码）")
    assert (bank / "drafts.yaml").read_text(encoding="utf-8") == DRAFTS


def test_cli_suggest_tags_without_drafts(tmp_path):
    r = CliRunner().invoke(main, ["bank", "suggest-tags", "question_bank/theory/JC-ZYDD.yaml",
                                  "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 2
    assert r.output == "错误：question_bank/theory/JC-ZYDD.yaml 中没有待标注（status: draft）的题目\n"
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_import_of_a_review_workbook_applies_it(tmp_path, model):
    review = _review(tmp_path, model)
    wb = load_workbook(review)
    wb[REVIEW_SHEET].cell(4, FIX_COL, "三级 4.2.1 直播运营")
    wb.save(review)
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "drafts.yaml").write_text(DRAFTS, encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(review), "--into", str(bank)])
    assert r.exit_code == 0, r.output
    assert r.output == f"已标注 1 题，2 题仍为草稿，写入 1 个文件：\n  {bank / 'drafts.yaml'}\n"
    recs = yaml.safe_load((bank / "drafts.yaml").read_text(encoding="utf-8"))["items"]
    assert (recs[2]["level"], recs[2]["function"], recs[2]["code"]) == (3, "直播运营", "4.2.1")


def test_document_drafts_to_tagged_items_through_the_cli(tmp_path):
    bank = tmp_path / "bank"
    (bank / "theory").mkdir(parents=True)
    (bank / "theory" / "drafts.yaml").write_text(DRAFTS, encoding="utf-8")
    out = tmp_path / "review.xlsx"
    r = CliRunner().invoke(main, ["bank", "suggest-tags", str(bank), "--level", "3", "--direction", "视听运营",
                                  "--bank", "question_bank/theory/L3-NRCZ.yaml", "--bank",
                                  "question_bank/theory/JC-JCZS.yaml", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("已为 3 道草稿题生成标注建议（学习了 ")
    wb = load_workbook(out)
    ws = wb[REVIEW_SHEET]
    assert [ws.cell(k, 1).value for k in (2, 3, 4)] == ["D-001", "D-002", "D-003"]
    examined = {f.name for f in STD.examined_functions(Kind.THEORY, "3", "B")} | {"职业道德", "基础知识"}
    assert all(parse_token(STD, ws.cell(k, c).value)[1] in examined for k in (2, 3, 4) for c in (6, 9, 12))
    ws.cell(2, ACCEPT_COL, 1)
    ws.cell(3, ACCEPT_COL, 2)
    wb.save(out)
    r = CliRunner().invoke(main, ["bank", "import", str(out), "--into", str(bank)])
    assert r.exit_code == 0 and r.output.startswith("已标注 2 题，1 题仍为草稿")
    loaded = {it.id: it for it in load_bank([bank]).items}
    assert not loaded["D-001"].is_draft and not loaded["D-002"].is_draft and loaded["D-003"].is_draft
    assert loaded["D-002"].code == parse_token(STD, ws.cell(3, 9).value)[2]
