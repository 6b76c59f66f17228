"""The article frame: lists and sub-headings kept on pages without a known article container."""

from __future__ import annotations

from datetime import date

from lxml.html import fromstring

from newsarchive.crawler.extract.body import main_text as body
from newsarchive.crawler.extract.body.frame import find_frame, missing_structure

SENTENCE = (
    "The council met on Tuesday evening to discuss the budget for the coming year, "
    "and several members raised concerns about the cost of road repairs in the district. "
)


def _paragraphs(n: int, word: str) -> str:
    return "".join(f"<p>{word} {i}. {SENTENCE * 2}</p>" for i in range(n))


# Class names trafilatura does not know as article containers (a site builder's grid).
PAGE = f"""<html><head><title>Budget</title></head><body>
<div class="topbar"><a href="/">Home</a> <a href="/news">News</a></div>
<div class="grid-x"><div class="cell-a">
  <div class="rich-block">
    {_paragraphs(3, "Opening")}
    <h2>What the new budget pays for next year</h2>
    <ul>
      <li>Road repairs on the northern bypass, estimated at two million.</li>
      <li>New lighting for the three parks next to the river and the school.</li>
      <li>A second bus line connecting the station with the hospital campus.</li>
      <li>Longer opening hours for the public library on weekends and holidays.</li>
    </ul>
    {_paragraphs(3, "Closing")}
  </div>
</div></div>
<div class="footer-fragments"><p>Example Council, 1 Main Street, Exampletown, registered office and contact details.</p>
<p>All content on this website is provided for information only and may change without notice.</p></div>
</body></html>"""


def test_frame_is_the_element_holding_the_paragraphs_not_the_footer() -> None:
    tree = fromstring(PAGE)
    frame = find_frame(tree)
    assert frame is not None
    assert frame.get("class") == "rich-block"


def test_no_frame_on_a_page_with_little_paragraph_text() -> None:
    tree = fromstring("<html><body><div><p>Short note on the page.</p></div></body></html>")
    assert find_frame(tree) is None


def test_missing_structure_counts_unlinked_items_absent_from_the_text() -> None:
    tree = fromstring(PAGE)
    frame = find_frame(tree)
    assert frame is not None
    assert missing_structure(frame, "Opening 0.") > 150
    everything = "\n".join(" ".join(el.text_content().split()) for el in frame.iter("li", "h2"))
    assert missing_structure(frame, everything) == 0


def test_linked_items_are_teasers_not_missing_structure() -> None:
    items = "".join(
        f'<li><a href="/story/{i}">Another story number {i} about the council budget</a></li>'
        for i in range(8)
    )
    tree = fromstring(
        f'<html><body><div class="x">{_paragraphs(6, "Text")}<ul>{items}</ul></div></body></html>'
    )
    frame = find_frame(tree)
    assert frame is not None
    assert missing_structure(frame, "") == 0


def test_list_and_heading_survive_when_the_page_names_no_container() -> None:
    text = body.main_text(fromstring(PAGE), "https://example.org/budget", date(2026, 1, 1))
    assert "Opening 0." in text and "Closing 2." in text
    assert "What the new budget pays for next year" in text
    assert "A second bus line connecting the station with the hospital campus." in text
    # The footer the paragraph fallback gathered from the whole page is gone.
    assert "registered office" not in text


def test_a_named_container_is_left_to_trafilatura() -> None:
    page = PAGE.replace('class="rich-block"', 'class="entry-content"')
    text = body.main_text(fromstring(page), "https://example.org/budget", date(2026, 1, 1))
    assert "A second bus line connecting the station with the hospital campus." in text
