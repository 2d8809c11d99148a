"""The web workbench (zujuan serve) through Flask's test client: every page over the library."""
import functools
import re
import shutil
from pathlib import Path

import pytest
import yaml

from assembler.bank import read_bank
from assembler.structure import ItemType
from assembler.web import WebConfig, bankview, create_app
from assembler.yaml_safe import load_yaml

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _small_bank_text() -> str:
    """Return the text of the small bank's one file (parsed and dumped once per worker, with libyaml)."""
    raw = load_yaml((ROOT / "question_bank" / "theory" / "JC-JCZS.yaml").read_text(encoding="utf-8"))
    raw["items"][0]["status"] = "retired"
    raw["items"].append({"id": "DRAFT-001", "type": "judge", "status": "draft", "answer": "√", "difficulty": 3,
                         "stem": "短视频平台的完播率是衡量内容吸引力的重要指标之一。"})
    return yaml.dump(raw, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)


@pytest.fixture()
def small_bank(tmp_path):
    """A copy of the 基础知识 file with its first item retired and one untagged draft added."""
    folder = tmp_path / "bank" / "theory"
    folder.mkdir(parents=True)
    (folder / "JC-JCZS.yaml").write_text(_small_bank_text(), encoding="utf-8")
    return tmp_path / "bank"


def make_client(tmp_path, **kw):
    kw.setdefault("output", str(tmp_path / "web"))
    kw.setdefault("ledger", str(tmp_path / "ledger.sqlite"))
    app = create_app(WebConfig(**kw))
    return app, app.test_client()


def text_of(resp) -> str:
    """Return the page's visible text (tags removed, whitespace collapsed)."""
    html = resp.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- 题库 ------------------------------------------------------------------------------------------
def test_bank_tree_counts_every_active_item_of_the_level_once(std):
    bank, _ = read_bank(check_similar=False)
    tree = bankview.bank_tree(bank, std, "4")
    theory = sum(sum(n or 0 for n in r.counts[:3]) for fn in tree for r in fn.rows)
    assert theory == sum(1 for it in bank.items if it.level == "4" and it.active)
    tasks = sum(r.counts[3] or 0 for fn in tree for r in fn.rows)
    assert tasks == sum(len(t.codes) for t in bank.tasks if t.level == "4" and t.active)
    assert [fn.name for fn in tree] == [f.name for f in std.functions_at("4")]


def test_bank_tree_basic_tab_has_no_task_column(std):
    bank, _ = read_bank(check_similar=False)
    tree = bankview.bank_tree(bank, std, bankview.BASIC)
    assert [fn.name for fn in tree] == ["职业道德", "基础知识"]
    assert all(r.counts[3] is None for fn in tree for r in fn.rows)
    assert sum(fn.totals[1] for fn in tree) == sum(1 for it in bank.items if it.is_basic and it.active
                                                   and it.type is ItemType.SINGLE)


def test_heat_class_marks_gaps_and_inapplicable_cells():
    assert [bankview.heat_class(n) for n in (None, 0, 1, 3, 7, 10)] == ["na", "h0", "h1", "h2", "h3", "h4"]


def test_bank_page_shows_the_heat_map_with_the_banks_counts(tmp_path, std):
    bank, _ = read_bank(check_similar=False)
    _, client = make_client(tmp_path)
    resp = client.get("/bank?level=4")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    fn = std.functions_at("4")[0]
    code = fn.knowledge()[0].code
    n = sum(1 for it in bank.items if it.level == "4" and it.function == fn.name and it.code == code
            and it.type is ItemType.SINGLE and it.active)
    row = re.search(rf'>{re.escape(code)}</a></td>.*?</tr>', page, flags=re.S).group(0)
    cells = re.findall(r'<td class="cell (\w+)">([^<]*)</td>', row)
    assert cells[1] == (bankview.heat_class(n), str(n))
    body = text_of(resp)
    assert f"{len(bank.items)} 道客观题" in body and f"{len(bank.tasks)} 道操作题" in body
    assert "四级/中级工" in body and "职业道德与基础知识" in body


def test_bank_page_lists_drafts_and_retired_items(tmp_path, small_bank):
    _, client = make_client(tmp_path, bank=(str(small_bank),))
    body = text_of(client.get("/bank?level=basic"))
    assert "待标注（草稿） 1 题" in body and "DRAFT-001" in body and "DRAFT-001 判断题 等级、职业功能、鉴定点代码" in body
    assert "停用与待审 1 题" in body and "JC-JCZS-001 停用" in body


def test_bank_page_refuses_an_unknown_level(tmp_path):
    _, client = make_client(tmp_path)
    resp = client.get("/bank?level=9")
    assert resp.status_code == 404 and "页面或文件不存在。" in text_of(resp)


def test_search_finds_by_id_code_and_text(tmp_path):
    bank, _ = read_bank(check_similar=False)
    _, client = make_client(tmp_path)
    assert "JC-JCZS-001" in text_of(client.get("/bank/search?q=jc-jczs-001"))
    by_code = [it.id for it in bank.items if it.code.startswith("2.2.1(1)")]
    body = text_of(client.get("/bank/search?q=2.2.1(1)"))
    assert f"共 {len(by_code)} 题" in body and all(i in body for i in by_code)
    found, total = bankview.search(bank, "大众传播")
    assert total >= 1 and all("大众传播" in bankview._text(x) or x.id.startswith("大众") for x in found)


