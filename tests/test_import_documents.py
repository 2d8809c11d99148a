"""bank import of question documents (issue 12 §1): Word, PDF, text and Markdown conventions, problems
located by paragraph, page and line, nothing written on error."""
import shutil
import subprocess

import docx
import pytest
import yaml
from click.testing import CliRunner
from docbuild import auto_numbered, numbered, png, save

from assembler.bank import load_bank
from assembler.bank.documents import Line, parse_answer, parse_lines, table_lines
from assembler.bank.import_documents import import_document
from assembler.cli import main
from assembler.errors import DataError
from assembler.structure import ItemType

TEXT_BANK = """全媒体运营师（三级）理论知识复习题

一、判断题（每题1分，共3分）
1．短视频的完播率是衡量内容吸引力的重要指标。
【答案】√
【解析】完播率反映观众是否看完视频，平台常以它判断内容质量。
2、直播带货中，主播可以使用“全网最低价”等绝对化用语。
答案：×
3. 社群运营中，群规应在用户入群时明确告知。
答案：对
二、单项选择题（每题1分，共2分）
（4）用户画像中，“25～35岁、一线城市、女性”属于（    ）。
Ａ．行为属性　　Ｂ．人口属性　　Ｃ．心理属性　　Ｄ．消费属性
【答案】Ｂ
【难度】易
5) 直播间的GMV是指（    ）。
A、成交总额
B、客单价
C、转化率
D、访客数
参考答案 A
三、多项选择题
6．短视频选题常用的方法有（    ）。
A. 热点借势 B. 用户痛点挖掘 C. 竞品拆解 D. 随机拍摄
正确答案：A、B、C
【解析】随机拍摄缺乏策划，不是选题方法。
"""


def _import(tmp_path, name, data, into="bank", **kw):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p, import_document(p, tmp_path / into, **kw)


def _summary(items):
    return [(it.type.value, it.stem, "|".join(v for _, v in it.options), it.answer) for it in items]


def test_text_conventions(tmp_path, std):
    _, res = _import(tmp_path, "复习题.txt", TEXT_BANK, level=3)
    assert _summary(res.items) == [
        ("judge", "短视频的完播率是衡量内容吸引力的重要指标。", "", "√"),
        ("judge", "直播带货中，主播可以使用“全网最低价”等绝对化用语。", "", "×"),
        ("judge", "社群运营中，群规应在用户入群时明确告知。", "", "√"),
        ("single", "用户画像中，“25～35岁、一线城市、女性”属于（    ）。", "行为属性|人口属性|心理属性|消费属性", "B"),
        ("single", "直播间的GMV是指（    ）。", "成交总额|客单价|转化率|访客数", "A"),
        ("multiple", "短视频选题常用的方法有（    ）。", "热点借势|用户痛点挖掘|竞品拆解|随机拍摄", "ABC")]
    assert res.items[0].explanation == "完播率反映观众是否看完视频，平台常以它判断内容质量。"
    assert res.items[5].explanation == "随机拍摄缺乏策划，不是选题方法。"
    assert res.items[3].difficulty == 1
    assert all(it.is_draft and it.level == "3" for it in res.items)
    written = load_bank([tmp_path / "bank"], std)
    assert [it.id for it in written.items] == [it.id for it in res.items]


def test_gb18030_text_and_markdown(tmp_path):
    _, res = _import(tmp_path, "旧题.txt", TEXT_BANK.encode("gb18030"))
    assert len(res.items) == 6
    md = "# 模拟题\n\n## 一、单选题\n\n1. 直播间的GMV是指（    ）。\n\n- A. 成交总额\n- B. 客单价\n- C. 转化率\n- D. 访客数\n\n**答案**：A\n"
    md = md.replace("**答案**", "答案")
    _, res = _import(tmp_path, "模拟题.md", md, into="bank2")
    assert _summary(res.items) == [("single", "直播间的GMV是指（    ）。", "成交总额|客单价|转化率|访客数", "A")]


