"""Requisites: a page's images and stylesheets archived with it (opt-in), under the crawl's rules, for replay.

End to end on the local news web: `capture --requisites` and a source with
`requisites = true` fetch the images and stylesheets a page names (and the
images its stylesheet names), obey robots.txt (the CDN host forbids
everything, the site /private/) and the private-address guard, never fetch
scripts, and record each kept resource as a capture of outcome "requisite"
in the WARC files, which the replay then serves from the archive.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from newsarchive.crawler.crawl.discovery.requisites import page_requisites, stylesheet_requisites
from newsarchive.crawler.web.app import create_app
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.crawl.conftest import FAST, run_cli, summary
from tests.helpers import capture
from tests.site.hostile import png
from tests.site.hosts import NEWS_CDN, NEWS_WWW
from tests.site.response import Response, text
from tests.site.web import NewsWeb

PHOTO = png(10, 200, 10)
BACKGROUND = png(200, 10, 10)


def _page(web: NewsWeb) -> str:
    cdn = web.url(NEWS_CDN, "/img/cdn.png")
    paragraphs = "".join(
        f"<p>{s}</p>"
        for s in (
            "The library will open on Sundays from next month, the city said on Friday.",
            "Volunteers will staff the reading rooms while two new librarians are hired.",
            "The budget for the change comes from a grant the city won last autumn.",
        )
    )
    return f"""<!DOCTYPE html><html><head><title>Library opens on Sundays</title>
