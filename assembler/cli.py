"""zujuan 命令行：解析选项，调用一个库函数，打印摘要。Errors become ClickExceptions here only."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import yaml

from . import errors
from .cli_locale import chinese_click
from .standard import load_standard, parse_level
from .yaml_safe import load_yaml_file


class ZujuanError(click.ClickException):
    """A library error shown as a Chinese message with its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a class attribute

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class ChineseInt(click.types.IntParamType):
    """click's integer type, named in Chinese in its messages (「'x' 不是有效的整数。」); the help
    keeps the ASCII metavar, as click's help aligns columns by characters, not display width."""

    name = "整数"

    def get_metavar(self, *args, **kwargs) -> str | None:
        return "INTEGER"


class ChineseIntRange(click.IntRange):
    """click's integer range, named in Chinese in its messages (ASCII metavar, as ChineseInt)."""

    name = "整数"

    def get_metavar(self, *args, **kwargs) -> str | None:
        return "INTEGER RANGE"


INTEGER = ChineseInt()


def usage_message(exc: click.UsageError) -> str:
    """Return the Chinese message of one of click's usage errors.

    click words its messages through gettext and zujuan ships a Chinese catalog of click's domain
    (assembler/cli_locale.py), so the exception's own message is already Chinese; only the full stop
    click itself appends after a missing parameter's name is ASCII."""
    message = exc.format_message()
    return message[:-1] + "。" if message.endswith(".") else message


class ZujuanFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ZujuanContext(click.Context):
    formatter_class = ZujuanFormatter


class ZujuanCommand(click.Command):
    """A command whose help reads in Chinese (用法、选项)."""

    context_class = ZujuanContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")


