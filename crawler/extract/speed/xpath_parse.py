"""Reading the XPath subset of trafilatura's selectors into a small tree of tuples.

The tree (``parse``) is what ``xpath_subset`` compiles to Python:

- ``("union", [path, ...])``; a path is ``("path", absolute, name, predicates)``
  or ``("first", union)`` for ``(...)[1]``; a predicate is an expression or
  ``("position1",)``;
- expressions: ``("or"|"and", [e, ...])``, ``("eq", a, b)``, ``("lit", s)``,
  ``("attrs", (name, ...))``, ``("self", tag)``, ``("children", tag)``,
  ``("descendants", tag)`` and ``("call", function, [argument, ...])``.

Anything else raises ``Unsupported``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<lit>'[^']*'|"[^"]*")
    | (?P<num>\d+)
    | (?P<op>\.//|//|::|[()\[\],|=@*])
    | (?P<name>[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)
    )""",
    re.VERBOSE,
)
_FUNCTIONS = {"contains": 2, "starts-with": 2, "translate": 3, "re:test": (2, 3), "not": 1}


class Unsupported(ValueError):
    """The expression uses XPath outside the subset this module compiles."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise Unsupported(f"cannot read {text[at : at + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        at = match.end()
    return tokens


# -- parsing: the expression to a small tree of tuples --------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, value: str | None = None) -> str:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise Unsupported(f"expected {value!r}, found {token!r}")
        self.at += 1
        return token[1]

    def at_value(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value and token[0] in ("op", "name")

    def union(self) -> tuple:
        paths = [self.path()]
        while self.at_value("|"):
            self.take("|")
            paths.append(self.path())
        return ("union", paths)

    def path(self) -> tuple:
        if self.at_value("("):
            self.take("(")
            inner = self.union()
            self.take(")")
            self.take("[")
            if self.take() != "1":
                raise Unsupported("only [1] may follow a parenthesised path")
            self.take("]")
            return ("first", inner)
        axis = self.take()
        if axis not in (".//", "//"):
            raise Unsupported(f"path must start with .// or //, not {axis!r}")
        name = self.take()
        predicates: list[tuple] = []
        while self.at_value("["):
            self.take("[")
            token = self.peek()
            if token is not None and token[0] == "num":
                if self.take() != "1":
                    raise Unsupported("only the position [1]")
                predicates.append(("position1",))
            else:
                predicates.append(self.or_expr())
            self.take("]")
        if any(p[0] == "position1" for p in predicates[:-1]):
            raise Unsupported("[1] must be the last predicate")
        return ("path", axis == "//", name, predicates)

    def or_expr(self) -> tuple:
        return self._joined("or", self.and_expr)

    def and_expr(self) -> tuple:
        return self._joined("and", self.equality)

    def _joined(self, word: str, term: Callable[[], tuple]) -> tuple:
        """``term (word term)*``: one term as it is, several as ``(word, [terms])``."""
        terms = [term()]
        while self.at_value(word):
            self.take(word)
            terms.append(term())
        return terms[0] if len(terms) == 1 else (word, terms)

    def equality(self) -> tuple:
        left = self.primary()
        if self.at_value("="):
            self.take("=")
            return ("eq", left, self.primary())
        return left

    def primary(self) -> tuple:
        token = self.peek()
        if token is None:
            raise Unsupported("unexpected end")
        kind, value = token
        if kind == "lit":
            self.take()
            return ("lit", value[1:-1])
        if value == "(":
            self.take("(")
            inner = self.or_expr()
            self.take(")")
            return inner
        if value == "@":
            names = []
            while True:
                self.take("@")
                names.append(self._name())
                if not (self.at_value("|") and self.peek(1) == ("op", "@")):
                    break
                self.take("|")
            return ("attrs", tuple(names))
        if value == ".//":
            self.take()
            return ("descendants", self._name())
        if kind == "name" and self.peek(1) == ("op", "::"):
            if self.take() != "self":
                raise Unsupported(f"axis {value!r}")
            self.take("::")
            return ("self", self._name())
        if kind == "name" and self.peek(1) == ("op", "("):
            return self._call()
        if kind == "name" and value not in ("or", "and"):
            self.take()
            return ("children", value)
        raise Unsupported(f"unexpected {value!r}")

    def _name(self) -> str:
        kind, value = self.peek() or ("", "")
        if kind != "name":
            raise Unsupported(f"expected a name, found {value!r}")
        return self.take()

    def _call(self) -> tuple:
        name = self.take()
        if name not in _FUNCTIONS:
            raise Unsupported(f"function {name}()")
        self.take("(")
        args = [self.or_expr()]
        while self.at_value(","):
            self.take(",")
            args.append(self.or_expr())
        self.take(")")
        arity = _FUNCTIONS[name]
        if len(args) not in (arity if isinstance(arity, tuple) else (arity,)):
            raise Unsupported(f"{name}() with {len(args)} arguments")
        return ("call", name, args)


def parse(expression: str) -> tuple:
    """The tree of ``expression``; Unsupported if it leaves the subset."""
    parser = _Parser(expression)
    tree = parser.union()
    if parser.peek() is not None:
        raise Unsupported(f"trailing {parser.peek()!r}")
    return tree
