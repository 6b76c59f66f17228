"""The archive's replay and Memento paths, built in one place (Wayback Machine URL forms).

`/web/<stamp>/<url>` is the replay page (banner and frame), `/web/<stamp>if_/<url>`
the archived document inside the frame, `/web/<stamp>im_/<url>` and
`/web/<stamp>cs_/<url>` an image (or font) and a stylesheet. The URL goes in
unescaped, as Wayback does, so people can type it; only characters that are
not legal in a URL are escaped, so a URL already escaped by the crawl comes
back byte for byte (the routes read the raw path, never a decoded one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor

PAGE = ""  # the replay page: no modifier
DOCUMENT = "if_"
IMAGE = "im_"
STYLESHEET = "cs_"
MODIFIERS = (DOCUMENT, IMAGE, STYLESHEET)

# Every character legal in a URL except '#' (a fragment is never archived) and
# the quote characters (paths also go into CSS strings).
_SAFE = "-._~:/?[]@!$&()*+,;=%"
SEGMENT_PATTERN = r"\d{4,14}(?:if_|im_|cs_)?"
_SEGMENT = re.compile(r"^(\d{4,14})(if_|im_|cs_)?$")
_COLLAPSED = re.compile(r"^(https?:)/+", re.IGNORECASE)


def encode_url(url: str) -> str:
    return quote(url, safe=_SAFE)


def replay_path(stamp: str, url: str, modifier: str = PAGE) -> str:
    return f"/web/{stamp}{modifier}/{encode_url(url)}"


def timegate_path(url: str) -> str:
    return f"/timegate/{encode_url(url)}"


def timemap_path(url: str, form: str = "link") -> str:
    return f"/timemap/{form}/{encode_url(url)}"


class _SegmentConvertor(Convertor[str]):
    """A route parameter that matches only a replay segment, so `/web/{segment:wayback}/...`
    never shadows another page under /web/ (an article, the edits page), whatever the order of routes."""

    regex = SEGMENT_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("wayback", _SegmentConvertor())


@dataclass(frozen=True)
class Segment:
    stamp: str
    modifier: str


def parse_segment(text: str) -> Segment | None:
    """`20260301120000if_` as its stamp and modifier; None if it is no replay segment."""
    found = _SEGMENT.match(text)
    return Segment(found.group(1), found.group(2) or PAGE) if found else None


def target_url(raw_path: bytes, prefix_length: int, query: bytes) -> str:
    """The archived URL a request names: the raw path after the prefix, with the query string.

    Raw, not percent-decoded, so it compares equal to the URL the crawl stored.
    A "https:/host" that a proxy or browser collapsed gets its second slash back.
    """
    url = raw_path[prefix_length:].decode("utf-8", "replace")
    url = _COLLAPSED.sub(r"\1//", url)
    if query:
        url += "?" + query.decode("utf-8", "replace")
    return url
