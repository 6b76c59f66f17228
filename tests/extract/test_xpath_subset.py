"""trafilatura's selectors compiled to Python select exactly what lxml's XPath selects.

Three kinds of evidence: every swapped selector checked against its XPath
on every call during real extractions (the trees as trafilatura shapes
them), crafted trees for each rule of the subset (attribute order, [1],
unions, absolute paths), and random trees built from trafilatura's own
class and id vocabulary.
"""

from __future__ import annotations

import gzip
import string
from contextlib import nullcontext
from datetime import datetime
from typing import Any

import pytest
import trafilatura.xpaths as trafilatura_xpaths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import document_fromstring, fromstring
from trafilatura import bare_extraction

from newsarchive.crawler.extract import core, extract_article
from newsarchive.crawler.extract.speed import selectors
from newsarchive.crawler.extract.speed.xpath_subset import Unsupported, compile_xpath
from tests.extract.conftest import FIXTURES

REAL_PAGES = sorted((FIXTURES / "real").glob("*/pages/*.html.gz"))
REFERENCE = datetime(2026, 11, 1)
RE = {"re": "http://exslt.org/regular-expressions"}


def _swapped() -> list[selectors.SwitchedSelector]:
    found = []
    for name in selectors.SELECTOR_LISTS:
        found += [s for s in getattr(trafilatura_xpaths, name) if isinstance(s, selectors.SwitchedSelector)]
    return found


def _same(expression: str, html: str, context_xpath: str | None = None) -> list[Any]:
    """Both selections of ``expression`` on ``html`` (from ``context_xpath``'s first match), asserted equal."""
    tree = document_fromstring(html)
    context = tree.xpath(context_xpath)[0] if context_xpath else tree
    expected = etree.XPath(expression, namespaces=RE)(context)
    assert compile_xpath(expression)(context) == expected
    return expected


def test_the_selectors_worth_compiling_are_swapped() -> None:
    names = selectors.install()
    # The costly ones (measured, docs/extraction.md) must be among them: if
    # trafilatura's expressions leave the subset, this says which.
    for expected in (
        "OVERALL_DISCARD_XPATH[0]",
        "OVERALL_DISCARD_XPATH[1]",
        "BODY_XPATH[0]",
        "REMOVE_COMMENTS_AND_LISTS_XPATH[0]",
        "RAW_TREE_PRUNE_XPATH[0]",
        "PRECISION_DISCARD_XPATH[1]",
        "AUTHOR_XPATHS[0]",
    ):
        assert expected in names
    assert selectors.install() == names  # idempotent
    # Plain paths stay with libxml2.
    assert not isinstance(trafilatura_xpaths.PRECISION_DISCARD_XPATH[0], selectors.SwitchedSelector)


