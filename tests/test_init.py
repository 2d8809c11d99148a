"""The front door: `import assembler` gives the pipeline's names, lazily, as its docstring says."""
import subprocess
import sys

import pytest

import assembler


def test_every_exported_name_resolves_to_the_module_it_names():
    for name in assembler.__all__:
        value = getattr(assembler, name)
        module = assembler._EXPORTS[name]
        assert getattr(value, "__module__", "").startswith(f"assembler.{module}"), name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'assembler' has no attribute 'nothing_here'"):
        assembler.nothing_here  # noqa: B018


def test_import_is_lazy():
    code = ("import sys, assembler; heavy = [m for m in ('scipy', 'openpyxl', 'docx', 'assembler.assemble') "
            "if m in sys.modules]; print(heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_the_docstring_example_and_the_main_job_run(tmp_path, std):
    from assembler import (
        GenerateRequest,
        Verdict,
        assemble_forms,
        build_blueprint,
        load_bank,
        load_forms,
        review_forms,
    )
    from assembler.generate import generate

    bp = build_blueprint(std, "四级", "创意策划", "理论")
    forms = assemble_forms(load_bank(), bp, n_forms=2, seed=42)
    assert [f.code for f in forms] == ["4A-T-42-01", "4A-T-42-02"]
    res = generate(GenerateRequest(level="4", direction="A", kind="theory", forms=1, seed=7, output=str(tmp_path),
                                   record=False,
                                   documents=False, created="2026-01-01T00:00:00+00:00"), std)
    assert [f.code for f in res.forms] == ["4A-T-7-01"] and (tmp_path / "4A-T-7-01.json").exists()
    assert review_forms(load_forms([tmp_path]), load_bank(), std).verdict is Verdict.PASS
