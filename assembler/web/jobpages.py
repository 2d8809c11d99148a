"""The pages of long jobs: 组卷 (generate + review of what it wrote), 场次 (batch), and each job's
status, results and downloads. The work runs in the JobRunner; the same library functions as
`zujuan generate`, `zujuan review` and `zujuan batch` do it."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from flask import (
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..errors import AssemblerError, DataError, InputError
from ..review_blueprint import is_review_kind
from .app import bank_cache, config_of, jobs, standard, uploads
from .jobs import Job
from .uploads import shown_error

if TYPE_CHECKING:
    from ..generate import GenerateRequest

KIND_LABELS = (("theory", "理论知识"), ("skill", "操作技能"), ("review", "综合评审"))


def register(app: Flask) -> None:
    app.add_url_rule("/generate", "generate", generate_page, methods=["GET", "POST"])
    app.add_url_rule("/review", "review", review_page, methods=["GET", "POST"])
    app.add_url_rule("/verify", "verify", verify_page, methods=["POST"])
    app.add_url_rule("/session", "session", session_page, methods=["GET", "POST"])
    app.add_url_rule("/score", "score", score_page, methods=["GET", "POST"])
    app.add_url_rule("/analyze", "analyze", analyze_page, methods=["POST"])
    app.add_url_rule("/bank/suggest-tags", "bank_suggest", suggest_page, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>/update-bank", "job_update_bank", update_bank_page, methods=["POST"])
    app.add_url_rule("/jobs", "jobs_list", jobs_page)
    app.add_url_rule("/jobs/<job_id>", "job", job_page)
    app.add_url_rule("/jobs/<job_id>.json", "job_status", job_status)
    app.add_url_rule("/jobs/<job_id>/download.zip", "job_zip", job_zip)
    app.add_url_rule("/jobs/<job_id>/files/<path:name>", "job_file", job_file)
    app.add_url_rule("/jobs/<job_id>/review.docx", "job_review_docx", job_review_docx)
    app.add_url_rule("/jobs/<job_id>/preview/<code>", "job_preview", job_preview)


def _int_or_none(name: str, label: str, lo: int | None = None, hi: int | None = None) -> int | None:
    """Return the form field as an int (None when empty); raise InputError naming the field otherwise."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{label}「{raw}」无效：应为整数。") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f"{lo}～{hi}" if hi is not None else f"不小于 {lo}"
        raise InputError(f"{label} {value} 超出范围：应为 {span} 的整数。")
    return value


