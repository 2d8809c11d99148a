"""Packaging: a wheel carries the standard, structures and sample bank, and runs from any folder."""
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installed_in_a_fresh_venv_generates_from_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("zujuan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "assembler/py.typed" in names and "assembler/data/blueprints/standard.yaml" in names
    assert any(n.startswith("assembler/data/question_bank/theory/") for n in names)
    assert {"assembler/web/templates/base.html", "assembler/web/static/style.css", "assembler/web/static/app.js"} <= set(names)
    assert "assembler/locale/zh_CN/LC_MESSAGES/click.mo" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    target = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies come from this interpreter's site-packages (a plain path: its editable hook is not run)
    deps = [p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()]
    (Path(target) / "zz_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run([str(py), "-c", "import assembler; print(assembler.__file__)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(env_dir))  # the installed wheel, not the checkout
    r = subprocess.run([str(env_dir / "bin" / "zujuan"), "generate", "--level", "1", "--kind", "theory", "--seed", "3"],
                       cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (work / "output").iterdir()) == ["1-T-3-01-答案.docx", "1-T-3-01-试卷.docx",
                                                                 "1-T-3-01.json", "ledger.sqlite"]
    # click's own messages are Chinese from the installed catalog, whatever the machine's locale
    r = subprocess.run([str(env_dir / "bin" / "zujuan"), "generate", "--level", "1", "--forms", "0"],
                       cwd=work, env={**env, "LANG": "C.UTF-8", "LANGUAGE": "en"}, capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (2, "错误：'--forms' 的值无效：0 不在取值范围 1<=x<=100 之内。（运行 zujuan generate --help 查看用法）\n")
