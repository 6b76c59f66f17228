"""URLs in archived CSS, pointed at the archive or taken out.

`url(...)` and the string form of `@import` are the ways CSS loads a
resource; each becomes the archive's path for it when the archive holds it
and `none` when it does not (an invalid value the browser drops, so the
declaration or rule that needed the resource falls away without a request).
The replay document's Content-Security-Policy stops anything this misses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urldefrag, urljoin

from newsarchive.crawler.web.replay_paths import IMAGE, STYLESHEET

# url( "a" ) | url('a') | url(a) | @import "a" | @import 'a' | @import url(a); CSS comments and
# escapes aside, which the CSP covers. One pattern, one pass: a rewritten value
# is never read again.
_REFERENCE = re.compile(
    r"""url\(\s*(?:"(?P<u1>[^"]*)"|'(?P<u2>[^']*)'|(?P<u3>[^)"'\s]*))\s*\)"""
    r"""|@import\s+(?:"(?P<i1>[^"]*)"|'(?P<i2>[^']*)'"""
    r"""|url\(\s*(?:"(?P<i3>[^"]*)"|'(?P<i4>[^']*)'|(?P<i5>[^)"'\s]*))\s*\))""",
    re.IGNORECASE,
)

# An absolute URL and the modifier it loads as (replay_paths.IMAGE or STYLESHEET)
# in, the archive's path for it out (None: not held).
ToArchive = Callable[[str, str], str | None]


def absolute(reference: str, base: str) -> str | None:
    """The absolute http(s) URL a reference names, without its fragment; None for any other scheme."""
    reference = reference.strip()
    if not reference:
        return None
    url = urldefrag(urljoin(base, reference)).url
    return url if url.lower().startswith(("http://", "https://")) else None


def _reference(match: re.Match[str]) -> tuple[str, bool]:
    """The reference a match holds, and whether it is the string form of @import."""
    for name in ("u1", "u2", "u3"):
        if match.group(name) is not None:
            return match.group(name), False
    return next(match.group(n) for n in ("i1", "i2", "i3", "i4", "i5") if match.group(n) is not None), True


def css_urls(css: str, base: str) -> set[str]:
    found = set()
    for match in _REFERENCE.finditer(css):
        url = absolute(_reference(match)[0], base)
        if url:
            found.add(url)
    return found


def rewrite_css(css: str, base: str, to_archive: ToArchive) -> str:
    def replace(match: re.Match[str]) -> str:
        reference, imported = _reference(match)
        url = absolute(reference, base)
        path = to_archive(url, STYLESHEET if imported else IMAGE) if url else None
        if path is None:
            return "@import none" if imported else "none"
        return f'@import url("{path}")' if imported else f'url("{path}")'

    return _REFERENCE.sub(replace, css)
