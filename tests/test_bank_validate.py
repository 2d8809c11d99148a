"""Validation: every problem reported at once, located by file, sheet, row and column."""
import pytest
from openpyxl import Workbook

from assembler.bank import read_bank
from assembler.bank.excel_io import ITEM_COLUMNS, write_workbook
from tests.bankutil import single


def messages(paths):
    _, problems = read_bank(paths)
    return [str(p) for p in problems]


def write_items_sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "题目"
    ws.append([label for _, label in ITEM_COLUMNS])
    for r in rows:
        ws.append(r)
    wb.save(path)


def row(**kw):
    base = {"id": "X-1", "type": "单选题", "level": 4, "function": "内容创作", "code": "2.2.2", "stem": "题干（    ）。",
            "option_A": "甲", "option_B": "乙", "option_C": "丙", "option_D": "丁", "option_E": None, "answer": "A",
            "difficulty": 3, "p_value": None, "explanation": None, "enemies": None, "shuffle": "是", "status": "启用",
            "source": None}
    base.update(kw)
    return [base[k] for k, _ in ITEM_COLUMNS]


def test_excel_problems_name_file_sheet_row_and_column(tmp_path):
    p = tmp_path / "bad.xlsx"
    write_items_sheet(p, [
        row(),
        row(id="X-1", stem="另一道题（    ）。"),                         # duplicate id
        row(id="X-3", code="9.9.9", stem="第三题（    ）。"),              # code not at that level
        row(id="X-4", type="判断题", answer="也许", option_A=None, option_B=None, option_C=None, option_D=None,
            stem="第四题。"),                                            # bad judge answer
        row(id="X-5", answer="E", stem="第五题（    ）。"),                # answer not among options
        row(id="X-6", type="多选题", answer="A", stem="第六题（    ）。"),   # multiple needs 2+
        row(id="X-7", enemies="NOPE", stem="第七题\u200b（    ）。"),        # unknown enemy + invisible char
        row(id="X-8", level=4, function="职业规划", stem="第八题（    ）。"),  # unknown function
        row(id="X-9", difficulty=7, stem=""),                              # difficulty out of range, empty stem
        row(id="X-10", function="基础知识", level=None, code="2.2.6", stem="第十题（    ）。"),
    ])
    msgs = messages([p])
    f = str(p)
    assert f"[错误] {f}，工作表「题目」，第 3 行，「题号」列：题号 X-1 重复（首次出现在 {f}，工作表「题目」，第 2 行）（修改建议：每道题的题号必须唯一）" in msgs
    assert any(m.startswith(f"[错误] {f}，工作表「题目」，第 4 行，「鉴定点代码（E列）」列：鉴定点代码 9.9.9 不是四级「内容创作」的相关知识要求") for m in msgs)
    assert f"[错误] {f}，工作表「题目」，第 5 行，「答案（L列）」列：判断题答案「也许」无效（修改建议：填 √ 或 ×（也接受 对/错、正确/错误、T/F））" in msgs
    assert f"[错误] {f}，工作表「题目」，第 6 行，「答案（L列）」列：答案中的 E 不在选项中（修改建议：答案字母须对应已有选项）" in msgs
    assert any("第 7 行，「答案（L列）」列：多选题答案「A」至少应有两个字母" in m for m in msgs)
    assert any("第 8 行，「题干（F列）」列：含有控制字符或不可见字符（U+200B）" in m for m in msgs)
    assert any("第 8 行，「互斥题号」列：题目 X-7 的互斥题号 NOPE 不存在" in m for m in msgs)
    assert any("第 9 行，「职业功能（D列）」列：四级没有职业功能「职业规划」" in m for m in msgs)
    assert any("第 10 行，「难度（M列）」列：难度「7」无效" in m for m in msgs)
    assert any("第 10 行，「题干（F列）」列：题干为空" in m for m in msgs)
    assert any("第 11 行，「鉴定点代码（E列）」列：2.2.6 须注明是「相关法律、法规知识」15 项中的哪一项" in m for m in msgs)


def test_yaml_problems_name_the_entry_and_field(tmp_path):
    p = tmp_path / "b.yaml"
    p.write_text("items:\n  - id: Y-1\n    type: single\n    level: 4\n    function: 内容创作\n    code: '2.2.2'\n"
                 "    stem: 题（    ）\n    options: {A: 甲, B: 乙, C: 丙}\n    answer: A\n", encoding="utf-8")
    msgs = messages([p])
    assert msgs == [f"[错误] {p}，第 1 项，字段 options：题目 Y-1：单选题应有 A、B、C、D 四个选项，实有「ABC」"
                    "（修改建议：补全或删除选项，使之恰为 A–D）"]


