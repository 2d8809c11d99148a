"""Materials files of operational tasks: validate checks them, papers hand them out, the notice lists them."""
import io

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.bank import load_bank, read_bank
from assembler.bank.models import FileSource
from assembler.bank.task_files import materials_workbook, materials_workbook_name
from assembler.blueprint import build_blueprint
from assembler.errors import OutputError
from assembler.formats import Document, Group, WriteContext
from assembler.render import write_docx
from assembler.standard import load_standard

STD = load_standard()
CREATED = "2026-01-01T00:00:00+00:00"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16  # content is not inspected, only carried


def task_yaml(tid: str, function: str, code: str, points: int, files: str = "", materials: str = "") -> str:
    return (f"  - id: {tid}\n    level: 1\n    function: {function}\n    code: ['{code}']\n    title: {function}实操\n"
            f"    duration: 40\n    points: {points}\n    equipment: [计算机]\n    task: 按表1完成计算并提交。\n"
            f"{materials}{files}    quality: [计算正确]\n"
            f"    rubric:\n      - {{element: 计算, points: {points}, standard: 每错1处扣1分，扣完为止}}\n")


FILES = ("    files:\n"
         "      - {name: logo.png, what: 品牌标识, format: PNG 图片，512×512}\n"
         "      - {name: clip01.mp4, what: 产品开箱镜头, format: MP4视频，1080×1920，30fps，6秒, provided_by: 考点}\n")
MATERIALS = ("    materials:\n"
             "      - caption: 表1 月度数据\n        columns: [月份, GMV（元）, 毛利率]\n"
             "        rows:\n          - [1月, 120000, '30%']\n          - [2月, 98000.5, '=SUM(A1)']\n"
             "      - caption: 表2 费用参数\n        columns: [项目, 参数]\n        rows:\n          - [人员, 3人 × 8000元]\n")


def write_bank(folder, files: str = FILES, with_logo: bool = True):
    text = "tasks:\n" + task_yaml("S1-T-YY-01", "运营管理", "1.1.1", 20, files, MATERIALS) \
        + task_yaml("S1-T-ZZ-01", "组织管理", "2.1.1", 40) + task_yaml("S1-T-CW-01", "财务管理", "3.1.3", 40)
    path = folder / "S1-T.yaml"
    path.write_text(text, encoding="utf-8")
    if with_logo:
        (folder / "files" / "S1-T-YY-01").mkdir(parents=True)
        (folder / "files" / "S1-T-YY-01" / "logo.png").write_bytes(PNG)
    return path


def problems_of(path):
    _, problems = read_bank([path])
    return [(p.severity, str(p)) for p in problems]


def test_a_bank_with_its_files_in_place_validates_clean(tmp_path):
    path = write_bank(tmp_path)
    assert problems_of(path) == []
    task = load_bank([path]).get("S1-T-YY-01")
    assert [(f.name, f.source) for f in task.files] == [("logo.png", FileSource.BANK), ("clip01.mp4", FileSource.CENTRE)]


def test_validate_names_the_missing_file_the_task_and_its_entry(tmp_path):
    path = write_bank(tmp_path, with_logo=False)
    expected = tmp_path / "files" / "S1-T-YY-01" / "logo.png"
    assert problems_of(path) == [("error", f"[错误] {path}，第 1 项，字段 files：操作题 S1-T-YY-01 的素材文件 logo.png 不存在"
                                           f"（修改建议：把文件放到 {expected}，或把它标为 provided_by: 考点）")]


def test_a_centre_file_is_never_looked_for_but_must_be_specified(tmp_path):
    files = "    files:\n      - {name: bgm.mp3, what: 轻快背景音乐, provided_by: 考点}\n"
    path = write_bank(tmp_path, files=files, with_logo=False)
    assert problems_of(path) == [("warning", f"[警告] {path}，第 1 项，字段 files：题目 S1-T-YY-01：素材文件 bgm.mp3 缺少 what（内容）"
                                             "或 format（格式）（修改建议：考点准备的文件须在 format 中写明格式、规格和时长）")]


def test_an_unlisted_file_in_a_task_folder_is_a_warning(tmp_path):
    path = write_bank(tmp_path)
    (tmp_path / "files" / "S1-T-YY-01" / "old.png").write_bytes(PNG)
    assert [m for s, m in problems_of(path) if s == "warning"] == [
        f"[警告] {path}，第 1 项，字段 files：操作题 S1-T-YY-01 的素材文件夹中有未列出的文件 old.png"
        f"（修改建议：在 files 中列出它，或从 {tmp_path / 'files' / 'S1-T-YY-01'} 删除）"]


