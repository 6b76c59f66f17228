"""A head carrying megabytes of JSON-LD must not push the article past the extractor's input cut."""

from __future__ import annotations

import json

from newsarchive.crawler.extract.core import MAX_INPUT_CHARS, extract_article

GROUP = "Bad input: oversized pages"


def test_megabytes_of_json_ld_in_the_head_keep_the_body(case) -> None:
    entry = case(
        GROUP,
        "2.4 MB of JSON-LD in the head, a normal article in the body",
        "the article is extracted (the bulky script is emptied before the size cut)",
        before='the capture failed as "no article text found" (the head pushed the body past the 2 MB cut)',
    )
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": "filler " * 340_000}
    paragraphs = "".join(
        f"<p>Paragraph {i}: the council met on Monday and voted on the new budget for the city.</p>"
        for i in range(20)
    )
    html = (
        "<html><head><title>Council votes</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><article><h1>Council votes</h1>{paragraphs}</article></body></html>"
    )
    assert len(html) > MAX_INPUT_CHARS
    article = extract_article(html, "https://news.example.com/council.html")
    assert "Paragraph 0: the council met" in article.text and "Paragraph 19:" in article.text
    assert "filler" not in article.text
    entry.observed = f"{len(html):,} characters in; {len(article.text.split())} words of article text out"