def test_item_page_shows_the_item_and_its_ledger_history(tmp_path):
    from assembler.generate import GenerateRequest, generate

    ledger = tmp_path / "ledger.sqlite"
    res = generate(GenerateRequest(level="4", direction="A", kind="theory", seed=5, ledger=str(ledger),
                                   session="2026-06 四级考试", session_date="2026-06-01", documents=False,
                                   output=str(tmp_path / "out")))
    entry = res.forms[0].entries[0]
    _, client = make_client(tmp_path, ledger=str(ledger))
    body = text_of(client.get(f"/bank/item/{entry.id}"))
    assert entry.id in body and "使用记录" in body
    assert f"2026-06-01 2026-06 四级考试 {res.forms[0].code} {entry.number}" in body
    sessions = text_of(client.get("/ledger"))
    assert "2026-06 四级考试" in sessions
    detail = text_of(client.get("/ledger?session=2026-06 四级考试"))
    assert res.forms[0].code in detail and entry.id in detail


def test_item_page_of_a_task_shows_its_rubric(tmp_path):
    bank, _ = read_bank(check_similar=False)
    t = bank.tasks[0]
    _, client = make_client(tmp_path)
    body = text_of(client.get(f"/bank/item/{t.id}"))
    assert t.title in body and "评分标准" in body and t.rubric[0].element in body


def test_unknown_item_is_404(tmp_path):
    _, client = make_client(tmp_path)
    assert client.get("/bank/item/NO-SUCH").status_code == 404


# ---- security -----------------------------------------------------------------------------------
def test_a_token_is_required_when_set_and_kept_as_a_cookie(tmp_path):
    _, client = make_client(tmp_path, token="s3cret")
    denied = client.get("/bank")
    assert denied.status_code == 403 and "需要有效的访问令牌" in text_of(denied)
    assert client.get("/bank?token=wrong").status_code == 403
    first = client.get("/bank?token=s3cret")
    assert first.status_code == 200 and "zujuan_token=s3cret" in first.headers["Set-Cookie"]
    assert client.get("/bank").status_code == 200  # the cookie carries it now


def test_other_hosts_get_a_token_loopback_does_not():
    from assembler.web.app import with_token

    assert with_token(WebConfig(host="127.0.0.1")).token is None
    assert len(with_token(WebConfig(host="0.0.0.0")).token) >= 20
    assert with_token(WebConfig(host="0.0.0.0", token="mine")).token == "mine"


def test_make_server_binds_a_free_port_and_prints_the_token(tmp_path):
    from assembler.web import make_server

    server, url = make_server(WebConfig(host="0.0.0.0", port=0, output=str(tmp_path / "w"), token="abc"))
    try:
        assert re.fullmatch(r"http://0\.0\.0\.0:\d+/\?token=abc", url)
    finally:
        server.close()


def test_zujuan_serve_prints_its_address_and_answers_there(tmp_path):
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "assembler", "serve", "--port", "0", "-o", str(tmp_path / "w"),
                             "--ledger", str(tmp_path / "l.sqlite")], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline().strip()
        m = re.fullmatch(r"网页工作台已启动：(http://127\.0\.0\.1:\d+/)", first)
        assert m, first + proc.stderr.read() if proc.poll() is not None else first
        with urllib.request.urlopen(m.group(1) + "bank", timeout=30) as resp:
            assert resp.status == 200 and "覆盖热图" in resp.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_refuses_a_busy_port_in_chinese(tmp_path):
    import socket

    from click.testing import CliRunner

    from assembler.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "--port", str(port), "-o", str(tmp_path / "w")])
    assert r.exit_code == 1
    assert r.output.startswith(f"错误：无法在 127.0.0.1:{port} 启动网页工作台：")


# ---- 蓝图 ------------------------------------------------------------------------------------------
def test_blueprint_page_shows_both_tables_of_the_library_blueprint(tmp_path, std):
    from assembler.blueprint import build_blueprint
    from assembler.structure import points_text as pts

    bp = build_blueprint(std, "4", "A", "theory", None)
    _, client = make_client(tmp_path)
    resp = client.get("/blueprint?level=4&direction=A&kind=theory")
    body = text_of(resp)
    assert f"{bp.title} 理论知识鉴定要素细目表" in body and f"{bp.title} 理论知识双向细目表" in body
    assert bp.hash in body
    for r in bp.rows:
        line = f"{r.name} {r.weight} " + " ".join(f"{r.cell(s.type).count} {pts(r.cell(s.type).points)}"
                                                  for s in bp.structure.sections) + f" {r.count} {r.weight}"
        assert line in body
    w = bp.rows[-1].work_contents[0]
    assert f"{w.code} {w.name} {pts(w.points)}" in body


def test_blueprint_page_shows_the_librarys_message_for_an_impossible_choice(tmp_path):
    _, client = make_client(tmp_path)
    resp = client.get("/blueprint?level=4&kind=theory")
    assert resp.status_code == 200
    assert "四级/中级工 须指定职业方向" in text_of(resp)