def _word_auto_numbered(with_image=False):
    d = docx.Document()
    items, heads = auto_numbered(d)
    d.add_paragraph("全媒体运营师三级模拟题")
    numbered(d, "判断题", heads)
    numbered(d, "直播前应检查推流设备和网络。", items)
    d.add_paragraph("【答案】√")
    numbered(d, "单项选择题", heads)
    p = numbered(d, "下图所示的数据看板中，用于反映流量来源结构的图表是（    ）。", items)
    if with_image:
        import io

        p.add_run().add_picture(io.BytesIO(png()), width=docx.shared.Cm(3))
    for text in ("饼图", "折线图", "散点图", "雷达图"):
        numbered(d, text, items, level=1)
    d.add_paragraph("【答案】A")
    d.add_paragraph("【解析】饼图表现各来源占总流量的比例。")
    return d


def test_word_automatic_numbering(tmp_path):
    _, res = _import(tmp_path, "自动编号.docx", save(_word_auto_numbered()))
    assert _summary(res.items) == [
        ("judge", "直播前应检查推流设备和网络。", "", "√"),
        ("single", "下图所示的数据看板中，用于反映流量来源结构的图表是（    ）。", "饼图|折线图|散点图|雷达图", "A")]


def test_word_images_are_kept_beside_the_yaml(tmp_path, std):
    _, res = _import(tmp_path, "带图.docx", save(_word_auto_numbered(with_image=True)))
    stem = res.items[1].stem
    assert stem.startswith("下图所示的数据看板中，用于反映流量来源结构的图表是（    ）。![图](images/")
    ref = stem.split("](", 1)[1].rstrip(")")
    assert (tmp_path / "bank" / "imported" / ref).read_bytes() == png()
    assert res.images == 1
    load_bank([tmp_path / "bank"], std)  # the bank with its image validates


def _answer_key_document():
    d = docx.Document()
    d.add_paragraph("一、单项选择题（每题1分）")
    stems = ["社群用户分层运营中，最先应完成的工作是（    ）。", "直播复盘时，衡量直播间留人能力的指标是（    ）。",
             "短视频标题中加入数字的主要作用是（    ）。"]
    opts = [("明确分层标准", "发放优惠券", "拉新裂变", "解散社群"), ("平均停留时长", "粉丝总数", "商品数量", "主播年龄"),
            ("增强信息的具体感", "增加字数", "规避审核", "降低播放量")]
    for n, (s, o) in enumerate(zip(stems, opts), 1):
        d.add_paragraph(f"{n}．{s}")
        d.add_paragraph("　".join(f"{'ABCD'[k]}．{t}" for k, t in enumerate(o)))
    d.add_paragraph("二、判断题")
    d.add_paragraph("4．直播间的违禁词只在口播时需要注意，商品标题不受限制。")
    d.add_paragraph("5．账号定位应结合目标用户的需求来确定。")
    d.add_paragraph("参考答案")
    d.add_paragraph("1-3 AAA")
    table = d.add_table(rows=2, cols=3)
    for k, v in enumerate(("题号", "4", "5")):
        table.cell(0, k).text = v
    for k, v in enumerate(("答案", "×", "√")):
        table.cell(1, k).text = v
    return d


def test_answer_key_at_the_end_as_ranges_and_a_table(tmp_path):
    _, res = _import(tmp_path, "文末答案.docx", save(_answer_key_document()))
    assert [(it.type, it.answer) for it in res.items] == [
        (ItemType.SINGLE, "A"), (ItemType.SINGLE, "A"), (ItemType.SINGLE, "A"), (ItemType.JUDGE, "×"),
        (ItemType.JUDGE, "√")]


def test_answer_key_lines_with_explanations():
    text = ["1．下列属于私域流量的是（    ）。", "A．微信社群 B．平台推荐 C．搜索广告 D．开屏广告",
            "2．直播间的商品讲解应真实准确。", "答案与解析", "1．A 【解析】社群沉淀的用户可反复触达。", "2．√",
            "商品讲解必须与实物一致。"]
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(text, 1)], "x.txt")
    assert res.problems == []
    assert [(it.answer, it.explanation) for it in res.items] == [("A", ["社群沉淀的用户可反复触达。"]),
                                                                 ("√", ["商品讲解必须与实物一致。"])]


