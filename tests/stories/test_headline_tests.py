"""The headline A/B test rule on crafted histories (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsarchive.storage.stories.headline_tests import WINDOW, Shown, detect, summarise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def history(*titles: str, step: timedelta = timedelta(minutes=30)) -> list[Shown]:
    return [Shown(title, number, T0 + step * (number - 1)) for number, title in enumerate(titles, 1)]


def test_a_headline_that_comes_back_is_a_test_with_its_headlines_and_times() -> None:
    found = detect(history("Storm hits coast", "Coast battered by storm", "Storm hits coast"))
    assert found is not None
    assert [s.title for s in found.shown] == [
        "Storm hits coast",
        "Coast battered by storm",
        "Storm hits coast",
    ]
    assert [s.version for s in found.shown] == [1, 2, 3]
    assert (found.headlines, found.flips) == (2, 1)
    assert (found.started_at, found.last_seen_at) == (T0, T0 + timedelta(hours=1))


def test_three_headlines_rotating_count_every_switch_back() -> None:
    found = detect(history("A storm", "B storm", "C storm", "A storm", "B storm", "C storm"))
    assert found is not None and (found.headlines, found.flips) == (3, 3)


def test_forward_only_rewording_is_no_test() -> None:
    assert detect(history("Storm nears", "Storm hits coast", "Storm hits coast, two missing")) is None
    assert detect(history("Storm hits coast")) is None
    assert detect([]) is None


def test_versions_that_keep_the_headline_do_not_count_as_switches() -> None:
    # Text edits between headline changes: the same headline over versions 1-3, then another.
    assert detect(history("Storm", "Storm", "Storm", "Flood")) is None
    found = detect(history("Storm", "Storm", "Flood", "Flood", "Storm"))
    assert found is not None and [s.version for s in found.shown] == [1, 3, 5] and found.flips == 1


def test_spacing_and_case_are_not_a_new_headline() -> None:
    assert detect(history("Storm hits coast", "storm  hits coast", "Storm hits coast")) is None


def test_a_return_outside_the_window_is_an_editor_not_a_test() -> None:
    slow = history("Storm hits coast", "Coast battered", "Storm hits coast", step=WINDOW)
    assert detect(slow) is None
    assert detect(slow, window=WINDOW * 3) is not None


def test_the_test_starts_at_the_first_headline_the_page_came_back_to() -> None:
    # v1 and v2 were forward edits; the test alternates between v3's and v4's headlines.
    found = detect(history("Draft", "Storm nears", "Storm hits", "Coast battered", "Storm hits"))
    assert found is not None
    assert [s.version for s in found.shown] == [3, 4, 5]
    assert found.headlines == 2


def test_summarise_merges_repeats_where_two_sightings_meet() -> None:
    parts = history("A", "B", "B", "A")
    found = summarise(parts)
    assert [s.version for s in found.shown] == [1, 2, 4] and (found.headlines, found.flips) == (2, 1)
    assert found.shown[0].to_dict() == {"title": "A", "version": 1, "seen_at": T0.isoformat()}
