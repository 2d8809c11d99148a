"""Draft items: imported without a level, function or code, waiting to be tagged.

A draft is kept in the bank (status: draft) so it can be tagged later (bank suggest-tags, or by
hand); validation reports drafts once in a summary, stats counts them, and assembly never uses them.
"""
from __future__ import annotations

from collections import defaultdict

from .models import Bank, Item

MAX_LISTED_PER_FILE = 20


def draft_items(bank: Bank) -> list[Item]:
    """Return the bank's draft items, in bank order."""
    return [it for it in bank.items if it.is_draft]


def missing_tags(item: Item) -> list[str]:
    """Return the names (Chinese) of the tags a draft item still lacks."""
    out = []
    if item.level is None and not item.function:
        out.append("等级")
    if not item.function:
        out.append("职业功能")
    if not item.code:
        out.append("鉴定点代码")
    return out


def draft_summary(bank: Bank) -> list[str]:
    """Return the summary lines of the bank's drafts (empty when there are none): their count,
    then per file the ids (at most MAX_LISTED_PER_FILE each)."""
    drafts = draft_items(bank)
    if not drafts:
        return []
    by_file: dict[str, list[str]] = defaultdict(list)
    for it in drafts:
        by_file[it.origin.file if it.origin else ""].append(it.id)
    lines = [f"待标注草稿 {len(drafts)} 题（status: draft，尚缺等级、职业功能或鉴定点代码，不参与组卷；"
             f"可运行 zujuan bank suggest-tags 获得标注建议）："]
    for f, ids in by_file.items():
        shown = "、".join(ids[:MAX_LISTED_PER_FILE])
        more = f" 等 {len(ids)} 题" if len(ids) > MAX_LISTED_PER_FILE else f"（{len(ids)} 题）"
        lines.append(f"  {f or '（未知文件）'}：{shown}{more}")
    return lines
