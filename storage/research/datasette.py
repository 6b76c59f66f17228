"""Datasette metadata for a SQLite archive: `datasette archive.db -m metadata.json`.

Datasette finds an FTS table on its own only for tables named in the FTS
table's `content=` option; ours is contentless (see migration 0003), so the
metadata names it for `versions` and for the `latest_versions` view. It also
gives readable labels, default sorts, hides the machinery, and adds a few
canned queries researchers ask for first. SETTINGS are the Datasette settings
that go with it (`newsarchive datasette` passes both).
"""

from __future__ import annotations

from typing import Any

HEADLINE_CHANGES_SQL = """
select v.first_seen_at as seen_at, a.source, a.domain, a.canonical_url as url, v.number as version,
       json_extract(v.changes, '$.old_headline') as old_headline, v.title as new_headline
from versions v join articles a on a.id = v.article_id
where v.number > 1 and json_extract(v.changes, '$.headline_changed')
  and (:source = '' or a.source = :source)
order by v.first_seen_at desc limit 500
""".strip()

NOTES_SQL = """
select v.first_seen_at as seen_at, a.canonical_url as url, v.number as version, v.title
from versions v join articles a on a.id = v.article_id
where json_extract(v.changes, '$.note_appeared')
order by v.first_seen_at desc limit 500
""".strip()


# Datasette settings (not metadata: Datasette 0.x reads settings only from the
# command line or a settings.json). An article's text is thousands of
# characters: untruncated, one row of the versions table fills a screen and a
# page of 100 rows is megabytes of HTML. Cut cells in HTML table views to this
# many characters (the row page and the JSON keep the whole text).
SETTINGS: dict[str, Any] = {"truncate_cells_html": 300}


def settings_argv() -> list[str]:
    """SETTINGS as `datasette` command-line options."""
    argv = []
    for name, value in SETTINGS.items():
        argv += ["--setting", name, str(value)]
    return argv


def metadata(database: str = "archive") -> dict[str, Any]:
    """The metadata dict for a database named `database` (the file name without .db)."""
    return {
        "title": "newsarchive",
        "description": "Every version of every archived article. Search the latest_versions view, "
        "or versions for every version ever seen.",
        "databases": {
            database: {
                "tables": {
                    "latest_versions": {
                        "description": "One row per article with its newest version.",
                        "fts_table": "versions_fts",
                        "fts_pk": "version_id",
                        "sort_desc": "first_seen",
                        "label_column": "title",
                    },
                    "versions": {
                        "description": "Every distinct state of every article; changes = summary of the edit.",
                        "fts_table": "versions_fts",
                        "fts_pk": "id",
                        "sort_desc": "first_seen_at",
                        "label_column": "title",
                    },
                    "articles": {
                        "description": "One row per article (canonical URL); times are UTC.",
                        "sort_desc": "first_seen_at",
                        "label_column": "canonical_url",
                    },
                    "captures": {
                        "description": "Every fetch; raw bytes in the WARC files.",
                        "sort_desc": "id",
                    },
                    "alembic_version": {"hidden": True},
                    "versions_fts": {"hidden": True},
                },
                "queries": {
                    "headline_changes": {
                        "title": "Headline changes, newest first",
                        "sql": HEADLINE_CHANGES_SQL,
                    },
                    "correction_notes": {
                        "title": "Edits where a correction or update note appeared",
                        "sql": NOTES_SQL,
                    },
                },
            }
        },
    }