def test_stem_label_sets_the_type_and_conflicts_are_reported(tmp_path):
    text = ("1．【多选题】短视频常见的变现方式有（    ）。\nA．广告植入 B．电商带货 C．知识付费 D．随意刷量\n【答案】A\n"
            "2．账号定位需要明确（    ）。\nA．目标用户 B．内容方向 C．人设风格 D．发布时间\n【答案】ABC\n")
    p = tmp_path / "冲突.txt"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_document(p, tmp_path / "bank")
    assert [str(x) for x in exc.value.problems] == [
        f"[错误] {p}，第 3 行：第 1 题在标注「多选题」，答案却只有一个字母 A（修改建议：补全答案，或把该题移到单选题部分）"]
    assert not (tmp_path / "bank").exists()


def test_types_are_inferred_without_headings(tmp_path):
    text = ("1．直播前应测试网络。\n答案：正确\n2．下列属于内容平台的是（    ）。\nA．抖音 B．计算器 C．记事本 D．画图\n答案：A\n"
            "3．下列属于数据指标的有（    ）。\nA．播放量 B．完播率 C．点赞数 D．主播姓名\n答案：ABC\n")
    _, res = _import(tmp_path, "无标题.txt", text)
    assert [it.type for it in res.items] == [ItemType.JUDGE, ItemType.SINGLE, ItemType.MULTIPLE]


BAD = """一、单项选择题
1．直播间的GMV是指（    ）。
A．成交总额 B．客单价 C．转化率 D．访客数
2．用户画像中的人口属性包括（    ）。
A．年龄 B．浏览路径 C．点击次数 D．停留时长
【答案】E
2．短视频的黄金三秒是指（    ）。
A．开头三秒 B．结尾三秒 C．中间三秒 D．任意三秒
【答案】A
4．
参考答案
4．B
9．C
"""


def test_every_problem_is_located_and_nothing_is_written(tmp_path):
    p = tmp_path / "有错.txt"
    p.write_text(BAD, encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "bank")])
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        f"错误：{p}：4 道题中有问题，未导入任何题目（1 道题可以导入；改正下列各处后重新导入）（7 个错误）：",
        f"[错误] {p}，第 7 行：第 2 题的题号重复（首次在第 4 行）（修改建议：改正题号，使每道题的题号唯一）",
        f"[错误] {p}，第 13 行：答案部分比题目多：第 9 题的答案没有对应的题目（修改建议：文档共 4 道题；检查题号或答案部分是否多写）",
        f"[错误] {p}，第 2 行：答案部分只有 2 个答案，文档有 4 道题：第 1 题没有答案（修改建议：在答案部分补上这些题的答案）",
        f"[错误] {p}，第 2 行：第 1 题没有答案（修改建议：在题后写【答案】B（或 答案：B），或在文末「参考答案」中写出该题答案）",
        f"[错误] {p}，第 6 行：第 2 题的答案 E 中的 E 没有对应选项（只有 ABCD）（修改建议：改正答案字母，或补上缺少的选项）",
        f"[错误] {p}，第 10 行：第 4 题在「单项选择题」部分，却没有找到选项（修改建议：选项写成 A．…、B．…（每行一个或几个同在一行））",
        f"[错误] {p}，第 10 行：第 4 题只有题号，没有题干（修改建议：补写题干，或删除这一行）"]
    assert not (tmp_path / "bank").exists()


def test_dry_run_reports_and_writes_nothing(tmp_path):
    p = tmp_path / "复习题.txt"
    p.write_text(TEXT_BANK, encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "bank"), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["检查通过（未写入，去掉 --dry-run 即导入）：6 题（判断题 3 题，单项选择题 2 题，多项选择题 1 题），"
                                     "其中待标注草稿 6 题，图片 0 张；与题库完全相同而跳过 0 题。"]
    assert not (tmp_path / "bank").exists()