class ZujuanGroup(ZujuanCommand, click.Group):
    """The command group: Chinese help, and every error turned into a Chinese message, in one place.

    Library errors (AssemblerError) become ZujuanError with their exit code; click's own usage
    errors (missing or unknown options, bad values) are already Chinese (the catalog of click's domain,
    cli_locale) and exit with 2.
    """

    command_class = ZujuanCommand
    group_class = type

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except errors.AssemblerError as exc:
            raise ZujuanError(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise ZujuanError("已中断。", 130) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        with chinese_click():
            return self._main(args, prog_name, complete_var, **extra)

    def _main(self, args, prog_name, complete_var, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "zujuan"
            click.echo(f"错误：{usage_message(exc)}（运行 {where} --help 查看用法）", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中断。", err=True)
            sys.exit(1)
        except OSError as exc:  # a file the library did not expect to fail (disk full, permissions …)
            if os.environ.get("ZUJUAN_DEBUG"):
                raise
            where = f"{exc.filename}：" if exc.filename else ""
            click.echo(f"错误：无法读写文件：{where}{exc.strerror or exc}。", err=True)
            sys.exit(1)
        except Exception as exc:  # the last resort: a defect, shown without a traceback
            if os.environ.get("ZUJUAN_DEBUG"):
                raise
            click.echo(f"错误：内部错误（{type(exc).__name__}：{str(exc)[:300]}）。这是 zujuan 的缺陷，请附上命令与"
                       "输入文件报告；设置环境变量 ZUJUAN_DEBUG=1 可看到详细信息。", err=True)
            sys.exit(70)
        sys.exit(rv if isinstance(rv, int) else 0)


def _emit(text: str | bytes, output: str | None, force: bool) -> None:
    from .fileio import write_bytes_atomic

    if output:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        write_bytes_atomic(output, data, overwrite=force)
        click.echo(f"已写入 {output}")
    elif isinstance(text, bytes):
        raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
    else:
        click.echo(text, nl=False)


@click.group("zujuan", cls=ZujuanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zujuan", message="zujuan %(version)s", help="显示版本并退出。")
def main() -> None:
    """全媒体运营师（4-13-01-05）组卷系统：标准 → 蓝图 → 题库 → 组卷 → 排版 → 审核。"""


LEVEL_HELP = "等级：4/3/2/1，或 四级、中级工 等"
DIRECTION_HELP = "职业方向：A–E 或方向名称（二级、一级可省略）"
KIND_HELP = "考试类型：theory/理论、skill/技能 或 review/综合评审（二级、一级）"


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
        raw = load_yaml_file(path)
    except (OSError, yaml.YAMLError) as exc:
        raise errors.InputError(f"无法读取分值拆分文件 {path}：{getattr(exc, 'strerror', None) or exc}") from None
    if not isinstance(raw, dict):
        raise errors.InputError(f"分值拆分文件 {path} 应为「职业功能: {{工作内容代码: 分值}}」的映射。")
    return raw.get("split", raw)


@main.command("blueprint")
@click.option("--level", required=True, help=LEVEL_HELP)
@click.option("--direction", default=None, help=DIRECTION_HELP)
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--structure", default=None, help="试卷结构：名称（standard、guojia-190）或 YAML 文件，仅理论；--kind review 时为综合评审结构（blueprints/review/）")
@click.option("--split", "split_file", default=None, type=click.Path(dir_okay=False),
              help="工作内容分值拆分文件（YAML），覆盖默认拆分规则")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "yaml", "xlsx"]), default="text",
              show_default=True, help="输出格式")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx 必填）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@click.option("--duration", type=INTEGER, default=None, help="综合评审时间（分钟，不少于 20，默认 30）；仅 review")
@click.option("--panel-size", type=INTEGER, default=None, help="评审组人数（单数，不少于 3，默认 5）；仅 review")
def blueprint_cmd(level, direction, kind, structure, split_file, fmt, output, force, duration, panel_size) -> None:
    """按权重表生成鉴定要素细目表 / 双向细目表；--kind review 生成综合评审细目表（二级、一级）。"""
    from .blueprint import build_blueprint
    from .review_blueprint import is_review_kind
    from .writers import blueprint as w

    std = load_standard()
    if is_review_kind(kind):
        from .review_blueprint import build_review_blueprint, review_blueprint_text
        rbp = build_review_blueprint(std, level, structure, duration, panel_size)
        if fmt == "xlsx":
            if not output:
                raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
            _emit(w.review_blueprint_xlsx(rbp, std), output, force)
            return
        data = rbp.to_dict()
        text = {"text": lambda: review_blueprint_text(rbp),
                "json": lambda: json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                "yaml": lambda: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}[fmt]()
        _emit(text, output, force)
        return
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
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[路径...]")
@click.option("--quiet", is_flag=True, help="只显示错误，不显示警告")
def bank_validate_cmd(paths: tuple[str, ...], quiet: bool) -> None:
    """校验题库文件（默认 question_bank/），一次列出全部问题。有错误时退出码为 1。"""
    from .bank import read_bank

    bank, problems = read_bank(list(paths) or None)
    errors_ = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors_ + ([] if quiet else warnings):
        click.echo(str(p))
    from .bank.drafts import draft_summary

    for line in draft_summary(bank):
        click.echo(line)
    defence = f"、{len(bank.defence)} 道答辩题" if bank.defence else ""
    click.echo(f"共检查 {len(bank.items)} 道客观题、{len(bank.tasks)} 道操作题{defence}：{len(errors_)} 个错误，{len(warnings)} 个警告。")
    if errors_:
        raise ZujuanError("题库校验未通过。", 1)


@bank_group.command("import")
@click.argument("source", type=click.Path(dir_okay=False), metavar="文件")
@click.option("--into", default=None, type=click.Path(file_okay=False), help="YAML 题库目录（默认 question_bank/）")
@click.option("--replace", is_flag=True, help="覆盖题号已存在的题目；文档：替换同名文档上次导入的结果")
@click.option("--level", default=None, help="文档/表格：整批题目的等级（4/3/2/1）")
@click.option("--direction", default=None,
              help="文档/表格：整批题目的职业方向（A–E 或名称；须同时指定 --level），据【鉴定点】确定职业功能时只在该方向考核的功能中找")
@click.option("--prefix", default=None, help="文档/表格：新题号的前缀（默认 IM-加文档内容摘要）")
@click.option("--dry-run", is_flag=True, help="文档/表格：只检查并报告，不写入题库")
@click.option("--skip-errors", is_flag=True, help="文档/表格：有错误的题目不导入，其余照常导入（错误逐条列出）")
@click.option("--columns", default=None, type=click.Path(dir_okay=False),
              help="其他系统的表格（.xlsx/.csv）：列映射文件 MAPPING.yaml（不给时自动识别常见表头）")
def bank_import_cmd(source: str, into: str | None, replace: bool, level: str | None, direction: str | None,
                    prefix: str | None, dry_run: bool, skip_errors: bool, columns: str | None) -> None:
    """导入题库：Excel 题库工作簿、标注建议工作簿，Word/PDF/文本题目文档（.docx .pdf .txt .md），
    或其他系统的表格（.csv、.xlsx：常见表头自动识别，或用 --columns 映射）；有任何错误时不写入。"""
    from .bank.import_tables import import_questions, is_question_file
    from .bank.importer import import_workbook
    from .bank.tag_review import apply_review, is_review_workbook

    if is_question_file(source, columns):
        doc = import_questions(source, into, columns, level, prefix, dry_run, replace, skip_errors,
                               direction=direction)
        if doc.layout:
            click.echo(f"识别的表格格式：{doc.layout}")
        for p in doc.warnings:
            click.echo(str(p))
        counts = "，".join(f"{k} {v} 题" for k, v in doc.by_type.items() if v)
        head = "检查通过（未写入，去掉 --dry-run 即导入）" if dry_run else "已导入"
        click.echo(f"{head}：{len(doc.items)} 题（{counts}），其中待标注草稿 {doc.drafts} 题，图片 {doc.images} 张；"
                   f"与题库完全相同而跳过 {doc.skipped_duplicates} 题。")
        for f in doc.files:
            click.echo(f"  {f}")
        if doc.drafts and not dry_run:
            click.echo("下一步：zujuan bank suggest-tags 生成标注建议工作簿。")
        return
    if is_review_workbook(source):  # a suggest-tags review workbook: apply the accepted tags
        rev = apply_review(source, into)
        click.echo(f"已标注 {rev.tagged} 题，{rev.left_drafts} 题仍为草稿，写入 {len(rev.files)} 个文件：")
        for f in rev.files:
            click.echo(f"  {f}")
        return
    res = import_workbook(source, into, replace)
    for p in res.warnings:
        click.echo(str(p))
    click.echo(f"已导入 {res.added} 题，覆盖 {res.replaced} 题，写入 {len(res.files)} 个文件：")
    for f in res.files:
        click.echo(f"  {f}")


@bank_group.command("suggest-tags")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[路径]...")
@click.option("-o", "--output", default="output/标注建议.xlsx", show_default=True, type=click.Path(dir_okay=False))
@click.option("--level", default=None, help="整批题目的等级（4/3/2/1），限定建议范围")
@click.option("--direction", default=None, help="职业方向（A–E 或名称）：只建议该方向在该等级考核的职业功能及基本要求")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="供学习的已标注题库（默认 question_bank/）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def bank_suggest_tags_cmd(paths, output, level, direction, bank_paths, force) -> None:
    """为待标注（草稿）题目建议等级、职业功能和鉴定点代码，写出标注建议工作簿。"""
    from .bank.tag_review import suggest_tags

    res = suggest_tags(list(paths) or None, output, level, direction, list(bank_paths) or None, overwrite=force)
    click.echo(f"已为 {res.drafts} 道草稿题生成标注建议（学习了 {res.trained_items} 道已标注题目）：{res.output}")
    click.echo("在「采纳」列填 1/2/3 或在「改正」列选择代码，然后运行 zujuan bank import 该工作簿。")


@bank_group.command("export")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("-o", "--output", default="output/题库导出.xlsx", show_default=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def bank_export_cmd(bank_paths: tuple[str, ...], output: str, force: bool) -> None:
    """把题库导出为 Excel 工作簿（与模板同格式，可修改后再导入）。"""
    from .bank import load_bank
    from .bank.excel_io import write_workbook
    from .bank.task_files import export_task_files
    from .fileio import check_target

    check_target(output, force)  # before the bank is read: nothing is built or copied when it cannot be written
    std = load_standard()
    bank = load_bank(list(bank_paths) or None, std)
    data = write_workbook(list(bank.items), list(bank.tasks), std, defence=bank.defence)
    copied = export_task_files(bank.tasks, Path(output).parent, force)
    _emit(data, output, force)
    defence = f"、{len(bank.defence)} 道答辩题" if bank.defence else ""
    click.echo(f"共 {len(bank.items)} 道客观题、{len(bank.tasks)} 道操作题{defence}。")
    if copied:
        click.echo(f"操作题素材文件 {len(copied)} 个已复制到 {Path(output).parent / 'files'}（导入时须与工作簿放在一起）。")


@bank_group.command("stats")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "docx"]), default="text", show_default=True,
              help="报告格式（docx 为供审题组审阅的 Word 报告）")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx、docx 必填）")
