"""Reading YAML safely: the one loader every YAML file goes through.

yaml.safe_load cannot run code, but an "alias bomb" (anchors referring to anchors, nine levels of
nine) describes a billion nodes in a few hundred bytes, and whatever walks the result runs out of
memory. load_yaml composes the node graph first, counts the nodes the aliases would expand to, and
refuses a document whose aliases add more than ALIAS_EXPANSION_LIMIT nodes, or that refers to
itself, before anything is built. It raises a yaml.YAMLError, so every caller's message holds.

YAML 1.1 (PyYAML's dialect) reads a plain 16:9 or 4:30 as a base-60 number (969, 270), so an option
「16:9」 written without quotes would print as 969. YAML 1.2 dropped base-60 numbers; load_yaml does
the same: a plain scalar with a colon that the 1.1 rules would make a number stays text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc,assignment]

ALIAS_EXPANSION_LIMIT = 100_000  # nodes the aliases may add to a document beyond its own


class YAMLRefused(yaml.YAMLError):
    """A document refused for its shape (alias bomb, self reference, too deep); the text is Chinese."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        return self.problem


def _children(node):
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [x for pair in node.value for x in pair]
    return ()


def check_expansion(root) -> None:
    """Raise YAMLRefused if the aliases in the node graph expand it by more than the limit, or if
    it contains a cycle (a node inside itself)."""
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            open_.discard(key)
            if size[key] - len(size) > ALIAS_EXPANSION_LIMIT:
                break
            continue
        if key in size:
            continue
        open_.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_:
                raise YAMLRefused("YAML 中有引用自身的别名（*引用指向包含它的 &锚点），拒绝读取", child.start_mark)
            if id(child) not in size:
                stack.append((child, False))
    total = size.get(id(root), max(size.values(), default=0))
    if total - len(size) > ALIAS_EXPANSION_LIMIT:
        raise YAMLRefused(f"YAML 中的别名（&锚点 / *引用）展开后超过 {ALIAS_EXPANSION_LIMIT} 个节点，"
                          "疑似“别名炸弹”，拒绝读取（请直接写出内容，不用别名）")


_INT_TAG, _FLOAT_TAG, _STR_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:str"


def _scalars(root):
    """Yield every scalar node of the graph once, in document order."""
    from yaml.nodes import ScalarNode

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            yield node
        stack.extend(reversed(list(_children(node))))


def keep_base60_as_text(root) -> None:
    """Retag every plain scalar that YAML 1.1 resolves to a base-60 number (16:9, 1:30:00) as text."""
    for node in _scalars(root):
        if not node.style and ":" in node.value and node.tag in (_INT_TAG, _FLOAT_TAG):  # plain: None or ""
            node.tag = _STR_TAG


def _unreadable_value(loader, root, exc: Exception) -> YAMLRefused:
    """Return the refusal naming the scalar that could not be built (a date that does not exist)."""
    for node in _scalars(root):
        if node.tag.endswith(":timestamp"):
            try:
                loader.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return YAMLRefused(f"第 {node.start_mark.line + 1} 行的日期「{node.value}」不存在"
                                   "（应写成存在的 YYYY-MM-DD）", node.start_mark)
    return YAMLRefused(f"有无法识别的值（{exc}）")


def load_yaml(text: str):
    """Return the data of one YAML document (None when empty), built with the safe loader.

    Raises yaml.YAMLError for a syntax error, YAMLRefused (a YAMLError) for an alias bomb, a
    self-referring alias or nesting too deep to build.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        keep_base60_as_text(node)
        try:
            return loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # e.g. a date that does not exist: 2026-13-45
            raise _unreadable_value(loader, node, exc) from None
    except RecursionError:
        raise YAMLRefused("YAML 嵌套层数过多，拒绝读取") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path) -> Any:
    """Return the data of a YAML file, as load_yaml.

    Raises FileNotFoundError for a missing file, and YAMLRefused (a yaml.YAMLError) for a file
    that is not UTF-8 text, a folder or unreadable, besides load_yaml's errors.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise
    except UnicodeDecodeError:
        raise YAMLRefused("文件不是 UTF-8 编码的文本（请用 UTF-8 保存）") from None
    except IsADirectoryError:
        raise YAMLRefused("这是文件夹，不是 YAML 文件") from None
    except OSError as exc:
        raise YAMLRefused(f"无法读取：{exc.strerror or exc}") from None
    if "\x00" in text:
        raise YAMLRefused("文件含有 NUL 字符，不是文本文件")
    return load_yaml(text)


__all__ = ["load_yaml", "load_yaml_file", "check_expansion", "YAMLRefused", "ALIAS_EXPANSION_LIMIT"]
