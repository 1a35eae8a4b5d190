"""YAML read strictly for rule and data files: a duplicate key is an error with its line, never a
silently kept last value; and where a problem found later sits in the file.

PyYAML keeps the last of two equal keys (`when:` written twice keeps the second), which hides
mistakes in hand-written rule files. The document is composed once into nodes (libyaml where
PyYAML has it), checked, then constructed.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import yaml

#: libyaml's safe loader where PyYAML has it: the rule files parse about 8x faster (cold start).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: One duplicate key: (line, rule id or None, field, message).
Found = tuple[int, str | None, str, str]


class StrictYAMLError(yaml.YAMLError):
    """Every duplicate key of one document: (line, rule id or None, field, message)."""

    def __init__(self, found: list[Found], data: Any = None):
        self.found, self.data = found, data      # data: the document, last of equal keys kept
        super().__init__("; ".join(f"line {line}: {message}" for line, _, _, message in found))


def _compose(text: str) -> yaml.Node | None:
    loader = _LOADER(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """`text` parsed like yaml.safe_load, refusing duplicate keys (StrictYAMLError)."""
    return load_counting_aliases(text)[0]


def load_counting_aliases(text: str) -> tuple[Any, int]:
    """`load(text)` and how many aliases (`*name`, `<<: *name`) it uses, of any value, scalars
    included: the parsed value cannot tell a repeated string from an aliased one."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, 0
        found = list(_problems(node))
        data = loader.construct_document(node)
        if found:
            raise StrictYAMLError(found, data)
        return data, _aliases(node)
    finally:
        loader.dispose()


def _aliases(root: yaml.Node) -> int:
    """Nodes reached more than once: the composer hands every alias its anchor's node."""
    seen: set[int] = set()
    repeats = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            repeats += 1
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return repeats


def _problems(root: yaml.Node) -> Iterator[Found]:
    seen: set[int] = set()

    def walk(node: yaml.Node, path: str, rule: str | None) -> Iterator[Found]:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
                where = f"{path}.{name}" if path else str(name)
                if id(value) in seen:          # an alias: its anchored value was checked
                    continue
                if name in keys:
                    yield (key.start_mark.line + 1, rule, where,
                           f"duplicate key '{name}' (also at line {keys[name]}): only one is kept")
                else:
                    keys[name] = key.start_mark.line + 1
                yield from walk(value, where, rule)
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                yield from walk(item, f"{path}[{n}]", _rule_id(item) if path == "rules" else rule)

    yield from walk(root, "", None)


def _rule_id(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


#: Where a node is in a document: its keys and 0-based list indexes.
NodePath = tuple[object, ...]
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def lines(text: str) -> dict[NodePath, int]:
    """Where each key and list item of a document starts: path (keys and 0-based indexes) -> line."""
    found: dict[NodePath, int] = {}
    try:
        root = _compose(text)
    except yaml.YAMLError:
        return found

    def walk(node: yaml.Node, path: NodePath) -> None:
        found.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = path + (getattr(key, "value", None),)
                found.setdefault(here, key.start_mark.line + 1)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                walk(item, path + (n,))

    if root is not None:
        walk(root, ())
    return found


def line_of(table: dict[NodePath, int], base: NodePath, field: str | None) -> int | None:
    """The line of `field` (`when.all[0].sectr`) under `base`, or of its nearest enclosing part."""
    path = base + tuple(int(i) if i else k for k, i in _PART.findall(field or ""))
    while path:
        if path in table:
            return table[path]
        path = path[:-1]
    return None
