"""A corpus of malformed inputs, built into a folder: bank files (YAML and workbooks), session files,
Word documents, manifests, answer sheets, results and scores workbooks, split files.

Each case is (name, command arguments, text the message must contain). build(root) writes the
files and returns the cases; paths are absolute. A hostile user tried about 420 such inputs
(issue 11); these are their classes.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from bankutil import single, task
from exportutil import hostile_form

from assembler.bank.excel_io import write_workbook
from assembler.form import manifest_json
from assembler.standard import load_standard

JUNK = bytes(range(256)) * 8
ALIAS_BOMB = ('items: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]\n'
              + "".join(f"k{i}: &k{i} [" + ",".join([f"*{'a' if i == 0 else f'k{i - 1}'}"] * 9) + "]\n"
                        for i in range(8)))


def _zip_edit(data: bytes, drop: tuple[str, ...] = (), replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            zout.writestr(name, (replace or {}).get(name, zin.read(name)))
    return out.getvalue()


def _sheet_edit(data: bytes, part: str, edit) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read(part).decode("utf-8")
    return _zip_edit(data, replace={part: edit(xml).encode("utf-8")})


def _cells_edit(data: bytes, sheet: str, cells: dict[str, object]) -> bytes:
    """Return the workbook with the given cells of one sheet set (as a user would type them)."""
    from openpyxl import load_workbook

    from assembler.xlsx import workbook_bytes

    wb = load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        wb[sheet][ref].value = value
    return workbook_bytes(wb)


def _col(data: bytes, sheet: str, header: str) -> str:
    """Return the column letter of a header in the sheet's first row."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[sheet]
    return next(c.column_letter for c in ws[1] if c.value == header)


def _encrypted_zip(data: bytes) -> bytes:
    """Return the package with every entry flagged as encrypted (a password-protected zip)."""
    buf = bytearray(data)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (k := buf.find(sig, start)) >= 0:
            off = 6 if sig == b"PK\x03\x04" else 8
            buf[k + off] |= 0x01
            start = k + 4
    return bytes(buf)


def _bank_workbook(std, items=None, tasks=None) -> bytes:
    items = items if items is not None else [single("S-1", "4", "内容创作", "2.1.1")]
    tasks = tasks if tasks is not None else [task("T-1", "2", "内容创作", ["2.1.1"], 40)]
    return write_workbook(items, tasks, std)


def _yaml_item(**kw) -> str:
    fields = {"id": "Y-1", "type": "single", "level": "'4'", "function": "内容创作", "code": "2.1.1",
              "stem": "单选题的题干（    ）。", "options": "{A: 甲, B: 乙, C: 丙, D: 丁}", "answer": "A",
              "difficulty": 3, "points": 1}
    fields.update(kw)
    return "items:\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items() if v is not None) + "\n"


def _yaml_task(**kw) -> str:
    fields = {"id": "YT-1", "type": "task", "level": "'2'", "function": "内容创作", "code": "['2.1.1']",
              "title": "操作题", "duration": 30, "points": 40, "equipment": "[计算机1台]", "task": "完成任务。",
              "materials": "[]", "quality": "[结果正确]",
              "rubric": "[{element: 要素一, points: 20, standard: 缺一项扣1分}, {element: 要素二, points: 20, standard: 错一处扣1分}]"}
    fields.update(kw)
    return "tasks:\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items() if v is not None) + "\n"


SESSION = "session: 场次\ndate: 2026-12-12\nentries:\n  - {level: 四级, direction: A, kind: theory, forms: 1, seed: 1}\n"


