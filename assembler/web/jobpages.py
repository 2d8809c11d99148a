"""The pages of long jobs: 组卷 (generate + review of what it wrote), 场次 (batch), and each job's
status, results and downloads. The work runs in the JobRunner; the same library functions as
`zujuan generate`, `zujuan review` and `zujuan batch` do it."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from flask import Flask, abort, current_app, jsonify, redirect, render_template, request, send_file, url_for

from ..errors import InputError
from .app import bank_cache, config_of, jobs, standard
from .jobs import Job


KIND_LABELS = (("theory", "理论知识"), ("skill", "操作技能"))


def register(app: Flask) -> None:
    app.add_url_rule("/generate", "generate", generate_page, methods=["GET", "POST"])
    app.add_url_rule("/jobs", "jobs_list", jobs_page)
    app.add_url_rule("/jobs/<job_id>", "job", job_page)
    app.add_url_rule("/jobs/<job_id>.json", "job_status", job_status)
    app.add_url_rule("/jobs/<job_id>/download.zip", "job_zip", job_zip)
    app.add_url_rule("/jobs/<job_id>/files/<path:name>", "job_file", job_file)
    app.add_url_rule("/jobs/<job_id>/review.docx", "job_review_docx", job_review_docx)
    app.add_url_rule("/jobs/<job_id>/preview/<code>", "job_preview", job_preview)


def _int(name: str, label: str, default: int | None, lo: int | None = None, hi: int | None = None) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{label}「{raw}」无效：应为整数。") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f"{lo}～{hi}" if hi is not None else f"不小于 {lo}"
        raise InputError(f"{label} {value} 超出范围：应为 {span} 的整数。")
    return value


def _text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def generate_request():
    """Return the GenerateRequest the 组卷 form describes (the same fields as `zujuan generate`)."""
    from ..generate import GenerateRequest

    cfg = config_of(current_app)
    formats = tuple(request.form.getlist("format"))
    return GenerateRequest(
        level=request.form.get("level", ""), direction=_text("direction"), kind=request.form.get("kind", ""),
        forms=_int("forms", "试卷套数", 1, 1, 100), seed=_int("seed", "随机种子", 1),
        structure=_text("structure"), bank=tuple(cfg.bank), max_overlap=_int("max_overlap", "最多重复题数", None, 0),
        difficulty=_text("difficulty"), ledger=cfg.ledger_path, avoid_sessions=_int("avoid_sessions", "排除场次数", 0, 0),
        session=_text("session"), session_date=_text("date"), explanations=bool(request.form.get("explanations")),
        record=bool(request.form.get("record")), formats=formats or None)


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


def generate_page():
    from ..formats import WRITERS
    from .pages import _pickers

    error = ""
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