def test_blueprint_xlsx_download_is_the_cli_workbook(tmp_path, std):
    import io

    from openpyxl import load_workbook

    from assembler.blueprint import build_blueprint
    from assembler.writers.blueprint import blueprint_xlsx

    _, client = make_client(tmp_path)
    resp = client.get("/blueprint.xlsx?level=2&kind=skill")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    got = load_workbook(io.BytesIO(resp.data))
    want = load_workbook(io.BytesIO(blueprint_xlsx(build_blueprint(std, "2", None, "skill", None), std)))
    assert got.sheetnames == want.sheetnames == ["鉴定要素细目表"]
    assert [[c.value for c in row] for row in got.active.iter_rows()] == \
           [[c.value for c in row] for row in want.active.iter_rows()]
    bad = client.get("/blueprint.xlsx?level=4&kind=theory")
    assert bad.status_code == 400 and "须指定职业方向" in text_of(bad)


# ---- 组卷 ------------------------------------------------------------------------------------------
def post(app, client, url, data=None, **kw):
    data = dict(data or {})
    data.setdefault("csrf", app.config["CSRF_TOKEN"])
    return client.post(url, data=data, **kw)


def run_job(app, resp):
    """Return the job a POST redirected to, once it has finished."""
    assert resp.status_code == 303, text_of(resp)
    job_id = resp.headers["Location"].rsplit("/", 1)[1]
    runner = app.extensions["zujuan.jobs"]
    job = runner.get(job_id)
    runner.wait(job, timeout=120)
    return job


GENERATE = {"level": "4", "direction": "A", "kind": "theory", "forms": "2", "seed": "7", "format": "docx",
            "record": "1", "session": "网页组卷", "date": "2026-07-01"}


def test_generate_writes_the_forms_and_shows_the_librarys_review(tmp_path, std):
    import io
    import zipfile

    import docx

    from assembler.bank import load_bank
    from assembler.review import load_forms, review_forms

    app, client = make_client(tmp_path)
    job = run_job(app, post(app, client, "/generate", GENERATE))
    assert job.state == "done", job.error
    page = text_of(client.get(f"/jobs/{job.id}"))
    review = review_forms(load_forms([job.folder]), load_bank(None, std), std, str(tmp_path / "ledger.sqlite"))
    assert f"审核结论 {review.verdict_label}" in page
    codes = [f.code for f in job.result["forms"]]
    assert codes == ["4A-T-7-01", "4A-T-7-02"] and all(c in page for c in codes)
    assert "已生成 2 套试卷（种子 7" in page
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job.id}/download.zip").data))
    assert sorted(z.namelist()) == job.files() == sorted(
        [f"{c}{s}" for c in codes for s in ("-答案.docx", "-试卷.docx", ".json")])
    paper = docx.Document(io.BytesIO(z.read("4A-T-7-01-试卷.docx")))
    assert any("全媒体运营师" in p.text for p in paper.paragraphs)
    # recorded in the ledger under the session named in the form
    assert "网页组卷" in text_of(client.get("/ledger"))
    review_doc = docx.Document(io.BytesIO(client.get(f"/jobs/{job.id}/review.docx").data))
    assert any(review.verdict_label in p.text for p in review_doc.paragraphs)


def test_generate_preview_shows_the_displayed_options_and_key(tmp_path):
    from assembler.bank import load_bank
    from assembler.render.theory_paper import displayed_options

    app, client = make_client(tmp_path)
    job = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    form = job.result["forms"][0]
    body = text_of(client.get(f"/jobs/{job.id}/preview/{form.code}"))
    bank = load_bank()
    e = next(e for e in form.entries if e.type is ItemType.SINGLE)
    opts = displayed_options(bank.get(e.id), e)
    assert f"【答案 {e.answer}】" in body and f"{opts[0][0]}．{opts[0][1]}" in body
    assert "一、判断题" in body
    assert client.get(f"/jobs/{job.id}/preview/NOPE").status_code == 404


def test_an_infeasible_request_shows_the_librarys_message(tmp_path, small_bank):
    from assembler.errors import InfeasibleError
    from assembler.generate import GenerateRequest, assemble_request

    app, client = make_client(tmp_path, bank=(str(small_bank),))
    job = run_job(app, post(app, client, "/generate", {**GENERATE, "record": ""}))
    with pytest.raises(InfeasibleError) as exc:
        assemble_request(GenerateRequest(level="4", direction="A", kind="theory", forms=2, seed=7,
                                         bank=(str(small_bank),), record=False))
    assert job.state == "failed" and job.error == str(exc.value)
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "任务失败" in page and str(exc.value).split("\n")[0] in page


def test_generate_form_errors_are_chinese_messages(tmp_path):
    app, client = make_client(tmp_path)
    resp = post(app, client, "/generate", {**GENERATE, "forms": "两"})
    assert resp.status_code == 400 and "试卷套数「两」无效：应为整数。" in text_of(resp)
    resp = post(app, client, "/generate", {**GENERATE, "forms": "101"})
    assert resp.status_code == 400 and "试卷套数 101 超出范围：应为 1～100 的整数。" in text_of(resp)


