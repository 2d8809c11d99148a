"""The Flask app of `zujuan serve`: configuration, security, errors and the shared state (bank,
standard, jobs). Pages live in pages.py; every page calls the same library functions as the CLI."""
from __future__ import annotations

import atexit
import hmac
import ipaddress
import logging
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, render_template, request
from flask.json.provider import DefaultJSONProvider

from ..bank import DEFAULT_BANK, read_bank
from ..bank.models import Bank
from ..bank.yaml_io import bank_files
from ..errors import AssemblerError, DataError, InputError, Problem
from ..ledger import DEFAULT_LEDGER
from ..standard import Standard, load_standard
from .jobs import JobRunner
from .uploads import UploadStore

log = logging.getLogger("zujuan.web")

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"
DEFAULT_OUTPUT = Path("output") / "web"
TOKEN_COOKIE = "zujuan_token"


@dataclass(frozen=True)
class WebConfig:
    """What `zujuan serve` was started with."""

    bank: tuple[str, ...] = ()          # bank paths (default question_bank/)
    ledger: str | None = None           # default output/ledger.sqlite, as the CLI
    output: str | None = None           # the server's own output folder (default output/web/)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None            # required of every request when set
    max_upload_mb: int = 50
    workers: int = 2

    @property
    def ledger_path(self) -> str:
        return self.ledger or str(DEFAULT_LEDGER)

    @property
    def output_root(self) -> Path:
        return Path(self.output or DEFAULT_OUTPUT)

    @property
    def bank_paths(self) -> list[str]:
        return list(self.bank) or [str(DEFAULT_BANK)]

    def import_folder(self) -> Path:
        """Return the YAML bank folder imports write into (the first bank path); raise InputError
        if it is a file."""
        into = Path(self.bank_paths[0])
        if into.exists() and not into.is_dir():
            raise InputError(f"题库路径 {into} 是文件，无法导入；请用 --bank 指定题库文件夹启动。")
        return into


def is_loopback(host: str) -> bool:
    """Return whether host is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def with_token(config: WebConfig) -> WebConfig:
    """Return config with a fresh token if it binds beyond this machine and has none."""
    if config.token or is_loopback(config.host):
        return config
    from dataclasses import replace

    return replace(config, token=secrets.token_urlsafe(18))


class BankCache:
    """The bank as read_bank returns it, read again only when a bank file changes."""

    def __init__(self, paths: list[str], standard: Standard):
        self.paths: list[str | Path] = list(paths)
        self.standard = standard
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[Bank, list[Problem]] | None = None

    def _signature(self) -> tuple:
        out = []
        for f in bank_files([p for p in self.paths if Path(p).exists()]):
            try:
                st = f.stat()
                out.append((str(f), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(f), 0, 0))
        return tuple(out)

    def read(self) -> tuple[Bank, list[Problem]]:
        """Return (bank, problems) of the configured paths; never raises for bad data."""
        with self._lock:
            key = self._signature()
            if key != self._key or self._value is None:
                self._value = read_bank(self.paths, self.standard, check_similar=False)
                self._key = key
            return self._value

    def load(self) -> Bank:
        """Return the bank, or raise DataError listing its errors (as load_bank does)."""
        bank, problems = self.read()
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DataError(errors, title="题库有误，请先修正（可运行 zujuan bank validate 查看全部问题）")
        return bank


def create_app(config: WebConfig | None = None) -> Flask:
    """Return the workbench's Flask app for config (a token is required when config.token is set)."""
    config = config or WebConfig()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_mb * 1024 * 1024
    app.config["ZUJUAN"] = config
    app.config["CSRF_TOKEN"] = secrets.token_urlsafe(18)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False  # job status in Chinese, readable
    std = load_standard()
    app.extensions["zujuan.standard"] = std
    app.extensions["zujuan.bank"] = BankCache(config.bank_paths, std)
    config.output_root.mkdir(parents=True, exist_ok=True)
    app.extensions["zujuan.jobs"] = JobRunner(config.output_root / "jobs", config.workers)
    store = UploadStore(Path(tempfile.mkdtemp(prefix="zujuan-web-")))
    app.extensions["zujuan.uploads"] = store
    atexit.register(store.close)

    _install_guard(app, config)
    _install_errors(app, config)

    @app.context_processor
    def _common():
        return {"csrf": app.config["CSRF_TOKEN"], "running_jobs": jobs(app).active(),
                "nav": [(e, label) for e, label in NAV if e in app.view_functions]}

    from . import pages

    pages.register(app)
    return app