def _int(name: str, label: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    """Return the form field as an int, default when empty; raise InputError naming the field otherwise."""
    value = _int_or_none(name, label, lo, hi)
    return default if value is None else value


def _text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def generate_request() -> GenerateRequest:
    """Return the GenerateRequest the 组卷 form describes (the same fields as `zujuan generate`)."""
    from ..generate import GenerateRequest

    cfg = config_of(current_app)
    formats: tuple[str, ...] | None = tuple(request.form.getlist("format"))
    if not formats and not request.form.get("formats_shown"):
        formats = None  # a form without the format boxes: the defaults (docx), as the CLI without --format
    return GenerateRequest(
        level=request.form.get("level", ""), direction=_text("direction"), kind=request.form.get("kind", ""),
        forms=_int("forms", "试卷套数", 1, 1, 100), seed=_int("seed", "随机种子", 1),
        structure=_text("structure"), bank=tuple(cfg.bank), max_overlap=_int_or_none("max_overlap", "最多重复题数", 0),
        difficulty=_text("difficulty"), ledger=cfg.ledger_path, avoid_sessions=_int("avoid_sessions", "排除场次数", 0, 0),
        session=_text("session"), session_date=_text("date"), explanations=bool(request.form.get("explanations")),
        record=bool(request.form.get("record")), formats=formats)


def run_generate(job: Job, req, std, cache) -> dict:
    """Generate into the job's folder (as `zujuan generate -o FOLDER`), then review what was written
    (as `zujuan review FOLDER`); return both for the page."""
    from dataclasses import replace

    from ..generate import generate
    from ..review import load_forms, review_forms

    job.progress(0, "组卷中", total=2)
    res = generate(replace(req, output=str(job.folder)), std)
    job.progress(1, "审核中")
    bank = cache.load()
    review = review_forms(load_forms([job.folder]), bank, std, req.ledger if req.record else None)
    job.progress(2, "完成")
    return {"forms": res.forms, "blueprint": res.blueprint, "review": review, "bank": bank,
            "recovered": res.recovered, "avoided": res.avoided_sessions, "excluded": res.excluded,
            "seed": req.seed, "record": req.record}


def _submit_defence():
    """Submit a 综合评审 job (as `zujuan generate --kind review`)."""
    from ..generate import GenerateRequest, generate

    cfg = config_of(current_app)
    std = standard(current_app)
    req = GenerateRequest(level=request.form.get("level", ""), direction=None, kind="review",
                          forms=_int("forms", "试卷套数", 1, 1, 100), seed=_int("seed", "随机种子", 1),
                          bank=tuple(cfg.bank), ledger=cfg.ledger_path,
                          avoid_sessions=_int("avoid_sessions", "排除场次数", 0, 0), session=_text("session"),
                          session_date=_text("date"), record=bool(request.form.get("record")))

    def work(job: Job) -> dict:
        from dataclasses import replace

        job.progress(0, "组卷中", total=1)
        res = generate(replace(req, output=str(job.folder)), std)
        job.progress(1, "完成")
        return {"sets": res.forms, "blueprint": res.blueprint, "avoided": res.avoided_sessions,
                "excluded": res.excluded, "seed": req.seed, "record": req.record}

    title = f"组卷：{req.level} 综合评审 {req.forms} 套，种子 {req.seed}"
    job = jobs(current_app).submit("defence", title, work)
    return redirect(url_for("job", job_id=job.id), code=303)


def generate_page():
    from ..formats import WRITERS
    from .pages import _pickers

    error = ""
    if request.method == "POST" and is_review_kind(request.form.get("kind", "")):
        return _submit_defence()
    if request.method == "POST":
        req = generate_request()  # InputError → the error page with the message
        std, cache = standard(current_app), bank_cache(current_app)
        kind = dict(KIND_LABELS).get(req.kind, req.kind)
        title = f"组卷：{req.level}{req.direction or ''} {kind} {req.forms} 套，种子 {req.seed}"

        job = jobs(current_app).submit("generate", title, lambda job: run_generate(job, req, std, cache))
        return redirect(url_for("job", job_id=job.id), code=303)
    writers = [w for w in WRITERS if not w.always]
    args = {"level": "4", "direction": "A", "kind": "theory", "structure": None}
    return render_template("generate.html", writers=writers, args=args, error=error, **_pickers())


def _job(job_id: str) -> Job:
    job = jobs(current_app).get(job_id)
    if job is None:
        abort(404)
    return job


def jobs_page():
    return render_template("jobs.html", jobs=jobs(current_app).jobs())


def job_page(job_id: str):
    job = _job(job_id)
    return render_template("job.html", job=job, status=job.snapshot(), r=job.result, files=job.files())


def job_status(job_id: str):
    return jsonify(_job(job_id).snapshot())


def _finished(job: Job) -> Job:
    if job.state != "done":
        abort(404)
    return job


def job_zip(job_id: str):
    job = _finished(_job(job_id))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in job.files():
            z.write(job.folder / name, name)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=f"{job.id}.zip", mimetype="application/zip")


def job_file(job_id: str, name: str):
    job = _finished(_job(job_id))
    if name not in job.files() or ".." in PurePosixPath(name).parts:  # only the job's own files
        abort(404)
    return send_file(job.folder / name, as_attachment=True, download_name=PurePosixPath(name).name)


