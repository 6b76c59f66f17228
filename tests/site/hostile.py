"""A hostile article for the replay tests: everything an archived page could try, on the local news web.

The page is a real article (headline, byline, paragraphs: the capture path
stores it as a version) that also carries inline and external scripts, event
handlers, `javascript:` links, a meta refresh, a `<base>`, external images,
stylesheets, fonts and CSS `url()`s, a form, frames, objects and preloads.
Three of its resources live on its own host and are meant to be captured
(a stylesheet, a background image it names, a photo); everything on the CDN
host and the other paper is never captured, so replay must not load it.

Every piece of code on the page, if it ever ran, would request a URL under
the archive's own replay paths holding MARKER (an image load, which the
replay policy allows), so a test sees from the browser's network log alone
whether any script ran, even one the policy would otherwise let through.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from tests.site.hosts import NEWS_CDN, NEWS_WWW, PAPER_WWW
from tests.site.response import Response, text
from tests.site.web import NewsWeb

MARKER = "script-ran-marker"
HEADLINE = "Harbour tunnel reopens after months of repairs"


def png(red: int, green: int, blue: int, size: int = 4) -> bytes:
    """A small valid PNG of one colour (built here: no binary fixture to keep)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes((red, green, blue)) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


PNG_PHOTO = png(120, 120, 120)
PNG_BACKGROUND = png(0, 0, 200)


def _mark(name: str) -> str:
    # Relative: resolved against the replayed document's own URL, so it would land on the archive.
    return f"new Image().src='/web/19990101000000im_/http://{MARKER}.test/{name}'"


@dataclass(frozen=True)
class HostilePages:
    page: str  # the article
    held: tuple[str, ...]  # the resources a test captures with it (stylesheet, background, photo)
    outside: tuple[str, ...]  # URLs the page names that are never captured


def install(web: NewsWeb) -> HostilePages:
    """Put the hostile article and its resources on the local news web; return their URLs."""
    www = web.url(NEWS_WWW, "")
    cdn = web.url(NEWS_CDN, "")
    paper = web.url(PAPER_WWW, "")
    paragraphs = "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            "The harbour tunnel reopened on Tuesday after eight months of repairs to its ventilation shafts.",
            "Engineers replaced forty fans and rebuilt the drainage under the northern approach road.",
            "The transport authority said traffic would be limited to two lanes until the end of the month.",
            "Residents of the waterfront district had complained of noise from the night works since spring.",
            "A spokesperson said the final cost was within the budget approved by the council last year.",
        )
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{HEADLINE}</title>
<meta http-equiv="refresh" content="1;url={paper}/refreshed">
<base href="{www}/hostile/">
<script>{_mark("inline-script")}; alert("inline");</script>
<script src="{cdn}/evil.js"></script>
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="{cdn}/external.css">
<link rel="preload" href="{cdn}/preloaded.js" as="script">
<link rel="dns-prefetch" href="//tracker.example-news.test">
<style>
@font-face {{ font-family: Hostile; src: url({cdn}/font.woff2) format("woff2"); }}
h1 {{ font-family: Hostile, serif; }}
body {{ background-image: url("{cdn}/body-background.png"); }}
</style>
</head>
<body onload="{_mark("onload")}">
<article>
<h1 id="headline">{HEADLINE}</h1>
<p class="byline">By Dana Okafor</p>
{paragraphs}
<img id="photo" src="photo.png" alt="the tunnel entrance" width="40" height="40">
<img id="tracker" src="{cdn}/tracker.gif" onerror="{_mark("onerror")}">
<img id="responsive" srcset="{cdn}/large.png 2x">
<div id="styled" style="background-image: url('{cdn}/div-background.png')">A styled box.</div>
<a id="js-link" href="javascript:{_mark("javascript-url")}">Read more</a>
<a id="out-link" href="{paper}/elsewhere">The other paper</a>
<iframe id="frame" src="{paper}/framed" srcdoc="<script>{_mark("srcdoc")}</script>"></iframe>
<object data="{cdn}/movie.swf"></object>
<embed src="{cdn}/embedded.swf">
<form id="form" action="{cdn}/steal" method="post">
  <input name="q" value="secret"><button id="send" type="submit">Send</button>
</form>
<video src="{cdn}/clip.mp4" poster="{cdn}/poster.png"></video>
<svg width="20" height="20"><image href="{cdn}/vector.png" width="10" height="10"/></svg>
</article>
</body></html>
"""
    stylesheet = f"""@import "{cdn}/imported.css";
body {{ background-color: rgb(1, 2, 3); }}
#headline {{ background-image: url(background.png); }}
#styled {{ border-image: url({cdn}/border.png) 30; }}
"""
    web.set_route(NEWS_WWW, "/hostile/article.html", text(page))
    web.set_route(NEWS_WWW, "/hostile/style.css", text(stylesheet, content_type="text/css"))
    web.set_route(NEWS_WWW, "/hostile/photo.png", Response(200, PNG_PHOTO, "image/png"))
    web.set_route(NEWS_WWW, "/hostile/background.png", Response(200, PNG_BACKGROUND, "image/png"))
    outside = tuple(
        f"{cdn}/{name}"
        for name in (
            "evil.js",
            "external.css",
            "preloaded.js",
            "font.woff2",
            "body-background.png",
            "tracker.gif",
            "large.png",
            "div-background.png",
            "movie.swf",
            "embedded.swf",
            "steal",
            "clip.mp4",
            "poster.png",
            "vector.png",
            "imported.css",
            "border.png",
        )
    ) + (f"{paper}/refreshed", f"{paper}/elsewhere", f"{paper}/framed")
    held = tuple(f"{www}/hostile/{name}" for name in ("style.css", "background.png", "photo.png"))
    return HostilePages(page=f"{www}/hostile/article.html", held=held, outside=outside)
