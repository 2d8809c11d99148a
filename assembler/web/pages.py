"""The workbench's pages. Each one parses the request, calls one library function (the same as
the CLI command it mirrors) and renders the result; none of them decides anything itself."""
from __future__ import annotations

from flask import (
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..bank.drafts import draft_items, missing_tags
from ..bank.models import Item, Task
from ..errors import AssemblerError, InputError
from ..ledger import item_history
from . import bankview
from .app import bank_cache, config_of, jobs, standard, uploads


def register(app: Flask) -> None:
    from ..review import summary_lines
    from ..structure import points_text
    from . import jobpages

    app.add_template_filter(points_text, "pts")
    app.add_template_global(summary_lines, "summary")
    jobpages.register(app)
    app.add_url_rule("/", "index", lambda: redirect(url_for("bank")))
    app.add_url_rule("/bank", "bank", bank_page)
    app.add_url_rule("/bank/item/<item_id>", "bank_item", item_page)
    app.add_url_rule("/bank/search", "bank_search", search_page)
    app.add_url_rule("/ledger", "ledger", ledger_page)
    app.add_url_rule("/bank/upload", "bank_upload", upload_page, methods=["GET", "POST"])
    app.add_url_rule("/bank/upload/<up_id>/import", "bank_import", import_page, methods=["POST"])
    app.add_url_rule("/blueprint", "blueprint", blueprint_page)
    app.add_url_rule("/blueprint.xlsx", "blueprint_xlsx", blueprint_download)


def _level_tabs():
    std = standard(current_app)
    return [(lv.code, lv.label) for lv in std.levels] + [(bankview.BASIC, "职业道德与基础知识")]


def bank_page():
    std = standard(current_app)
    bank, problems = bank_cache(current_app).read()
    tabs = _level_tabs()
    level = request.args.get("level", tabs[0][0])
    if level not in dict(tabs):
        abort(404)
    tree = bankview.bank_tree(bank, std, level)
    drafts = draft_items(bank)
    retired = [x for x in (*bank.items, *bank.tasks) if not x.active and not (isinstance(x, Item) and x.is_draft)]
    return render_template("bank.html", tabs=tabs, level=level, tree=tree, types=bankview.TYPES,
                           heat=bankview.heat_class, bank=bank, status=bankview.status_counts(bank),
                           by_type=bankview.type_counts(bank), drafts=drafts, missing=missing_tags,
                           retired=retired, errors=[p for p in problems if p.severity == "error"],
                           warnings=[p for p in problems if p.severity == "warning"],
                           paths=config_of(current_app).bank_paths)


def search_page():
    bank, _ = bank_cache(current_app).read()
    q = request.args.get("q", "")
    found, total = bankview.search(bank, q)
    return render_template("search.html", q=q, found=found, total=total, Task=Task)


def item_page(item_id: str):
    bank, _ = bank_cache(current_app).read()
    rec = bank.get(item_id)
    if rec is None:
        abort(404)
    std = standard(current_app)
    uses, analyses = item_history(config_of(current_app).ledger_path, item_id)
    if isinstance(rec, Task):
        codes = {c: std.skill_codes(rec.level, rec.function).get(c, "") for c in rec.codes}
    else:
        lv = rec.level or std.levels[0].code
        codes = {rec.code: std.knowledge_codes(lv, rec.function).get(rec.code, "")} if rec.code else {}
    return render_template("item.html", rec=rec, is_task=isinstance(rec, Task), codes=codes, uses=uses,
                           analyses=analyses, std=std, missing=missing_tags(rec) if isinstance(rec, Item) else [])


def ledger_page():
    from ..ledger import list_sessions, session_detail

    path = config_of(current_app).ledger_path
    name = request.args.get("session")
    sessions = list_sessions(path)
    detail = session_detail(path, name) if name else None
    return render_template("ledger.html", sessions=sessions, name=name, detail=detail, path=path)


# ---- 蓝图 ------------------------------------------------------------------------------------------
KINDS = (("theory", "理论知识"), ("skill", "操作技能"), ("review", "综合评审（二级、一级）"))


def _pickers() -> dict:
    """Return the level/direction/kind/structure choices of the forms (from the standard)."""
    from ..structure import list_structures

    std = standard(current_app)
    combos = std.valid_combinations()
    return {"levels": [(lv.code, lv.label) for lv in std.levels],
            "level_directions": {lv.code: " ".join(d for c, d in combos if c == lv.code and d) for lv in std.levels},
            "directions": [(d.code, d.name) for d in std.directions], "kinds": KINDS,
            "structures": list_structures()}


def _blueprint_args() -> dict:
    a = request.args
    return {"level": a.get("level", "4"), "direction": a.get("direction") or None,
            "kind": a.get("kind", "theory"), "structure": a.get("structure") or None}


def _build_blueprint(args: dict):
    from ..blueprint import build_blueprint
    from ..review_blueprint import build_review_blueprint, is_review_kind

    if is_review_kind(args["kind"]):  # as `zujuan blueprint --kind review`
        return build_review_blueprint(standard(current_app), args["level"])
    return build_blueprint(standard(current_app), args["level"], args["direction"], args["kind"], args["structure"])


def _requirements(bp, row: str, codes) -> list[str]:
    from ..standard import Kind

    std = standard(current_app)
    table = std.knowledge_codes(bp.level, row) if bp.kind is Kind.THEORY else std.skill_codes(bp.level, row)
    return [f"{c} {table.get(c, '')}".strip() for c in codes]


def blueprint_page():
    args = _blueprint_args()
    bp, error = None, ""
    if request.args:
        try:
            bp = _build_blueprint(args)
        except AssemblerError as exc:
            error = str(exc)
    return render_template("blueprint.html", args=args, bp=bp, error=error, requirements=_requirements,
                           std=standard(current_app), **_pickers())


def blueprint_download():
    import io

    from ..review_blueprint import is_review_kind
    from ..writers.blueprint import blueprint_heading, blueprint_xlsx

    args = _blueprint_args()
    if is_review_kind(args["kind"]):
        raise InputError("综合评审细目表支持 text、json、yaml 格式。")
    bp = _build_blueprint(args)
    data = blueprint_xlsx(bp, standard(current_app))
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{blueprint_heading(bp)}.xlsx".replace("/", "-"),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---- 上传题库文件 -----------------------------------------------------------------------------------
BANK_SUFFIXES = (".xlsx", ".yaml", ".yml")  # what `zujuan bank import` reads (bank.yaml_io.bank_files)


def _report(upload, problems, bank=None, review_workbook=False, imported=None, status=200):
    errors_ = [p for p in problems if p.severity == "error"]
    return render_template("upload.html", upload=upload, problems=problems, errors=errors_, bank=bank,
                           review_workbook=review_workbook, imported=imported, shown_file=upload.shown if upload else str,
                           into=config_of(current_app).import_folder()), status


def upload_page():
    """GET: the upload form; POST: validate the file as `zujuan bank validate` does and show the report."""
    if request.method == "GET":
        return _report(None, [])
    from ..bank import read_bank
    from ..bank.tag_review import is_review_workbook

    up = uploads(current_app).save(request.files.get("file"), BANK_SUFFIXES, "题库文件")
    if is_review_workbook(up.path):
        return _report(up, [], review_workbook=True)
    bank, problems = read_bank([up.path], standard(current_app))
    return _report(up, problems, bank)


def import_page(up_id: str):
    """Import a validated upload (as `zujuan bank import`), holding the lock of writing jobs."""
    from ..bank.importer import import_workbook
    from ..bank.tag_review import apply_review, is_review_workbook
    from ..errors import DataError

    store = uploads(current_app)
    up = store.get(up_id)
    if up is None:
        abort(404)
    into = config_of(current_app).import_folder()
    done: dict
    try:
        with jobs(current_app).writing():
            if is_review_workbook(up.path):
                rev = apply_review(up.path, into, standard(current_app))
                done = {"text": f"已标注 {rev.tagged} 题，{rev.left_drafts} 题仍为草稿", "files": rev.files, "warnings": ()}
            else:
                res = import_workbook(up.path, into, bool(request.form.get("replace")), standard(current_app))
                done = {"text": f"已导入 {res.added} 题，覆盖 {res.replaced} 题", "files": res.files,
                        "warnings": res.warnings}
    except DataError as exc:  # nothing was written: show why, keep the upload for another try
        return _report(up, exc.problems, status=422)
    store.remove(up)
    return _report(up, list(done["warnings"]), imported=done)
