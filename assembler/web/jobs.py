"""Long jobs (组卷, 场次, 导入) off the request thread, each in its own output folder.

Every job that writes the bank or the ledger takes one lock, so two such jobs run one after the
other, never together; the page polls a job's state. A job's error is the library's Chinese
message; anything else is logged with its traceback and shown as an internal error.
"""
from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AssemblerError

log = logging.getLogger("zujuan.web")

JOB_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队中", RUNNING: "运行中", DONE: "已完成", FAILED: "失败"}


@dataclass
class Job:
    """A job's state, updated by its worker thread and read by the pages (guarded by lock)."""

    id: str
    kind: str          # "generate" | "batch" | ...
    title: str
    folder: Path
    state: str = QUEUED
    done: int = 0
    total: int = 0
    message: str = ""
    error: str = ""
    result: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, message: str = "", total: int | None = None) -> None:
        with self.lock:
            self.done = done
            if total is not None:
                self.total = total
            if message:
                self.message = message

    def snapshot(self) -> dict:
        """Return the job's state as JSON-ready data (what the page polls)."""
        with self.lock:
            return {"id": self.id, "kind": self.kind, "title": self.title, "state": self.state,
                    "state_label": STATE_LABELS[self.state], "done": self.done, "total": self.total,
                    "message": self.message, "error": self.error}

    def files(self) -> list[str]:
        """Return the job's output files, relative to its folder, sorted (hidden files left out)."""
        if not self.folder.is_dir():
            return []
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob("*")
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(self.folder).parts))


class JobRunner:
    """Run jobs in worker threads; jobs that write (bank, ledger) hold one lock in turn."""

    def __init__(self, root: Path, workers: int = 2):
        self.root = Path(root)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zujuan-job")
        self._write_lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._load_earlier()

    def _load_earlier(self) -> None:
        """Register the job folders an earlier run of the server left, so their files stay downloadable."""
        if not self.root.is_dir():
            return
        for d in sorted(self.root.iterdir()):
            if d.is_dir() and JOB_ID.fullmatch(d.name):
                self._jobs[d.name] = Job(d.name, "earlier", "此前运行的任务", d, state=DONE, message="服务器重启前完成")

    def new_id(self) -> str:
        return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)

    def submit(self, kind: str, title: str, work: Callable[[Job], dict], writes: bool = True) -> Job:
        """Return a new job that runs work(job) in a worker thread; work returns the job's result
        and may raise AssemblerError (its message becomes the job's error)."""
        job_id = self.new_id()
        job = Job(job_id, kind, title, self.root / job_id)
        with self._lock:
            self._jobs[job_id] = job
        self._pool.submit(self._run, job, work, writes)
        return job

    def _run(self, job: Job, work: Callable[[Job], dict], writes: bool) -> None:
        with (self._write_lock if writes else _NoLock()):
            with job.lock:
                job.state = RUNNING
            try:
                result = work(job)
            except AssemblerError as exc:
                log.info("job %s failed: %s", job.id, exc)
                with job.lock:
                    job.state, job.error = FAILED, str(exc)
                return
            except Exception:  # noqa: BLE001 - a worker must never die silently
                log.exception("job %s crashed", job.id)
                with job.lock:
                    job.state, job.error = FAILED, "服务器内部错误，任务未完成；详情见服务器日志。"
                return
            with job.lock:
                job.result, job.state = result, DONE

    def writing(self):
        """Return the lock that jobs writing the bank or the ledger hold (for short writes in a request)."""
        return self._write_lock

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Return every job, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.id, reverse=True)

    def active(self) -> list[Job]:
        """Return the jobs queued or running."""
        return [j for j in self.jobs() if j.state in (QUEUED, RUNNING)]

    def wait(self, job: Job, timeout: float = 120) -> None:
        """Block until the job has finished or failed (for tests and scripts)."""
        end = time.time() + timeout
        while job.state in (QUEUED, RUNNING) and time.time() < end:
            time.sleep(0.05)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
