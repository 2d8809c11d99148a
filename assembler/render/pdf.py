"""PDF of Word documents through LibreOffice in headless mode.

LibreOffice stamps each PDF with the conversion time (/CreationDate), a random-looking file /ID and
a /DocChecksum over both, so two conversions of the same document differ. pin_pdf replaces them, in
place and at the same length (the cross-reference offsets stay valid), by the Word document's own
creation time (the form's pinned `created`) and a digest of the rest of the PDF: the same paper
gives the same PDF bytes.

Every conversion run gets its own LibreOffice user profile (a temporary folder passed as
-env:UserInstallation), so parallel runs (two batches, or the worker processes here) never share
or lock a profile. The first profile LibreOffice sets up in this process is kept (until the process
ends) and copied for the later runs, which then skip that set-up (about a fifth of a conversion's
time); the PDFs are the same bytes either way. Each form's documents are converted by one soffice
process of their own (conversion_groups), and a few such processes run side by side.
"""
from __future__ import annotations

import atexit
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import InputError, OutputError
from ..form import Form
from ..formats import Document, Group, WriteContext

INSTALL_HINT = ("请先安装 LibreOffice，例如 Debian/Ubuntu："
                "sudo apt-get install libreoffice-writer fonts-noto-cjk；其他系统请从 LibreOffice 官网安装，"
                "并确认 soffice 在 PATH 中。")
TIMEOUT_S = 300
MAX_WORKERS = 4


def find_soffice() -> str | None:
    """Return the LibreOffice executable (soffice on PATH), or None."""
    return shutil.which("soffice")


def require_soffice() -> str:
    """Return the LibreOffice executable. Raises InputError with an install hint if there is none."""
    exe = find_soffice()
    if not exe:
        raise InputError("未找到 LibreOffice（soffice），无法输出 PDF。" + INSTALL_HINT)
    return exe


def pdf_name(docx_name: str) -> str:
    return docx_name[:-5] + ".pdf" if docx_name.endswith(".docx") else docx_name + ".pdf"


_PROFILE_LOCK = threading.Lock()
_profile_template: Path | None = None  # a profile a finished run of this process set up; copied, never used


def _new_profile() -> Path:
    """Return a fresh profile folder: a copy of the kept profile when there is one, else empty."""
    profile = Path(tempfile.mkdtemp(prefix="zujuan-lo-profile-"))
    with _PROFILE_LOCK:
        template = _profile_template
    if template is not None:
        try:
            shutil.copytree(template, profile, dirs_exist_ok=True)
        except OSError:  # a partial copy is not trusted: LibreOffice sets up an empty folder itself
            shutil.rmtree(profile, ignore_errors=True)
            profile.mkdir()
    return profile


def _done_with_profile(profile: Path, converted: bool) -> None:
    """Keep the profile of the first run that converted everything as the template; remove the rest."""
    global _profile_template
    with _PROFILE_LOCK:
        if converted and _profile_template is None:
            _profile_template = profile
            atexit.register(shutil.rmtree, profile, True)
            return
    shutil.rmtree(profile, ignore_errors=True)


def _convert_chunk(exe: str, names: list[str], src: Path, out: Path) -> None:
    profile = _new_profile()
    converted = False
    try:
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), *(str(src / n) for n in names)]
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S)
        missing = [n for n in names if not (out / pdf_name(n)).is_file()]
        converted = proc.returncode == 0 and not missing
    except subprocess.TimeoutExpired:
        raise OutputError(f"LibreOffice 转换 PDF 超时（{TIMEOUT_S} 秒）：{names[0]} 等 {len(names)} 个文件") from None
    except OSError as exc:
        raise OutputError(f"无法运行 LibreOffice（{exe}）：{exc.strerror or exc}") from None
    finally:
        _done_with_profile(profile, converted)
    if missing:
        detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-300:]
        raise OutputError(f"LibreOffice 未能把 {'、'.join(missing[:3])} 转换为 PDF（退出码 {proc.returncode}）：{detail}")


