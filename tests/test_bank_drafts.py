"""Draft items (status: draft): loaded without tags, summarised by validate, counted by stats, never assembled."""
from click.testing import CliRunner

from assembler.bank import Status, load_bank, read_bank
from assembler.bank.drafts import draft_items, draft_summary, missing_tags
from assembler.bank.excel_io import write_workbook
from assembler.bank.stats import bank_stats, stats_text
from assembler.bank.yaml_io import dump_yaml_bank
from assembler.cli import main

DRAFTS = """items:
  - {id: D-1, type: single, status: draft, stem: 短视频的完播率是指（    ）。,
     options: {A: 播放完成的比例, B: 点赞数, C: 评论数, D: 转发数}, answer: A}
  - {id: D-2, type: judge, status: draft, level: 3, stem: 直播前应检查推流设备。, answer: √}
  - {id: D-3, type: judge, status: draft, level: 3, function: 直播运营, stem: 直播间应提前预热。, answer: √}
"""


def _write(tmp_path, text=DRAFTS, name="drafts.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_drafts_load_without_tag_errors(tmp_path, std):
    bank, problems = read_bank([_write(tmp_path)], std)
    assert [p for p in problems if p.severity == "error"] == []
    assert [it.id for it in draft_items(bank)] == ["D-1", "D-2", "D-3"]
    assert all(it.status is Status.DRAFT and not it.active for it in bank.items)
    assert [missing_tags(it) for it in bank.items] == [["等级", "职业功能", "鉴定点代码"], ["职业功能", "鉴定点代码"],
                                                       ["鉴定点代码"]]


def test_draft_tags_that_are_given_are_still_checked(tmp_path, std):
    p = _write(tmp_path, "items:\n  - {id: D-9, type: judge, status: draft, level: 3, function: 不存在的功能, "
                         "stem: 题干。, answer: √}\n")
    _, problems = read_bank([p], std)
    assert [p.message for p in problems if p.severity == "error"] == ["题目 D-9：三级没有职业功能「不存在的功能」"]


def test_active_item_without_tags_is_still_an_error(tmp_path, std):
    p = _write(tmp_path, "items:\n  - {id: A-1, type: judge, stem: 题干。, answer: √}\n")
    _, problems = read_bank([p], std)
    assert {p.column for p in problems if p.severity == "error"} == {"function", "code"}


def test_validate_lists_drafts_once_in_a_summary(tmp_path):
    p = _write(tmp_path)
    r = CliRunner().invoke(main, ["bank", "validate", str(p)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "待标注草稿 3 题（status: draft，尚缺等级、职业功能或鉴定点代码，不参与组卷；可运行 zujuan bank suggest-tags 获得标注建议）：",
        f"  {p}：D-1、D-2、D-3（3 题）",
        "共检查 3 道客观题、0 道操作题：0 个错误，0 个警告。"]


def test_summary_is_empty_without_drafts(std):
    assert draft_summary(load_bank(None, std)) == []


def test_drafts_round_trip_yaml_and_workbook(tmp_path, std):
    bank = load_bank([_write(tmp_path)], std)
    text = dump_yaml_bank(list(bank.items))
    assert "function" not in text.split("D-2")[1].split("D-3")[0]
    again = load_bank([_write(tmp_path, text, "again.yaml")], std)
    assert again.hash == bank.hash
    wb = tmp_path / "d.xlsx"
    wb.write_bytes(write_workbook(list(bank.items), [], std))
    back = load_bank([wb], std)
    assert [(it.id, it.status, it.level, it.function, it.code) for it in back.items] == \
        [(it.id, it.status, it.level, it.function, it.code) for it in bank.items]


def test_stats_count_drafts_outside_the_cells(tmp_path, std):
    shipped = load_bank(None, std)
    drafts = load_bank([_write(tmp_path)], std)
    from assembler.bank.models import Bank

    both = Bank(shipped.items + drafts.items, shipped.tasks)
    stats = bank_stats(both, std)
    plain = bank_stats(shipped, std)
    assert stats.drafts == ("D-1", "D-2", "D-3")
    assert stats.counts == plain.counts
    assert stats.to_dict()["drafts"] == {"count": 3, "ids": ["D-1", "D-2", "D-3"]}
    assert "其中待标注草稿 3 题（缺等级、职业功能或鉴定点代码，不参与组卷，不计入下表）" in stats_text(stats, std)


def test_assembly_never_uses_drafts(std):
    from dataclasses import replace

    from assembler.assemble import assemble_forms
    from assembler.bank.models import Bank
    from assembler.blueprint import build_blueprint
    from assembler.standard import Kind

    shipped = load_bank(None, std)
    # a fully tagged draft copy of every item: only the active originals may be chosen
    copies = tuple(replace(it, id="DRAFT-" + it.id, status=Status.DRAFT) for it in shipped.items)
    bank = Bank(shipped.items + copies, shipped.tasks)
    bp = build_blueprint(std, "4", "C", Kind.THEORY)
    forms = assemble_forms(bank, bp, 2, 5, standard=std)
    chosen = [e.id for f in forms for e in f.entries]
    assert chosen and not [i for i in chosen if i.startswith("DRAFT-")]
