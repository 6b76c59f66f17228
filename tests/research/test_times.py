"""Observed (ours) and declared (the publisher's) times side by side in `show` and `history`."""

from __future__ import annotations

import json
from datetime import timedelta

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.research.conftest import T0, capture
from tests.research.test_history_cli import run

URL = "https://news.example.com/times.html"


def test_show_and_history_give_both_kinds_of_time(archive: Archive, archive_config: ArchiveConfig) -> None:
    declared = {"published": "2026-02-28T18:00:00+01:00", "modified": "2026-03-02T08:00:00+01:00"}
    capture(archive, URL, title="One", text="First.", **declared)
    capture(archive, URL, T0 + timedelta(hours=5), title="One", text="First.", **declared)

    code, out, _ = run(archive_config, "show", URL)
    assert code == 0
    assert "observed (UTC): article first seen 2026-03-02T09:00" in out
    assert "last checked 2026-03-02T14:00" in out
    assert "declared: published 2026-02-28T18:00:00+01:00 · modified 2026-03-02T08:00:00+01:00" in out

    data = json.loads(run(archive_config, "show", URL, "--json")[1])
    assert (
        data["article_last_seen"].startswith("2026-03-02T14:00") and data["modified"] == declared["modified"]
    )

    code, out, _ = run(archive_config, "history", URL)
    assert "first seen 2026-03-02 09:00 · last seen 2026-03-02 14:00 · last checked 2026-03-02 14:00" in out
    assert "[published 2026-02-28T18:00:00+01:00, modified 2026-03-02T08:00:00+01:00]" in out
    [entry] = json.loads(run(archive_config, "history", URL, "--json")[1])
    assert (entry["published"], entry["modified"]) == (declared["published"], declared["modified"])
