"""The two speed short-cuts around trafilatura and htmldate keep the output they replace.

- ``comparison.py`` skips trafilatura's readability/jusText comparison only
  when it cannot change the text;
- ``fallbacks.py`` reads word dates with our own reader instead of loading
  dateparser's 200 locales.

Both hook private functions of pinned libraries; the first tests here fail
when those functions move, which is the signal to revisit the hooks.
"""

from __future__ import annotations

import gzip
import inspect
import os
import subprocess
import sys
from copy import copy
from datetime import datetime
from pathlib import Path

import pytest
import trafilatura.core
from lxml.etree import tostring
from lxml.html import document_fromstring
from trafilatura import bare_extraction
from trafilatura.external import try_readability
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.utils import trim
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

from newsarchive.crawler.extract import Article, extract_article
from newsarchive.crawler.extract.body import main_text as body_module
from newsarchive.crawler.extract.speed import comparison
from tests.extract.conftest import FIXTURES

REAL_PAGES = sorted((FIXTURES / "real").glob("*/pages/*.html.gz"))
REFERENCE = datetime(2026, 11, 1)
ROOT = Path(__file__).resolve().parents[2]


def _page(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def _record_steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the wrapped step's calls, in order: "extract" (trafilatura's own pass), "compare"."""
    steps: list[str] = []
    for name, attribute in (("extract", "extract_content"), ("compare", "compare_extraction")):
        real = getattr(comparison, attribute)

        def call(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            steps.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(comparison, attribute, call)
    return steps


def _without_and_with_skip(monkeypatch: pytest.MonkeyPatch, html: str | bytes) -> list[Article]:
    """The page extracted with the comparison always run, then with the skip allowed."""
    results = []
    for skip in (False, True):
        monkeypatch.setattr(comparison.NewsExtractor, "skip_idle_comparison", skip)
        results.append(extract_article(html, "http://127.0.0.1/a.html", fetched_at=REFERENCE))
    return results


def test_trafilatura_still_has_the_step_we_wrap() -> None:
    step = trafilatura.core._extract_and_compare
    assert getattr(step, "wrapped", None) is not None, "comparison.install() did not run"
    params = list(inspect.signature(step.wrapped).parameters)
    assert params == ["cleaned_tree", "cleaned_tree_backup", "tree", "options"]


def test_the_skip_changes_no_text_on_the_real_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(REAL_PAGES) >= 30
    for path in REAL_PAGES:
        full, fast = _without_and_with_skip(monkeypatch, _page(path))
        assert fast == full, path.name
    # Most real articles are long next to the rest of their page: the skip must happen.
    steps = _record_steps(monkeypatch)
    for path in REAL_PAGES:
        extract_article(_page(path), "http://127.0.0.1/a.html", fetched_at=REFERENCE)
    skipped = steps.count("extract") - steps.count("compare")
    assert skipped >= len(REAL_PAGES) // 2, steps


def test_the_bound_holds_for_readability_on_the_real_pages() -> None:
    # As trafilatura calls it in precision mode: pruned first, on a copy.
    tightest = float("inf")
    for path in REAL_PAGES:
        tree = document_fromstring(_page(path).decode("utf-8", "replace"))
        bound = comparison.readable_text_bound(tree)
        pruned = prune_unwanted_nodes(copy(tree), OVERALL_DISCARD_XPATH)
        found = try_readability(pruned)
        text = trim(tostring(found, method="text", encoding="utf-8").decode("utf-8"))
        assert len(text) <= bound, path.name
        tightest = min(tightest, bound - len(text))
    # The bound is not vacuous: on some page readability's text comes close to it.
    assert tightest < 50


def test_the_bound_leaves_out_what_readability_deletes_and_adds_what_it_adds() -> None:
    tree = document_fromstring(
        "<html><head><title>T</title></head><body><p>abc</p>"
        "<script>var x = 'a long script that readability deletes';</script>"
        "<style>p { color: red }</style><fencedframe>gone</fencedframe>"
        "<div>de <b>f</b></div><iframe src='https://www.youtube.com/embed/x'></iframe></body></html>"
    )
    # "abc", "de", "f": 3 + 2 + 1 characters, plus one separator each; the
    # video frame: "VIDEO" and a separator.
    assert comparison.readable_text_bound(tree) == 9 + 6
    raw = document_fromstring("<html><body><p>abc</p><xmp>&amp; &amp;</xmp></body></html>")
    assert comparison.readable_text_bound(raw) == sys.maxsize


_BRIDGE = "The council met on Tuesday and decided, after a long debate, to rebuild the old bridge. "
_WHY = ("Why the bridge matters so much to the town and to everyone who crosses it every day " * 5)[
    :348
].strip()


@pytest.mark.parametrize(
    "page",
    [
        # Found by review: readability's round trip gives a video frame the
        # text "VIDEO", which tipped its text past twice trafilatura's.
        f"<html><body><article><p>{(_BRIDGE * 4).strip()}</p><h3>{_WHY}</h3>"
        "<iframe src='https://www.youtube.com/embed/v0'></iframe></article></body></html>",
        # ... and "&" inside raw-text elements comes back as "&amp;".
        "<html><body><article>"
        + f"<p>{(_BRIDGE * 2).strip()}</p>" * 8
        + "<xmp>"
        + "&" * 400
        + "</xmp></article></body></html>",
    ],
)
def test_pages_where_readability_adds_text_give_the_same_output(
    monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    full, fast = _without_and_with_skip(monkeypatch, page)
    assert fast == full


def _article(paragraphs: int, links: int) -> str:
    text = "".join(
        f"<p>Paragraph {i} of the story says something worth reading at length.</p>"
        for i in range(paragraphs)
    )
    nav = "".join(f"<li><a href='/s{i}'>Section link number {i} of many</a></li>" for i in range(links))
    return f"<html><body><ul class='menu'>{nav}</ul><article>{text}</article></body></html>"


@pytest.mark.parametrize(
    ("paragraphs", "links", "compared"),
    [
        (12, 0, False),  # the article is nearly all the page: readability cannot win
        (12, 80, True),  # much other text on the page: readability might
        (2, 0, True),  # short text: jusText is consulted
    ],
)
def test_the_comparison_runs_only_when_it_could_change_the_answer(
    monkeypatch: pytest.MonkeyPatch, paragraphs: int, links: int, compared: bool
) -> None:
    steps = _record_steps(monkeypatch)
    opts = body_module.options("http://127.0.0.1/a.html", REFERENCE.date(), precision=True)
    bare_extraction(document_fromstring(_article(paragraphs, links)), options=opts)
    assert "extract" in steps
    assert ("compare" in steps) is compared


def test_plain_trafilatura_options_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(comparison, "extract_content", lambda *a, **k: calls.append(1))
    doc = bare_extraction(_article(12, 0), with_metadata=False)
    assert doc is not None and "Paragraph 3" in doc.text
    assert calls == []


_UNDATED = (
    "<html><head><title>Story</title></head><body><article><h1>Story</h1>"
    "<p class='byline'>{date}</p>"
    + "<p>The council met and decided a great many things, at length, in public.</p>" * 8
    + "</article></body></html>"
)


def _date_in_fresh_process(printed: str, *, keep_dateparser: bool) -> tuple[str, bool]:
    """(published, whether dateparser was imported) for an undated page printing ``printed``."""
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "from newsarchive.crawler.extract import extract_article\n"
        f"a = extract_article({_UNDATED.format(date=printed)!r}, 'http://127.0.0.1/story',"
        " fetched_at=datetime(2026, 11, 1))\n"
        "print(a.published, 'dateparser' in sys.modules)\n"
    )
    env = {**os.environ, "NEWSARCHIVE_DATEPARSER": "1" if keep_dateparser else "0"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    published, imported = out.stdout.split()
    return published, imported == "True"


def test_word_dates_are_read_without_dateparser() -> None:
    published, imported = _date_in_fresh_process("Posted on 3 March 2024 by the desk", keep_dateparser=False)
    assert published.startswith("2024-03-03")
    assert not imported


def test_the_switch_keeps_dateparser_for_other_languages() -> None:
    # Russian is not among our reader's languages; dateparser knows it.
    published, imported = _date_in_fresh_process("3 марта 2024", keep_dateparser=True)
    assert imported
    assert published.startswith("2024-03-03")
