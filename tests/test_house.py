"""House-keeping checks that run with the suite: the linters (issue 20)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    """Return the command that runs `name` from this interpreter's environment; skip when absent."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} 未安装（pip install -e '.[test]' 会装上）")
    return [found]


def test_ruff_finds_nothing():
    r = subprocess.run([*_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All checks passed!" in r.stdout


def test_mypy_finds_nothing_in_the_library():
    pytest.importorskip("mypy", reason="mypy 未安装（pip install -e '.[test]' 会装上）")
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Success: no issues found")
