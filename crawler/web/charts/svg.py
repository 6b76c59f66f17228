"""A few SVG elements, escaped, and the frame every chart shares (title, description, size).

Charts are inline `<svg role="img">` with a `<title>` and `<desc>`: a screen
reader announces the title and the description's summary, and each page
puts the numbers beside the chart as a table too. Colours and fonts come
from the stylesheet by class (the pages' CSP allows no inline style).
"""

from __future__ import annotations

from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


def element(tag: str, /, text: str | None = None, **attributes: object) -> Markup:
    """`<tag a="v">text</tag>`; attribute names take `-` for `_` (a trailing `_` is dropped)."""
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )
    if text is None:
        return Markup(f"<{tag}{attrs}/>")
    return Markup(f"<{tag}{attrs}>{escape(text)}</{tag}>")


def group(tag: str, children: list[Markup], /, **attributes: object) -> Markup:
    opening = element(tag, "", **attributes).removesuffix(f"</{tag}>")
    return Markup(opening + Markup("").join(children) + Markup(f"</{tag}>"))


def frame(width: int, height: int, title: str, desc: str, body: list[Markup], css: str) -> Markup:
    """The whole `<svg>`: scales to its container's width, labelled for assistive technology."""
    number = next(_ids)
    title_id, desc_id = f"chart{number}-title", f"chart{number}-desc"
    return group(
        "svg",
        [element("title", title, id=title_id), element("desc", desc, id=desc_id), *body],
        class_=f"chart {css}",
        viewBox=f"0 0 {width} {height}",
        preserveAspectRatio="xMinYMin meet",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        xmlns="http://www.w3.org/2000/svg",
    )


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (an axis top)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10
