"""CLI help and usage errors are in Chinese, with exit code 2 and no traceback."""
from click.testing import CliRunner

from assembler.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_missing_option():
    r = run("blueprint", "--kind", "theory")
    assert r.exit_code == 2
    assert r.output == "错误：缺少必填选项 '--level'。（运行 zujuan blueprint --help 查看用法）\n"


def test_bad_values_and_unknown_names():
    r = run("generate", "--level", "4", "--kind", "theory", "--forms", "x")
    assert (r.exit_code, r.output) == (2, "错误：'--forms' 的值无效：'x' 不是有效的整数。（运行 zujuan generate --help 查看用法）\n")
    r = run("blueprint", "--level", "4", "--kind", "theory", "--format", "pdf")
    assert r.output == ("错误：'--format' 的值无效：'pdf' 不在可选值 'text', 'json', 'yaml', 'xlsx' 之中。"
                        "（运行 zujuan blueprint --help 查看用法）\n")
    r = run("bank", "validat")
    assert (r.exit_code, r.output) == (2, "错误：没有命令 'validat'。 是否想用 'validate'？（运行 zujuan bank --help 查看用法）\n")
    r = run("generate", "--levl", "4")
    assert r.output == "错误：没有选项 '--levl'。 是否想用 '--help', '--level'？（运行 zujuan generate --help 查看用法）\n"
    r = run("review")
    assert r.output == "错误：缺少必填参数 '路径...'。（运行 zujuan review --help 查看用法）\n"


def test_help_is_chinese():
    r = run("--help")
    assert r.exit_code == 0
    assert r.output.startswith("用法：zujuan [选项] 命令 [参数]...\n")
    assert "选项：\n" in r.output and "命令：\n" in r.output and "显示本帮助并退出。" in r.output
    r = run("bank", "stats", "--help")
    assert "[默认：text]" in r.output and "Show this message" not in r.output
