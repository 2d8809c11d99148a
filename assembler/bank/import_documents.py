"""Import a question document (.docx, .pdf, .txt, .md) into the YAML bank as items to tag.

The document's items become one YAML file, `<into>/imported/<document name>.yaml`, with the images
they carry beside it in `<into>/imported/images/` (named by content hash). An item whose level,
function and code are all known (from `--level` and a 【鉴定点】 line) is active; every other item is a
draft (status: draft) for `bank suggest-tags`. Nothing is written when any item has an error.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem
from ..fileio import write_files_atomic
from ..standard import BASIC_FUNCTIONS, Kind, Standard, load_standard
from ..structure import ItemType
from .documents import (
    DOCUMENT_SUFFIXES,
    ParsedItem,
    item_problems,
    parse_lines,
    read_document,
    resolve_type,
)
from .loader import DEFAULT_BANK, normalise_stem, read_bank, similar_stems
from .models import IMAGE_MARK, Item, Origin, Task
from .normalize import item_from_record
from .yaml_io import bank_files

IMPORTED_FOLDER = "imported"


@dataclass(frozen=True, kw_only=True)
class DocumentImport:
    """What a document import found and (unless a dry run) wrote."""

    source: str
    items: tuple[Item, ...]  # the items to be written (exact duplicates of the bank left out)
    drafts: int
    skipped_duplicates: int
    images: int
    warnings: tuple[Problem, ...]
    files: tuple[str, ...]  # written files; empty for a dry run
    by_type: dict
    layout: str = ""  # a foreign spreadsheet: the layout recognised (or 「按映射文件 …」)


def is_document(path: str | Path) -> bool:
    """Return whether a path names a question document (not a workbook or YAML bank)."""
    return Path(path).suffix.lower() in (*DOCUMENT_SUFFIXES, ".doc")


def code_function(std: Standard, level: str | None, code: str,
                  direction: str | None = None) -> tuple[str | None, str] | None:
    """Return (level, function) of the only function whose knowledge requirements hold code — at the
    given level (only the functions the direction examines there, when given), or among the basics —
    or None when no function or several do."""
    found: list[tuple[str | None, str]] = []
    for name in BASIC_FUNCTIONS:
        if code in std.knowledge_codes("", name):
            found.append((None, name))
    if level:
        functions = std.functions_at(level)
        if direction and std.has_directions(level):
            functions = tuple(std.examined_functions(Kind.THEORY, level, direction))
        found += [(level, fn.name) for fn in functions if code in std.knowledge_codes(level, fn.name)]
    return found[0] if len(found) == 1 else None


def import_document(source: str | Path, into: str | Path | None = None, level: object | None = None,
                    prefix: str | None = None, dry_run: bool = False, replace: bool = False,
                    skip_errors: bool = False, standard: Standard | None = None,
                    direction: object | None = None) -> DocumentImport:
    """Read a question document, check every item, and write them to `<into>/imported/<name>.yaml`.

    Raises DataError (writing nothing) listing every problem with its file and paragraph, page and
    line, or line; InputError for a bad level; OutputError when the target cannot be written.
    A dry run checks and reports but writes nothing. With skip_errors, the items without errors are
    written and every problem is returned as a warning; DataError only when no item can be imported.
    """
    src = Path(source)
    doc = read_document(src)
    parsed = parse_lines(doc.lines, str(src))
    if not parsed.items:
        raise DataError(parsed.problems + [Problem("没有找到任何题目（不是题目文档？）", file=str(src),
                                                   hint="题目以题号开头，如「1．」「1、」「（1）」；题型由「一、单项选择题」这样的标题或选项和答案确定")],
                        title=f"{src} 中没有可导入的题目")
    return import_parsed(src, parsed.items, parsed.problems, doc.images, into, level, prefix, dry_run, replace,
                         skip_errors, standard, joiner="" if src.suffix.lower() == ".pdf" else "\n",
                         direction=direction)


def import_parsed(src: Path, parsed_items: list[ParsedItem], found_problems: list[Problem], images: dict[str, bytes],
                  into: str | Path | None, level: object | None, prefix: str | None, dry_run: bool, replace: bool,
                  skip_errors: bool, standard: Standard | None, joiner: str = "\n",
                  layout: str = "", direction: object | None = None) -> DocumentImport:
    """Check parsed items (from a document or a foreign spreadsheet) and write them as
    `<into>/imported/<source name>.yaml`; see import_document for what it raises."""
    from .suggest import check_scope

    std = standard or load_standard()
    scope = check_scope(std, level, direction)  # InputError for a bad level or a direction without one
    lvl = scope.level
    into = Path(into or DEFAULT_BANK)
    problems = list(found_problems)
    target_rel = f"{IMPORTED_FOLDER}/{src.stem}.yaml"
    target = into / target_rel
    if target.exists() and not replace and not dry_run:
        raise DataError([Problem(f"已经导入过同名文档：{target}", file=str(src),
                                 hint="改文件名后再导入，或加 --replace 用本次结果替换它")], title="未导入")
    tag = (prefix or "IM-" + hashlib.sha256(src.read_bytes()).hexdigest()[:6].upper()).rstrip("-")
    records: list[tuple[ParsedItem, dict]] = []
    for it in parsed_items:
        found: list[Problem] = []
        t = resolve_type(it, str(src), found)
        found += item_problems(it, t, str(src))
        problems += found
        if t is None or any(p.severity == "error" for p in found):
            continue
        records.append((it, _record(it, t, "", lvl, std, joiner=joiner, direction=scope.direction)))
    # ids in document order, unique even when numbering restarts in each section
    for k, (_, rec) in enumerate(records, 1):
        rec["id"] = f"{tag}-{k:04d}"
    items = _checked_items(records, target, images, std, src, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors and skip_errors and items:
        problems = [dataclasses.replace(p, severity="warning") for p in problems]
        problems.append(Problem(f"{len(errors)} 处错误，涉及的题目未导入；其余 {len(items)} 道题照常导入", file=str(src),
                                hint="改正上列各处后，可用 --replace 重新导入整份文档", severity="warning"))
    elif errors:
        ok = len(items)
        raise DataError(problems, title=f"{src}：{len(parsed_items)} 道题中有问题，未导入任何题目"
                                        f"（{ok} 道题可以导入；改正下列各处后重新导入）")
    fresh, skipped = _against_bank(items, records, into, target, replace, std, src, problems)
    if not fresh:
        raise DataError([Problem(f"{len(items)} 道题都与题库中已有的题目完全相同，没有新题", file=str(src),
                                 severity="error")], title="未导入")
    used_images = {m.group(2) for x in fresh for text in (x.stem, *(v for _, v in x.options))
                   for m in IMAGE_MARK.finditer(text)}
    by_type = {t.label if hasattr(t, "label") else t.value: sum(1 for x in fresh if x.type is t) for t in
               (ItemType.JUDGE, ItemType.SINGLE, ItemType.MULTIPLE)}
    drafts = sum(1 for x in fresh if x.is_draft)
    written: tuple[str, ...] = ()
    if not dry_run:
        from .yaml_io import dump_yaml_bank

        records_out: list[Item | Task] = list(fresh)
        files = {target_rel: dump_yaml_bank(records_out).encode("utf-8")}
        for ref in sorted(used_images):
            if not (into / IMPORTED_FOLDER / ref).exists():
                files[f"{IMPORTED_FOLDER}/{ref}"] = images[ref]
        written = tuple(str(p) for p in write_files_atomic(into, files))
    return DocumentImport(source=str(src), items=tuple(fresh), drafts=drafts, skipped_duplicates=skipped,
                          images=len(used_images),
                          warnings=tuple(p for p in problems if p.severity == "warning"), files=written,
                          by_type=by_type, layout=layout)


def _checked_items(records: list[tuple[ParsedItem, dict]], target: Path, images: dict[str, bytes], std: Standard,
                   src: Path, problems: list[Problem]) -> list[Item]:
    """Return the records as Items, checked as the loader checks them; their problems are added,
    located at the item in the source."""
    items: list[Item] = []
    for it, rec in records:
        local: list[Problem] = []
        obj = item_from_record(dict(rec), Origin(str(target)), lambda key: key, std, local)
        # the document's own pictures are written with the items: not missing
        local = [p for p in local if not any(p.message.endswith(f"图片「{ref}」不存在（应在 {target.parent} 下）")
                                              for ref in images)]
        for p in local:
            message = p.message.split("：", 1)[1] if p.message.startswith("题目 ") and "：" in p.message else p.message
            problems.append(Problem(f"第 {it.number} 题：{message}", file=str(src), place=it.place, hint=p.hint,
                                    severity=p.severity))
        if isinstance(obj, Item) and not any(p.severity == "error" for p in local):
            items.append(obj)
    return items


def _against_bank(items: list[Item], records: list[tuple[ParsedItem, dict]], into: Path, target: Path,
                  replace: bool, std: Standard, src: Path, problems: list[Problem]) -> tuple[list[Item], int]:
    """Return (the items not already in the bank at into, how many were); exact duplicates are
    skipped, near duplicates reported (as warnings naming the bank's item or the source's)."""
    existing: list[Item] = []
    if into.exists() and bank_files([into]):
        bank, _ = read_bank([into], std, check_similar=False)
        existing = [x for x in bank.items if not (replace and x.origin and Path(x.origin.file) == target)]
    have = {normalise_stem(x.stem + "".join(v for _, v in x.options)) for x in existing}
    fresh = [x for x in items if normalise_stem(x.stem + "".join(v for _, v in x.options)) not in have]
    place_of = {rec["id"]: it for it, rec in records}
    new_ids = {x.id for x in fresh}
    existing_ids = {x.id for x in existing}
    for p in similar_stems(existing + fresh):
        ids = [w for w in p.message.split() if w in new_ids]
        if ids and "高度相似" in p.message:
            it = place_of[ids[0]]
            other = p.message.split("与 ", 1)[1].split(" ", 1)[0]
            who = (f"题库中的 {other}" if other in existing_ids
                   else f"本文档的第 {place_of[other].number} 题" if other in place_of else other)
            problems.append(Problem(f"第 {it.number} 题与{who} " + p.message.split(other, 1)[1].strip(), file=str(src),
                                    place=it.place, hint="确认是否重复", severity="warning"))
    return fresh, len(items) - len(fresh)


def _record(it: ParsedItem, t: ItemType, rid: str, level: str | None, std: Standard, joiner: str,
            direction: str | None = None) -> dict:
    rec: dict = {"id": rid, "type": t.value, "stem": joiner.join(s for s in it.stem).strip()}
    if it.options:
        rec["options"] = {o[0]: o[1] for o in it.options}
    rec["answer"] = it.answer
    if it.difficulty:
        rec["difficulty"] = it.difficulty
    if it.explanation:
        rec["explanation"] = joiner.join(it.explanation).strip()
    lvl, function = level, ""
    if it.code:
        found = code_function(std, level, it.code, direction)
        if found:
            lvl, function = found
            rec["code"] = it.code
    if lvl:
        rec["level"] = int(lvl)
    if function:
        rec["function"] = function
    if not (function and rec.get("code")):
        rec["status"] = "draft"
        if it.code and "code" not in rec:
            rec["source"] = f"原文鉴定点：{it.code}"
    if it.topic:
        rec["source"] = (rec.get("source", "") + f" 原文知识点：{it.topic}").strip()
    return rec

