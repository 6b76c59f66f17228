"""An article's versions on a time line: when the archive saw each one.

One lane from the first sight of the article to its last check. Each version
is a band from when it was first seen to the moment the next one was (the
publisher's edit lies somewhere in the gap between the previous version's
last sighting and the next one's first); a tick and a label mark where each
version was first seen. Labels are drawn only while they fit; the versions
table under the chart carries every one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from newsarchive.crawler.web.charts.svg import element, frame, group

WIDTH, HEIGHT = 400, 62
LEFT, RIGHT, LANE_Y, LANE_H = 12, 12, 22, 18
MIN_LABEL_GAP = 28  # px between two labels before the second is left out


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def version_timeline(versions: list[dict[str, Any]], last_checked: datetime) -> Markup:
    """The SVG for an article page; `versions` as newsarchive.crawler.web.reads.version_summaries gives them."""
    start = versions[0]["first_seen"]
    end = max(last_checked, *(v["last_seen"] for v in versions))
    span = (end - start).total_seconds() or 1.0
    plot_w = WIDTH - LEFT - RIGHT

    def x(moment: datetime) -> float:
        return LEFT + plot_w * (moment - start).total_seconds() / span

    body: list[Markup] = [
        element("line", class_="axis", x1=LEFT, y1=LANE_Y + LANE_H, x2=WIDTH - RIGHT, y2=LANE_Y + LANE_H)
    ]
    last_label: float = -MIN_LABEL_GAP
    for index, version in enumerate(versions):
        begin = x(version["first_seen"])
        following = versions[index + 1]["first_seen"] if index + 1 < len(versions) else end
        finish = max(x(following), begin + 2)
        number = version["version"]
        band = element(
            "rect",
            None,
            class_=f"band band-{index % 2}",
            x=f"{begin:.2f}",
            y=LANE_Y,
            width=f"{finish - begin:.2f}",
            height=LANE_H,
        )
        tip = (
            f"v{number}: first seen {_stamp(version['first_seen'])}, last seen {_stamp(version['last_seen'])}"
        )
        body.append(group("g", [element("title", tip), band]))
        body.append(
            element(
                "line", class_="tick", x1=f"{begin:.2f}", y1=LANE_Y - 4, x2=f"{begin:.2f}", y2=LANE_Y + LANE_H
            )
        )
        if begin - last_label >= MIN_LABEL_GAP:
            # Near the right edge a label ends at its tick rather than running off the chart.
            anchor = "end" if begin > WIDTH - RIGHT - 16 else None
            body.append(
                element(
                    "text", f"v{number}", class_="label", x=f"{begin:.2f}", y=LANE_Y - 8, text_anchor=anchor
                )
            )
            last_label = begin
    body += [
        element("text", start.strftime("%Y-%m-%d %H:%M"), class_="label", x=LEFT, y=HEIGHT - 4),
        element(
            "text",
            end.strftime("%Y-%m-%d %H:%M"),
            class_="label",
            x=WIDTH - RIGHT,
            y=HEIGHT - 4,
            text_anchor="end",
        ),
    ]
    count = len(versions)
    desc = (
        f"{count} version{'s' if count != 1 else ''} seen between {_stamp(start)} and {_stamp(end)}: "
        + "; ".join(f"v{v['version']} first seen {_stamp(v['first_seen'])}" for v in versions[:50])
        + ("; …" if count > 50 else "")
        + ". The table below lists every version."
    )
    return frame(WIDTH, HEIGHT, "Versions on a time line", desc, body, "timeline-chart")