def test_exact_duplicates_are_skipped_and_near_duplicates_named(tmp_path):
    _import(tmp_path, "第一批.txt", TEXT_BANK)
    near = TEXT_BANK.replace("D. 随机拍摄\n", "D. 随机拍摄了\n")
    again = near.replace("二、单项选择题", "7．直播脚本应包含商品讲解的顺序。\n答案：√\n二、单项选择题")
    _, res = _import(tmp_path, "第二批.txt", again)
    assert res.skipped_duplicates == 5
    assert [it.stem for it in res.items] == ["直播脚本应包含商品讲解的顺序。", "短视频选题常用的方法有（    ）。"]
    first_id = yaml.safe_load((tmp_path / "bank/imported/第一批.yaml").read_text(encoding="utf-8"))["items"][5]["id"]
    assert [w.message for w in res.warnings] == [f"第 6 题与题库中的 {first_id} 高度相似（相似度 96%）"]


@pytest.mark.parametrize("name,data,message", [
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "是旧版 Word 97-2003 文档（.doc），无法读取（修改建议：在 Word 或 LibreOffice 中「另存为」.docx 后再导入）"),
    ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "文件已加密，或是改了扩展名的旧版 .doc 文档，无法读取（修改建议：在 Word 中去掉密码保护并「另存为」.docx 后再导入）"),
    ("空.txt", b"", "文件是空的"),
    ("坏.docx", b"PK\x03\x04 not really", "不是有效的 Word 文档（BadZipFile）（修改建议：确认文件能用 Word 打开，并保存为 .docx）"),
])
def test_unreadable_files_are_refused(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "bank")])
    assert r.exit_code == 1
    assert r.output.splitlines() == ["错误：无法导入（1 个错误）：", f"[错误] {p}：{message}"]
    assert not (tmp_path / "bank").exists()


