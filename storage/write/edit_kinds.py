"""Pure rule: what kind of edit a new version is, from its fields and its predecessor's.

A version gets a set of kinds (docs/edit-kinds.md): ``typo``, ``wording``,
``substantive``, ``headline``, ``byline``, ``correction``, ``live-update``,
``revert`` and ``rewrite``. Nothing here touches the database; whether the
new content equals an earlier version is looked up by
newsarchive.storage.write.edit_history and passed in as ``revert_of``.

The thresholds below were measured, not guessed: bench/edit_kinds.py builds
labelled edits from the evaluation pages' real text, tunes them on half the
publishers and reports precision and recall on the other half
(docs/research.md).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsarchive.storage.write import bounded_diff
from newsarchive.storage.write.dedup import normalise_line, normalise_text

# The order kinds are stored and shown in.
KINDS = (
    "headline",
    "byline",
    "correction",
    "typo",
    "wording",
    "substantive",
    "live-update",
    "rewrite",
    "revert",
)


@dataclass(frozen=True)
class Thresholds:
    """The measured cut-offs (bench/edit_kinds.py tunes them)."""

    # A change of at most this many tokens a side is a typo candidate ...
    typo_max_tokens: int = 2
    # ... if at most this many characters differ between the old and new strings.
    typo_max_chars: int = 2
    # One run adding or removing at least this many words (net) adds or removes a sentence.
    substantive_min_words: int = 6
    # A passage with more words than this on either side is no longer a rewording.
    wording_max_words: int = 6
    # Text kept from the old version, as a share of both old and new, below which it is a rewrite.
    rewrite_max_kept: float = 0.6
    # Words added at the very start or end for a live update (tuning found any
    # addition there is one: mid-text additions are the substantive ones).
    live_min_words: int = 1


THRESHOLDS = Thresholds()

# A correction or update note: a line that starts with one of these labels ...
_NOTE_LABELS = (
    r"corrections?|corrected|correction appended|clarifications?|updated?|editor'?s note"
    r"|korrektur|berichtigung|richtigstellung|aktualisierung|aktualisiert|anmerkung der redaktion"
    r"|rectificatif|correctif|mise à jour|note de la rédaction|erratum"
    r"|corrección|fe de errores|actualización|actualizado|nota de la redacción"
    r"|correzione|rettifica|aggiornamento|nota della redazione"
    r"|correctie|rectificatie|update|correção|atualização|errata"
)
_NOTE_START = re.compile(rf"^[\s*_(\[]*(?:{_NOTE_LABELS})\b\s*(?:\d[\d:.hH ]*)?[:.–—-]", re.IGNORECASE)
# ... or a line with one of these phrases anywhere.
_NOTE_PHRASE = re.compile(
    r"an earlier version of this|a previous version of this|this (?:article|story|report|post) "
    r"(?:has been|was|is) (?:updated|amended|corrected)"
    r"|in einer früheren version|eine frühere version dieses"
    r"|une (?:précédente|première) version de cet|une version antérieure de cet"
    r"|una versión anterior de est|una versione precedente di quest|een eerdere versie van dit"
    r"|uma versão anterior dest",
    re.IGNORECASE,
)


def is_note(line: str) -> bool:
    """Is this line (a paragraph or a headline) a correction or update note?"""
    return bool(_NOTE_START.match(line) or _NOTE_PHRASE.search(line))


def note_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if is_note(line)]


def revert_key(fields: Mapping[str, Any]) -> tuple[str, str]:
    """What a revert compares: the headline and the text, as a reader sees them."""
    return normalise_line(fields.get("title")), normalise_text(fields.get("text"))


def _authors(fields: Mapping[str, Any]) -> list[str]:
    return sorted({normalise_line(a) for a in fields.get("authors") or [] if normalise_line(a)})


def _tokens(text: str) -> list[str]:
    # A paragraph break is a token of its own so a moved break is seen, and
    # punctuation stays on its word so a fixed comma is a (typo) change.
    return [token for line in text.split("\n") for token in (*line.split(), "¶")][:-1] if text else []


@dataclass(frozen=True)
class Run:
    """One changed run of a token diff: what it removed and added, and where."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    at_edge: bool  # a pure insertion before the first or after the last old token
    gap: int = 0  # unchanged tokens between the previous run and this one
    paragraphs: bool = False  # tokens are whole paragraphs (a long text's diff)

    @property
    def words_removed(self) -> int:
        return _words(self.removed)

    @property
    def words_added(self) -> int:
        return _words(self.added)

    @property
    def whole_paragraphs(self) -> bool:
        """Whole paragraphs added or removed, however short (a subheading, a one-line quote)."""
        one_side = not (self.removed and self.added)
        return one_side and (self.paragraphs or "¶" in (self.removed or self.added))

    def chars_changed(self) -> int:
        """Characters that differ between the two sides (only asked of short runs)."""
        a, b = " ".join(self.removed), " ".join(self.added)
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


@dataclass(frozen=True)
class TextDiff:
    """A token diff reduced to what the thresholds look at (computed once, judged many times)."""

    old_tokens: int
    new_tokens: int
    kept: int
    runs: tuple[Run, ...]


_PHRASE = 3
# Past this many tokens a side, the diff is taken paragraph by paragraph: a
# word diff's cost grows with the product of the lengths, and a long live
# page must not make every capture of it slow.
MAX_WORD_DIFF_TOKENS = 20_000


