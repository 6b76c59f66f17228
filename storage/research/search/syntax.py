"""The search query language, parsed once and translated per engine.

The language: words (all must match), "exact phrases", `OR` between two terms
(binds tighter than the implicit AND, as in web search engines), `-word` or
`-"phrase"` to exclude, `word*` for a prefix. Anything else is text: we never
pass user input to an engine's own parser, so no input can raise an engine
syntax error. FTS5 gets every term as a quoted string (its tokenizer splits
it the same way it split the documents); PostgreSQL gets bound parameters
combined with tsquery operators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# A prefix term expands to every word it starts: 32 of them over every
# version took 11 s at 50k articles, and a one-letter prefix matches most
# of the vocabulary. The search's time limit is the backstop; these keep
# the common mistakes from reaching it.
MAX_PREFIX_TERMS = 4
MIN_PREFIX_CHARS = 2

# A quoted phrase (closing quote optional), or a run of non-space, non-quote text.
_PIECE = re.compile(r'(-?)"([^"]*)"?(\*?)|(\S[^\s"]*)')


class BadQuery(ValueError):
    """A query we cannot run; the message is one line for the user."""


@dataclass(frozen=True)
class Term:
    text: str  # the words, as typed (the engine's tokenizer splits them)
    phrase: bool = False
    prefix: bool = False

    def words(self) -> list[str]:
        """Letters-and-digits runs: the tokens both engines will see (near enough)."""
        return _WORDS.findall(self.text.lower())


@dataclass(frozen=True)
class ParsedQuery:
    # Every group must match; a group matches when any of its terms does.
    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    def positive_words(self) -> list[str]:
        return [word for group in self.groups for term in group for word in term.words()]


_WORDS = re.compile(r"[^\W_]+")


def _has_word(text: str) -> bool:
    # Letters or digits in any script; punctuation-only terms are dropped
    # because both engines would ignore them (FTS5 would even reject `""`).
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def parse(text: str) -> ParsedQuery:
    """Parse user input; raises BadQuery with a one-line reason."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    # Control characters and NULs have no meaning in a query and upset drivers.
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    for match in _PIECE.finditer(text):
        minus, quoted, star, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                pending_or = bool(groups)
                continue
            minus = "-" if bare.startswith("-") else ""
            bare = bare.lstrip("-")
            star = "*" if bare.endswith("*") else ""
            term = Term(bare.rstrip("*"), phrase=False, prefix=bool(star))
        else:
            words = " ".join(quoted.split())
            # `"old to"*` and `"old to*"` both mean a phrase ending in a prefix.
            prefix = bool(star) or words.endswith("*")
            term = Term(words.rstrip("*"), phrase=True, prefix=prefix)
        if not _has_word(term.text):
            pending_or = False
            continue
        if minus:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        raise BadQuery(f"the query has too many terms (at most {MAX_TERMS})")
    _check_prefixes([t for g in groups for t in g] + excluded)
    if not groups:
        if excluded:
            raise BadQuery("the query only excludes words: add at least one word to look for")
        raise BadQuery("the query has no words to look for")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def _check_prefixes(terms: list[Term]) -> None:
    prefixes = [t for t in terms if t.prefix]
    if len(prefixes) > MAX_PREFIX_TERMS:
        raise BadQuery(f"the query has too many prefix* terms ({len(prefixes)}; at most {MAX_PREFIX_TERMS})")
    for term in prefixes:
        # The last word is the one that is expanded.
        words = term.words()
        if words and len(words[-1]) < MIN_PREFIX_CHARS:
            raise BadQuery(
                f"{words[-1]}* is too broad: a prefix needs at least {MIN_PREFIX_CHARS} letters or digits"
            )


# -- SQLite FTS5 ---------------------------------------------------------------


def _fts5_term(term: Term) -> str:
    # Inside FTS5 double quotes nothing is syntax except a doubled quote, and
    # our terms hold none (the parser splits on them); escape anyway.
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + " *" if term.prefix else quoted


def to_fts5(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression; every user term is a quoted string."""
    groups = []
    for group in query.groups:
        alternatives = " OR ".join(_fts5_term(t) for t in group)
        groups.append(f"({alternatives})" if len(group) > 1 else alternatives)
    expression = " AND ".join(groups)
    if query.excluded:
        # FTS5's NOT is binary ("a NOT b"): exclude the union of the excluded terms.
        expression = f"({expression}) NOT ({' OR '.join(_fts5_term(t) for t in query.excluded)})"
    return expression


# -- PostgreSQL ------------------------------------------------------------------


def _pg_term(term: Term, name: str, params: dict[str, str]) -> str:
    if term.prefix:
        words = term.words()
        if not words:  # letters our regex does not know (rare scripts): search the word whole
            params[name] = term.text
            return f"phraseto_tsquery('simple', :{name})"
        # Lexemes we quote ourselves: letters and digits only, so nothing in
        # them is tsquery syntax. The last word of the term is the prefix.
        lexemes = [f"'{w}'" for w in words]
        lexemes[-1] += ":*"
        params[name] = " <-> ".join(lexemes)
        return f"to_tsquery('simple', :{name})"
    # websearch_to_tsquery never raises; a quoted string is a phrase to it
    # (a single word is a one-word phrase). Inner quotes cannot occur.
    params[name] = '"' + term.text.replace('"', " ") + '"'
    return f"websearch_to_tsquery('simple', :{name})"


def to_pg_tsquery(query: ParsedQuery, prefix: str = "q") -> tuple[str, dict[str, str]]:
    """A SQL expression of type tsquery, with its bound parameters (named prefix0, prefix1, ...)."""
    params: dict[str, str] = {}
    counter = iter(range(MAX_TERMS + 1))
    parts = []
    for group in query.groups:
        alternatives = [_pg_term(t, f"{prefix}{next(counter)}", params) for t in group]
        parts.append("(" + " || ".join(alternatives) + ")")
    for term in query.excluded:
        parts.append("!!" + _pg_term(term, f"{prefix}{next(counter)}", params))
    return "(" + " && ".join(parts) + ")", params
