"""Safe output: every file is written to a temporary sibling and renamed into place, and an
existing file is never replaced unless the caller says so."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def default_mode(directory: bool = False) -> int:
    """Return the permissions a normally created file (or folder) gets under the current umask;
    temporary files start private, and are given these before they are moved into place."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """Return the path, or raise OutputError if it exists and overwrite is False."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise OutputError(f"输出文件 {p} 已存在；如需覆盖请加 --force。")
    if p.exists() and p.is_dir():
        raise OutputError(f"输出路径 {p} 是一个文件夹，请给出文件名。")
    return p


def write_bytes_atomic(path: str | Path, data: bytes, overwrite: bool = False) -> Path:
    """Write data to path atomically. Raises OutputError if the file exists and overwrite is False."""
    p = check_target(path, overwrite)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, default_mode())
        os.replace(tmp, p)
    except OSError as exc:
        raise OutputError(f"无法写入 {p}：{exc.strerror or exc}") from None
    return p


def write_text_atomic(path: str | Path, text: str, overwrite: bool = False) -> Path:
    """Write UTF-8 text to path atomically; see write_bytes_atomic."""
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite)