def test_every_call_during_real_extractions_matches_the_xpath(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(REAL_PAGES) >= 30
    calls: list[str] = []

    def checked(self: selectors.SwitchedSelector, context: Any, **variables: Any) -> Any:
        expected = self.original(context, **variables)
        if selectors._active.get():
            assert self.compiled(context) == expected, self.path
            calls.append(self.path)
        return expected

    monkeypatch.setattr(selectors.SwitchedSelector, "__call__", checked)
    for path in REAL_PAGES:
        extract_article(gzip.decompress(path.read_bytes()), "http://127.0.0.1/a.html", fetched_at=REFERENCE)
    # Every swapped selector of the main-text path ran, many times.
    assert len(calls) > 10 * len(REAL_PAGES)
    ran = set(calls)
    for selector in trafilatura_xpaths.OVERALL_DISCARD_XPATH + trafilatura_xpaths.BODY_XPATH[:1]:
        assert selector.path in ran


def test_extraction_output_is_the_same_with_the_xpaths(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in REAL_PAGES:
        html = gzip.decompress(path.read_bytes())
        compiled = extract_article(html, "http://127.0.0.1/a.html", fetched_at=REFERENCE)
        monkeypatch.setattr(core, "compiled_selectors", nullcontext)
        original = extract_article(html, "http://127.0.0.1/a.html", fetched_at=REFERENCE)
        monkeypatch.undo()
        assert compiled == original, path.name


def test_plain_trafilatura_runs_the_xpaths(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled_calls: list[str] = []
    for selector in _swapped():
        real = selector.compiled
        monkeypatch.setattr(
            selector,
            "compiled",
            lambda c, _real=real, _p=selector.path: compiled_calls.append(_p) or _real(c),
        )
    page = "<html><body><div class='sidebar'>menu</div><article>" + "<p>Story text here.</p>" * 20
    doc = bare_extraction(page + "</article></body></html>", with_metadata=False)
    assert doc is not None and "Story text" in doc.text
    assert compiled_calls == []  # the baseline is trafilatura as released
    extract_article(page + "</article></body></html>", "http://127.0.0.1/a.html", fetched_at=REFERENCE)
    assert compiled_calls  # ours is not


@pytest.mark.parametrize(
    "html",
    [
        # @id|@class is the first of the two in the source, whichever it is.
        "<html><body><div class='cookie' id='x'>a</div><div id='x' class='cookie'>b</div>"
        "<div id='cookie'>c</div><div class='cookie'>d</div></body></html>",
        "<html><body><div id='' class='cookie'>a</div><div class='' id='cookie'>b</div></body></html>",
    ],
)
def test_attribute_unions_take_the_first_in_source_order(html: str) -> None:
    _same(".//*[re:test(@id|@class, 'cookie')]", html)
    _same(".//*[starts-with(@id|@class, 'cook')]", html)
    _same(".//*[contains(@class|@id, 'x')]", html)


def test_regular_expressions_and_flags_behave_as_in_lxml() -> None:
    html = (
        "<html><body><div id='K'>1</div><div id='k'>2</div><div id='\u212a'>3</div>"
        "<div class='FullText'>4</div><div class='a b'>5</div><div>6</div></body></html>"
    )
    assert len(_same(".//*[re:test(@id, 'k', 'i')]", html)) == 3  # Kelvin sign folds too
    _same(".//*[re:test(@class, 'fulltext', 'i')]", html)
    _same(r".//*[re:test(@class, '(^|\s)b(\s|$)')]", html)
    # A pattern that matches the empty string matches elements without the attribute.
    assert len(_same(".//*[re:test(@class, 'z*')]", html)) > 2


def test_position_one_is_per_parent_and_parentheses_make_it_global() -> None:
    html = (
        "<html><body><div><p class='a'>1</p><p class='a'>2</p></div>"
        "<div><span>x</span><p class='a'>3</p></div></body></html>"
    )
    assert [e.text for e in _same(".//*[@class='a'][1]", html)] == ["1", "3"]
    assert [e.text for e in _same("(.//*[@class='a'])[1]", html)] == ["1"]
    assert _same("(.//*[@class='none'])[1]", html) == []


def test_relative_paths_exclude_the_context_and_absolute_ones_start_at_the_root() -> None:
    html = "<html class='k'><body class='k'><div class='k'><div class='k'>x</div></div></body></html>"
    assert len(_same(".//*[@class='k']", html, "//div")) == 1
    assert len(_same("//*[@class='k']", html, "//div")) == 4  # html, body and both divs


def test_unions_come_back_in_document_order_without_duplicates() -> None:
    html = "<html><body><main id='m'>a</main><div class='main'>b</div><article>c</article></body></html>"
    _same("(.//*[self::article or self::div][starts-with(@class, 'main')])[1]|(.//main)[1]", html)
    _same(".//*[self::main or self::div][@id or @class]|.//article|.//main", html)


def test_functions_equality_and_negation() -> None:
    html = (
        "<html><body><div role='Navigation'>1</div><div style='display: none'>2</div>"
        "<div data-x=''>3</div><div class='mvp-post-add-box'><h1>t</h1></div>"
        "<div class='infinite-scroll'><h1>t</h1></div><div class='infinite-scroll'>5</div>"
        "<a><rel>me</rel>6</a><a><rel>you</rel>7</a><div class='CMain-content'>8</div></body></html>"
    )
    _same(".//*[contains(translate(@role, 'N', 'n'), 'nav')]", html)
    _same(".//*[contains(@style, 'display: none')]", html)
    assert len(_same(".//*[@data-x]", html)) == 1
    assert len(_same(".//*[@data-x='']", html)) == 1
    _same(
        ".//*[self::div][re:test(@class, 'mvp-post-add-box|infinite-scroll')]"
        "[not(.//h1) or re:test(@class, 'mvp-post-add-box')]",
        html,
    )
    assert len(_same("//*[self::a][rel='me']", html)) == 1
    _same(".//*[contains(translate(@class, 'CM', 'c'), 'cain-content')]", html)  # M removed, C -> c
    _same(".//*[self::div and (@role or @style)]", html)


@pytest.mark.parametrize(
    "expression",
    [
        "//div//a[@href]",  # a second step
        ".//*[2]",  # other positions
        ".//*[@a][1][@b]",  # [1] before another predicate
        ".//*[ancestor::div]",  # other axes
        ".//*[count(a) > 1]",  # other functions and operators
        "(.//a|.//b)[1]",
        "div",
    ],
)
def test_expressions_outside_the_subset_are_refused(expression: str) -> None:
    with pytest.raises(Unsupported):
        compile_xpath(expression)


# Random trees: tags and class/id/style fragments from trafilatura's own vocabulary.
_TAGS = ["div", "p", "span", "section", "article", "main", "list", "item", "aside", "a", "ol", "h1"]
_WORDS = [
    "comment", "Comments", "commentary", "share-", "social", "nav", "Nav", "menu", "footer", "main",
    "article-body", "post-content", "sidebar", "hidden", "hide-x", " hide", "display:none", "teaser",
    "Teaser", "caption", "bottom", "link", "border", "cookie", "reply-", "author", "byline", "story",
    "content", "entry", "mvp-post-add-wrap", "infinite-scroll", "widget", "ad-", " ad ", "true", "",
]  # fmt: skip
_ATTRIBUTES = ["class", "id", "style", "role", "aria-hidden", "itemprop", "data-component", "rel"]


@st.composite
def _elements(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    names = draw(st.lists(st.sampled_from(_ATTRIBUTES), unique=True, max_size=3))
    attributes = "".join(
        f" {n}='{draw(st.sampled_from(_WORDS))}{draw(st.sampled_from(['', ' x', '-2', 'A']))}'" for n in names
    )
    children = draw(st.lists(_elements(depth + 1), max_size=3)) if depth < 3 else []
    text = draw(st.text(string.ascii_letters, max_size=3))
    return f"<{tag}{attributes}>{text}{''.join(children)}</{tag}>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_elements(), min_size=1, max_size=4))
def test_random_trees_select_the_same_elements(bodies: list[str]) -> None:
    tree = fromstring(f"<html><body>{''.join(bodies)}</body></html>")
    for selector in _swapped():
        for context in (tree, *tree.iter("div")):
            assert selector.compiled(context) == selector.original(context), selector.path