def test_a_post_without_the_form_token_is_refused(tmp_path):
    app, client = make_client(tmp_path)
    resp = client.post("/generate", data=GENERATE)
    assert resp.status_code == 403 and "表单已失效" in text_of(resp)
    assert app.extensions["zujuan.jobs"].jobs() == []


def test_job_downloads_refuse_paths_outside_the_job(tmp_path):
    app, client = make_client(tmp_path)
    (tmp_path / "secret.txt").write_text("x")
    job = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    assert client.get(f"/jobs/{job.id}/files/{job.files()[0]}").status_code == 200
    for bad in ("../../../secret.txt", "..%2F..%2F..%2Fsecret.txt", "/etc/passwd", "x.json"):
        assert client.get(f"/jobs/{job.id}/files/{bad}", follow_redirects=True).status_code == 404
    assert client.get("/jobs/nope/download.zip").status_code == 404


# ---- 上传题库文件 -----------------------------------------------------------------------------------
def _upload_items():
    from assembler.bank.models import Item

    return [
        Item(id="WEB-JCZS-001", type=ItemType.SINGLE, level=None, function="基础知识", code="2.2.1(1)",
             stem="传播者通过大众媒介向社会公众传递信息时，受众对信息进行选择性接触、理解和记忆，这一现象体现了受众的（    ）。",
             options=(("A", "被动性"), ("B", "选择性"), ("C", "同质性"), ("D", "随机性")), answer="B", difficulty=2),
        Item(id="WEB-JCZS-002", type=ItemType.JUDGE, level=None, function="基础知识", code="2.2.1(1)",
             stem="人际传播是指个人与个人之间直接或借助媒介进行的信息交流活动。", options=(), answer="√", difficulty=2),
    ]


def _workbook(tmp_path, std, broken: bool) -> Path:
    import io

    from openpyxl import load_workbook

    from assembler.bank.excel_io import write_workbook

    wb = load_workbook(io.BytesIO(write_workbook(_upload_items(), [], std)))
    if broken:
        ws = wb["题目"]
        header = [c.value for c in ws[1]]
        ws.cell(row=2, column=header.index("答案") + 1, value="Z")
        ws.cell(row=3, column=header.index("鉴定点代码") + 1, value="9.9.9")
    path = tmp_path / ("坏题库.xlsx" if broken else "新题.xlsx")
    wb.save(path)
    return path


def _bank_copy(tmp_path) -> Path:
    """Return a copy of the shipped 四级 theory bank (the basics and the 四级 files: what GENERATE draws on)."""
    into = tmp_path / "bank" / "theory"
    into.mkdir(parents=True)
    for f in sorted((ROOT / "question_bank" / "theory").glob("*.yaml")):
        if f.name.startswith(("JC-", "L4-")):
            shutil.copy(f, into)
    return into.parent


def test_a_bad_workbook_shows_every_problem_with_sheet_row_column_and_imports_nothing(tmp_path, std):
    into = _bank_copy(tmp_path)
    before = sorted((p.name, p.read_bytes()) for p in into.rglob("*.yaml"))
    app, client = make_client(tmp_path, bank=(str(into),))
    bad = _workbook(tmp_path, std, broken=True)
    with bad.open("rb") as fh:
        resp = post(app, client, "/bank/upload", {"file": (fh, bad.name)}, content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    _, problems = read_bank([bad], std)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) >= 2 and f"{len(errors)} 个错误" in text_of(resp)
    for p in errors:
        assert f"<td>{bad.name}</td>\n<td>{p.sheet}</td><td>{p.row}</td><td>{p.column}</td><td>{p.message}</td>" in page
    assert {(p.row, p.column) for p in errors} >= {(2, "答案（L列）"), (3, "鉴定点代码（E列）")}
    assert "有错误，未导入任何题目" in text_of(resp) and "导入题库" not in text_of(resp)
    # even a forged import request for it is refused by the library, writing nothing
    up_id = next(iter(app.extensions["zujuan.uploads"]._uploads))
    forced = post(app, client, f"/bank/upload/{up_id}/import")
    assert forced.status_code == 422 and "9.9.9" in text_of(forced)
    assert sorted((p.name, p.read_bytes()) for p in into.rglob("*.yaml")) == before


def test_a_clean_workbook_is_imported_into_the_bank_and_the_upload_removed(tmp_path, std):
    into = _bank_copy(tmp_path)
    app, client = make_client(tmp_path, bank=(str(into),))
    good = _workbook(tmp_path, std, broken=False)
    with good.open("rb") as fh:
        resp = post(app, client, "/bank/upload", {"file": (fh, good.name)}, content_type="multipart/form-data")
    body = text_of(resp)
    assert "共 2 道客观题、0 道操作题： 0 个错误 ，0 个警告" in body and "导入题库" in body
    store = app.extensions["zujuan.uploads"]
    (up_id, up), = store._uploads.items()
    assert up.path.parent.parent == store.root and up.path.name == "upload.xlsx"  # not the uploaded name
    done = text_of(post(app, client, f"/bank/upload/{up_id}/import"))
    assert "已导入 2 题，覆盖 0 题" in done
    assert not up.path.exists() and store.get(up_id) is None
    bank, _ = read_bank([into], std)
    assert bank.get("WEB-JCZS-001").stem == _upload_items()[0].stem
    assert "WEB-JCZS-002" in text_of(client.get("/bank/search?q=WEB-JCZS"))  # the page reads the new bank
    # the same ids again: the library refuses, naming the rows
    with good.open("rb") as fh:
        post(app, client, "/bank/upload", {"file": (fh, good.name)}, content_type="multipart/form-data")
    up_id = next(iter(store._uploads))
    again = post(app, client, f"/bank/upload/{up_id}/import")
    assert again.status_code == 422 and "题号 WEB-JCZS-001 已存在于" in text_of(again)