def job_review_docx(job_id: str):
    from ..writers.review import review_docx

    job = _finished(_job(job_id))
    review = job.result.get("review")
    if review is None:
        abort(404)
    return send_file(io.BytesIO(review_docx(review)), as_attachment=True, download_name="审核报告.docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def job_preview(job_id: str, code: str):
    from ..render.theory_paper import displayed_options, lookup_items, theory_sections

    job = _finished(_job(job_id))
    form = next((f for f in job.result.get("forms", ()) if f.code == code), None)
    if form is None:
        abort(404)
    bank = job.result["bank"]
    if form.kind.value == "theory":
        items = lookup_items(form, bank)
        sections = [(s, [(e, items[e.id], displayed_options(items[e.id], e)) for e in s.entries])
                    for s in theory_sections(form)]
        return render_template("preview.html", job=job, form=form, sections=sections, tasks=None)
    tasks = [(e, bank.get(e.id)) for e in sorted(form.entries, key=lambda e: e.number)]
    return render_template("preview.html", job=job, form=form, sections=None, tasks=tasks)


# ---- 审核 / 复核 -----------------------------------------------------------------------------------
REVIEW_SUFFIXES = (".json", ".docx")  # what `zujuan review` reads: manifests and Word documents


def review_page():
    """GET: the forms; POST: review uploaded manifests/documents, or a finished job's folder, as a
    read-only job (as `zujuan review PATHS`)."""
    from ..review import load_forms, review_forms

    cfg, std, cache, store = config_of(current_app), standard(current_app), bank_cache(current_app), uploads(current_app)
    if request.method == "GET":
        done = [j for j in jobs(current_app).jobs() if j.kind in ("generate", "batch", "earlier") and j.state == "done"]
        return render_template("review.html", done_jobs=done)
    source = request.form.get("job")
    if source:
        paths, ups = [_finished(_job(source)).folder], []
        title = f"审核：任务 {source} 的试卷"
    else:
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            raise InputError("请选择要审核的试卷清单（.json）或 Word 试卷（.docx），或选择一个组卷任务。")
        ups = [store.save(f, REVIEW_SUFFIXES, "试卷清单或 Word 试卷") for f in files]
        paths = [u.path for u in ups]
        title = "审核：" + "、".join(u.name for u in ups)
    ledger = cfg.ledger_path

    def work(job: Job) -> dict:
        try:
            job.progress(0, "读取试卷", total=1)
            try:
                loaded = load_forms(paths)
            except DataError as exc:
                raise shown_error(exc, ups) from None
            review = review_forms(loaded, cache.load(), std, ledger)
            job.progress(1, "完成")
            return {"review": review, "names": {str(u.path): u.name for u in ups}}
        finally:
            for u in ups:
                store.remove(u)

    job = jobs(current_app).submit("review", title, work, writes=False)
    return redirect(url_for("job", job_id=job.id), code=303)


def verify_page():
    """Check one Word paper or key against the bank and the blueprint (as `zujuan verify`)."""
    from ..review import load_forms, review_forms

    store = uploads(current_app)
    up = store.save(request.files.get("paper"), (".docx",), "Word 试卷或答案")
    try:
        loaded = load_forms([up.path])
        review = review_forms(loaded, bank_cache(current_app).load(), standard(current_app))
    except DataError as exc:
        raise shown_error(exc, [up]) from None
    finally:
        store.remove(up)
    return render_template("verify.html", name=up.name, loaded=loaded[0], f=review.forms[0])


# ---- 场次 ------------------------------------------------------------------------------------------
SESSION_SUFFIXES = (".yaml", ".yml")


def _session_yaml() -> bytes:
    """Return the session file the 场次 entries table describes (validated by load_session)."""
    import yaml

    entries = []
    for level, direction, kind, forms, seed, structure in zip(
            request.form.getlist("e_level"), request.form.getlist("e_direction"), request.form.getlist("e_kind"),
            request.form.getlist("e_forms"), request.form.getlist("e_seed"), request.form.getlist("e_structure")):
        if not level.strip():
            continue
        e = {"level": level.strip(), "kind": kind.strip(), "forms": forms.strip() or 1, "seed": seed.strip() or None}
        if direction.strip():
            e["direction"] = direction.strip()
        if structure.strip():
            e["structure"] = structure.strip()
        entries.append(e)
    raw = {"session": request.form.get("session", "").strip(), "date": request.form.get("date", "").strip(),
           "entries": entries}
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False).encode("utf-8")


