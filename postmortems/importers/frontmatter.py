"""Markdown with YAML front matter: the keys between two `---` lines, the narrative below them."""

from __future__ import annotations

from typing import Any

import yaml

from postmortems.importers.problems import Locator, Problem, split_path

# The C loader is several times faster; the pure-Python one gives the same result where libyaml is missing.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """The safe loader, with tag resolution trimmed to what safe YAML uses (no path resolvers)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1] if value else "", ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


_constructor = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"


class _Unusual(Exception):
    """The YAML uses something the fast path leaves to PyYAML's own constructor (merge keys, explicit tags)."""


def _value(node: yaml.Node) -> Any:
    """A composed YAML node as Python, the way `safe_load` builds it, except that timestamps stay text.

    PyYAML's generic constructor costs about as much as parsing; front matter only ever holds mappings,
    lists and plain scalars, which this builds directly. Timestamps stay as written because the document
    checker reads ISO 8601 itself (and sets the zone the postmortem names).
    """
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        value = node.value
        if tag == _TAG + "str":
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return _constructor.bool_values[value.lower()]
        if tag == _TAG + "int":
            return int(value) if value.isdigit() else _constructor.construct_yaml_int(node)
        if tag == _TAG + "float":
            return _constructor.construct_yaml_float(node)
        if tag == _TAG + "timestamp":
            return value
        raise _Unusual(tag)
    if isinstance(node, yaml.SequenceNode) and tag == _TAG + "seq":
        return [_value(item) for item in node.value]
    if isinstance(node, yaml.MappingNode) and tag == _TAG + "map":
        result = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise _Unusual(key_node.tag)
            key = _value(key_node)
            if isinstance(key, list | dict):
                raise _Unusual("unhashable key")
            result[key] = _value(value_node)
        return result
    raise _Unusual(tag)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, faster on the plain YAML front matter is written in."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        return None if node is None else _value(node)
    except (_Unusual, RecursionError):
        return yaml.load(text, Loader=_Loader)


class FrontMatterLocator(Locator):
    """Finds the line of a key path by composing the front matter again; only done to report a problem."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line_of(self, path: str) -> int | None:
        split = split_front_matter(self.text)
        if isinstance(split, Problem):
            return None
        block, first_line, _body = split
        try:
            node = yaml.compose(block, Loader=_Loader)
        except yaml.YAMLError:
            return None
        line = None
        for part in split_path(path):
            if node is None:
                break
            line = node.start_mark.line
            node = _child(node, part)
        if node is not None:
            line = node.start_mark.line
        return None if line is None else line + first_line


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def split_front_matter(text: str) -> tuple[str, int, str] | Problem:
    """(front matter, line number of its first line, body), or a Problem with the file left blank."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return Problem("", "line 1", "front matter must start with a line containing only '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 2, "".join(lines[index + 1 :])
    return Problem("", "", "front matter is not closed: no second '---' line")


def parse_front_matter(name: str, text: str) -> tuple[dict[str, Any], FrontMatterLocator] | Problem:
    """The document dictionary (body as `narrative`) and a locator, or the first problem found."""
    split = split_front_matter(text)
    if isinstance(split, Problem):
        return Problem(name, split.where, split.message)
    block, first_line, body = split
    try:
        data = load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + first_line}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Problem(name, where, f"front matter is not valid YAML: {reason}")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Problem(name, f"line {first_line}", "front matter must be a mapping of keys to values")
    body = body.strip("\n")
    if body.strip():
        data = {**data, "narrative": body}
    return data, FrontMatterLocator(text)