@click.option("--exact", is_flag=True, help="逐一试组卷确认理论容量（较慢；默认按各单元格题量计数）")
@click.option("--level", default=None, help="只统计该等级（4/3/2/1）的缺口和容量")
@click.option("--direction", default=None, help="只统计该职业方向（A–E 或名称；须同时指定 --level）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def bank_stats_cmd(bank_paths, fmt, output, exact, level, direction, force) -> None:
    """题量统计、未覆盖鉴定点清单和各等级方向的组卷容量。"""
    from .bank import load_bank
    from .bank.stats_scope import scoped_json, scoped_stats, scoped_text
    from .writers.bank_stats import stats_xlsx

    std = load_standard()
    scoped = scoped_stats(load_bank(list(bank_paths) or None, std), std, level, direction, exact=exact)
    if fmt == "xlsx":
        if not output:
            raise errors.InputError("xlsx 格式须用 -o 指定输出文件。")
        _emit(stats_xlsx(scoped.stats, std, scoped), output, force)
    else:
        text = scoped_json(scoped) if fmt == "json" else scoped_text(scoped, std, level not in (None, ""))
        _emit(text, output, force)


# ---- generate / ledger --------------------------------------------------------------------------
def _format_choices() -> list[str]:
    from .formats import writer_names

    return writer_names()


def _split_formats(ctx, param, values) -> tuple[str, ...]:
    """Return --format values with comma lists ("docx,pdf") split; unknown names are refused later
    by formats.select_writers with the list of choices."""
    return tuple(n.strip().lower() for v in values for n in v.replace("，", ",").split(",") if n.strip())


@main.command("generate")
@click.option("--level", required=True, help=LEVEL_HELP)
@click.option("--direction", default=None, help=DIRECTION_HELP)
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--forms", "n_forms", default=1, show_default=True, type=ChineseIntRange(1, 100), help="平行试卷套数")
@click.option("--seed", default=1, show_default=True, type=INTEGER, help="随机种子：相同种子与题库得到相同试卷")
@click.option("--structure", default=None, help="试卷结构：standard、guojia-190 或 YAML 文件（仅理论）；--kind review 时为综合评审结构（blueprints/review/）")
@click.option("--split", "split_file", default=None, type=click.Path(dir_okay=False), help="工作内容分值拆分文件")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径，可多次给出（默认 question_bank/）")
@click.option("--max-overlap", default=None, type=INTEGER, help="任意两套试卷最多重复的题数（默认 0）")
@click.option("--difficulty", default=None, help="难度目标：平均难度如 3 或 3.2±0.2，易:中:难比例如 3:5:2，或平均通过率如 p=0.65±0.05"
                   "（有实测通过率的题用实测值，其余按难度标签折算；默认 3±0.3）")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
@click.option("--avoid-sessions", default=0, show_default=True, type=ChineseIntRange(0), help="排除最近 K 场考试用过的题")
@click.option("--session", default=None, help="考试场次名称（写入使用记录；默认为“日期 组卷”）")
@click.option("--date", "session_date", default=None, help="场次日期 YYYY-MM-DD（默认今天）")
@click.option("--created", default=None, help="固定生成时间（ISO 8601），用于逐字节可复现的输出")
@click.option("--explanations", is_flag=True, help="答案中附解析")
@click.option("--format", "formats", multiple=True, callback=_split_formats,
              help=f"输出格式，逗号分隔或多次给出（默认 docx）：{'、'.join(_format_choices())}；试卷清单（JSON）总会写出")
@click.option("--no-docx", is_flag=True, help="只写试卷清单（JSON），不生成 Word")
@click.option("--no-ledger", is_flag=True, help="不写入使用记录")
@click.option("--duration", type=INTEGER, default=None, help="综合评审时间（分钟，不少于 20，默认 30）；仅 review")
@click.option("--panel-size", type=INTEGER, default=None, help="评审组人数（单数，不少于 3，默认 5）；仅 review")
@click.option("--panel-rule", default="trimmed", show_default=True,
              help="评审结果计算规则：trimmed（5 人及以上去掉最高分和最低分后平均）或 mean（平均）；仅 review")
@click.option("-o", "--output", default=None, type=click.Path(file_okay=False), help="输出目录（默认 output/）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def generate_cmd(level, direction, kind, n_forms, seed, structure, split_file, bank_paths, max_overlap, difficulty,
                 ledger, avoid_sessions, session, session_date, created, explanations, formats, no_docx, no_ledger,
                 duration, panel_size, panel_rule, output, force) -> None:
    """按蓝图组卷：生成试卷、答案（或评分记录表）和试卷清单；--kind review 生成综合评审答辩套题与评分表。"""
    from .blueprint import Blueprint
    from .defence_assemble import DefenceSet
    from .form import Form
    from .generate import GenerateRequest, generate
    from .review_blueprint import ReviewBlueprint

    req = GenerateRequest(level=level, direction=direction, kind=kind, forms=n_forms, seed=seed, structure=structure,
                          bank=tuple(bank_paths), max_overlap=max_overlap, difficulty=difficulty, ledger=ledger,
                          avoid_sessions=avoid_sessions, session=session, session_date=session_date, created=created,
                          output=output, overwrite=force, documents=not no_docx, explanations=explanations,
                          record=not no_ledger, split=_load_split(split_file), formats=tuple(formats) or None,
                          duration_minutes=duration, panel_size=panel_size, rule=panel_rule)
    res = generate(req)
    for note in res.recovered:
        click.echo(note)
    bp = res.blueprint
    if direction and isinstance(bp, Blueprint) and not bp.direction:
        click.echo(f"提示：{load_standard().level(bp.level).label} 各职业方向共用一张鉴定要素细目表，"
                   f"--direction {direction} 已忽略。")
    if isinstance(bp, ReviewBlueprint):
        sets = [s for s in res.forms if isinstance(s, DefenceSet)]
        click.echo(f"{bp.title}：已生成 {len(sets)} 套答辩题（种子 {seed}，题库 {sets[0].bank_hash}，蓝图 {bp.hash}）")
        for s in sets:
            click.echo(f"  {s.code}：{len(s.entries)} 题，答辩 {sum(e.points for e in s.entries):g} 分，评审组 {s.panel_size} 人")
        click.echo(f"文件已写入 {res.output}（{len(res.files)} 个）")
        return
    forms = [f for f in res.forms if isinstance(f, Form)]
    click.echo(f"{bp.title} {bp.kind.label}：已生成 {len(forms)} 套试卷（种子 {seed}，题库 {forms[0].bank_hash}，蓝图 {bp.hash}）")
    if res.avoided_sessions:
        click.echo(f"已排除近 {len(res.avoided_sessions)} 场考试（{'、'.join(res.avoided_sessions)}）用过的 {res.excluded} 题")
    for f in forms:
        d = f.difficulty()
        extra = f"平均难度 {d.mean:.2f}" if f.kind.value == "theory" else f"考核时间合计 {f.duration_minutes} 分钟"
        observed = f.extra.get("assembly", {})
        if "mean_p" in observed:
            extra += f"，平均通过率 {observed['mean_p']:.3f}（{observed['observed_p_items']} 题有实测值）"
        click.echo(f"  {f.code}：{len(f.entries)} 题，{f.totals().points} 分，{extra}")
    click.echo(f"文件已写入 {res.output}（{len(res.files)} 个）")


@main.command("review-panel")
@click.argument("scores", type=click.Path(dir_okay=False), metavar="SCORES.xlsx")
@click.option("--template", is_flag=True, help="写出空白评分录入表（按 --level 的综合评审结构）")
@click.option("--level", default="2", show_default=True, help="仅 --template：二级 2 或 一级 1")
@click.option("--panel-size", type=INTEGER, default=None, help="仅 --template：评审组人数（单数，不少于 3，默认 5）")
@click.option("--panel-rule", default="trimmed", show_default=True, help="仅 --template：计分规则 trimmed 或 mean")
@click.option("--candidates", type=ChineseIntRange(1, 500), default=1, show_default=True, help="仅 --template：考生人数")
@click.option("--manifest", default=None, type=click.Path(dir_okay=False), help="套题清单 R….json（默认在评分表旁按套号查找）")
@click.option("-o", "--output", default=None, type=click.Path(file_okay=False), help="汇总表输出目录（默认评分表所在目录）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def review_panel_cmd(scores, template, level, panel_size, panel_rule, candidates, manifest, output, force) -> None:
    """综合评审计分：检查每位评委的各部分评分，按规则计算评审结果并写出综合评审汇总表。"""
    if template:
        from .review_blueprint import build_review_blueprint
        from .review_panel import parse_rule, write_panel_template

        bp = build_review_blueprint(load_standard(), level, panel_size=panel_size)
        write_panel_template(scores, "", bp.panel_size, [(p.name, p.points) for p in bp.structure.parts],
                             parse_rule(panel_rule), candidates, overwrite=force)
        click.echo(f"已生成评分录入表模板 {scores}（评审组 {bp.panel_size} 人，{candidates} 名考生）")
        return
    from .review_generate import summarise_panel

    results, files = summarise_panel(scores, manifest, output, force)
    for r in results:
        o = r.outcome
        click.echo(f"{r.ticket} {r.name}：评委合计 {'、'.join(f'{t:g}' for t in o.totals)}，评审结果 {o.result:g} 分，"
                   f"{'合格' if o.passed else '不合格'}")
    click.echo(f"汇总表已写入（{len(files)} 个）")


@main.group("ledger")
def ledger_group() -> None:
    """试题使用记录：哪些题在哪场考试用过。"""


@ledger_group.command("list")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
def ledger_list_cmd(ledger) -> None:
    """列出全部考试场次。"""
    from .ledger import DEFAULT_LEDGER, list_sessions

    rows = list_sessions(ledger or DEFAULT_LEDGER)
    if not rows:
        click.echo("使用记录为空。")
        return
    for s in rows:
        click.echo(f"{s.date}  {s.name}：{s.forms} 套试卷，{s.items} 题次")


@ledger_group.command("show")
@click.argument("session", metavar="场次")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
def ledger_show_cmd(session, ledger) -> None:
    """显示某场考试各套试卷用过的题；给出题目编号时显示该题的使用与分析历史。"""
    from .ledger import DEFAULT_LEDGER, item_history, list_sessions, session_detail

    path = ledger or DEFAULT_LEDGER
    if session not in {s.name for s in list_sessions(path)}:
        uses, found = item_history(path, session)
        if uses or found:
            for u in uses:
                click.echo(f"{u.date}  {u.session}：{u.form} 第 {u.position} 题")
            for a in found:
                r = "—" if a.r_pb is None else f"{a.r_pb:.2f}"
                click.echo(f"{a.date}  {a.session} {a.form} 分析：{a.candidates} 人，通过率 {a.p:.2f}，"
                           f"区分度 {r}" + (f"，{a.flags}" if a.flags else ""))
            return
    for f in session_detail(path, session):
        click.echo(f"{f.form}（{f.level}{f.direction or ''} {f.kind}，种子 {f.seed}，{len(f.items)} 题）")
        click.echo("  " + " ".join(f.items))


# ---- review / verify / batch --------------------------------------------------------------------
@main.command("review")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="路径...")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "docx", "pdf"]), default="text",
              show_default=True, help="报告格式（pdf 需 LibreOffice）")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx、docx、pdf 必填）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def review_cmd(paths, bank_paths, ledger, fmt, output, force) -> None:
    """审核试卷：对照蓝图与题库核对分值、题数、覆盖、难度、答案分布和重复题，给出合格/不合格结论。

    路径可以是试卷清单（.json）、Word 试卷或答案（.docx），或包含它们的文件夹。不合格时退出码为 1。
    """
    from .bank import load_bank
    from .ledger import DEFAULT_LEDGER
    from .review import Verdict, load_forms, review_forms
    from .writers.review import review_docx, review_json, review_text, review_xlsx

    std = load_standard()
    if fmt == "pdf":
        from .render.pdf import require_soffice

        require_soffice()
    loaded = load_forms(list(paths))
    review = review_forms(loaded, load_bank(list(bank_paths) or None, std), std, ledger or str(DEFAULT_LEDGER))
    if fmt in ("xlsx", "docx", "pdf"):
        if not output:
            raise errors.InputError(f"{fmt} 格式须用 -o 指定输出文件。")
        if fmt == "pdf":
            from .render.pdf import docx_to_pdf

            data = docx_to_pdf({"审核报告.docx": review_docx(review)})["审核报告.pdf"]
        else:
            data = review_xlsx(review) if fmt == "xlsx" else review_docx(review)
        _emit(data, output, force)
        click.echo(f"审核结论：{review.verdict_label}（{len(review.forms)} 套试卷，{len(review.reasons)} 条不合格原因）")
    else:
        _emit(review_json(review) if fmt == "json" else review_text(review), output, force)
    if review.verdict is not Verdict.PASS:
        raise ZujuanError("审核不合格。", 1)