def test_not_a_question_document(tmp_path):
    p = tmp_path / "通知.txt"
    p.write_text("关于举办2026年职业技能等级认定的通知\n各有关单位：请于月底前报送名单。\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_document(p, tmp_path / "bank")
    assert [x.message for x in exc.value.problems] == ["没有找到任何题目（不是题目文档？）"]


def _page_numbered_document():
    """Return a three-page Word question document with a running header and page numbers in the footer."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "全媒体运营师三级复习题（内部资料）"
    footer = section.footer.paragraphs[0]
    footer.add_run("第 ")
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run(" 页")
    d.add_paragraph("一、判断题")
    stems = ["直播前应检查推流设备和网络。", "账号定位应结合目标用户的需求来确定。", "直播间可以虚构商品原价。",
             "短视频标题应准确概括内容。", "社群群规应在入群时告知。", "私域流量可以反复触达。"]
    for n in range(1, 61):  # enough items for three pages
        d.add_paragraph(f"{n}．{stems[n % len(stems)]}（第{n}题）")
        d.add_paragraph("答案：√" if n % 3 else "答案：×")
        d.add_paragraph(f"【解析】第{n}题的解析。")
    return d


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory):
    """Return a folder holding the PDFs LibreOffice makes of three question documents (one soffice run
    for all three: each launch costs about 1.5 s)."""
    if shutil.which("soffice") is None:
        pytest.skip("需要系统软件 soffice（LibreOffice）来把 Word 转为 PDF")
    folder = tmp_path_factory.mktemp("pdfs")
    (folder / "文末答案.docx").write_bytes(save(_answer_key_document()))
    (folder / "缺答案.txt").write_text("1．直播前应测试网络。\n2．账号定位应结合目标用户。\n答案：√\n", encoding="utf-8")
    (folder / "页码.docx").write_bytes(save(_page_numbered_document()))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    *(str(folder / n) for n in ("文末答案.docx", "缺答案.txt", "页码.docx"))],
                   check=True, capture_output=True, timeout=180)
    return folder


def _pdf(folder, name, tmp_path):
    """Return a copy of one of the module's PDFs in the test's own folder."""
    shutil.copy(folder / name, tmp_path / name)
    return tmp_path / name


def test_pdf_made_with_libreoffice_from_a_word_bank(tmp_path, libreoffice_pdfs):
    res = import_document(_pdf(libreoffice_pdfs, "文末答案.pdf", tmp_path), tmp_path / "bank")
    assert [(it.type, it.stem, it.answer) for it in res.items] == [
        (ItemType.SINGLE, "社群用户分层运营中，最先应完成的工作是（    ）。", "A"),
        (ItemType.SINGLE, "直播复盘时，衡量直播间留人能力的指标是（    ）。", "A"),
        (ItemType.SINGLE, "短视频标题中加入数字的主要作用是（    ）。", "A"),
        (ItemType.JUDGE, "直播间的违禁词只在口播时需要注意，商品标题不受限制。", "×"),
        (ItemType.JUDGE, "账号定位应结合目标用户的需求来确定。", "√")]


def test_pdf_problems_name_page_and_line_and_a_scan_is_refused(tmp_path, libreoffice_pdfs):
    from pypdf import PdfWriter

    with pytest.raises(DataError) as exc:
        import_document(_pdf(libreoffice_pdfs, "缺答案.pdf", tmp_path), tmp_path / "bank")
    assert [x.location() for x in exc.value.problems] == [f"{tmp_path / '缺答案.pdf'}，第 1 页第 1 行"]
    w = PdfWriter()
    w.add_blank_page(595, 842)
    with open(tmp_path / "扫描.pdf", "wb") as f:
        w.write(f)
    with pytest.raises(DataError) as exc:
        import_document(tmp_path / "扫描.pdf", tmp_path / "bank")
    assert exc.value.problems[0].message == "PDF 共 1 页，没有文字层（可能是扫描件），无法识别题目"
    w.encrypt("secret")
    with open(tmp_path / "加密.pdf", "wb") as f:
        w.write(f)
    with pytest.raises(DataError) as exc:
        import_document(tmp_path / "加密.pdf", tmp_path / "bank")
    assert str(exc.value.problems[0]) == f"[错误] {tmp_path / '加密.pdf'}：PDF 已加密（需要密码），无法读取（修改建议：去掉密码保护后再导入）"


def test_answers_and_tables():
    assert [parse_answer(x) for x in ("A、C、D", "ＡＣＤ", "b", "✓", "✗", "错误", "T", "ACA", "甲")] == [
        "ACD", "ACD", "B", "√", "×", "×", "√", None, None]
    assert table_lines([["1", "D", "2", "C"], ["3", "AB", "4", "√"]]) == ["1．D", "2．C", "3．AB", "4．√"]
    assert table_lines([["指标", "数值"], ["播放量", "1200"]]) == ["指标 | 数值", "播放量 | 1200"]
    assert table_lines([["2024", "1200"], ["2025", "1500"]]) == ["2024 | 1200", "2025 | 1500"]  # data, not a key


def test_a_table_in_a_stem_is_kept_as_lines_of_the_stem(tmp_path):
    d = docx.Document()
    d.add_paragraph("1．某账号两周的数据如下表，播放量增长了（    ）。")
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("周次", "播放量"), ("第1周", "1200"), ("第2周", "1500")]):
        for c, v in enumerate(row):
            table.cell(r, c).text = v
    d.add_paragraph("A．300 B．200 C．100 D．0")
    d.add_paragraph("【答案】A")
    _, res = _import(tmp_path, "表格.docx", save(d))
    assert res.items[0].stem == "某账号两周的数据如下表，播放量增长了（    ）。\n周次 | 播放量\n第1周 | 1200\n第2周 | 1500"
    assert [v for _, v in res.items[0].options] == ["300", "200", "100", "0"]


def test_validate_checks_the_pictures_an_item_names(tmp_path, std):
    from assembler.bank import read_bank
    from assembler.bank.documents import image_name

    data = png()
    ref = image_name(data, "png")
    (tmp_path / "images").mkdir()
    (tmp_path / ref).write_bytes(png(colour=(0, 0, 0)))  # replaced after import
    bank_file = tmp_path / "b.yaml"
    bank_file.write_text(f"items:\n  - {{id: P-1, type: judge, status: draft, stem: '下图中的柱形最高。![图]({ref})', answer: √}}\n"
                         "  - {id: P-2, type: judge, status: draft, stem: '下图是饼图。![图](images/lost.png)', answer: ×}\n",
                         encoding="utf-8")
    _, problems = read_bank([bank_file], std)
    assert [p.message for p in problems] == [
        f"题目 P-1：图片「{ref}」的内容与文件名中的摘要不符（图片被替换过）",
        f"题目 P-2：图片「images/lost.png」不存在（应在 {tmp_path} 下）"]


def test_skip_errors_imports_the_good_items_and_lists_the_rest(tmp_path):
    p = tmp_path / "有错.txt"
    p.write_text(BAD, encoding="utf-8")
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--into", str(tmp_path / "bank"), "--skip-errors"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert len([x for x in lines if x.startswith("[警告]")]) == 8
    assert lines[-4] == f"[警告] {p}：7 处错误，涉及的题目未导入；其余 1 道题照常导入（修改建议：改正上列各处后，可用 --replace 重新导入整份文档）"
    assert lines[-3].startswith("已导入：1 题（单项选择题 1 题）")
    written = yaml.safe_load((tmp_path / "bank/imported/有错.yaml").read_text(encoding="utf-8"))["items"]
    assert [x["stem"] for x in written] == ["短视频的黄金三秒是指（    ）。"]


def test_a_short_answer_key_is_summarised(tmp_path):
    text = "1．直播前应测试网络。\n2．账号定位应结合目标用户。\n3．直播间可以虚构原价。\n参考答案\n1．√\n"
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(text.splitlines(), 1)], "k.txt")
    assert [x.message for x in res.problems] == ["答案部分只有 1 个答案，文档有 3 道题：第 2、3 题没有答案"]


def test_option_forms():
    text = ["1．下列属于短视频平台的是（    ）。", "（A）抖音 （B）计算器 （C）记事本 （D）画图", "答案：A",
            "2．下列属于直播数据的是（    ）。", "A)在线人数", "B)商品库存", "C)仓库面积", "D)员工人数", "答案：A"]
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(text, 1)], "o.txt")
    assert [[o[:2] for o in it.options] for it in res.items] == [
        [["A", "抖音"], ["B", "计算器"], ["C", "记事本"], ["D", "画图"]],
        [["A", "在线人数"], ["B", "商品库存"], ["C", "仓库面积"], ["D", "员工人数"]]]


def test_a_stem_may_start_with_a_digit_after_a_full_width_dot():
    text = ["1．5A模型中的第一个阶段是（    ）。", "A．了解 B．吸引 C．问询 D．行动", "答案：A",
            "2.5G网络下直播画面更清晰。", "答案：√", "3. 1.5倍速播放会缩短观看时长。", "答案：√"]
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(text, 1)], "d.txt")
    assert [(it.number, it.stem) for it in res.items] == [(1, ["5A模型中的第一个阶段是（    ）。"]),
                                                          (3, ["1.5倍速播放会缩短观看时长。"])]
    assert res.items[0].explanation == ["2.5G网络下直播画面更清晰。"]  # 「2.5G」 reads as a number
    assert [str(p) for p in res.problems] == [
        "[错误] d.txt，第 5 行：第 1 题写了两个答案：A（第 3 行）和 √（修改建议：删除多余的答案；若是漏写了题号，补上题号（如「2．」））"]


def test_pictures_survive_the_workbook_round_trip(tmp_path, std):
    from assembler.bank.excel_io import write_workbook

    _, res = _import(tmp_path, "带图.docx", save(_word_auto_numbered(with_image=True)))
    folder = tmp_path / "bank" / "imported"
    bank = load_bank([folder], std)
    book = folder / "导出.xlsx"  # beside the YAML, so images/ resolves the same way
    book.write_bytes(write_workbook(list(bank.items), [], std))
    (folder / "带图.yaml").unlink()
    again = load_bank([book], std)
    assert [(it.stem, it.options) for it in again.items] == [(it.stem, it.options) for it in bank.items]
    assert again.hash == bank.hash and "![图](images/" in again.items[1].stem


def test_direction_settles_a_code_that_two_functions_share(tmp_path):
    text = "1．职业道德的基本要求包括爱岗敬业。\n答案：√\n【鉴定点】2.1.1\n"
    _, alone = _import(tmp_path, "道德.txt", text, into="a", level=3, dry_run=True)
    assert (alone.items[0].is_draft, alone.items[0].source) == (True, "原文鉴定点：2.1.1")  # 内容创作 or 职业道德?
    _, directed = _import(tmp_path, "道德.txt", text, into="b", level=3, direction="视听运营", dry_run=True)
    it = directed.items[0]
    assert (it.is_draft, it.level, it.function, it.code) == (False, None, "职业道德", "2.1.1")
    p = tmp_path / "道德.txt"
    r = CliRunner().invoke(main, ["bank", "import", str(p), "--direction", "B", "--into", str(tmp_path / "c")])
    assert r.exit_code == 2 and r.output == "错误：指定职业方向（--direction）时须同时指定等级（--level）。\n"


def test_pdf_page_numbers_and_running_headers_are_not_item_text(tmp_path, libreoffice_pdfs):
    res = import_document(_pdf(libreoffice_pdfs, "页码.pdf", tmp_path), tmp_path / "bank", dry_run=True)
    assert len(res.items) == 60
    assert all(it.explanation == f"{it.stem[it.stem.index('第'):].strip('（）')}的解析。" for it in res.items)
    assert not any("页" in it.stem + it.explanation or "内部资料" in it.stem + it.explanation for it in res.items)


def test_answers_in_the_stem_bracket_and_an_answer_line_after_the_items():
    text = ["一、判断题", "1．（√）直播前应检查推流设备。", "2．直播间可以虚构原价。（ × ）",
            "二、单项选择题", "3．直播间的GMV是指（ A ）。", "A．成交总额 B．客单价 C．转化率 D．访客数",
            "4．用户画像中的人口属性包括（    ）。", "A．年龄 B．浏览路径 C．点击次数 D．停留时长",
            "参考答案：4．A"]
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(text, 1)], "b.txt")
    assert res.problems == []
    assert [(it.stem, it.answer) for it in res.items] == [
        (["（    ）直播前应检查推流设备。"], "√"), (["直播间可以虚构原价。（    ）"], "×"),
        (["直播间的GMV是指（    ）。"], "A"), (["用户画像中的人口属性包括（    ）。"], "A")]
    ranges = ["1．直播前应检查推流设备。", "2．直播间可以虚构原价。", "答案：1-2 √×"]
    res = parse_lines([Line(t, f"第 {k} 行") for k, t in enumerate(ranges, 1)], "r.txt")
    assert [it.answer for it in res.items] == ["√", "×"] and res.problems == []


def test_markdown_pictures_are_stored_by_content_hash(tmp_path, std):
    from assembler.bank.documents import image_name

    (tmp_path / "图").mkdir()
    (tmp_path / "图" / "看板.png").write_bytes(png())
    md = "1. 下图中用于反映流量来源结构的是（    ）。\n\n![数据看板](图/看板.png)\n\nA. 饼图 B. 折线图 C. 散点图 D. 雷达图\n\n答案：A\n"
    _, res = _import(tmp_path, "带图.md", md)
    ref = image_name(png(), "png")
    assert res.items[0].stem == f"下图中用于反映流量来源结构的是（    ）。\n![数据看板]({ref})"
    assert (tmp_path / "bank" / "imported" / ref).read_bytes() == png()
    p = tmp_path / "缺图.md"
    p.write_text("1. 下图是（    ）。![](没有.png)\nA. 甲 B. 乙 C. 丙 D. 丁\n答案：A\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_document(p, tmp_path / "bank")
    assert str(exc.value.problems[0]) == (f"[错误] {p}，第 1 行：图片「没有.png」不存在或无法读取"
                                          "（修改建议：图片路径相对于 Markdown 文件所在的文件夹）")