def text_diff(old_text: str, new_text: str) -> TextDiff:
    a, b = _tokens(old_text), _tokens(new_text)
    ops = None if max(len(a), len(b)) > MAX_WORD_DIFF_TOKENS else bounded_diff.opcodes(a, b)
    if ops is None:  # long, or too costly word by word (repetitive text): paragraphs
        return _paragraph_diff(old_text.split("\n"), new_text.split("\n"))
    runs = _runs(ops, a, b, paragraphs=False)
    # Shared phrases, not shared words: "the" and "on" match across any two
    # stories and would hide a rewrite.
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal" and i2 - i1 >= _PHRASE)
    return TextDiff(len(a), len(b), kept, runs)


def _runs(
    opcodes: Sequence[tuple[str, int, int, int, int]], a: list[str], b: list[str], *, paragraphs: bool
) -> tuple[Run, ...]:
    runs, gap = [], 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            gap = i2 - i1 if not paragraphs else _PHRASE  # a whole paragraph is always a phrase
            continue
        at_edge = tag == "insert" and (i1 == 0 or i1 == len(a))
        runs.append(Run(tuple(a[i1:i2]), tuple(b[j1:j2]), at_edge, gap, paragraphs))
        gap = 0
    return tuple(runs)


def _paragraph_diff(a: list[str], b: list[str]) -> TextDiff:
    """The same judgement on paragraphs as tokens (a typo is then one paragraph changed by a character)."""
    # Bounded like every diff on the write path (#21): past the budget the
    # whole text counts as replaced, which is what such a diff would say.
    ops = bounded_diff.opcodes(a, b)
    if ops is None:
        ops = [("replace", 0, len(a), 0, len(b))]
    runs = _runs(ops, a, b, paragraphs=True)
    kept = sum(_words(a[i1:i2]) for tag, i1, i2, _, _ in ops if tag == "equal")
    return TextDiff(_words(a), _words(b), kept, runs)


def _is_typo(run: Run, limits: Thresholds) -> bool:
    sizes = (len(run.removed), len(run.added))
    return (
        min(sizes) > 0
        and max(sizes) <= limits.typo_max_tokens
        and run.chars_changed() <= limits.typo_max_chars
    )


def _words(tokens: Iterable[str]) -> int:
    # A token is a word, or a whole paragraph in a long text's diff.
    return sum(len(token.split()) for token in tokens if token != "¶")


def diff_kinds(diff: TextDiff, limits: Thresholds = THRESHOLDS) -> set[str]:
    """The kinds a change of body text makes, judged on its diff."""
    if not diff.runs:
        return set()
    if not diff.old_tokens or not diff.new_tokens:
        return {"substantive"}
    share = limits.rewrite_max_kept
    if diff.kept / diff.old_tokens < share and diff.kept / diff.new_tokens < share:
        return {"rewrite"}
    kinds: set[str] = set()
    group: list[Run] = []  # neighbouring changes, judged as one passage
    for run in diff.runs:
        if run.at_edge and run.words_added >= limits.live_min_words:
            kinds.add("live-update")
        elif _is_typo(run, limits):
            kinds.add("typo")
        else:
            # A paragraph replaced by another diffs as many short runs between
            # chance matches ("the", "of"): runs closer than a phrase are one change.
            if group and run.gap >= _PHRASE:
                kinds.add(_passage_kind(group, limits))
                group = []
            group.append(run)
            continue
        if group:
            kinds.add(_passage_kind(group, limits))
            group = []
    if group:
        kinds.add(_passage_kind(group, limits))
    return kinds


def _passage_kind(runs: list[Run], limits: Thresholds) -> str:
    added = sum(run.words_added for run in runs)
    removed = sum(run.words_removed for run in runs)
    if (
        abs(added - removed) >= limits.substantive_min_words
        or max(added, removed) > limits.wording_max_words
        or any(run.whole_paragraphs for run in runs)
    ):
        return "substantive"
    return "wording"


def text_kinds(old_text: str, new_text: str, limits: Thresholds = THRESHOLDS) -> set[str]:
    """The kinds a change of body text makes (notes already taken out)."""
    return diff_kinds(text_diff(old_text, new_text), limits)


def classify_edit(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    *,
    revert_of: int | None = None,
    limits: Thresholds = THRESHOLDS,
) -> list[str]:
    """The kinds of the edit from `old` to `new` (a first version, `old` None, has none)."""
    if old is None:
        return []
    kinds, diff = edit_features(old, new)
    kinds |= diff_kinds(diff, limits)
    if revert_of is not None:
        kinds.add("revert")
    return [kind for kind in KINDS if kind in kinds]


def edit_features(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[set[str], TextDiff]:
    """The kinds no threshold decides (headline, byline, correction) and the body's diff."""
    kinds: set[str] = set()
    old_title, old_text = revert_key(old)
    new_title, new_text = revert_key(new)
    if old_title != new_title:
        kinds.add("headline")
    if _authors(old) != _authors(new):
        kinds.add("byline")
    old_notes = note_lines(old_text) + ([old_title] if is_note(old_title) else [])
    new_notes = note_lines(new_text) + ([new_title] if is_note(new_title) else [])
    # A note that appeared or changed; one that merely went away is text removed.
    if set(new_notes) - set(old_notes):
        kinds.add("correction")
    # Notes are judged above, so they are taken out of the body's diff.
    return kinds, text_diff(_without_notes(old_text), _without_notes(new_text))


def _without_notes(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not is_note(line))


def kinds_to_column(kinds: Iterable[str]) -> str:
    """Stored as "headline,typo": filtered with LIKE on SQLite and PostgreSQL alike."""
    return ",".join(kinds)


def kinds_from_column(value: str | None) -> list[str] | None:
    """None when the version was never classified (a first version, or stored before 0011)."""
    if value is None:
        return None
    return [kind for kind in value.split(",") if kind]