@main.command("verify")
@click.argument("paper", type=click.Path(dir_okay=False), metavar="试卷.docx")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
def verify_cmd(paper, bank_paths) -> None:
    """仅凭一份 Word 试卷（或答案），对照题库与蓝图逐题复核；发现不一致时退出码为 1。"""
    from .bank import load_bank
    from .review import load_forms, review_forms

    std = load_standard()
    loaded = load_forms([paper])
    review = review_forms(loaded, load_bank(list(bank_paths) or None, std), std)
    f = review.forms[0]
    click.echo(f"试卷 {f.form}：种子 {loaded[0].form.seed}，题库 {loaded[0].form.bank_hash}，蓝图 {loaded[0].form.blueprint_hash}")
    for n in f.notes:
        click.echo(f"说明：{n}")
    if review.reasons:
        for r in f.reasons:
            click.echo(f"不一致：{r}")
        raise ZujuanError(f"复核未通过：{len(f.reasons)} 处不一致。", 1)
    click.echo(f"复核通过：{len(f.item_ids)} 题与题库、蓝图一致。")


@main.command("batch")
@click.argument("session_file", type=click.Path(dir_okay=False), metavar="场次文件.yaml")
@click.option("-o", "--output", default=None, type=click.Path(file_okay=False), help="输出目录（默认 output/）")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
@click.option("--no-ledger", is_flag=True, help="不写入使用记录")
@click.option("--force", is_flag=True, help="场次文件夹已存在时整体替换")
def batch_cmd(session_file, output, ledger, no_ledger, force) -> None:
    """按场次文件一次生成整场考试的全部试卷、答案、清单、审核报告、汇总表和压缩包。"""
    from .batch import load_session, run_batch
    from .review import Verdict

    session = load_session(session_file)
    total = len(session.entries)
    with click.progressbar(length=total, label="组卷中", show_pos=True, file=sys.stderr) as bar:
        def progress(done: int, message: str) -> None:
            bar.label = message
            bar.update(done - bar.pos)
        res = run_batch(session, output, force, ledger, not no_ledger, progress=progress)
    for note in res.recovered:
        click.echo(note)
    failed = [c for c, v in res.verdicts if v is not Verdict.PASS]
    sets = sum(1 for f in res.forms if f.kind.value == "review")
    made = f"{len(res.forms) - sets} 套试卷" + (f"、{sets} 套综合评审答辩题" if sets else "")
    click.echo(f"{session.name}（{session.date}）：{made}，{res.files} 个文件，已写入 {res.folder}")
    click.echo(f"审核：{len(res.verdicts) - len(failed)} 套合格" + (f"，{len(failed)} 套不合格：{'、'.join(failed)}" if failed else ""))