def build(root: Path) -> list[tuple[str, list[str], str]]:
    """Write the corpus under root and return its cases."""
    std = load_standard()
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out"  # -o target of every case: must stay empty
    cases: list[tuple[str, list[str], str]] = []

    def f(name: str, data: bytes | str, mode: int | None = None) -> str:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return str(p)

    def d(name: str) -> str:
        p = root / name
        p.mkdir(parents=True, exist_ok=True)
        return str(p)

    good = _bank_workbook(std)
    # ---- bank files, through validate (and import for workbooks) --------------------------------
    bank_files = {
        "空文件.yaml": "",
        "空白.yaml": "   \n\n",
        "二进制.yaml": JUNK,
        "GBK编码.yaml": _yaml_item(stem="中文题干（    ）。").encode("gbk"),
        "UTF16.yaml": _yaml_item().encode("utf-16"),
        "标量.yaml": "42\n",
        "列表项非映射.yaml": "items:\n- 1\n- abc\n",
        "items非列表.yaml": "items: 5\n",
        "别名炸弹.yaml": ALIAS_BOMB,
        "自引用.yaml": "items: &x [*x]\n",
        "深嵌套.yaml": "items: " + "[" * 5000 + "]" * 5000 + "\n",
        "语法错误.yaml": "items:\n- id: [\n",
        "NUL.yaml": _yaml_item(stem='"题干\\0（    ）。"'),
        "难度NaN.yaml": _yaml_item(difficulty=".nan"),
        "难度巨大.yaml": _yaml_item(difficulty="99999999999999999999999"),
        "难度超大整数.yaml": _yaml_item(difficulty="9" * 400),
        "通过率NaN.yaml": _yaml_item(p_value=".nan"),
        "用时inf.yaml": _yaml_task(duration=".inf"),
        "操作分值NaN.yaml": _yaml_task(points=".nan"),
        "操作分值inf.yaml": _yaml_task(points=".inf"),
        "操作分值巨大.yaml": _yaml_task(points="1e308"),
        "操作分值超大整数.yaml": _yaml_task(points="9" * 400),
        "评分配分NaN.yaml": _yaml_task(rubric="[{element: 要素一, points: .nan, standard: 缺一项扣1分}]"),
        "材料数值inf.yaml": _yaml_task(materials="[{caption: 表1, columns: [a], rows: [[.inf]]}]"),
        "评分标准为标量.yaml": _yaml_task(rubric="5"),
        "材料为标量.yaml": _yaml_task(materials="abc"),
        "编号含控制字符.yaml": _yaml_item(id='"Y\\x01-1"'),
        "编号含零宽字符.yaml": _yaml_item(id='"Y\\u200b-1"'),
        "编号含BOM.yaml": _yaml_item(id='"\\ufeffY-1"'),
        "编号仅大小写不同.yaml": _yaml_item(id="abc-1") + _yaml_item(id="ABC-1")[len("items:\n"):],
        "编号全角.yaml": _yaml_item(id="Y-1") + _yaml_item(id="Ｙ-１")[len("items:\n"):],
        "巨大单元格.yaml": _yaml_item(stem="长" * 2_000_000),
    }
    for name, data in bank_files.items():
        p = f(f"bank/{name}", data)
        cases.append((f"bank validate {name}", ["bank", "validate", p], p))
    wb_files = {
        "空工作簿.xlsx": b"",
        "二进制.xlsx": JUNK,
        "截断.xlsx": good[: len(good) // 2],
        "非xlsx的zip.xlsx": _zip_edit(good, drop=tuple(n for n in zipfile.ZipFile(io.BytesIO(good)).namelist()
                                                      if n != "docProps/app.xml")),
        "缺题目表部件.xlsx": _zip_edit(good, drop=("xl/worksheets/sheet1.xml",)),
        "缺评分标准表部件.xlsx": _zip_edit(good, drop=("xl/worksheets/sheet3.xml",)),
        "缺workbook.xml.xlsx": _zip_edit(good, drop=("xl/workbook.xml",)),
        "表XML损坏.xlsx": _sheet_edit(good, "xl/worksheets/sheet1.xml", lambda x: x[: len(x) // 2]),
        "工作簿XML损坏.xlsx": _sheet_edit(good, "xl/workbook.xml", lambda x: x.replace("</sheets>", "")),
        "XML控制字符.xlsx": _sheet_edit(good, "xl/worksheets/sheet1.xml", lambda x: x.replace("<v>", "<v>\x01", 1)
                                       if "<v>" in x else x.replace("<t>", "<t>\x01", 1)),
        "加密zip.xlsx": _encrypted_zip(good),
        "评分标准列名错.xlsx": _cells_edit(good, "评分标准", {"C1": "要素名称", "D1": "分数"}),
        "材料列名错.xlsx": _cells_edit(good, "材料", {"B1": "表号", "D1": "类型"}),
        "评分序号为文字.xlsx": _cells_edit(good, "评分标准", {"B2": "第一"}),
        "通过率nan.xlsx": _cells_edit(good, "题目", {_col(good, "题目", "通过率") + "2": "nan"}),
        "难度inf.xlsx": _cells_edit(good, "题目", {_col(good, "题目", "难度") + "2": "inf"}),
        "配分inf.xlsx": _cells_edit(good, "操作题", {_col(good, "操作题", "配分") + "2": "inf"}),
        "评分配分巨大.xlsx": _cells_edit(good, "评分标准", {"D2": 1e300}),
        "编号含零宽字符.xlsx": _cells_edit(good, "题目", {"A2": "S\u200b-1"}),
    }
    for name, data in wb_files.items():
        p = f(f"wb/{name}", data)
        cases.append((f"bank validate {name}", ["bank", "validate", p], p))
        cases.append((f"bank import {name}", ["bank", "import", p, "--into", str(out / "bank")], p))
    dir_yaml = d("bank/文件夹.yaml")
    cases.append(("bank import 文件夹", ["bank", "import", dir_yaml, "--into", str(out / "bank")], "文件夹"))
    missing = str(root / "不存在.xlsx")
    cases.append(("bank import 不存在", ["bank", "import", missing, "--into", str(out / "bank")], "不存在"))
    cases.append(("bank validate 不存在", ["bank", "validate", missing], "不存在"))

    # ---- session files ------------------------------------------------------------------------------
    sessions = {
        "空文件": "",
        "二进制": JUNK,
        "GBK": SESSION.encode("gbk"),
        "标量": "5\n",
        "别名炸弹": ALIAS_BOMB,
        "日期月份越界": SESSION.replace("2026-12-12", "2026-13-45"),
        "日期2月30": SESSION.replace("2026-12-12", "'2026-02-30'"),
        "created乱码": SESSION + "created: 不是时间\n",
        "forms小数": SESSION.replace("forms: 1", "forms: 2.7"),
        "forms为inf": SESSION.replace("forms: 1", "forms: .inf"),
        "seed负数": SESSION.replace("seed: 1", "seed: -5"),
        "seed巨大": SESSION.replace("seed: 1", "seed: " + "9" * 30),
        "seed为NaN": SESSION.replace("seed: 1", "seed: .nan"),
        "avoid_sessions文字": SESSION + "avoid_sessions: abc\n",
        "bank为数字": SESSION + "bank: 5\n",
        "名称含NUL": SESSION.replace("session: 场次", 'session: "场\\0次"'),
        "名称过长": SESSION.replace("session: 场次", "session: " + "长" * 101),
        "名称为点": SESSION.replace("session: 场次", "session: '.'"),
        "名称为点点": SESSION.replace("session: 场次", "session: '..'"),
        "名称含斜杠": SESSION.replace("session: 场次", "session: a/b"),
        "max_overlap文字": SESSION.replace("seed: 1}", "seed: 1, max_overlap: abc}"),
        "entries为标量": "session: 场次\ndate: 2026-12-12\nentries: 5\n",
        "重复试卷编号": SESSION + "  - {level: 四级, direction: A, kind: theory, forms: 1, seed: 1}\n",
    }
    for name, data in sessions.items():
        p = f(f"session/{name}.yaml", data)
        cases.append((f"batch {name}", ["batch", p, "-o", str(out), "--no-ledger"], p))
    sdir = d("session/文件夹.yaml")
    cases.append(("batch 文件夹", ["batch", sdir, "-o", str(out), "--no-ledger"], "文件夹"))
    cases.append(("batch 不存在", ["batch", str(root / "无.yaml"), "-o", str(out), "--no-ledger"], "无.yaml"))
    good_session = f("session/正常.yaml", SESSION)
    readonly = root / "只读"
    readonly.mkdir()
    cases.append(("batch 只读输出", ["batch", good_session, "-o", str(readonly), "--no-ledger"], str(readonly)))

    # ---- documents and manifests: review and verify ---------------------------------------------------
    docs = {"空.docx": b"", "二进制.docx": JUNK, "截断.docx": good[:3000], "不是Word.docx": good,
            "加密.docx": _encrypted_zip(good)}
    for name, data in docs.items():
        p = f(f"docs/{name}", data)
        cases.append((f"verify {name}", ["verify", p], p))
        cases.append((f"review {name}", ["review", p], p))
    manifests = {"空.json": "", "二进制.json": JUNK, "数组.json": "[1, 2]", "缺字段.json": '{"code": "X"}',
                 "分值NaN.json": '{"code": "X", "entries": [{"points": NaN}]}', "深嵌套.json": "[" * 100000 + "]" * 100000}
    for name, data in manifests.items():
        p = f(f"manifests/{name}", data)
        cases.append((f"review {name}", ["review", p], p))
    cases.append(("verify 文件夹", ["verify", d("docs/文件夹.docx")], "文件夹"))
    cases.append(("verify 不存在", ["verify", str(root / "无.docx")], "无.docx"))

    # ---- score, analyze, review-panel ------------------------------------------------------------------
    form = hostile_form()
    f(f"score/forms/{form.code}.json", manifest_json(form))
    for name, data in {"空.xlsx": b"", "二进制.xlsx": JUNK, "截断.xlsx": good[: len(good) // 3],
                       "题库工作簿.xlsx": good, "加密.xlsx": _encrypted_zip(good)}.items():
        p = f(f"score/{name}", data)
        cases.append((f"score {name}", ["score", p, "--forms", d("score/forms"), "-o", str(out / "成绩.xlsx")], p))
        cases.append((f"analyze {name}", ["analyze", p, "-o", str(out / "分析.xlsx")], p))
        cases.append((f"review-panel {name}", ["review-panel", p, "-o", str(out)], p))
    for name, data in {"GBK.csv": "准考证号,姓名,试卷编号,1\n001,张三,X,A\n".encode("gbk"), "二进制.csv": JUNK,
                       "空.csv": b""}.items():
        p = f(f"score/{name}", data)
        cases.append((f"score {name}", ["score", p, "--forms", d("score/forms"), "-o", str(out / "成绩.xlsx")], p))

    # ---- generate: bad option values and split files --------------------------------------------------
    base = ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--no-ledger", "-o", str(out)]
    cases += [
        ("generate seed 负数", base + ["--seed", "-1"], "--seed"),
        ("generate seed 巨大", base + ["--seed", str(2 ** 70)], "--seed"),
        ("generate created 乱码", base + ["--created", "不是时间"], "--created"),
        ("generate date 乱码", base + ["--date", "2026-13-45"], "--date"),
        ("generate max-overlap 负数", base + ["--max-overlap", "-3"], "--max-overlap"),
        ("generate difficulty nan", base + ["--difficulty", "nan"], "难度"),
        ("generate split 标量", base + ["--split", f("split/标量.yaml", "5\n")], "标量.yaml"),
        ("generate split 未知功能", base + ["--split", f("split/未知.yaml", "不存在的功能: {1.1: 10}\n")], "不存在的功能"),
        ("generate split 别名炸弹", base + ["--split", f("split/炸弹.yaml", ALIAS_BOMB)], "炸弹.yaml"),
        ("generate split 二进制", base + ["--split", f("split/二进制.yaml", JUNK)], "二进制.yaml"),
        ("generate structure 二进制", base + ["--structure", f("structure/二进制.yaml", JUNK)], "二进制.yaml"),
        ("generate structure 别名炸弹", base + ["--structure", f("structure/炸弹.yaml", ALIAS_BOMB)], "炸弹.yaml"),
        ("generate 只读输出", ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--no-ledger",
                           "-o", str(readonly / "子目录")], str(readonly)),
        ("generate ledger 二进制", ["generate", "--level", "4", "--direction", "A", "--kind", "theory",
                                  "--ledger", f("ledger/二进制.sqlite", JUNK), "-o", str(out)], "二进制.sqlite"),
        ("bank export 只读输出", ["bank", "export", "-o", str(readonly / "导出.xlsx")], str(readonly)),
    ]
    # ---- more loaders: ledger files, suggest-tags, blueprint, review folders, review kind ------------------
    junk_ledger = f("ledger/乱码.sqlite", JUNK)
    text_ledger = f("ledger/文本.sqlite", "这不是数据库\n")
    junk_folder = d("docs/乱码文件夹")
    f("docs/乱码文件夹/x.docx", JUNK)
    f("docs/乱码文件夹/y.json", "{")
    cases += [
        ("ledger list 二进制", ["ledger", "list", "--ledger", junk_ledger], "乱码.sqlite"),
        ("ledger list 文本", ["ledger", "list", "--ledger", text_ledger], "文本.sqlite"),
        ("ledger show 二进制", ["ledger", "show", "场次", "--ledger", junk_ledger], "乱码.sqlite"),
        ("bank suggest-tags 二进制", ["bank", "suggest-tags", f("bank2/二进制.yaml", JUNK), "-o", str(out / "x.xlsx")],
         "二进制.yaml"),
        ("bank stats 别名炸弹", ["bank", "stats", "--bank", f("bank2/炸弹.yaml", ALIAS_BOMB)], "炸弹.yaml"),
        ("bank export 加密", ["bank", "export", "--bank", f("bank2/加密.xlsx", _encrypted_zip(good)),
                            "-o", str(out / "x.xlsx")], "加密.xlsx"),
        ("blueprint structure 二进制", ["blueprint", "--level", "4", "--direction", "A", "--kind", "theory",
                                      "--structure", f("structure/b.yaml", JUNK)], "b.yaml"),
        ("blueprint split 标量", ["blueprint", "--level", "4", "--direction", "A", "--kind", "theory",
                                "--split", f("split/s.yaml", "[1, 2]\n")], "s.yaml"),
        ("review 乱码文件夹", ["review", junk_folder], "乱码文件夹"),
        ("score forms 乱码清单", ["score", f("score/r.csv", "准考证号,姓名,试卷编号,1\n"), "--forms", junk_folder,
                              "-o", str(out / "成绩.xlsx")], "乱码文件夹"),
        ("generate review seed 负数", ["generate", "--level", "2", "--kind", "review", "--seed", "-1", "--no-ledger",
                                    "-o", str(out)], "--seed"),
        ("review-panel manifest 二进制", ["review-panel", f("panel/s.xlsx", good), "--manifest",
                                        f("panel/m.json", JUNK), "-o", str(out)], "s.xlsx"),
    ]
    # control characters that no workbook cell can hold, in a manifest and in an answer sheet
    import json

    manifest = json.loads(manifest_json(form))
    manifest["title"] = "=HYPERLINK(\"x\")\x01标题"
    cases.append(("review 清单含控制字符", ["review", f("manifests/控制字符.json", json.dumps(manifest, ensure_ascii=False)),
                                       "--format", "xlsx", "-o", str(out / "审核.xlsx")], "控制字符.json"))
    header = "准考证号,姓名,试卷编号," + ",".join(str(e.number) for e in form.entries)
    rows = "".join(f"00{k},张\x01三,{form.code}," + ",".join(e.answer for e in form.entries) + "\n" for k in range(3))
    cases.append(("score 姓名含控制字符", ["score", f("score/控制字符.csv", header + "\n" + rows), "--forms",
                                     str(root / "score" / "forms"), "-o", str(out / "成绩.xlsx")], "姓名"))
    # results workbooks whose stored manifest or key table was edited
    from openpyxl import load_workbook

    from assembler.score import score_rows
    from assembler.writers.results import FORMS_SHEET, KEYS_SHEET, results_xlsx
    names = ["准考证号", "姓名", "试卷编号"] + [str(e.number) for e in form.entries]
    rows = [(1, names)] + [(k + 2, [f"{k:04d}", f"考生{k}", form.code] + [e.answer if (k + j) % 3 else ""
                                                                        for j, e in enumerate(form.entries)])
                           for k in range(24)]
    results = results_xlsx(score_rows(rows, {form.code: form}))
    for name, sheet, ref, value in (("清单深嵌套", FORMS_SHEET, "B2", "[" * 100000), ("清单为数组", FORMS_SHEET, "B2", "[1, 2]"),
                                    ("选项数为文字", KEYS_SHEET, "I2", "abc")):
        wb = load_workbook(io.BytesIO(results))
        wb[sheet][ref].value = value
        buf = io.BytesIO()
        wb.save(buf)
        path = f(f"results/{name}.xlsx", buf.getvalue())
        cases.append((f"analyze {name}", ["analyze", path], path))
    # an output path under a regular file fails as a read-only folder does, even for root
    blocker = f("输出/是文件", "x")
    cases += [
        ("generate 输出在文件下", ["generate", "--level", "4", "--direction", "A", "--kind", "theory", "--no-ledger",
                              "-o", str(Path(blocker) / "子目录")], blocker),
        ("batch 输出在文件下", ["batch", good_session, "-o", str(Path(blocker) / "子目录"), "--no-ledger"], blocker),
        ("bank export 输出在文件下", ["bank", "export", "-o", str(Path(blocker) / "导出.xlsx")], blocker),
        ("bank import 目标在文件下", ["bank", "import", f("wb/正常.xlsx", good), "--into", str(Path(blocker) / "题库")],
         blocker),
        ("generate ledger 在文件下", ["generate", "--level", "4", "--direction", "A", "--kind", "theory",
                                   "--ledger", str(Path(blocker) / "l.sqlite"), "-o", str(out)], blocker),
    ]
    return cases