def request_hostname(host: str) -> str:
    """Return the name part of a Host header ("localhost:8765" → "localhost", "[::1]:80" → "::1")."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _install_guard(app: Flask, config: WebConfig) -> None:
    """Refuse every request without the token (when one is set), every request to another host name
    when there is none (a web page that rebinds its own name to 127.0.0.1 gets nothing), and every
    POST without the form token."""
    local_names = {"127.0.0.1", "localhost", "::1", config.host}

    @app.before_request
    def _guard():
        if not config.token and request_hostname(request.host or "") not in local_names:
            abort(403, description="禁止访问：请用本机地址（127.0.0.1 或 localhost）打开工作台。")
        if config.token:
            given = request.args.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not hmac.compare_digest(given.encode(), config.token.encode()):
                abort(403)
        if request.method == "POST":
            sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
            if not hmac.compare_digest(sent.encode(), app.config["CSRF_TOKEN"].encode()):
                abort(403, description="表单已失效（缺少或不符的校验码），请刷新页面后重试。")

    @app.after_request
    def _cookie(resp):
        if config.token and request.args.get("token") == config.token:
            resp.set_cookie(TOKEN_COOKIE, config.token, httponly=True, samesite="Strict")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        return resp


def _install_errors(app: Flask, config: WebConfig) -> None:
    """Show every error as a Chinese message in the page; log the detail (tracebacks only in the log)."""

    def _error(status: int, message: str, problems=()):
        return render_template("error.html", status=status, message=message, problems=problems), status

    @app.errorhandler(AssemblerError)
    def _library_error(exc: AssemblerError):
        log.info("library error on %s: %s", request.path, exc)
        if isinstance(exc, DataError):
            return _error(422, exc.title, exc.problems)
        return _error(400 if isinstance(exc, InputError) else 422, str(exc))

    @app.errorhandler(403)
    def _forbidden(exc):
        desc = getattr(exc, "description", "")
        text = desc if desc and ("表单" in desc or "本机地址" in desc) else \
            "禁止访问：需要有效的访问令牌（用启动时打印的带 ?token= 的地址打开）。"
        return _error(403, text)

    @app.errorhandler(404)
    def _not_found(exc):
        return _error(404, "页面或文件不存在。")

    @app.errorhandler(405)
    def _not_allowed(exc):
        return _error(405, "不支持这种请求方式。")

    @app.errorhandler(413)
    def _too_large(exc):
        return _error(413, f"上传的文件超过大小限制（{config.max_upload_mb} MB）。")

    @app.errorhandler(Exception)
    def _internal(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return _error(exc.code or 500, exc.description or "请求有误。")
        log.exception("internal error on %s", request.path)
        return _error(500, "服务器内部错误；详情见服务器日志。")


NAV = (("bank", "题库"), ("blueprint", "蓝图"), ("generate", "组卷"), ("review", "审核"), ("session", "场次"), ("score", "评分与分析"),
       ("ledger", "使用记录"), ("jobs_list", "任务"))


def standard(app: Flask) -> Standard:
    return app.extensions["zujuan.standard"]


def bank_cache(app: Flask) -> BankCache:
    return app.extensions["zujuan.bank"]


def uploads(app: Flask) -> UploadStore:
    return app.extensions["zujuan.uploads"]


def jobs(app: Flask) -> JobRunner:
    return app.extensions["zujuan.jobs"]


def config_of(app: Flask) -> WebConfig:
    return app.config["ZUJUAN"]


def make_server(config: WebConfig):
    """Return (waitress server, address to open) for config; call server.run() to serve.

    A host other than this machine gets a token (config.token or a fresh one) in the address.
    Raises OutputError if the port cannot be bound.
    """
    from waitress import create_server

    from ..errors import OutputError

    config = with_token(config)
    app = create_app(config)
    bank_cache(app).read()  # read the bank now, so the first page does not wait for it
    try:
        server = create_server(app, host=config.host, port=config.port, threads=6, ident="zujuan")
    except OSError as exc:
        raise OutputError(f"无法在 {config.host}:{config.port} 启动网页工作台：{exc.strerror or exc}（端口被占用时改用 --port）。") from None
    port = server.effective_port
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{port}/"
    if config.token:
        url += f"?token={config.token}"
    return server, url
