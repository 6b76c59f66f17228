"""Bar charts: counts per day, and shares per source."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from newsarchive.crawler.web.charts.svg import element, frame, group, nice_ceiling

# Drawn about as wide as a phone shows it, so an 11-unit label stays a readable size there;
# the stylesheet caps how far a chart grows on a desktop.
WIDTH, HEIGHT = 400, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 26


def daily_bars(days: list[date], values: list[int], title: str, noun: str, css: str) -> Markup:
    """One bar a day; the description says the total and the busiest day."""
    total = sum(values)
    if total:
        peak = max(range(len(values)), key=lambda i: values[i])
        busiest = f" The most on {days[peak].isoformat()}: {values[peak]}."
    else:
        busiest = ""
    desc = (
        f"{total} {noun} in {len(days)} days from {days[0].isoformat()} to {days[-1].isoformat()}.{busiest}"
    )
    top = nice_ceiling(max(values, default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(days)
    gap = step * 0.15 if step > 4 else 0
    body: list[Markup] = [
        element("line", class_="axis", x1=LEFT, y1=TOP + plot_h, x2=WIDTH - RIGHT, y2=TOP + plot_h),
        element("line", class_="grid", x1=LEFT, y1=TOP, x2=WIDTH - RIGHT, y2=TOP),
        element("text", str(top), class_="label", x=LEFT - 6, y=TOP + 4, text_anchor="end"),
        element("text", "0", class_="label", x=LEFT - 6, y=TOP + plot_h + 4, text_anchor="end"),
        element("text", days[0].isoformat(), class_="label", x=LEFT, y=HEIGHT - 6),
        element(
            "text", days[-1].isoformat(), class_="label", x=WIDTH - RIGHT, y=HEIGHT - 6, text_anchor="end"
        ),
    ]
    bars = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        if not value:
            continue
        height = plot_h * value / top
        bar = element(
            "rect",
            None,
            class_="bar",
            x=f"{LEFT + index * step + gap / 2:.2f}",
            y=f"{TOP + plot_h - height:.2f}",
            width=f"{max(step - gap, 1):.2f}",
            height=f"{height:.2f}",
        )
        # A tooltip for pointer users; the table beside the chart has every number.
        bars.append(group("g", [element("title", f"{day.isoformat()}: {value}"), bar]))
    return frame(WIDTH, HEIGHT, title, desc, [*body, *bars], css)


def share_bars(rows: list[tuple[str, int, int]], title: str) -> Markup:
    """One horizontal bar per (label, part, whole): the part's share of the whole, in percent."""
    row_h, label_w, width = 24, 130, WIDTH
    height = TOP + row_h * max(len(rows), 1) + 4
    plot_w = width - label_w - 44
    parts = [f"{label}: {part} of {whole}" for label, part, whole in rows]
    desc = "; ".join(parts) + "." if parts else "No articles in this window."
    body: list[Markup] = []
    for index, (label, part, whole) in enumerate(rows):
        share = part / whole if whole else 0.0
        y = TOP + index * row_h
        shown = label if len(label) <= 20 else label[:19] + "…"
        body += [
            element("text", shown, class_="label", x=label_w - 8, y=y + 16, text_anchor="end"),
            element("rect", None, class_="track", x=label_w, y=y + 4, width=plot_w, height=16),
            element("rect", None, class_="bar", x=label_w, y=y + 4, width=f"{plot_w * share:.2f}", height=16),
            element("text", f"{share:.0%}", class_="label", x=label_w + plot_w + 6, y=y + 16),
        ]
    return frame(width, height, title, desc, body, "shares")
