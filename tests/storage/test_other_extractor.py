"""A capture compared with a version another extractor read, when it could not be re-read first."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.read import find_article, get_version
from tests.storage.test_service import FIELDS, T0, URL, content, fetch


def upgraded(**changes: object):
    return replace(content(**changes), extractor_version="test 2")


def test_the_same_bytes_read_differently_by_a_new_extractor_are_an_extractor_version(
    archive: Archive,
) -> None:
    archive.service.record_capture(fetch(T0), content())
    # The same raw bytes (fetch() always has one digest), a new extractor that drops a line.
    result = archive.service.record_capture(
        fetch(T0 + timedelta(hours=1)), upgraded(text=FIELDS["text"][:43])
    )
    assert (result.outcome, result.version) == ("new_version", 2)
    with archive.sessions() as session:
        v2 = get_version(session, find_article(session, URL))
        assert (v2.cause, v2.edit_kinds, v2.revert_of) == ("extractor", None, None)
        assert v2.changes["extractor_change"] is True and "previous_extractor" not in v2.changes


def test_other_bytes_read_by_a_new_extractor_are_an_edit_that_names_the_old_extractor(
    archive: Archive,
) -> None:
    archive.service.record_capture(fetch(T0), content())
    other = replace(fetch(T0 + timedelta(hours=1)), body_sha256="cd" * 32)
    archive.service.record_capture(other, upgraded(title="Council rejects budget"))
    with archive.sessions() as session:
        v2 = get_version(session, find_article(session, URL))
        assert v2.cause == "edit" and v2.changes["previous_extractor"] == "test 1"
        assert v2.changes["headline_changed"] is True


def test_the_same_extractor_leaves_no_note(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    other = replace(fetch(T0 + timedelta(hours=1)), body_sha256="cd" * 32)
    archive.service.record_capture(other, content(title="Council rejects budget"))
    with archive.sessions() as session:
        v2 = get_version(session, find_article(session, URL))
        assert v2.cause == "edit" and "previous_extractor" not in v2.changes