def test_a_question_document_is_checked_then_imported_as_drafts(tmp_path, std):
    """A centre's text document: the page shows the library's dry-run report, then imports the items
    under the document's own name (imported/三级复习题.yaml), as `zujuan bank import` does."""
    import io

    from assembler.bank.import_tables import import_questions

    into = _bank_copy(tmp_path)
    app, client = make_client(tmp_path, bank=(str(into),))
    text = ("一、单项选择题\n"
            "1．直播间的“停留时长”指标主要反映的是（  ）。\n"
            "A．商品的毛利率  B．内容对观众的吸引力  C．主播的粉丝总数  D．平台的流量分配规则\n"
            "【答案】B\n"
            "二、判断题\n"
            "2．短视频标题中使用“最低价”“全网第一”等用语，不违反《广告法》。（  ）\n"
            "【答案】×\n")
    resp = post(app, client, "/bank/upload", {"file": (io.BytesIO(text.encode("utf-8")), "三级复习题.txt")},
                content_type="multipart/form-data")
    body = text_of(resp)
    expected = import_questions(_write(tmp_path / "三级复习题.txt", text), into, dry_run=True, standard=std)
    assert resp.status_code == 200 and f"检查通过，可以导入：{len(expected.items)} 题" in body and "导入题库" in body
    up_id = next(iter(app.extensions["zujuan.uploads"]._uploads))
    done = text_of(post(app, client, f"/bank/upload/{up_id}/import"))
    assert f"已导入：{len(expected.items)} 题" in done
    written = into / "imported" / "三级复习题.yaml"
    assert written.exists() and "停留时长" in written.read_text(encoding="utf-8")
    # a document with an item the library cannot read: the report names the uploaded file and line
    bad = "1．没有选项也没有答案的题目（  ）。\n"
    resp = post(app, client, "/bank/upload", {"file": (io.BytesIO(bad.encode("utf-8")), "坏文档.txt")},
                content_type="multipart/form-data")
    assert resp.status_code == 422 and "坏文档.txt" in text_of(resp) and "导入题库" not in text_of(resp)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_uploads_of_other_types_or_too_large_are_refused(tmp_path):
    import io

    app, client = make_client(tmp_path, max_upload_mb=1)
    resp = post(app, client, "/bank/upload", {"file": (io.BytesIO(b"x"), "../../evil.exe")},
                content_type="multipart/form-data")
    assert resp.status_code == 400 and "只能上传题库文件（.xlsx、.yaml、.yml、.docx、.pdf、.txt、.md、.csv），收到「evil.exe」。" in text_of(resp)
    resp = post(app, client, "/bank/upload", {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.xlsx")},
                content_type="multipart/form-data")
    assert resp.status_code == 413 and "上传的文件超过大小限制（1 MB）。" in text_of(resp)
    resp = post(app, client, "/bank/upload", {}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "请选择要上传的题库文件。" in text_of(resp)


# ---- 审核 / 复核 / 场次 -------------------------------------------------------------------------------
def test_review_of_uploaded_documents_is_the_librarys_verdict(tmp_path, std):
    from assembler.bank import load_bank
    from assembler.review import load_forms, review_forms

    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "record": ""}))
    names = [n for n in gen.files() if n.endswith((".json", ".docx"))]
    files = [((gen.folder / n).open("rb"), n) for n in names]
    try:
        job = run_job(app, post(app, client, "/review", {"files": files}, content_type="multipart/form-data"))
    finally:
        for fh, _ in files:
            fh.close()
    want = review_forms(load_forms([gen.folder]), load_bank(None, std), std, str(tmp_path / "ledger.sqlite"))
    got = job.result["review"]
    assert (got.verdict, got.reasons, got.overlap) == (want.verdict, want.reasons, want.overlap)
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert f"审核结论 {want.verdict_label}" in page and "下载审核报告（Word，可签字）" in page
    assert not any(app.extensions["zujuan.uploads"].root.iterdir())  # uploads removed after use


def test_review_of_a_tampered_manifest_fails_with_the_librarys_reasons(tmp_path):
    import json

    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    manifest = json.loads((gen.folder / "4A-T-7-01.json").read_text(encoding="utf-8"))
    manifest["items"][0]["answer"] = "√" if manifest["items"][0]["answer"] == "×" else "×"
    tampered = tmp_path / "4A-T-7-01.json"
    tampered.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with tampered.open("rb") as fh:
        job = run_job(app, post(app, client, "/review", {"files": [(fh, tampered.name)]},
                                content_type="multipart/form-data"))
    review = job.result["review"]
    assert review.verdict == "fail" and review.reasons
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "审核结论 不合格" in page and review.reasons[0] in page