_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:(\d{14})([^)]*)\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def docx_created(docx: bytes) -> str | None:
    """Return the dcterms:created of a Word document's core properties as YYYYMMDDHHMMSS (UTC), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            m = _CREATED.search(z.read("docProps/core.xml"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    digits = re.sub(rb"\D", b"", m.group(1))[:14] if m else b""
    return digits.decode() if len(digits) == 14 else None


def _with_file_id(data: bytes, value: bytes) -> bytes:
    """Return the PDF with both /ID entries and the /DocChecksum set to value (32 hex digits)."""
    data = _PDF_ID.sub(lambda m: m.group(0).replace(m.group(1), value).replace(m.group(2), value), data)
    return _PDF_CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), value), data)


def pin_pdf(data: bytes, created: str | None) -> bytes:
    """Return the PDF with LibreOffice's run-dependent fields fixed: its dates set to created
    (YYYYMMDDHHMMSS, UTC; left as they are when None) and its /ID and /DocChecksum replaced by an
    MD5 of the PDF with those fields blanked. Every replacement keeps the byte length."""
    if created:
        data = _PDF_DATE.sub(lambda m: m.group(0).replace(m.group(2), created.encode()), data)
    blank = _with_file_id(data, b"0" * 32)
    return _with_file_id(blank, hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode())


def conversion_groups(names: list[str]) -> list[list[str]]:
    """Return the documents one soffice process converts together: those of one form (its paper,
    key, scoring sheets: the name up to its last '-'), in name order. A font embedded in a PDF
    depends on what the same process converted before, so the grouping must not depend on the
    number of CPUs; the groups are then spread over the worker processes."""
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        groups.setdefault(name.rsplit("-", 1)[0] if "-" in name else name, []).append(name)
    return list(groups.values())


def docx_to_pdf(documents: dict[str, bytes], workers: int | None = None) -> dict[str, bytes]:
    """Return {name.pdf: PDF bytes} for {name.docx: docx bytes}, converted by LibreOffice.

    Raises InputError (with an install hint) if LibreOffice is absent, OutputError if a conversion
    fails or times out.
    """
    if not documents:
        return {}
    exe = require_soffice()
    names = sorted(documents)
    chunks = conversion_groups(names)
    n = max(1, min(workers or MAX_WORKERS, os.cpu_count() or 1, len(chunks)))
    with tempfile.TemporaryDirectory(prefix="zujuan-pdf-") as tmp:
        src, out = Path(tmp, "src"), Path(tmp, "out")
        src.mkdir()
        out.mkdir()
        for name in names:
            (src / name).write_bytes(documents[name])
        with ThreadPoolExecutor(n) as pool:
            for f in [pool.submit(_convert_chunk, exe, c, src, out) for c in chunks]:
                f.result()
        return {pdf_name(name): pin_pdf((out / pdf_name(name)).read_bytes(), docx_created(documents[name]))
                for name in names}


def write_pdfs(documents: dict[str, bytes], folder: str | Path) -> list[Path]:
    """Write the PDF of every document into folder. Raises as docx_to_pdf."""
    folder = Path(folder)
    written = []
    for name, data in docx_to_pdf(documents).items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


def write_pdf(forms: list[Form], context: WriteContext) -> list[Document]:
    """Return the PDF of every Word document of the forms (paper → papers group, key or scoring
    sheets → keys group), converted in one run, and the materials a skill paper hands out (as the
    docx writer does). Raises as docx_to_pdf."""
    from . import render_form_documents, skill_handouts

    docs: dict[str, bytes] = {}
    for f in forms:
        docs.update(render_form_documents(f, context.bank, context.standard, context.explanations))
    return pdf_documents(docs) + [d for f in forms for d in skill_handouts(f, context)]


def pdf_documents(documents: dict[str, bytes]) -> list[Document]:
    """Return the PDF of every {name.docx: bytes} as documents: a paper's in the papers group, the
    rest (keys, scoring sheets) in the keys group. Raises as docx_to_pdf."""
    return [Document(name, Group.PAPERS if name.endswith("-试卷.pdf") else Group.KEYS, data)
            for name, data in docx_to_pdf(documents).items()]


__all__ = ["docx_to_pdf", "pin_pdf", "docx_created", "write_pdfs", "write_pdf", "pdf_documents", "find_soffice", "require_soffice", "pdf_name", "INSTALL_HINT"]