<link rel="stylesheet" href="/req/style.css"><script src="/req/app.js"></script>
<link rel="preload" href="/req/preloaded.png" as="image"></head><body><article>
<h1>Library opens on Sundays</h1><p class="byline">By Sam Ortiz</p>{paragraphs}
<img src="/req/photo.png" alt="the library"><img src="/req/photo.png" alt="again: fetched once">
<img src="{cdn}"><img src="/private/secret.png"><img src="http://169.254.169.254/latest/meta-data.png">
<iframe src="/req/framed.html"></iframe></article></body></html>"""


def _install(web: NewsWeb) -> str:
    web.set_route(NEWS_WWW, "/req/page.html", text(_page(web)))
    web.set_route(
        NEWS_WWW, "/req/style.css", text("h1 { background: url(bg.png); }", content_type="text/css")
    )
    web.set_route(NEWS_WWW, "/req/photo.png", Response(200, PHOTO, "image/png"))
    web.set_route(NEWS_WWW, "/req/bg.png", Response(200, BACKGROUND, "image/png"))
    web.set_route(NEWS_WWW, "/private/secret.png", Response(200, PHOTO, "image/png"))
    return web.url(NEWS_WWW, "/req/page.html")


def _rows(config: ArchiveConfig) -> list[Capture]:
    with Archive(config) as archive, archive.sessions() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def _never_fetched(web: NewsWeb) -> None:
    for host, path in (
        (NEWS_WWW, "/req/app.js"),  # scripts are no requisite
        (NEWS_WWW, "/req/framed.html"),  # nor frames
        (NEWS_WWW, "/req/preloaded.png"),  # nor preloads
        (NEWS_WWW, "/private/secret.png"),  # robots.txt: Disallow: /private/
        (NEWS_CDN, "/img/cdn.png"),  # robots.txt: Disallow: /
    ):
        assert web.request_count(host, path) == 0, (host, path)


def test_page_requisites_are_images_and_stylesheets_once_each_in_order() -> None:
    html = """<html><head><base href="http://a.test/x/"><link rel="stylesheet" href="s.css">
    <link rel="preload" href="p.css"><link rel="icon" href="/favicon.png"><script src="j.js"></script>
    <style>@import "i.css"; body { background: url('bg.png') }</style></head>
    <body><img src="1.png"><img src="1.png"><img srcset="2.png 1x, 3.png 2x"><video src="v.mp4" poster="p.png"></video>
    <input type="image" src="b.png"><input type="text" src="no.png"><div style="background:url(d.png)"></div>
    <img src="javascript:x"><img src="data:image/png;base64,AA"><iframe src="f.html"></iframe></body></html>"""
    base = "http://a.test/x/"
    expected = [
        "s.css",
        "/favicon.png",
        "i.css",
        "bg.png",
        "1.png",
        "2.png",
        "3.png",
        "p.png",
        "b.png",
        "d.png",
    ]
    found = page_requisites(html, "http://a.test/page.html")
    assert found == [
        "http://a.test/favicon.png" if name == "/favicon.png" else base + name for name in expected
    ]
    assert page_requisites(html, "http://a.test/page.html", limit=3) == found[:3]
    assert page_requisites("", "http://a.test/") == []
    assert stylesheet_requisites("@font-face{src:url(f.woff2)} a{background:url(#x)}", base) == [
        base + "f.woff2"
    ]


def test_capture_with_requisites_archives_them_for_replay(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    with NewsWeb() as web:
        url = _install(web)
        done = capture(config, url, extra=("--requisites", *web.resolver_args()))
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]
        assert web.request_count(NEWS_WWW, "/req/photo.png") == 1  # named twice, fetched once
        _never_fetched(web)
    assert done.stdout.startswith("new article")
    assert re.search(r"^requisites\s+3 kept for replay$", done.stdout, re.MULTILINE), done.stdout
    rows = _rows(config)
    (page_row,) = [row for row in rows if row.requested_url == url]
    assert page_row.outcome == "new_article"
    kept = {row.requested_url.rsplit("/", 1)[-1]: row for row in rows if row is not page_row}
    assert set(kept) == {"style.css", "photo.png", "bg.png"}  # bg.png named by the stylesheet
    for row in kept.values():
        assert row.outcome == "requisite" and row.via == "requisite" and row.article_id is None
        assert row.warc_file is not None and row.status_code == 200

    # Replay now shows them from the archive.
    with TestClient(create_app(config)) as client:
        page = client.get(f"/web/{page_row.fetched_at:%Y%m%d%H%M%S}if_/{url}")
        assert page.status_code == 200
        photo = re.search(r'<img src="(/web/\d{14}im_/[^"]+/req/photo\.png)"', page.text)
        assert photo is not None, page.text
        assert client.get(photo.group(1)).content == PHOTO
        sheet = re.search(r'<link rel="stylesheet" href="(/web/\d{14}cs_/[^"]+)"', page.text)
        assert sheet is not None
        css = client.get(sheet.group(1)).text
        background = re.search(r'url\("(/web/\d{14}im_/[^"]+/req/bg\.png)"\)', css)
        assert background is not None, css
        assert client.get(background.group(1)).content == BACKGROUND


def test_a_source_with_requisites_archives_them_in_the_crawl(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    with NewsWeb() as web:
        url = _install(web)
        feed = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Req</title>'
            f"<item><title>Library opens on Sundays</title><link>{url}</link></item></channel></rss>"
        )
        web.set_route(NEWS_WWW, "/req/rss.xml", text(feed, content_type="application/rss+xml"))
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "req"\nfeeds = ["{web.url(NEWS_WWW, "/req/rss.xml")}"]\nrequisites = true\n'
        )
        result = run_cli(config, "crawl", "--sources", str(sources), "--json", *FAST, *web.resolver_args())
        assert result.returncode == 0, result.stderr[-2000:]
        _never_fetched(web)
    totals = summary(result)["totals"]
    # Requisites are neither articles fetched nor failures of the crawl.
    assert (totals["fetched"], totals["new_article"], totals["failed"]) == (1, 1, 0)
    outcomes = {row.requested_url.rsplit("/", 1)[-1]: row.outcome for row in _rows(config)}
    assert outcomes["page.html"] == "new_article"
    assert {name for name, outcome in outcomes.items() if outcome == "requisite"} == {
        "style.css",
        "photo.png",
        "bg.png",
    }
