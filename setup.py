"""Build hook: ship blueprints/ and question_bank/ as package data (assembler/data/) in wheels.

Everything else is in pyproject.toml. The data stays at the top of the checkout, where the
README commands, the tests and an editable install read it.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("blueprints", "question_bank")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for name in DATA:
            dst = Path(self.build_lib) / "assembler" / "data" / name
            shutil.rmtree(dst, ignore_errors=True)  # no stale files from an earlier build
            shutil.copytree(root / name, dst, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
