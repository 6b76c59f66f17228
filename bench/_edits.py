"""Labelled edits built from the evaluation pages' real text (for bench/edit_kinds.py).

Every edit is made by a rule from one real article (its body and title, as
the evaluation sets give them), from a seed, so the same seed always gives
the same set. The label is what the rule did, not what the classifier says.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsarchive.storage.write.edit_kinds import is_note, revert_key

SETS = ("fundus-dev", "wcxb-dev-articles")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“„«'(]?[A-ZÀ-ÖØ-Þ0-9])")

# Correction notes by language (the fundus ids start with a country code).
NOTES = {
    "en": [
        "Correction: An earlier version of this article misstated {w}.",
        "An earlier version of this story gave the wrong figure for {w}.",
        "Update: This article has been updated to include {w}.",
        "Editor's note: This story was corrected to clarify {w}.",
    ],
    "de": [
        "Korrektur: In einer früheren Version dieses Artikels hieß es fälschlich {w}.",
        "Berichtigung: {w}.",
    ],
    "fr": ["Rectificatif : une précédente version de cet article indiquait {w}."],
    "es": ["Fe de errores: una versión anterior de este artículo decía {w}."],
    "it": ["Correzione: una versione precedente di questo articolo riportava {w}."],
}
_COUNTRY_LANGUAGE = {"de": "de", "at": "de", "ch": "de", "fr": "fr", "es": "es", "it": "it"}


@dataclass
class Page:
    id: str
    domain: str
    language: str
    title: str
    paragraphs: list[str]
    authors: list[str]

    def fields(self, **changed: Any) -> dict[str, Any]:
        base = {"title": self.title, "text": "\n".join(self.paragraphs), "authors": list(self.authors)}
        return {**base, "captions": [], "published": None, "modified": None, **changed}


@dataclass
class Edit:
    page: str
    domain: str
    rule: str
    old: dict[str, Any]
    new: dict[str, Any]
    labels: set[str]
    history: list[dict[str, Any]] = field(default_factory=list)  # versions before `old`


def load_pages(shared: Path) -> list[Page]:
    pages = []
    for name in SETS:
        for line in (shared / "evaldata" / name / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            paragraphs = [" ".join(p.split()) for p in (row.get("body") or "").split("\n") if p.strip()]
            paragraphs = [p for p in paragraphs if not is_note(p)]
            if len(paragraphs) < 4 or sum(len(p.split()) for p in paragraphs) < 120 or not row.get("title"):
                continue
            country = row["id"].split("-")[0] if name == "fundus-dev" else ""
            host = (urlsplit(row.get("url") or "").hostname or row["id"]).lower().removeprefix("www.")
            pages.append(
                Page(
                    f"{name}/{row['id']}",
                    host,
                    _COUNTRY_LANGUAGE.get(country, "en"),
                    " ".join(row["title"].split()),
                    paragraphs,
                    _authors(row.get("authors")),
                )
            )
    return pages


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):  # some sets give one string
        value = re.split(r",| and ", value)
    return [" ".join(a.split()) for a in value or [] if isinstance(a, str) and a.strip()]


def half(domain: str) -> str:
    """Which half a publisher belongs to: all of one publisher's pages fall on one side."""
    return "tune" if hashlib.sha256(domain.encode()).digest()[0] % 2 == 0 else "test"


def _sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    how = rng.choice(("swap", "drop", "double", "replace"))
    if how == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1 :]


def _words_where(page: Page, rng: random.Random, ok: Callable[[str], bool]) -> tuple[int, int] | None:
    spots = [
        (p, w) for p, para in enumerate(page.paragraphs) for w, word in enumerate(para.split()) if ok(word)
    ]
    return rng.choice(spots) if spots else None


def _replace_word(paragraphs: list[str], spot: tuple[int, int], new: list[str], span: int = 1) -> list[str]:
    p, w = spot
    words = paragraphs[p].split()
    out = list(paragraphs)
    out[p] = " ".join(words[:w] + new + words[w + span :])
    return out


