"""Reading YAML safely: the one loader every YAML file goes through.

yaml.safe_load cannot run code, but an "alias bomb" (anchors referring to anchors, nine levels of
nine) describes a billion nodes in a few hundred bytes, and whatever walks the result runs out of
memory. load_yaml composes the node graph first, counts the nodes the aliases would expand to, and
refuses a document whose aliases add more than ALIAS_EXPANSION_LIMIT nodes, or that refers to
itself, before anything is built. It raises a yaml.YAMLError, so every caller's message holds.
"""
from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, SequenceNode

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

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
        return loader.construct_document(node)
    except RecursionError:
        raise YAMLRefused("YAML 嵌套层数过多，拒绝读取") from None
    finally:
        loader.dispose()


__all__ = ["load_yaml", "check_expansion", "YAMLRefused", "ALIAS_EXPANSION_LIMIT"]
