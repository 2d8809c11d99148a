"""The web workbench's job runner: jobs off the request thread, writers one at a time."""
import threading
import time

from assembler.errors import InputError
from assembler.web.jobs import DONE, FAILED, JobRunner


def test_writing_jobs_never_run_together_and_each_has_its_own_folder(tmp_path):
    runner = JobRunner(tmp_path, workers=3)
    spans, lock = [], threading.Lock()

    def work(job):
        start = time.monotonic()
        time.sleep(0.15)
        with lock:
            spans.append((start, time.monotonic()))
        return {"ok": job.id}

    started = [runner.submit("generate", f"任务{i}", work) for i in range(3)]
    for j in started:
        runner.wait(j, timeout=10)
    assert [j.state for j in started] == [DONE] * 3
    spans.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    assert len({j.folder for j in started}) == 3 and all(j.folder.parent == tmp_path for j in started)
    runner.shutdown()


def test_reading_jobs_run_beside_a_writing_one(tmp_path):
    runner = JobRunner(tmp_path, workers=2)
    gate = threading.Event()
    writer = runner.submit("generate", "写", lambda job: gate.wait(5) and {})
    reader = runner.submit("review", "读", lambda job: {"seen": gate.set() or True}, writes=False)
    runner.wait(reader, 5)
    runner.wait(writer, 5)
    assert reader.state == DONE and writer.state == DONE and reader.result == {"seen": True}
    runner.shutdown()


def test_a_library_error_becomes_the_jobs_message_anything_else_an_internal_error(tmp_path):
    runner = JobRunner(tmp_path)

    def bad_input(job):
        raise InputError("等级「9」无效。")

    def crash(job):
        raise ZeroDivisionError

    a, b = runner.submit("generate", "a", bad_input), runner.submit("generate", "b", crash)
    runner.wait(a, 5)
    runner.wait(b, 5)
    assert (a.state, a.error) == (FAILED, "等级「9」无效。")
    assert (b.state, b.error) == (FAILED, "服务器内部错误，任务未完成；详情见服务器日志。")
    assert runner.active() == [] and {j.id for j in runner.jobs()} == {a.id, b.id}
    runner.shutdown()


def test_progress_is_reported_in_the_snapshot(tmp_path):
    runner = JobRunner(tmp_path)
    job = runner.submit("batch", "场次", lambda job: job.progress(3, "第 3 套", total=5) or {})
    runner.wait(job, 5)
    s = job.snapshot()
    assert (s["done"], s["total"], s["message"], s["state_label"]) == (3, 5, "第 3 套", "已完成")
    runner.shutdown()


def test_job_folders_of_an_earlier_run_stay_listed_with_their_files(tmp_path):
    first = JobRunner(tmp_path)
    job = first.submit("generate", "组卷", lambda job: (job.folder.mkdir(parents=True), (job.folder / "a.json").write_text("{}"))
                       and {})
    first.wait(job, 5)
    first.shutdown()
    (tmp_path / "not-a-job").mkdir()
    later = JobRunner(tmp_path)
    (again,) = later.jobs()
    assert (again.id, again.kind, again.state, again.files()) == (job.id, "earlier", DONE, ["a.json"])
    later.shutdown()