def session_page():
    """GET: the entries table and the upload; POST: run the session as `zujuan batch` does, in a job
    with progress. The bank is the server's (a session file's `bank:` is not read from uploads)."""
    from dataclasses import replace

    from ..batch import load_session, run_batch
    from .pages import _pickers

    if request.method == "GET":
        return render_template("session.html", **_pickers())
    cfg, std, store = config_of(current_app), standard(current_app), uploads(current_app)
    if request.files.get("session_file") and request.files["session_file"].filename:
        up = store.save(request.files["session_file"], SESSION_SUFFIXES, "场次文件")
    else:
        up = store.save_bytes(_session_yaml(), ".yaml", "场次表")
    try:
        session = load_session(up.path, std)
    except DataError as exc:
        raise shown_error(exc, [up]) from None
    finally:
        store.remove(up)
    session = replace(session, bank=tuple(cfg.bank), source=up.name)
    record = bool(request.form.get("record"))
    total = len(session.entries)

    def work(job: Job) -> dict:
        job.progress(0, "准备", total=total)
        res = run_batch(session, job.folder, False, cfg.ledger_path, record, std,
                        progress=lambda done, label: job.progress(done, label))
        return {"batch": res, "record": record}

    job = jobs(current_app).submit("batch", f"场次：{session.name}（{total} 项）", work)
    return redirect(url_for("job", job_id=job.id), code=303)


# ---- 评分 / 题目分析 ---------------------------------------------------------------------------------
RESPONSE_SUFFIXES = (".xlsx", ".csv")  # what `zujuan score` reads


def _score_forms(store):
    """Return ({code: Form} of the chosen job's or the uploaded theory manifests, uploads to remove)."""
    from ..score import load_theory_forms

    source = request.form.get("job")
    if source:
        return load_theory_forms(_finished(_job(source)).folder), []
    up = store.save_many(request.files.getlist("manifests"), (".json",), "试卷清单（.json）")
    try:
        return load_theory_forms(up.path), [up]
    except DataError as exc:
        store.remove(up)
        raise shown_error(exc, [up]) from None


