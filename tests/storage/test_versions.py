from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsarchive.storage.crawl_state.revisit_schedule import next_check
from newsarchive.storage.write.versions import change_summary, word_diff

OLD = {"title": "Old headline", "text": "One two three four.", "authors": [], "captions": []}


def test_word_diff_rebuilds_both_sides() -> None:
    old, new = "The cat sat on the mat.", "The black cat sat on a mat!"
    ops = word_diff(old, new)
    assert "".join(op.text for op in ops if op.op != "insert") == old
    assert "".join(op.text for op in ops if op.op != "delete") == new
    assert any(op.op == "insert" and "black" in op.text for op in ops)


def test_first_version_summary() -> None:
    assert change_summary(None, OLD) == {"first": True}


def test_summary_counts_words_and_flags_the_headline() -> None:
    new = dict(OLD, title="New headline", text="One two three four five six.")
    summary = change_summary(OLD, new)
    assert summary["headline_changed"] is True
    assert summary["old_headline"] == "Old headline"
    assert (summary["words_added"], summary["words_removed"]) == (2, 0)
    assert summary["captions_changed"] is False
    assert summary["note_appeared"] is False


def test_summary_notices_a_correction_note() -> None:
    new = dict(OLD, text=OLD["text"] + "\nCorrection: an earlier version misspelled a name.")
    assert change_summary(OLD, new)["note_appeared"] is True


def test_revisits_decay_with_age() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    cases = [
        (timedelta(minutes=5), timedelta(minutes=15)),
        (timedelta(hours=5), timedelta(hours=1)),
        (timedelta(days=2), timedelta(hours=3)),
        (timedelta(days=10), timedelta(days=3)),
        (timedelta(days=100), timedelta(days=30)),
    ]
    for age, interval in cases:
        assert next_check(t0, t0, t0 + age) == t0 + age + interval
    assert next_check(t0, t0, t0 + timedelta(days=400)) is None


def test_a_recent_change_makes_an_old_article_young_again() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    now = t0 + timedelta(days=40)
    assert next_check(t0, now - timedelta(minutes=1), now) == now + timedelta(minutes=15)
