"""Golden tests over real pages (fixtures/real, copied with their licences).

Exact equality for the structured fields whose truth is sure (title,
authors, publication date), must-contain / must-not-contain snippets for the
text (the truth's own snippets; captions must never be in the text).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pytest

from newsarchive.crawler.extract import extract_article
from tests.extract.conftest import FIXTURES
from tests.extract.scoring import norm

REAL = FIXTURES / "real"
GOLDEN = [
    json.loads(line) for line in (REAL / "golden.jsonl").read_text(encoding="utf-8").splitlines() if line
]


def _truth_url(set_name: str, doc_id: str) -> str:
    for line in (REAL / set_name / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == doc_id:
            return row["url"]
    raise KeyError(doc_id)


@pytest.mark.parametrize("gold", GOLDEN, ids=[g["id"][:24] for g in GOLDEN])
def test_real_page(gold):
    html = gzip.decompress((REAL / gold["set"] / "pages" / f"{gold['id']}.html.gz").read_bytes())
    article = extract_article(html, _truth_url(gold["set"], gold["id"]), fetched_at=datetime(2026, 11, 1))
    if "title" in gold:
        assert norm(article.title) == norm(gold["title"])
    if "authors" in gold:
        want = gold["authors"] if isinstance(gold["authors"], list) else [gold["authors"]]
        assert sorted(map(norm, article.authors)) == sorted(map(norm, want))
    if "published" in gold:
        assert (article.published or "")[:10] == gold["published"]
    text = norm(article.text)
    for snippet in gold["with"]:
        assert norm(snippet) in text
    for snippet in gold["without"]:
        assert norm(snippet) not in text