def test_rubric_must_sum_to_task_points(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("tasks:\n  - id: S-1\n    level: 1\n    function: 财务管理\n    code: ['3.1.3']\n    title: 预算\n"
                 "    duration: 50\n    points: 40\n    equipment: [计算机]\n    task: 编制预算表。\n    quality: [合计正确]\n"
                 "    rubric:\n      - {element: 结构, points: 20, standard: 缺一项扣2分}\n"
                 "      - {element: 计算, points: 15, standard: 错一处扣3分}\n", encoding="utf-8")
    msgs = messages([p])
    assert msgs == [f"[错误] {p}，第 1 项，字段 rubric：题目 S-1：评分标准配分合计 35 分，与试题配分 40 分不符（修改建议：调整各评分要素的配分）"]


def test_near_duplicate_stems_are_warnings(tmp_path):
    a = single("D-1", "4", "内容创作", "2.2.2")
    b = single("D-2", "4", "内容创作", "2.2.2")
    b = b.__class__(**{**b.__dict__, "stem": a.stem, "options": a.options})
    p = tmp_path / "d.xlsx"
    p.write_bytes(write_workbook([a, b], []))
    _, problems = read_bank([p])
    assert [(x.severity, x.message) for x in problems] == [("warning", "题目 D-2 与 D-1 题干和选项完全相同")]


@pytest.mark.parametrize("content,expected", [
    (b"not a workbook", "不是有效的 Excel 工作簿（.xlsx）：文件不是 zip 压缩包或已截断"),
])
def test_not_a_workbook(tmp_path, content, expected):
    p = tmp_path / "x.xlsx"
    p.write_bytes(content)
    assert messages([p]) == [f"[错误] {p}：{expected}（修改建议：用 zujuan bank template 生成模板后填写，另存为 .xlsx）"]


def test_workbook_with_wrong_sheets_and_columns(tmp_path):
    p = tmp_path / "y.xlsx"
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(p)
    assert messages([p])[0].startswith(f"[错误] {p}：不是题库工作簿：找不到工作表「题目」「操作题」或「答辩题」（现有：Sheet1）")
    wb = Workbook()
    wb.active.title = "题目"
    wb.active.append(["编号", "内容"])
    wb.save(p)
    assert messages([p])[0] == (f"[错误] {p}，工作表「题目」，第 1 行：缺少必需的列：题号、题型、职业功能、鉴定点代码、题干、答案"
                                "（另有无法识别的列：编号、内容）（修改建议：第 1 行应为模板中的列名；可用 zujuan bank template 重新生成模板）")


def test_yaml_that_is_not_a_bank(tmp_path):
    p = tmp_path / "z.yaml"
    p.write_text("- just\n- a list\n", encoding="utf-8")
    assert messages([p]) == [f"[错误] {p}：不是题库文件：顶层应为含 items（客观题）或 tasks（操作题）列表的映射（修改建议：参见 question_bank/FORMAT.md）"]
    p.write_text("items: [\n", encoding="utf-8")
    assert messages([p])[0].startswith(f"[错误] {p}：YAML 语法错误")


def test_shipped_bank_validates_clean():
    bank, problems = read_bank()
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert len(bank.items) >= 1100


def test_control_characters_in_yaml(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text('items:\n  - {id: C-1, type: judge, function: 职业道德, code: "2.1.1", stem: "坏\\x07字符", answer: "√"}\n',
                 encoding="utf-8")
    assert messages([p]) == [f"[错误] {p}，第 1 项，字段 stem：题目 C-1：含有控制字符或不可见字符（U+0007）（修改建议：删除这些字符后重新保存）"]


def test_similar_stems_match_brute_force():
    import random

    from assembler.bank.loader import normalise_stem, similar_stems

    rng = random.Random(3)
    words = "直播 带货 转化率 客单价 千川 投放 达人 复盘 私域 社群 粉丝 完播率 互动率 选品 脚本 分镜 账号 定位".split()
    items = []
    for k in range(300):
        stem = "".join(rng.choice(words) for _ in range(20)) + f"第{k}问（    ）。"
        items.append(single(f"S-{k}", "4", "内容创作", "2.2.2").__class__(
            **{**single(f"S-{k}", "4", "内容创作", "2.2.2").__dict__, "stem": stem, "options": ()}))
    for k in range(0, 300, 10):  # near copies: one or two characters changed
        base = items[k].stem
        stem = base[:5] + "甲" + base[6:] if k % 20 else base[:5] + "甲乙" + base[7:]
        items.append(items[k].__class__(**{**items[k].__dict__, "id": f"C-{k}", "stem": stem}))

    def grams(it):
        n = normalise_stem(it.stem)
        return {n[i:i + 3] for i in range(max(1, len(n) - 2))}

    expected = set()
    gs = [grams(it) for it in items]
    for i, a in enumerate(items):
        best = None
        for j, b in enumerate(items[:i]):
            ga, gb = gs[i], gs[j]
            if len(ga & gb) / len(ga | gb) >= 0.85:
                best = b
        if best is not None:
            expected.add(a.id)
    found = {p.message.split()[1] for p in similar_stems(items)}
    assert found == expected and len(expected) >= 15