# ---- score / analyze (after the exam) -------------------------------------------------------------
@main.command("score")
@click.argument("responses", required=False, type=click.Path(dir_okay=False), metavar="答题登记表.xlsx|csv")
@click.option("--forms", "forms_dir", required=True, type=click.Path(file_okay=False), help="试卷清单（.json）所在文件夹")
@click.option("--template", is_flag=True, help="只生成空白答题登记表（须用 -o 指定文件）")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(),
              help="题库路径，用于核对选项数和 Moodle 报表的题目、选项文本（默认 question_bank/）")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出的成绩表 .xlsx（默认 成绩表.xlsx）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def score_cmd(responses, forms_dir, template, bank_paths, output, force) -> None:
    """评分：按试卷清单给答题登记表评分，写出成绩表（总分、分题型、分职业功能、合格与否、分数分布）。

    也可读 Moodle 的答题情况报表（下载时勾选题目文本），以及按题目编号列作答的其他考试系统导出表。"""
    from .rules import pass_mark
    from .score import load_theory_forms, score_file, template_xlsx
    from .writers.results import results_xlsx

    forms = load_theory_forms(forms_dir)
    if template:
        if not output:
            raise errors.InputError("生成答题登记表须用 -o 指定输出文件。")
        _emit(template_xlsx(forms), output, force)
        return
    if not responses:
        raise errors.InputError("缺少答题登记表（.xlsx 或 .csv）；生成空白登记表请用 --template。")
    from .bank import read_bank
    bank, _ = read_bank(list(bank_paths) or None, check_similar=False)
    counts = {it.id: len(it.options) for it in bank.items}
    res = score_file(responses, forms, counts, bank)
    out = output or str(Path(responses).with_name("成绩表.xlsx"))
    _emit(results_xlsx(res), out, force)
    for fr in res.forms:
        t = fr.totals
        click.echo(f"  {fr.form.code}：{len(t)} 名考生，平均分 {t.mean():.2f}，合格 {int((t >= pass_mark()).sum())} 人")


