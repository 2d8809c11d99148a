"""bank import of other systems' spreadsheets (issue 12 §2): common layouts recognised from the
headers, a --columns mapping file, CSV encodings, problems located by sheet and row."""
from click.testing import CliRunner
from openpyxl import Workbook

from assembler.bank import load_bank
from assembler.bank.import_tables import import_table, recognise
from assembler.cli import main
from assembler.structure import ItemType

ROWS = [["序号", "试题类型", "题目", "选项A", "选项B", "选项C", "选项D", "正确答案", "答案解析", "难易度"],
        ["1", "单选题", "直播间的GMV是指（    ）。", "成交总额", "客单价", "转化率", "访客数", "A", "GMV即商品交易总额。", "易"],
        ["2", "多选题", "短视频选题常用的方法有（    ）。", "热点借势", "用户痛点挖掘", "竞品拆解", "随机拍摄", "A,B,C", "", "中"],
        ["3", "判断题", "直播前应检查推流设备和网络。", "", "", "", "", "对", "", "难"]]


def _csv(path, rows, encoding, delimiter=","):
    text = "\r\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_in_gb18030_with_option_columns(tmp_path, std):
    p = _csv(tmp_path / "考试系统导出.csv", ROWS, "gb18030")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "bank"), "--level", "3"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "识别的表格格式：题干 + 选项A、B、C、D 分列，编码 GB18030"
    bank = load_bank([tmp_path / "bank"], std)
    assert [(it.type, it.answer, it.difficulty, it.explanation) for it in bank.items] == [
        (ItemType.SINGLE, "A", 1, "GMV即商品交易总额。"), (ItemType.MULTIPLE, "ABC", 3, ""), (ItemType.JUDGE, "√", 5, "")]
    assert [it.options for it in bank.items][1] == (("A", "热点借势"), ("B", "用户痛点挖掘"), ("C", "竞品拆解"), ("D", "随机拍摄"))


def test_csv_with_bom_and_one_option_column(tmp_path):
    rows = [["题型", "题干", "选项", "答案"],
            ["单选", "下列属于私域流量的是（    ）。", "A.微信社群|B.平台推荐|C.搜索广告|D.开屏广告", "A"],
            ["多选", "直播复盘常看的指标有（    ）。", "A．在线人数 B．停留时长 C．成交转化率 D．主播身高", "A、B、C"]]
    p = _csv(tmp_path / "合并选项.csv", rows, "utf-8-sig")
    res = import_table(p, tmp_path / "bank")
    assert res.layout == "题干 + 「选项」一列（自动识别分隔符），编码 UTF-8-BOM"
    assert [[v for _, v in it.options] for it in res.items] == [["微信社群", "平台推荐", "搜索广告", "开屏广告"],
                                                                ["在线人数", "停留时长", "成交转化率", "主播身高"]]
    assert [it.answer for it in res.items] == ["A", "ABC"]


def test_workbook_with_a_mapping_file(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "试题"
    ws.append(["说明：本表由某考试系统导出"])
    ws.append(["编号", "内容", "备选1", "备选2", "备选3", "备选4", "标答", "考点"])
    ws.append(["101", "直播间的GMV是指（    ）。", "成交总额", "客单价", "转化率", "访客数", "A", "2.2.3"])
    wb.save(tmp_path / "导出.xlsx")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sheet: 试题\nheader_row: 2\ncolumns:\n  题号: 编号\n  题干: 内容\n"
                       "  选项: [备选1, 备选2, 备选3, 备选4]\n  答案: 标答\n  知识点: H\n", encoding="utf-8")
    res = import_table(tmp_path / "导出.xlsx", tmp_path / "bank", mapping, level=3, dry_run=True)
    assert res.layout == f"按映射文件 {mapping}"
    # 2.2.3 names one 三级 function's knowledge requirement: the item is tagged, not a draft
    assert [(it.stem, it.answer, it.level, it.code, it.is_draft) for it in res.items] == [
        ("直播间的GMV是指（    ）。", "A", "3", "2.2.3", False)]
    assert res.items[0].function
    assert not (tmp_path / "bank").exists()


def test_mapping_and_header_problems_are_named(tmp_path):
    p = _csv(tmp_path / "x.csv", ROWS, "utf-8")
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("columns:\n  stem: 题干内容\n  answer: 正确答案\n  颜色: 红\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--columns", str(mapping), "--into", str(tmp_path / "b")])
    assert r.exit_code == 1
    assert r.output.splitlines()[:2] == ["错误：映射文件有误（1 个错误）：",
                                         f"[错误] {mapping}：未知字段「颜色」（修改建议：可用：type（题型）、stem（题干）、options（选项）、"
                                         "answer（答案）、explanation（解析）、difficulty（难度）、topic（知识点）、code（鉴定点）、number（题号））"]
    mapping.write_text("columns:\n  stem: 题干内容\n  answer: 正确答案\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--columns", str(mapping), "--into", str(tmp_path / "b")])
    assert r.output.splitlines() == [f"错误：{p} 的列与映射不符，未导入（1 个错误）：",
                                     f"[错误] {p}，第 1 行：表头中没有列「题干内容」（题干）（修改建议：改正映射文件中的列名，或用列字母（如 C））"]
    q = _csv(tmp_path / "y.csv", [["名称", "数量"], ["a", "1"]], "utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(q), "--into", str(tmp_path / "b")])
    assert r.exit_code == 1 and "无法识别表头：需要「题干」和「答案」列（或同义列名）" in r.output
    assert not (tmp_path / "b").exists()


def test_row_problems_name_the_row(tmp_path):
    rows = ROWS[:2] + [["2", "多选题", "短视频选题常用的方法有（    ）。", "热点借势", "用户痛点挖掘", "竞品拆解", "随机拍摄", "B", "", "中"]]
    p = _csv(tmp_path / "z.csv", rows, "utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "b")])
    assert r.exit_code == 1
    assert f"[错误] {p}，第 3 行：第 2 题在题型列「多选题」，答案却只有一个字母 B（修改建议：补全答案，或把该题移到单选题部分）" in r.output.splitlines()


def test_recognised_layouts():
    assert recognise(["题号", "题干", "A", "B", "C", "D", "答案"])[1] == "题干 + 选项A、B、C、D 分列"
    assert recognise(["题目", "标准答案"])[1] == "题干 + 答案（无选项列：判断题）"
    assert recognise(["名称", "数量"]) is None
