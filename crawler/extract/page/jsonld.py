"""Read schema.org JSON-LD blocks and pick the one that describes the article.

Publishers' JSON-LD is the most reliable metadata on a news page (it feeds
search engines), but it comes as several blocks, ``@graph`` containers,
lists, and now and then invalid JSON. This module flattens all of it into
plain dicts and chooses the article node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "posting",
        "discussionforumposting",
        "howto",
        "recipe",
        "review",
    }
)
# Pages that are not articles still describe themselves; used as a fallback.
PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "medicalwebpage", "collectionpage"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA = re.compile(r",\s*([\]}])")


def _loads(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().rstrip(";")
    try:
        return json.loads(raw)
    except RecursionError:  # nested deeper than the interpreter allows: not metadata
        return None
    except ValueError:
        pass
    # The usual defects: raw newlines/tabs inside strings, trailing commas.
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", raw)), strict=False)
    except (ValueError, RecursionError):
        return None


def _walk(root: Any, max_depth: int = 6) -> Iterator[dict[str, Any]]:
    """Objects of a parsed JSON-LD value, in document order: lists, ``@graph`` and ``mainEntity`` opened.

    Iterative and depth-bounded: a hostile page can nest thousands of levels.
    """
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            continue
        children: list[Any] = []
        if isinstance(node, list):
            children = node
        elif isinstance(node, dict):
            yield node
            graph = node.get("@graph")
            if graph is not None:
                children.append(graph)
            main = node.get("mainEntity")
            if isinstance(main, dict | list):
                children.append(main)
        stack.extend((child, depth + 1) for child in reversed(children))


def types_of(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def jsonld_nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object found in the page's JSON-LD scripts, flattened."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _loads(script.text or "")
        if data is not None:
            nodes.extend(_walk(data))
    return nodes


def find_article(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The node that describes this page's article, or None.

    With several article nodes (a main story plus teasers, or duplicated
    blocks), the one with a headline and the most fields wins: teasers carry
    only a headline and a URL.
    """
    articles = [n for n in nodes if types_of(n) & ARTICLE_TYPES]
    if not articles:
        articles = [n for n in nodes if types_of(n) & PAGE_TYPES and (n.get("headline") or n.get("author"))]
    if not articles:
        return None
    return max(articles, key=lambda n: (bool(n.get("headline")), bool(n.get("articleBody")), len(n)))


def by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Nodes that declare an ``@id``, to resolve references like ``{"@id": "#author"}``."""
    return {str(n["@id"]): n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}


def text_value(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a list or a typed object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


_ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "localbusiness"})


def person_names(value: Any, refs: dict[str, dict[str, Any]], kind: str = "any") -> list[str]:
    """Names from an ``author``/``creator`` value (string, object, list, reference).

    ``kind`` "person" keeps people (and untyped names), "organization" only
    organisations, "any" both.
    """
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if "@id" in item and len(item) <= 2 and str(item["@id"]) in refs:
                item = refs[str(item["@id"])]
            is_org = bool(types_of(item) & _ORGANISATION_TYPES)
            if (kind == "person" and is_org) or (kind == "organization" and not is_org):
                continue
            name = text_value(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(str(item.get(k) or "") for k in ("givenName", "familyName")).strip()
            if name:
                names.append(name)
        elif isinstance(item, str) and item.strip() and kind != "organization":
            names.append(item.strip())
    return names


def is_free(article: dict[str, Any]) -> bool | None:
    """False when the publisher marks the article as paywalled (schema.org paywall markup)."""
    values = [article.get("isAccessibleForFree")]
    parts = article.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            values.append(part.get("isAccessibleForFree"))
    for value in values:
        if value is False or (isinstance(value, str) and value.strip().lower() in {"false", "no", "0"}):
            return False
    if any(v is True or (isinstance(v, str) and v.strip().lower() == "true") for v in values):
        return True
    return None
