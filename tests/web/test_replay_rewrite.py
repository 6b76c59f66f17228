"""The rewriter on hostile HTML: nothing that runs or loads survives unless it points into the archive."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import lxml.html
import pytest

from newsarchive.crawler.web.replay_body import served_type
from newsarchive.crawler.web.replay_css import rewrite_css
from newsarchive.crawler.web.replay_paths import parse_segment, replay_path, target_url
from newsarchive.crawler.web.replay_rewrite import rewrite_html
from tests.site.hostile import MARKER, install
from tests.site.web import NewsWeb

FIXTURES = Path(__file__).resolve().parents[1] / "site" / "fixtures"
PAGE = "http://news.test/section/story.html"
HELD = {
    "http://news.test/section/photo.jpg",
    "http://news.test/static/site.css",
    "http://news.test/section/other.html",
    "http://news.test/img/bg.png",
    "http://cdn.news.test/base/relative.png",
}
# Every attribute a browser would load, follow or run; after rewriting each must be
# an archive path, a fragment, or gone.
URL_ATTRIBUTES = (
    "src",
    "href",
    "srcset",
    "poster",
    "background",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "ping",
)


def rewrite(html: str | bytes, url: str = PAGE, held: set[str] = HELD) -> str:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return rewrite_html(body, url, lambda urls: urls & held, lambda u, m: replay_path("20260301120000", u, m))


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def assert_inert(out: str) -> None:
    assert "<script" not in out.lower()  # not even in a comment (old IE ran conditional ones)
    root = tree(out)
    assert not root.xpath("//script|//iframe|//frame|//object|//embed|//applet|//base|//meta[@http-equiv]")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower(), (element.tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                for candidate in value.split(",") if name.lower() == "srcset" else [value]:
                    target = candidate.strip().split(" ")[0]
                    assert target.startswith(("/web/", "#")), (element.tag, name, value)
    # Every url() left in CSS is an archive path; no @import by string remains.
    for style in root.xpath("//style/text()|//@style"):
        for target in re.findall(r"""url\(\s*["']?([^"')]*)""", style):
            assert target.startswith("/web/"), style
        assert not re.search(r"""@import\s*["']""", style), style


def test_hostile_test_page_is_inert_and_keeps_its_content() -> None:
    with NewsWeb() as web:
        pages = install(web)
        body = web.state.hosts["www.example-news.test"].routes["/hostile/article.html"].body
    out = rewrite(body, pages.page, set(pages.held))
    assert_inert(out)
    assert MARKER not in out  # every piece of code that held the marker is gone
    root = tree(out)
    # The content around removed embeds stays: the form after the <embed>, the svg after it.
    assert root.xpath("//form[@id='form']//button[@id='send']") and root.xpath("//svg")
    assert root.xpath("//h1")[0].text_content() == "Harbour tunnel reopens after months of repairs"
    # Held resources, resolved against <base>, point into the archive; nothing else does.
    assert root.xpath("//img[@id='photo']/@src") == [replay_path("20260301120000", pages.held[2], "im_")]
    assert root.xpath("//link/@href") == [replay_path("20260301120000", pages.held[0], "cs_")]
    for url in pages.outside:
        assert url not in out


def test_links_to_held_pages_open_their_replay_and_others_lose_their_href() -> None:
    out = rewrite(
        '<a id="held" href="other.html#part" target="_blank">held</a>'
        '<a id="live" href="http://elsewhere.test/">live</a>'
        '<a id="anchor" href="#top">top</a>'
        '<a id="mail" href="mailto:desk@news.test">mail</a>'
        '<a id="js" href=" JaVaScRiPt:alert(1)">js</a>'
        '<area id="area" href="vbscript:x">'
    )
    root = tree(out)
    held = root.get_element_by_id("held")
    assert held.get("href") == "/web/20260301120000/http://news.test/section/other.html#part"
    assert held.get("target") == "_top"  # out of the frame, to the replay page
    for gone in ("live", "mail", "js", "area"):
        assert root.get_element_by_id(gone).get("href") is None, gone
    assert root.get_element_by_id("anchor").get("href") == "#top"
    assert root.get_element_by_id("live").get("target") is None


def test_base_sets_where_relative_urls_resolve_and_is_removed() -> None:
    out = rewrite(
        '<head><base href="http://cdn.news.test/base/"></head><body><img src="relative.png"></body>'
    )
    assert '<img src="/web/20260301120000im_/http://cdn.news.test/base/relative.png">' in out
    assert "<base" not in out


def test_srcset_style_attributes_and_style_elements() -> None:
    out = rewrite(
        '<img srcset="photo.jpg 1x, http://cdn.test/big.jpg 2x" sizes="50vw">'
        '<div style="background: url(&quot;/img/bg.png&quot;) no-repeat, url(http://cdn.test/x.png)">x</div>'
        "<style>@import 'http://cdn.test/a.css'; @import url(/static/site.css); p{background:url('//cdn.test/p.png')}</style>"
    )
    assert_inert(out)
    assert 'srcset="/web/20260301120000im_/http://news.test/section/photo.jpg 1x"' in out
    assert 'url("/web/20260301120000im_/http://news.test/img/bg.png") no-repeat, none' in out
    assert '@import none; @import url("/web/20260301120000cs_/http://news.test/static/site.css")' in out
    assert "p{background:none}" in out


def test_preloads_and_refreshes_go_stylesheets_and_icons_stay_when_held() -> None:
    out = rewrite(
        "<head>"
        '<meta http-equiv="refresh" content="0; url=http://elsewhere.test/">'
        '<meta http-equiv="Set-Cookie" content="a=b">'
        '<link rel="preload" as="style" href="/static/site.css">'
        '<link rel="prefetch" href="http://elsewhere.test/next">'
        '<link rel="stylesheet" href="http://elsewhere.test/live.css">'
        '<link rel="StyleSheet" href="/static/site.css">'
        '<link rel="manifest" href="/manifest.json">'
        "</head><body>x</body>"
    )
    root = tree(out)
    assert root.xpath("//link/@href") == ["/web/20260301120000cs_/http://news.test/static/site.css"]
    assert not root.xpath("//meta[@http-equiv]")


def test_a_legacy_encoding_is_read_and_declared_as_utf8() -> None:
    page = '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>Na\xefve r\xe9sum\xe9</p></body></html>'
    out = rewrite(page.encode("cp1252"))
    root = tree(out)
    assert root.xpath("//meta/@charset") == ["utf-8"]
    assert root.xpath("//p")[0].text == "Naïve résumé"


def test_empty_and_broken_pages_still_give_a_document() -> None:
    assert "<body>" in rewrite(b"")
    out = rewrite(b"<p>unclosed <b>bold <script>alert(1)")
    assert_inert(out)
    assert "unclosed" in out


def test_css_outside_a_page() -> None:
    css = "@font-face{src:url(f.woff2)} .a{background:url(/img/bg.png)} .b{background:url(data:image/png;base64,AAAA)}"

    def to_archive(url: str, kind: str) -> str | None:
        return replay_path("1", url, kind) if url in HELD else None

    out = rewrite_css(css, "http://news.test/static/site.css", to_archive)
    assert (
        out
        == '@font-face{src:none} .a{background:url("/web/1im_/http://news.test/img/bg.png")} .b{background:none}'
    )


@pytest.mark.parametrize(
    ("segment", "parsed"),
    [
        ("2026", ("2026", "")),
        ("20260301120000if_", ("20260301120000", "if_")),
        ("articles", None),
        ("123", None),
        ("2026xx_", None),
    ],
)
def test_replay_path_segments(segment: str, parsed: tuple[str, str] | None) -> None:
    found = parse_segment(segment)
    assert (None if found is None else (found.stamp, found.modifier)) == parsed


def test_urls_come_back_byte_for_byte() -> None:
    url = "http://news.test/a%20b/caf%C3%A9?q=1&r=a%2Fb"
    path = replay_path("2026", url)
    assert path == "/web/2026/" + url  # already escaped: nothing added
    raw, _, query = path.partition("?")
    assert target_url(raw.encode(), len("/web/2026/"), query.encode()) == url
    assert (
        replay_path("2026", 'http://news.test/"quote" é') == "/web/2026/http://news.test/%22quote%22%20%C3%A9"
    )


@pytest.mark.parametrize(
    ("declared", "served"),
    [
        ("image/png", "image/png"),
        ("image/svg+xml; charset=utf-8", "image/svg+xml"),
        ("font/woff2", "font/woff2"),
        ("application/javascript", "text/plain; charset=utf-8"),
        ("text/html, text/javascript", "text/plain; charset=utf-8"),  # no single type: not trusted
        ("application/json", "text/plain; charset=utf-8"),
        ("", "text/plain; charset=utf-8"),
    ],
)
def test_other_bodies_are_served_only_as_something_a_browser_displays(declared: str, served: str) -> None:
    assert served_type(declared) == served


def test_comments_go_with_the_scripts_old_browsers_found_in_them() -> None:
    out = rewrite(
        "<p>a</p><!--[if lt IE 9]><script src='http://cdn.test/html5.js'></script><![endif]-->"
        "<!-- <img src='http://tracker.test/x.gif'> --><p>b</p>"
    )
    assert_inert(out)
    assert "<!--" not in out and "tracker.test" not in out
    assert [p.text for p in tree(out).iter("p")] == ["a", "b"]


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.html.gz")), ids=lambda p: p.name.split("_")[0])
def test_real_news_pages_come_out_inert_with_their_text(fixture: Path) -> None:
    body = gzip.decompress(fixture.read_bytes())
    url = "https://news.example/2026/story.html"
    out = rewrite_html(body, url, lambda urls: urls, lambda u, m: replay_path("20260301120000", u, m))
    assert_inert(out)
    text = tree(out).text_content()
    original = lxml.html.document_fromstring(body).xpath("//h1")
    if original:  # the headline survives the rewrite word for word
        assert original[0].text_content().strip() in text