def score_page():
    """GET: the forms; POST: a blank 答题登记表 (as `zujuan score --template`), or score an answer
    sheet and analyse the results (as `zujuan score` then `zujuan analyze`) in a job."""
    if request.method == "GET":
        done = [j for j in jobs(current_app).jobs() if j.kind in ("generate", "batch", "earlier") and j.state == "done"]
        return render_template("score.html", done_jobs=done)
    from ..analyze import analyze_results
    from ..fileio import write_bytes_atomic
    from ..rules import pass_mark
    from ..score import template_xlsx
    from ..writers.analysis import analysis_text, analysis_xlsx
    from ..writers.results import results_xlsx

    store, cache = uploads(current_app), bank_cache(current_app)
    forms, used = _score_forms(store)
    if request.form.get("action") == "template":
        for u in used:
            store.remove(u)
        return send_file(io.BytesIO(template_xlsx(forms)), as_attachment=True, download_name="答题登记表.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    try:
        sheet = store.save(request.files.get("responses"), RESPONSE_SUFFIXES, "答题登记表")
    except InputError:
        for u in used:
            store.remove(u)
        raise
    used.append(sheet)

    def work(job: Job) -> dict:
        from ..score import score_file

        try:
            job.progress(0, "评分中", total=2)
            bank = cache.load()
            counts = {it.id: len(it.options) for it in bank.items}
            try:
                res = score_file(sheet.path, forms, counts, bank)
            except DataError as exc:
                raise shown_error(exc, used) from None
            write_bytes_atomic(job.folder / "成绩表.xlsx", results_xlsx(res))
            job.progress(1, "题目分析中")
            out = {"results": res, "sheet": sheet.name, "pass_mark": pass_mark(), "text": "", "analysis_error": ""}
            try:  # the scores stand even when there are too few candidates to analyse
                analysis = analyze_results(res)
            except AssemblerError as exc:
                out["analysis_error"] = str(exc)
            else:
                write_bytes_atomic(job.folder / "题目分析.xlsx", analysis_xlsx(analysis))
                out["text"], out["analysis"] = analysis_text(analysis), analysis
            job.progress(2, "完成")
            return out
        finally:
            for u in used:
                store.remove(u)

    job = jobs(current_app).submit("score", f"评分：{sheet.name}", work, writes=False)
    return redirect(url_for("job", job_id=job.id), code=303)


def analyze_page():
    """Analyse an uploaded 成绩表.xlsx (as `zujuan analyze`), writing 题目分析.xlsx in a job."""
    from ..analyze import analyze_results
    from ..fileio import write_bytes_atomic
    from ..writers.analysis import analysis_text, analysis_xlsx
    from ..writers.results import read_results

    store = uploads(current_app)
    up = store.save(request.files.get("results"), (".xlsx",), "成绩表（.xlsx）")

    def work(job: Job) -> dict:
        try:
            try:
                analysis = analyze_results(read_results(up.path))
            except DataError as exc:
                raise shown_error(exc, [up]) from None
            write_bytes_atomic(job.folder / "题目分析.xlsx", analysis_xlsx(analysis))
            return {"results": None, "text": analysis_text(analysis), "sheet": up.name, "analysis_error": "",
                    "analysis": analysis}
        finally:
            store.remove(up)

    job = jobs(current_app).submit("score", f"题目分析：{up.name}", work, writes=False)
    return redirect(url_for("job", job_id=job.id), code=303)


# ---- 草稿标注建议 -----------------------------------------------------------------------------------
def suggest_page():
    """Write the tag-suggestion workbook for the bank's drafts (as `zujuan bank suggest-tags`) in a job;
    the filled-in workbook comes back through 上传题库文件."""
    from ..bank.tag_review import suggest_tags

    cfg, std = config_of(current_app), standard(current_app)
    level, direction = _text("level"), _text("direction")

    def work(job: Job) -> dict:
        job.progress(0, "学习已标注题目并生成建议", total=1)
        res = suggest_tags(cfg.bank_paths, job.folder / "标注建议.xlsx", level, direction, cfg.bank_paths, std)
        job.progress(1, "完成")
        return {"drafts": res.drafts, "trained": res.trained_items}

    job = jobs(current_app).submit("suggest", "草稿标注建议", work, writes=False)
    return redirect(url_for("job", job_id=job.id), code=303)


def update_bank_page(job_id: str):
    """Show the bank changes an analysis implies (as `zujuan analyze --update-bank`), and write them
    with the ledger record when confirmed (as `--yes`), holding the lock of writing jobs."""
    from ..feedback import apply_updates, diff_summary, plan_updates, record_in_ledger

    job = _finished(_job(job_id))
    analysis = job.result.get("analysis")
    if analysis is None:
        abort(404)
    mark_review = bool(request.form.get("mark_review"))
    cache = bank_cache(current_app)
    updates = plan_updates(analysis, cache.load(), mark_review)
    written = None
    if request.form.get("confirm"):
        with jobs(current_app).writing():
            written = apply_updates(updates)
            record_in_ledger(config_of(current_app).ledger_path, analysis)
    return render_template("update_bank.html", job=job, diff=diff_summary(updates), count=len(updates),
                           mark_review=mark_review, written=written)
