"""zujuan 命令行：解析选项，调用一个库函数，打印摘要。Errors become ClickExceptions here only."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from . import errors
from .standard import load_standard, parse_level


class ZujuanError(click.ClickException):
    """A library error shown as a Chinese message with its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class ZujuanGroup(click.Group):
    """Turns every AssemblerError (and a few OS errors) into a ZujuanError, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except errors.AssemblerError as exc:
            raise ZujuanError(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise ZujuanError("已中断。", 130) from None


def _emit(text: str | bytes, output: str | None, force: bool, binary_ok: bool = False) -> None:
    from .fileio import write_bytes_atomic

    if output:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        write_bytes_atomic(output, data, overwrite=force)
        click.echo(f"已写入 {output}")
    elif isinstance(text, bytes):
        raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
    else:
        click.echo(text, nl=False)


@click.group(cls=ZujuanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zujuan", message="zujuan %(version)s")
def main() -> None:
    """全媒体运营师（4-13-01-05）组卷系统：标准 → 蓝图 → 题库 → 组卷 → 排版 → 审核。"""


LEVEL_HELP = "等级：4/3/2/1，或 四级、中级工 等"
DIRECTION_HELP = "职业方向：A–E 或方向名称（二级、一级可省略）"
KIND_HELP = "考试类型：theory/理论 或 skill/技能"


@main.command("standard")
@click.option("--level", "level", default=None, help=LEVEL_HELP + "；省略则输出全部")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
def standard_cmd(level: str | None, fmt: str) -> None:
    """输出职业标准的结构（职业功能 → 工作内容 → 技能要求/相关知识要求）。"""
    from .writers.standard import standard_json, standard_text

    std = load_standard()
    lv = parse_level(level) if level else None
    click.echo((standard_json if fmt == "json" else standard_text)(std, lv), nl=False)


def _load_split(path: str | None) -> dict | None:
    if not path:
        return None
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise errors.InputError(f"无法读取分值拆分文件 {path}：{exc}") from None
    if not isinstance(raw, dict):
        raise errors.InputError(f"分值拆分文件 {path} 应为「职业功能: {{工作内容代码: 分值}}」的映射。")
    return raw.get("split", raw)


@main.command("blueprint")
@click.option("--level", required=True, help=LEVEL_HELP)
@click.option("--direction", default=None, help=DIRECTION_HELP)
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--structure", default=None, help="试卷结构：名称（standard、guojia-190）或 YAML 文件；仅理论")
@click.option("--split", "split_file", default=None, type=click.Path(dir_okay=False),
              help="工作内容分值拆分文件（YAML），覆盖默认拆分规则")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "yaml", "xlsx"]), default="text",
              show_default=True, help="输出格式")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx 必填）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def blueprint_cmd(level, direction, kind, structure, split_file, fmt, output, force) -> None:
    """按权重表生成鉴定要素细目表 / 双向细目表。"""
    from .blueprint import build_blueprint
    from .writers import blueprint as w

    std = load_standard()
    bp = build_blueprint(std, level, direction, kind, structure, split=_load_split(split_file))
    if fmt == "xlsx":
        if not output:
            raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
        _emit(w.blueprint_xlsx(bp, std), output, force)
        return
    text = {"text": w.blueprint_text, "json": w.blueprint_json, "yaml": w.blueprint_yaml}[fmt](bp)
    _emit(text, output, force)


# ---- bank -------------------------------------------------------------------------------------
@main.group("bank")
def bank_group() -> None:
    """题库：模板、校验、导入、导出、统计。"""


@bank_group.command("template")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="输出的 .xlsx 文件")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def bank_template_cmd(output: str, force: bool) -> None:
    """生成空白题库模板（含填写说明、下拉选项和每种题型一行示例）。"""
    from .bank.template import write_template

    write_template(output, overwrite=force)
    click.echo(f"已生成题库模板 {output}")


@bank_group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--quiet", is_flag=True, help="只显示错误，不显示警告")
def bank_validate_cmd(paths: tuple[str, ...], quiet: bool) -> None:
    """校验题库文件（默认 question_bank/），一次列出全部问题。有错误时退出码为 1。"""
    from .bank import read_bank

    bank, problems = read_bank(list(paths) or None)
    errors_ = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors_ + ([] if quiet else warnings):
        click.echo(str(p))
    click.echo(f"共检查 {len(bank.items)} 道客观题、{len(bank.tasks)} 道操作题：{len(errors_)} 个错误，{len(warnings)} 个警告。")
    if errors_:
        raise ZujuanError("题库校验未通过。", 1)


@bank_group.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--into", default=None, type=click.Path(file_okay=False), help="YAML 题库目录（默认 question_bank/）")
@click.option("--replace", is_flag=True, help="覆盖题号已存在的题目")
def bank_import_cmd(source: str, into: str | None, replace: bool) -> None:
    """校验 Excel 题库并写入 YAML 题库；有任何错误时不写入。"""
    from .bank.importer import import_workbook

    res = import_workbook(source, into, replace)
    for p in res.warnings:
        click.echo(str(p))
    click.echo(f"已导入 {res.added} 题，覆盖 {res.replaced} 题，写入 {len(res.files)} 个文件：")
    for f in res.files:
        click.echo(f"  {f}")


@bank_group.command("export")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("-o", "--output", default="output/题库导出.xlsx", show_default=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def bank_export_cmd(bank_paths: tuple[str, ...], output: str, force: bool) -> None:
    """把题库导出为 Excel 工作簿（与模板同格式，可修改后再导入）。"""
    from .bank import load_bank
    from .bank.excel_io import write_workbook

    std = load_standard()
    bank = load_bank(list(bank_paths) or None, std)
    _emit(write_workbook(list(bank.items), list(bank.tasks), std), output, force)
    click.echo(f"共 {len(bank.items)} 道客观题、{len(bank.tasks)} 道操作题。")


@bank_group.command("stats")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx 必填）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def bank_stats_cmd(bank_paths, fmt, output, force) -> None:
    """题量统计、未覆盖鉴定点清单和各等级方向的组卷容量。"""
    from .bank import load_bank
    from .bank.stats import bank_stats, stats_text
    from .writers.bank_stats import stats_json, stats_xlsx

    std = load_standard()
    stats = bank_stats(load_bank(list(bank_paths) or None, std), std)
    if fmt == "xlsx":
        if not output:
            raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
        _emit(stats_xlsx(stats, std), output, force)
    else:
        _emit(stats_json(stats) if fmt == "json" else stats_text(stats, std), output, force)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