def test_review_refuses_other_file_types_and_names_the_uploaded_file(tmp_path):
    import io

    app, client = make_client(tmp_path)
    resp = post(app, client, "/review", {"files": [(io.BytesIO(b"x"), "a.pdf")]}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "只能上传试卷清单或 Word 试卷（.json、.docx），收到「a.pdf」。" in text_of(resp)
    job = run_job(app, post(app, client, "/review", {"files": [(io.BytesIO(b"{"), "坏清单.json")]},
                            content_type="multipart/form-data"))
    assert job.state == "failed" and "坏清单.json" in job.error and "upload.json" not in job.error


def test_verify_passes_a_generated_paper_and_fails_another_bank(tmp_path, small_bank):
    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    paper = gen.folder / "4A-T-7-01-试卷.docx"
    with paper.open("rb") as fh:
        resp = post(app, client, "/verify", {"paper": (fh, paper.name)}, content_type="multipart/form-data")
    body = text_of(resp)
    assert resp.status_code == 200 and "复核通过：90 题与题库、蓝图一致。" in body and "种子 7" in body
    app2, client2 = make_client(tmp_path / "b", bank=(str(small_bank),))
    with paper.open("rb") as fh:
        resp = post(app2, client2, "/verify", {"paper": (fh, paper.name)}, content_type="multipart/form-data")
    assert "复核未通过" in text_of(resp)


def test_a_session_from_the_entries_table_runs_as_batch_with_its_zips(tmp_path):
    import io
    import zipfile

    app, client = make_client(tmp_path)
    data = {"session": "网页场次", "date": "2026-08-01", "record": "1",
            "e_level": ["4", "2", ""], "e_direction": ["A", "", ""], "e_kind": ["theory", "skill", "theory"],
            "e_forms": ["2", "1", "1"], "e_seed": ["11", "12", ""], "e_structure": ["", "", ""]}
    job = run_job(app, post(app, client, "/session", data))
    assert job.state == "done", job.error
    b = job.result["batch"]
    assert [c for c, _ in b.verdicts] == ["4A-T-11-01", "4A-T-11-02", "2-S-12-01"] and job.snapshot()["done"] == 2
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert f"网页场次（2026-08-01）：3 套试卷，{b.files} 个文件" in page
    z = client.get(f"/jobs/{job.id}/files/网页场次/网页场次-试卷.zip")
    assert z.status_code == 200
    assert "4A-T-11-01-试卷.docx" in zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    assert "网页场次" in text_of(client.get("/ledger"))


def test_a_bad_session_shows_every_problem_of_load_session(tmp_path):
    import io

    app, client = make_client(tmp_path)
    bad = "session: 坏/场次\ndate: 2026-8-1\nentries:\n  - {level: 九级, kind: theory, seed: 1}\n".encode()
    resp = post(app, client, "/session", {"session_file": (io.BytesIO(bad), "场次.yaml")},
                content_type="multipart/form-data")
    body = text_of(resp)
    assert resp.status_code == 422 and "场次文件有误" in body
    assert "场次.yaml" in body and "日期「2026-8-1」应写成 YYYY-MM-DD" in body and "upload.yaml" not in body
    assert app.extensions["zujuan.jobs"].jobs() == []


def test_a_running_job_shows_a_progress_bar_and_the_banner(tmp_path):
    import threading

    app, client = make_client(tmp_path)
    runner = app.extensions["zujuan.jobs"]
    gate = threading.Event()

    def work(job):
        job.progress(1, "第 1 项：四级 理论知识", total=3)
        gate.wait(10)
        return {}

    job = runner.submit("batch", "场次：测试", work)
    while job.snapshot()["done"] != 1:
        pass
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'data-job-status="/jobs/{job.id}.json"' in page and '<progress max="3" value="1">' in page
    assert "正在运行 1 个任务" in text_of(client.get("/bank"))
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert (status["state"], status["done"], status["total"], status["message"]) == ("running", 1, 3, "第 1 项：四级 理论知识")
    gate.set()
    runner.wait(job)
    assert "正在运行" not in text_of(client.get("/bank"))


def test_review_kind_blueprint_and_defence_sets(tmp_path, std):
    from assembler.review_blueprint import build_review_blueprint

    app, client = make_client(tmp_path)
    bp = build_review_blueprint(std, "2")
    body = text_of(client.get("/blueprint?level=2&kind=review"))
    assert bp.title in body and f"评审组 {bp.panel_size} 人" in body
    assert all(f"{f.number}. {f.name} {f.weight}% {f.questions} {f.points}" in body for f in bp.functions)
    refused = client.get("/blueprint.xlsx?level=2&kind=review")
    assert refused.status_code == 400 and "综合评审细目表支持 text、json、yaml 格式。" in text_of(refused)
    job = run_job(app, post(app, client, "/generate", {"level": "2", "kind": "review", "forms": "2", "seed": "3"}))
    assert job.state == "done", job.error
    codes = [s.code for s in job.result["sets"]]
    assert codes == ["R2-3-01", "R2-3-02"]
    assert {f"{c}{s}" for c in codes for s in (".json", "-评分录入.xlsx", "-答辩题单.docx")} <= set(job.files())
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "已生成 2 套答辩题（种子 3" in page and "R2-3-02 4 60 5" in page
    bad = run_job(app, post(app, client, "/generate", {"level": "4", "kind": "review", "forms": "1", "seed": "3"}))
    assert bad.state == "failed" and "综合评审" in bad.error


# ---- 评分与分析 ------------------------------------------------------------------------------------
def _answer_sheet(template: bytes, form, path: Path, candidates: int = 30) -> Path:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    ws = wb.active
    for i in range(candidates):
        row = [f"2026{i:04d}", f"考生{i}", form.code]
        for e in form.entries:
            right = (i + e.number) % (2 + i % 4) != 0
            wrong = {"√": "×", "×": "√"}.get(e.answer, "A" if e.answer != "A" else "B")
            row.append(e.answer if right else wrong)
        ws.append(row)
    wb.save(path)
    return path


def test_score_and_analyze_an_answer_sheet_for_a_generated_form(tmp_path):
    import io

    from openpyxl import load_workbook

    from assembler.analyze import analyze_results
    from assembler.score import load_theory_forms, score_file
    from assembler.writers.analysis import analysis_text

    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    template = post(app, client, "/score", {"job": gen.id, "action": "template"})
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.data)).active["C1"].value == "试卷编号"
    form = gen.result["forms"][0]
    sheet = _answer_sheet(template.data, form, tmp_path / "答题登记表.xlsx")
    with sheet.open("rb") as fh:
        job = run_job(app, post(app, client, "/score", {"job": gen.id, "action": "score", "responses": (fh, sheet.name)},
                                content_type="multipart/form-data"))
    assert job.state == "done", job.error
    assert sorted(job.files()) == sorted(["题目分析.xlsx", "成绩表.xlsx"])
    want = score_file(sheet, load_theory_forms(gen.folder))
    got = job.result["results"].forms[0].totals
    assert list(got) == list(want.forms[0].totals)
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert f"{form.code} 30 {want.forms[0].totals.mean():.2f}" in page
    text = analysis_text(analyze_results(want))
    assert " ".join(text.splitlines()[0].split()) in page
    # the results workbook alone gives the same analysis
    results = client.get(f"/jobs/{job.id}/files/成绩表.xlsx").data
    again = run_job(app, post(app, client, "/analyze", {"results": (io.BytesIO(results), "成绩表.xlsx")},
                              content_type="multipart/form-data"))
    from assembler.writers.results import read_results

    (tmp_path / "成绩表.xlsx").write_bytes(results)
    assert again.state == "done"
    assert again.result["text"] == analysis_text(analyze_results(read_results(tmp_path / "成绩表.xlsx")))
    # too few candidates to analyse: the scores stand, the page says why there is no analysis
    few = _answer_sheet(template.data, form, tmp_path / "少.xlsx", candidates=5)
    with few.open("rb") as fh:
        small = run_job(app, post(app, client, "/score", {"job": gen.id, "action": "score", "responses": (fh, few.name)},
                                  content_type="multipart/form-data"))
    assert small.state == "done" and small.files() == ["成绩表.xlsx"]
    assert "未做题目分析：考生少于 20 人的试卷不计算题目统计" in text_of(client.get(f"/jobs/{small.id}"))