@main.command("analyze")
@click.argument("results", type=click.Path(dir_okay=False), metavar="成绩表.xlsx")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "docx"]), default="text", show_default=True,
              help="报告格式（docx 为供审题组审阅的 Word 报告）")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="输出文件（xlsx、docx 必填）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
@click.option("--update-bank", is_flag=True, help="把观测通过率写回题库（先显示改动，加 --yes 才写入）")
@click.option("--mark-review", is_flag=True, help="与 --update-bank 同用：把需审题目标为待审（status: review），组卷时不再选用")
@click.option("--yes", is_flag=True, help="确认写回题库并记入使用记录")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径（默认 question_bank/）")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
def analyze_cmd(results, fmt, output, force, update_bank, mark_review, yes, bank_paths, ledger) -> None:
    """题目分析：通过率、区分度、干扰项、信度，并标出疑似答案错误、过易过难和区分度弱的题。"""
    from .analyze import analyze_results
    from .writers.analysis import analysis_json, analysis_text, analysis_xlsx
    from .writers.results import read_results

    analysis = analyze_results(read_results(results))
    for fa in analysis.forms:
        if fa.warning:
            click.echo(f"警告：{fa.form} {fa.warning}", err=True)
    if fmt in ("xlsx", "docx"):
        if not output:
            raise errors.InputError(f"{fmt} 格式须用 -o 指定输出文件。")
        if fmt == "docx":
            from .render.analysis_doc import render_analysis
            _emit(render_analysis(analysis), output, force)
        else:
            _emit(analysis_xlsx(analysis), output, force)
        click.echo("需审题目：" + "；".join(f"{fa.form} {len(fa.flagged)} 题" for fa in analysis.forms))
    else:
        _emit(analysis_json(analysis) if fmt == "json" else analysis_text(analysis), output, force)
    if update_bank:
        from .bank import load_bank
        from .feedback import (
            apply_updates,
            diff_summary,
            plan_updates,
            record_in_ledger,
        )
        from .ledger import DEFAULT_LEDGER

        updates = plan_updates(analysis, load_bank(list(bank_paths) or None, load_standard()), mark_review)
        click.echo(diff_summary(updates), nl=False, err=fmt == "json" and not output)
        if not yes:
            click.echo("以上为拟写回的改动；确认无误后加 --yes 写入。", err=fmt == "json" and not output)
            return
        files = apply_updates(updates)
        record_in_ledger(ledger or DEFAULT_LEDGER, analysis)
        click.echo(f"已写回 {len(files)} 个题库文件，分析结果已记入使用记录。", err=fmt == "json" and not output)