def typo(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    paragraphs = list(page.paragraphs)
    for _ in range(rng.choice((1, 1, 2, 3))):
        spot = _words_where(page, rng, lambda w: w.isalpha() and len(w) >= 5)
        if spot:
            word = paragraphs[spot[0]].split()[spot[1]]
            # Mostly a letter, sometimes the case of a word (a name, a sentence start).
            wrong = _typo(word, rng) if rng.random() < 0.8 else word.swapcase()[:1] + word[1:]
            paragraphs = _replace_word(paragraphs, spot, [wrong])
    broken, fixed = page.fields(text="\n".join(paragraphs)), page.fields()
    # Both directions happen: a typo fixed, and one introduced by an edit.
    return (broken, fixed, {"typo"}) if rng.random() < 0.7 else (fixed, broken, {"typo"})


def _distant(a: str, b: str) -> bool:
    return len(set(a.lower()) ^ set(b.lower())) > 3


def wording(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    vocabulary = [w for p in page.paragraphs for w in p.split() if w.isalpha() and len(w) > 3]
    paragraphs = list(page.paragraphs)
    for _ in range(rng.choice((1, 1, 2))):
        spot = _words_where(page, rng, lambda w: w.isalpha() and len(w) > 2)
        if spot is None:
            break
        old_word = paragraphs[spot[0]].split()[spot[1]]
        how = rng.choice(("replace", "replace", "insert", "delete"))
        pool = [w for w in vocabulary if _distant(w, old_word)] or ["reportedly"]
        # Rewording swaps, adds or drops a few words: up to three either way.
        span = rng.choice((1, 1, 2, 3, 4))
        if how == "replace":
            new_words = [rng.choice(pool) for _ in range(max(1, span + rng.choice((-1, 0, 0, 1, 2))))]
            paragraphs = _replace_word(paragraphs, spot, new_words, span)
        elif how == "insert":
            paragraphs = _replace_word(paragraphs, spot, [*(rng.choice(pool) for _ in range(span)), old_word])
        else:
            paragraphs = _replace_word(paragraphs, spot, [], span)
    return page.fields(), page.fields(text="\n".join(paragraphs)), {"wording"}


def substantive(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    paragraphs = list(page.paragraphs)
    p = rng.randrange(1, len(paragraphs) - 1)  # never the first or last: that is a live update
    if rng.random() < 0.5:  # add a sentence or a paragraph from another article
        borrowed = [s for para in other.paragraphs[1:] for s in _sentences(para) if len(s.split()) >= 3]
        addition = (
            " ".join(rng.sample(borrowed, min(len(borrowed), rng.choice((1, 2))))) or other.paragraphs[0]
        )
        if rng.random() < 0.5:
            paragraphs.insert(p, addition)
        else:
            sentences = _sentences(paragraphs[p])
            k = rng.randrange(1, len(sentences)) if len(sentences) > 1 else 1
            paragraphs[p] = " ".join(sentences[:k] + [addition] + sentences[k:])
        return page.fields(), page.fields(text="\n".join(paragraphs)), {"substantive"}
    sentences = _sentences(paragraphs[p])
    if len(sentences) > 1 and rng.random() < 0.5:
        del sentences[rng.randrange(len(sentences))]
        paragraphs[p] = " ".join(sentences)
    else:
        del paragraphs[p]
    return page.fields(), page.fields(text="\n".join(paragraphs)), {"substantive"}


def correction(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    words = rng.choice(page.paragraphs).split()
    start = rng.randrange(max(1, len(words) - 4))
    note = rng.choice(NOTES[page.language]).format(w=" ".join(words[start : start + 4]).rstrip(".,;:"))
    paragraphs = list(page.paragraphs)
    labels = {"correction"}
    if rng.random() < 0.3:  # the fix itself, besides the note
        old, new, more = wording(page, rng, other)
        paragraphs = new["text"].split("\n")
        labels |= more
    paragraphs = paragraphs + [note] if rng.random() < 0.7 else [note, *paragraphs]
    return page.fields(), page.fields(text="\n".join(paragraphs)), labels


def live_update(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    added = other.paragraphs[: rng.choice((1, 2, 3))]
    if rng.random() < 0.25:  # one short line, as a live page adds
        added = [min((s for p in other.paragraphs for s in _sentences(p)), key=len)]
    paragraphs = [*page.paragraphs, *added] if rng.random() < 0.6 else [*added, *page.paragraphs]
    return page.fields(), page.fields(text="\n".join(paragraphs)), {"live-update"}


def headline(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    how = rng.choice(("other", "swap", "extend"))
    words = page.title.split()
    if how == "other" or len(words) < 3:
        title = other.title
    elif how == "swap":
        i = rng.randrange(len(words))
        title = " ".join(words[:i] + [rng.choice(other.title.split())] + words[i + 1 :])
    else:
        title = page.title + ": " + " ".join(other.title.split()[:4])
    return page.fields(), page.fields(title=title), {"headline"}


def byline(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    authors = list(page.authors)
    if authors and rng.random() < 0.5:
        authors.pop(rng.randrange(len(authors)))
    else:
        authors.append(rng.choice(other.authors or ["Staff reporter", "Agencies"]))
    return page.fields(), page.fields(authors=authors), {"byline"}


def _replace_paragraphs(page: Page, rng: random.Random, other: Page, share: float) -> list[str]:
    """`share` of the paragraphs (by count) replaced, in place, by another article's paragraphs."""
    count = max(1, round(share * len(page.paragraphs)))
    replaced = set(rng.sample(range(len(page.paragraphs)), count))
    borrowed = itertools.cycle(other.paragraphs)
    return [next(borrowed) if i in replaced else p for i, p in enumerate(page.paragraphs)]


def rewrite(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    """Most of the text replaced: 65-100 % of the paragraphs, and the headline."""
    paragraphs = _replace_paragraphs(page, rng, other, rng.uniform(0.65, 1.0))
    return page.fields(), page.fields(text="\n".join(paragraphs), title=other.title), {"headline", "rewrite"}


def partial(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    """Some paragraphs replaced (10-35 %): sentences removed and added, not a rewrite."""
    paragraphs = _replace_paragraphs(page, rng, other, rng.uniform(0.1, 0.35))
    return page.fields(), page.fields(text="\n".join(paragraphs)), {"substantive"}


def layout(page: Page, rng: random.Random, other: Page) -> tuple[dict, dict, set[str]]:
    """Not an edit a reader sees: blank lines and spacing, or only a modified date."""
    if rng.random() < 0.5:
        return page.fields(), page.fields(text="\n\n".join(page.paragraphs).replace(". ", ".  ")), set()
    return page.fields(), page.fields(modified="2026-03-02T10:00:00Z"), set()


RULES: dict[str, Callable[[Page, random.Random, Page], tuple[dict, dict, set[str]]]] = {
    "typo": typo,
    "wording": wording,
    "substantive": substantive,
    "correction": correction,
    "live-update": live_update,
    "headline": headline,
    "byline": byline,
    "rewrite": rewrite,
    "partial": partial,
    "none": layout,
}
# What undoing each edit looks like (the revert's own diff against its predecessor).
_UNDONE = {"typo": {"typo"}, "wording": {"wording"}, "substantive": {"substantive"}, "headline": {"headline"}}


def build_edits(pages: list[Page], seed: int) -> Iterator[Edit]:
    """Each page gets one edit, its rule taken in turn; every fifth page also gets a revert."""
    rules = [*RULES, "combined"]
    for n, page in enumerate(pages):
        rng = random.Random(f"{seed}:{page.id}")
        # Text borrowed from another publisher's page in the same language (never the same story).
        others = [p for p in pages if p.language == page.language and p.domain != page.domain]
        other = rng.choice(others or pages)
        rule = rules[n % len(rules)]
        if rule == "combined":
            first, second = rng.sample(
                ["typo", "wording", "substantive", "headline", "byline", "live-update"], 2
            )
            old, mid, a = RULES[first](page, rng, other)
            as_page = Page(
                page.id, page.domain, page.language, mid["title"], mid["text"].split("\n"), mid["authors"]
            )
            before, new, b = RULES[second](as_page, rng, other)
            if new == mid:  # the rule "fixed" a typo `mid` never had: make it the edit that adds one
                new = before
            yield Edit(page.id, page.domain, f"{first}+{second}", old, new, a | b)
        else:
            old, new, labels = RULES[rule](page, rng, other)
            yield Edit(page.id, page.domain, rule, old, new, labels)
        if n % 5 == 0:
            undone = rng.choice(list(_UNDONE))
            v1, v2, _ = RULES[undone](page, rng, other)
            if revert_key(v1) != revert_key(v2):
                yield Edit(
                    page.id, page.domain, f"revert of {undone}", v2, v1, {"revert", *_UNDONE[undone]}, [v1]
                )