def test_a_bad_answer_sheet_names_the_uploaded_file_and_cell(tmp_path):
    import io

    from openpyxl import Workbook

    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    wb = Workbook()
    wb.active.append(["准考证号", "姓名", "试卷编号", "1"])
    wb.active.append(["1", "甲", "NO-SUCH-FORM", "√"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    job = run_job(app, post(app, client, "/score", {"job": gen.id, "action": "score", "responses": (buf, "登记表.xlsx")},
                            content_type="multipart/form-data"))
    assert job.state == "failed" and "登记表.xlsx" in job.error and "NO-SUCH-FORM" in job.error
    assert "upload.xlsx" not in job.error


@pytest.mark.filterwarnings("ignore:The number of unique classes:UserWarning")  # a one-file bank to learn from
def test_drafts_get_the_suggest_tags_workbook(tmp_path, small_bank):
    from openpyxl import load_workbook

    from assembler.bank.tag_review import is_review_workbook

    app, client = make_client(tmp_path, bank=(str(small_bank),))
    assert "为草稿生成标注建议" in text_of(client.get("/bank?level=basic"))
    job = run_job(app, post(app, client, "/bank/suggest-tags"))
    assert job.state == "done", job.error
    assert job.files() == ["标注建议.xlsx"] and is_review_workbook(job.folder / "标注建议.xlsx")
    ids = [c.value for row in load_workbook(job.folder / "标注建议.xlsx").worksheets[0].iter_rows() for c in row]
    assert "DRAFT-001" in ids
    assert "已为 1 道草稿题生成标注建议" in text_of(client.get(f"/jobs/{job.id}"))


def test_without_a_token_only_this_machines_names_are_served(tmp_path):
    from assembler.web.app import request_hostname

    _, client = make_client(tmp_path)
    assert client.get("/bank", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/bank", headers={"Host": "localhost"}).status_code == 200
    rebound = client.get("/bank", headers={"Host": "attacker.example:8765"})
    assert rebound.status_code == 403 and "请用本机地址（127.0.0.1 或 localhost）打开工作台" in text_of(rebound)
    assert [request_hostname(h) for h in ("a:1", "[::1]:80", "::1", "b")] == ["a", "::1", "::1", "b"]


def test_skill_preview_lists_each_task_with_its_rubric(tmp_path):
    from assembler.bank import load_bank

    app, client = make_client(tmp_path)
    job = run_job(app, post(app, client, "/generate", {**GENERATE, "level": "2", "direction": "", "kind": "skill",
                                                      "forms": "1", "record": ""}))
    assert job.state == "done", job.error
    form = job.result["forms"][0]
    body = text_of(client.get(f"/jobs/{job.id}/preview/{form.code}"))
    bank = load_bank()
    for e in form.entries:
        t = bank.get(e.id)
        assert f"试题 {e.number}：{t.title}" in body and t.rubric[0].standard in body
    assert "考核时间" in text_of(client.get(f"/jobs/{job.id}"))


def test_an_unexpected_error_is_a_chinese_page_and_the_traceback_goes_to_the_log(tmp_path, caplog):
    app, client = make_client(tmp_path)

    def broken():
        raise RuntimeError("secret detail")

    app.add_url_rule("/broken", "broken", broken)
    resp = client.get("/broken")
    body = text_of(resp)
    assert resp.status_code == 500 and "服务器内部错误；详情见服务器日志。" in body
    assert "secret detail" not in body and "Traceback" not in body
    assert any("secret detail" in (r.exc_text or "") or "secret detail" in str(r.exc_info) for r in caplog.records)


def test_after_a_restart_earlier_jobs_can_be_downloaded_and_reviewed(tmp_path):
    app, client = make_client(tmp_path)
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    app2, client2 = make_client(tmp_path)  # the same output folder: a restarted server
    page = text_of(client2.get(f"/jobs/{gen.id}"))
    assert "服务器重启前完成的任务" in page and "4A-T-7-01.json" in page
    assert client2.get(f"/jobs/{gen.id}/download.zip").status_code == 200
    job = run_job(app2, post(app2, client2, "/review", {"job": gen.id}))
    assert job.state == "done" and job.result["review"].verdict == "pass"


def test_an_analysis_is_written_back_to_the_bank_only_when_confirmed(tmp_path):
    from assembler.bank import load_bank
    from assembler.ledger import item_history

    into = _bank_copy(tmp_path)
    app, client = make_client(tmp_path, bank=(str(into),))
    gen = run_job(app, post(app, client, "/generate", {**GENERATE, "forms": "1", "record": ""}))
    form = gen.result["forms"][0]
    template = post(app, client, "/score", {"job": gen.id, "action": "template"}).data
    sheet = _answer_sheet(template, form, tmp_path / "答题登记表.xlsx")
    with sheet.open("rb") as fh:
        job = run_job(app, post(app, client, "/score", {"job": gen.id, "action": "score", "responses": (fh, sheet.name)},
                                content_type="multipart/form-data"))
    before = sorted((p.name, p.read_bytes()) for p in into.rglob("*.yaml"))
    preview = post(app, client, f"/jobs/{job.id}/update-bank")
    assert "确认写入" in text_of(preview) and form.entries[0].id in text_of(preview)
    assert sorted((p.name, p.read_bytes()) for p in into.rglob("*.yaml")) == before  # nothing written yet
    done = text_of(post(app, client, f"/jobs/{job.id}/update-bank", {"confirm": "1"}))
    assert "分析结果已记入使用记录" in done
    item = load_bank([into]).get(form.entries[0].id)
    assert item.p_value is not None and item.p_count == 30
    _, analyses = item_history(str(tmp_path / "ledger.sqlite"), item.id)
    assert analyses and analyses[0].candidates == 30


def test_generate_with_no_format_ticked_writes_only_the_manifests(tmp_path):
    app, client = make_client(tmp_path)
    data = {k: v for k, v in GENERATE.items() if k != "format"}
    job = run_job(app, post(app, client, "/generate", {**data, "forms": "1", "record": "", "formats_shown": "1"}))
    assert job.files() == ["4A-T-7-01.json"]
    job = run_job(app, post(app, client, "/generate", {**data, "forms": "1", "seed": "8", "record": ""}))
    assert job.files() == ["4A-T-8-01-答案.docx", "4A-T-8-01-试卷.docx", "4A-T-8-01.json"]


def test_an_uploaded_session_file_runs_with_the_servers_bank(tmp_path):
    import io

    app, client = make_client(tmp_path)
    text = ("session: 上传场次\ndate: 2026-10-01\nbank: /nowhere/of/the/upload\n"
            "entries:\n  - {level: 四级, direction: 创意策划, kind: theory, forms: 1, seed: 41}\n")
    job = run_job(app, post(app, client, "/session", {"session_file": (io.BytesIO(text.encode()), "场次.yaml"),
                                                      "record": ""}, content_type="multipart/form-data"))
    assert job.state == "done", job.error
    b = job.result["batch"]
    assert b.session.bank == () and b.session.source == "场次.yaml" and [c for c, _ in b.verdicts] == ["4A-T-41-01"]
    assert "上传场次/上传场次-试卷.zip" in job.files()
    assert "上传场次" not in text_of(client.get("/ledger"))  # 写入使用记录 left unticked