@pytest.mark.parametrize("name", ["../logo.png", "sub/logo.png", ".hidden", ""])
def test_a_file_name_that_is_a_path_is_an_error(tmp_path, name):
    files = f"    files:\n      - {{name: '{name}', what: 标识, format: PNG}}\n"
    path = write_bank(tmp_path, files=files, with_logo=False)
    (severity, message), = problems_of(path)
    assert severity == "error" and f"第 1 个素材文件的文件名「{name or '空'}」无效" in message


def test_materials_workbook_reads_back_as_the_tasks_tables(tmp_path):
    task = load_bank([write_bank(tmp_path)]).get("S1-T-YY-01")
    wb = load_workbook(io.BytesIO(materials_workbook(task, CREATED)))
    assert wb.sheetnames == ["表1", "表2"]
    for ws, m in zip(wb.worksheets, task.materials):
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        assert rows[0][0] == m.caption
        assert rows[1] == list(m.columns)
        assert rows[2:] == [list(r) for r in m.rows]
    assert wb["表1"]["C4"].data_type == "s"  # "=SUM(A1)" stays text, never a formula


def test_a_skill_paper_hands_out_the_workbooks_and_files_and_its_notice_lists_them(tmp_path):
    bank = load_bank([write_bank(tmp_path)])
    form = assemble_forms(bank, build_blueprint(STD, "1", None, "skill"), 1, 3, AssemblyOptions(created=CREATED), STD)[0]
    docs = {d.name: d for d in write_docx(form, WriteContext(bank, STD))}
    code = form.code
    workbook = materials_workbook_name(code, "S1-T-YY-01")
    assert docs[workbook].group is Group.PAPERS
    assert docs[workbook].data == materials_workbook(bank.get("S1-T-YY-01"), form.created)
    assert docs[f"{code}-S1-T-YY-01-素材/logo.png"].data == PNG
    assert not any("clip01.mp4" in n for n in docs)  # the centre prepares it
    paper = DocxDocument(io.BytesIO(docs[f"{code}-试卷.docx"].data))
    table = next(t for t in paper.tables if t.rows[0].cells[1].text == "文件" and len(t.columns) == 5)
    number = str(next(e.number for e in form.entries if e.id == "S1-T-YY-01"))
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows == [
        ["1", workbook, "试题单中表1、表2的电子版（Excel 工作簿，每表一个工作表）", "组卷系统随试卷生成", number],
        ["2", "logo.png", "品牌标识（PNG 图片，512×512）", f"随题库提供（在 {code}-S1-T-YY-01-素材 文件夹中）", number],
        ["3", "clip01.mp4", "产品开箱镜头（MP4视频，1080×1920，30fps，6秒）", "考场按本行规格自备（组卷系统不提供）",
         number]]
    headings = [p.text for p in paper.paragraphs if p.style.name == "ZJ 小标题"]
    assert headings[:4] == ["一、考核内容与时间", "二、考场准备（考场须提供的设备、软件和材料）", "三、考核素材文件", "四、考场要求"]


def _same_handout(form, context):
    return [Document("x-材料.xlsx", Group.PAPERS, b"same")]


def _other_handout(form, context):
    return [Document("x-材料.xlsx", Group.PAPERS, b"other")]


def test_a_handout_two_formats_both_write_is_kept_once_and_a_clash_still_fails():
    from assembler.formats import Writer, write_documents

    same = Writer("a", "a", ".xlsx", "tests.test_bank_task_files:_same_handout")
    again = Writer("b", "b", ".xlsx", "tests.test_bank_task_files:_same_handout")
    other = Writer("c", "c", ".xlsx", "tests.test_bank_task_files:_other_handout")
    assert [d.name for d in write_documents([None], [same, again], None)] == ["x-材料.xlsx"]
    with pytest.raises(OutputError) as e:
        write_documents([None], [same, other], None)
    assert str(e.value) == "两份输出文件同名：x-材料.xlsx"


def test_bank_export_copies_the_task_files_beside_the_workbook(tmp_path):
    from click.testing import CliRunner

    from assembler.cli import main

    src = tmp_path / "bank"
    src.mkdir()
    write_bank(src)
    out = tmp_path / "out" / "导出.xlsx"
    r = CliRunner().invoke(main, ["bank", "export", "--bank", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1] == (f"操作题素材文件 1 个已复制到 {tmp_path / 'out' / 'files'}"
                                         "（导入时须与工作簿放在一起）。")
    assert (tmp_path / "out" / "files" / "S1-T-YY-01" / "logo.png").read_bytes() == PNG
    assert problems_of(out) == []  # the exported workbook validates where it lands
    (tmp_path / "out" / "导出.xlsx").unlink()
    r = CliRunner().invoke(main, ["bank", "export", "--bank", str(src), "-o", str(out)])
    assert r.exit_code == 1
    assert r.output == (f"错误：输出文件已存在：files/S1-T-YY-01/logo.png（位于 {tmp_path / 'out'}）。"
                        "请换一个输出目录（-o）、换一个种子，或加 --force 覆盖。\n")
    assert not out.exists()
