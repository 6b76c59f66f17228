"""The XPath subset of trafilatura's element selectors, compiled to plain Python.

trafilatura picks page regions with XPath expressions that test class and
id names with EXSLT regular expressions (``re:test``). lxml runs each such
test as a call from libxml2 back into Python, per element and per test, so
these expressions are the single largest cost of an extraction: about 29 ms
of a 76 ms page, measured over a quarter of the evaluation pages (every
call timed inside our extractor). The same selection, written as one
Python function per expression that walks the matching tags with lxml's
C-level tag filter and runs the same regular expressions with ``re``
directly, costs a fraction of that.

``compile_xpath`` reads the expression text itself (the pinned trafilatura
release's, not a copy) and generates that function; anything outside the
subset raises ``Unsupported`` and the caller keeps the XPath. The subset:

- paths ``.//name`` and ``//name`` (``*`` for any element), unions with
  ``|``, predicates ``[...]``, a last ``[1]`` (the first match among each
  parent's children, as XPath defines it) and ``(path)[1]``;
- in predicates: ``or``, ``and``, ``not()``, ``self::name``, ``@a`` and
  ``@a|@b`` (the first in document order, as lxml passes it to a
  function), ``.//name`` and ``name`` (descendants, children), ``=`` with a
  literal, and the functions ``contains``, ``starts-with``, ``translate``
  and ``re:test`` (Python's ``re.search``, with ``'i'`` for IGNORECASE, as
  lxml's EXSLT module does).

``tests/extract/test_xpath_subset.py`` checks every compiled expression
against lxml's own evaluation, element for element, on real and crafted pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from newsarchive.crawler.extract.speed.xpath_parse import Unsupported, parse

Selector = Callable[[Any], list[Any]]

_STRING_VALUE = etree.XPath("string()")
# Class and id values remembered per regular expression. A page repeats its own
# class names; the cache need not span pages: 8192 entries kept about 35 MB of
# strings alive in each extraction worker, 512 keep 3 MB for the same CPU.
_TEST_CACHE_SIZE = 512


# -- code generation: the tree to the source of one Python function --------------------


@dataclass
class _Code:
    constants: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)  # attribute name -> its local variable
    tests: dict[re.Pattern[str], str] = field(default_factory=dict)  # pattern -> its cached test

    def constant(self, value: Any) -> str:
        for name, known in self.constants.items():
            if known is value or (type(known) is type(value) and known == value):
                return name
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def attribute(self, name: str) -> str:
        """The local variable holding ``e.get(name)``, read once per element at the top of the loop."""
        return self.attributes.setdefault(name, f"a{len(self.attributes)}")

    def boolean(self, node: tuple) -> str:
        kind = node[0]
        if kind == "or":
            return "(" + " or ".join(self.boolean(n) for n in node[1]) + ")"
        if kind == "and":
            return "(" + " and ".join(self.boolean(n) for n in node[1]) + ")"
        if kind == "self":
            return f"(e.tag == {node[1]!r})"
        if kind == "attrs":
            return "(" + " or ".join(f"{self.attribute(name)} is not None" for name in node[1]) + ")"
        if kind == "children":
            return f"any(c.tag == {node[1]!r} for c in e)"
        if kind == "descendants":
            return f"(next(e.iterdescendants({node[1]!r}), None) is not None)"
        if kind == "lit":
            return repr(bool(node[1]))
        if kind == "eq":
            return self._equality(node[1], node[2])
        if kind == "call":
            name, args = node[1], node[2]
            if name == "not":
                return f"(not {self.boolean(args[0])})"
            if name == "contains":
                return f"({self.string(args[1])} in {self.string(args[0])})"
            if name == "starts-with":
                return f"{self.string(args[0])}.startswith({self.string(args[1])})"
            if name == "re:test":
                return self._regex_test(args)
            if name == "translate":
                return f"bool({self.string(node)})"
        raise Unsupported(f"{kind} as a boolean")

    def string(self, node: tuple) -> str:
        kind = node[0]
        if kind == "lit":
            return repr(node[1])
        if kind == "attrs":
            names = node[1]
            variables = [self.attribute(name) for name in names]
            if len(names) == 1:
                return f"({variables[0]} or '')"
            if len(names) == 2:  # the usual @id|@class: look at the order only when both are there
                first, second = variables
                return (
                    f"(({second} or '') if {first} is None else {first} if {second} is None"
                    f" else _first_attribute(e, {names!r}))"
                )
            return f"_first_attribute(e, {names!r})"
        if kind == "children":
            return f"_string_value(next((c for c in e if c.tag == {node[1]!r}), None))"
        if kind == "call" and node[1] == "translate":
            source, old, new = node[2]
            if old[0] != "lit" or new[0] != "lit":
                raise Unsupported("translate() with computed characters")
            table = self.constant(_translation(old[1], new[1]))
            return f"{self.string(source)}.translate({table})"
        raise Unsupported(f"{kind} as a string")

    def _equality(self, left: tuple, right: tuple) -> str:
        if left[0] == "lit":
            left, right = right, left
        if right[0] != "lit":
            raise Unsupported("= without a literal")
        if left[0] == "attrs":  # a node-set equals a string when any of its nodes does
            return "(" + " or ".join(f"{self.attribute(name)} == {right[1]!r}" for name in left[1]) + ")"
        if left[0] == "children":
            return f"any(c.tag == {left[1]!r} and _string_value(c) == {right[1]!r} for c in e)"
        return f"({self.string(left)} == {right[1]!r})"

    def _regex_test(self, args: list[tuple]) -> str:
        pattern, flags = args[1], args[2] if len(args) == 3 else ("lit", "")
        if pattern[0] != "lit" or flags[0] != "lit":
            raise Unsupported("re:test() with a computed pattern")
        compiled = re.compile(pattern[1], re.IGNORECASE if "i" in flags[1] else 0)
        test = self.tests.get(compiled)
        if test is None:
            test = self.tests[compiled] = self.constant(_cached_test(compiled))
        return f"{test}({self.string(args[0])})"


def _cached_test(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """``pattern.search(value) is not None``, remembered: a page repeats its class names many times.

    The long alternations (80 class tokens) cost a microsecond or two per
    search in ``re``; a hit in the cache costs a tenth of that.
    """

    @lru_cache(maxsize=_TEST_CACHE_SIZE)
    def test(value: str) -> bool:
        return pattern.search(value) is not None

    return test


def _translation(old: str, new: str) -> dict[int, int | None]:
    """XPath translate(): each character of ``old`` becomes the one at its place in ``new``, or goes."""
    table: dict[int, int | None] = {}
    for i, char in enumerate(old):
        table.setdefault(ord(char), ord(new[i]) if i < len(new) else None)
    return table


def _first_attribute(element: Any, names: tuple[str, ...]) -> str:
    """The string lxml passes a function for ``@a|@b``: the first of them in document order."""
    for name, value in element.items():
        if name in names:
            return value
    return ""


def _string_value(element: Any) -> str:
    return "" if element is None else _STRING_VALUE(element)


def _document_position(element: Any) -> list[int]:
    """Child indices from the root down: sorts elements of one tree in document order."""
    position = []
    parent = element.getparent()
    while parent is not None:
        position.append(parent.index(element))
        element, parent = parent, parent.getparent()
    return position[::-1]


def _in_document_order(*selections: list[Any]) -> list[Any]:
    non_empty = [s for s in selections if s]
    if len(non_empty) <= 1:
        return non_empty[0] if non_empty else []
    unique = {id(e): e for s in non_empty for e in s}.values()
    return sorted(unique, key=_document_position)


_HELPERS: dict[str, Any] = {
    "_ELEMENT": etree.Element,
    "_first_attribute": _first_attribute,
    "_string_value": _string_value,
    "_in_document_order": _in_document_order,
}


def _tag_filter(predicate: tuple) -> tuple[str, ...] | None:
    """The tag names of a predicate made only of ``self::`` tests, else None."""
    if predicate[0] == "self":
        return (predicate[1],)
    if predicate[0] == "or" and all(p[0] == "self" for p in predicate[1]):
        return tuple(p[1] for p in predicate[1])
    return None


class _TouchesElement(Exception):
    pass


class _NoElement:
    """Stands for the element while a predicate is tried with every attribute absent."""

    def __getattr__(self, name: str) -> Any:
        raise _TouchesElement(name)

    def __iter__(self) -> Any:
        raise _TouchesElement("children")


def _false_without_attributes(code: _Code, condition: str, variables: list[str]) -> bool:
    """Whether ``condition`` is false for every element that has none of the attributes it reads."""
    scope = {**code.constants, **_HELPERS, "e": _NoElement(), **dict.fromkeys(variables)}
    try:
        return not eval(condition, scope)  # noqa: S307 (our own generated expression)
    except _TouchesElement:
        return False


def _path_function(code: _Code, node: tuple, name: str, first_only: bool) -> str:
    _, absolute, tag, predicates = node
    code.attributes = {}  # each path reads its own attributes
    predicates = list(predicates)
    tags: tuple[str, ...] | None = None if tag == "*" else (tag,)
    if tag == "*" and predicates and predicates[0][0] != "position1":
        tags = _tag_filter(predicates[0])
        if tags is not None:
            predicates = predicates[1:]
    per_parent_first = bool(predicates) and predicates[-1][0] == "position1"
    if per_parent_first:
        predicates = predicates[:-1]
    conditions = []
    for predicate in predicates:
        before = set(code.attributes.values())
        condition = code.boolean(predicate)
        conditions.append((condition, sorted(set(code.attributes.values()) - before)))
    selector = ", ".join(map(repr, tags)) if tags else "_ELEMENT"
    lines = [f"def {name}(context):"]
    if absolute:  # //: from the document's root element, which is itself a candidate
        lines.append(f"    candidates = context.getroottree().getroot().iter({selector})")
    else:
        lines.append(f"    candidates = context.iterdescendants({selector})")
    lines += ["    found = []", "    parents = set()" if per_parent_first else "", "    for e in candidates:"]
    if code.attributes:
        lines.append("        g = e.get")
        lines += [f"        {variable} = g({attribute!r})" for attribute, variable in code.attributes.items()]
    for i, (condition, variables) in enumerate(conditions):
        # Most elements carry none of the attributes a selector reads: reject them with one test.
        if i == 0 and variables and _false_without_attributes(code, condition, variables):
            lines.append("        if " + " and ".join(f"{v} is None" for v in variables) + ":")
            lines.append("            continue")
        lines.append(f"        if not {condition}:")
        lines.append("            continue")
    if per_parent_first:
        lines += [
            "        parent = e.getparent()",
            "        if parent in parents:",
            "            continue",
            "        parents.add(parent)",
        ]
    lines.append("        return [e]" if first_only else "        found.append(e)")
    lines.append("    return found")
    return "\n".join(line for line in lines if line)


def compile_xpath(expression: str) -> Selector:
    """A Python function selecting what ``etree.XPath(expression)`` selects, in the same order.

    Raises Unsupported for anything outside this module's subset.
    """
    tree = parse(expression)
    code = _Code()
    functions, calls = [], []
    for i, path in enumerate(tree[1]):
        first_only = path[0] == "first"
        if first_only:
            inner = path[1][1]
            if len(inner) != 1:
                raise Unsupported("(a|b)[1]")
            path = inner[0]
        if path[0] != "path":
            raise Unsupported("nested parentheses")
        functions.append(_path_function(code, path, f"_path{i}", first_only))
        calls.append(f"_path{i}(context)")
    source = "\n\n".join(functions)
    source += "\n\ndef select(context):\n"
    if len(calls) == 1:
        source += f"    return {calls[0]}\n"
    else:
        source += f"    return _in_document_order({', '.join(calls)})\n"
    namespace: dict[str, Any] = {**_HELPERS, **code.constants}
    exec(compile(source, f"<xpath {expression.strip()[:60]}>", "exec"), namespace)  # noqa: S102
    select = namespace["select"]
    select.source = source
    return select