# ---- serve (the local web workbench) --------------------------------------------------------------
@main.command("serve")
@click.option("--bank", "bank_paths", multiple=True, type=click.Path(), help="题库路径，可多次给出（默认 question_bank/）")
@click.option("--ledger", default=None, type=click.Path(dir_okay=False), help="使用记录数据库（默认 output/ledger.sqlite）")
@click.option("-o", "--output", default=None, type=click.Path(file_okay=False), help="网页生成文件的输出目录（默认 output/web/）")
@click.option("--port", default=8765, show_default=True, type=ChineseIntRange(0, 65535), help="端口")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；非本机地址须凭令牌访问")
@click.option("--token", default=None, help="访问令牌（非本机地址时默认随机生成并打印）")
@click.option("--max-upload-mb", default=50, show_default=True, type=ChineseIntRange(1, 1024), help="上传文件大小上限（MB）")
def serve_cmd(bank_paths, ledger, output, port, host, token, max_upload_mb) -> None:
    """启动本机网页工作台（题库、蓝图、组卷、审核、场次、使用记录），按 Ctrl+C 停止。"""
    from .web import WebConfig, make_server

    server, url = make_server(WebConfig(bank=tuple(bank_paths), ledger=ledger, output=output, host=host, port=port,
                                        token=token, max_upload_mb=max_upload_mb))
    click.echo(f"网页工作台已启动：{url}")
    click.echo("在浏览器中打开上面的地址；按 Ctrl+C 停止。")
    try:
        server.run()
    finally:
        server.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
