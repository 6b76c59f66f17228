"""Rendering for the research commands: terminal diffs, tables, CSV and JSON on stdout."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable
from typing import Any

import click

# Long unchanged stretches are cut to their ends unless --full: a one-word
# edit in a 2,000-word article should not need scrolling to find.
CONTEXT_CHARS = 160
_WORD_REST = re.compile(r"\S*\s*")  # the rest of a word cut by the context, and the space after it
_WORD_START = re.compile(r"\s*\S*$")  # back to the space before the word the context starts in


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    """CSV on stdout; list values joined with "; " (spreadsheets cannot hold lists)."""
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})


def _matched(match: re.Match[str] | None) -> re.Match[str]:
    # Both patterns can match the empty string, so they always match.
    assert match is not None
    return match


def _shorten(text: str, *, first: bool, last: bool) -> str:
    """An unchanged run, cut to some context on the side(s) that touch a change.

    The context ends on word boundaries and keeps its white space: the space
    or paragraph break next to a change is part of what the reader compares.
    """
    if len(text) <= CONTEXT_CHARS * 2 + 40:
        return text
    head = "" if first else text[: _matched(_WORD_REST.match(text, CONTEXT_CHARS)).end()]
    cut = len(text) - CONTEXT_CHARS
    tail = "" if last else text[_matched(_WORD_START.search(text, 0, cut)).start() :]
    skipped = len(text[len(head) : len(text) - len(tail)].split())
    if not skipped:
        return text
    return f"{head}… [{skipped} unchanged words] …{tail}"


def render_ops(ops: list[dict[str, str]], *, color: bool, full: bool = False) -> str:
    """Word-diff runs as text: red strikethrough / green on a terminal, [-…-]{+…+} otherwise."""
    parts = []
    for index, op in enumerate(ops):
        text = op["text"]
        if op["op"] == "equal":
            parts.append(text if full else _shorten(text, first=index == 0, last=index == len(ops) - 1))
        elif op["op"] == "delete":
            parts.append(click.style(text, fg="red", strikethrough=True) if color else f"[-{text}-]")
        else:
            parts.append(click.style(text, fg="green", underline=True) if color else f"{{+{text}+}}")
    return "".join(parts)


def render_diff(diff: dict[str, Any], url: str, *, color: bool, full: bool) -> str:
    old, new = diff["from"], diff["to"]
    lines = [
        url,
        f"version {old['version']} (seen {old['first_seen'][:16]} .. {old['last_seen'][:16]}) -> "
        f"version {new['version']} (first seen {new['first_seen'][:16]})",
    ]
    summary = diff.get("summary") or {}
    notes = [name.replace("_", " ") for name, value in summary.items() if value is True]
    if summary.get("words_added") or summary.get("words_removed"):
        notes.append(f"+{summary.get('words_added', 0)}/-{summary.get('words_removed', 0)} words")
    if notes:
        lines.append("changes: " + ", ".join(notes))
    if diff.get("notice"):
        lines.append(f"note: {diff['notice']}")
    if not diff["changed"]:
        lines.append("(no difference)")
        return "\n".join(lines)
    for field in ("title", "text", "captions"):
        if any(op["op"] != "equal" for op in diff[field]):
            heading = click.style(field.capitalize(), bold=True) if color else f"== {field}"
            lines += ["", heading, render_ops(diff[field], color=color, full=full)]
    for name, change in diff["values"].items():
        lines.append(f"{name}: {change['from']!r} -> {change['to']!r}")
    return "\n".join(lines)


def render_hit(number: int, hit: dict[str, Any]) -> str:
    when = hit["published"] or f"first seen {hit['first_seen'][:10]}"
    edits = f"v{hit['version']}/{hit['versions']}"
    source = f" · {hit['source']}" if hit["source"] else ""
    return (
        f"{number:>3}. {hit['title'] or '(no title)'}\n"
        f"     {hit['url']}\n"
        f"     {when} · {edits}{source}\n"
        f"     {hit['snippet']}"
    )


def render_change(change: dict[str, Any]) -> str:
    window = f"{(change['edited_after'] or '?')[:16]} .. {change['seen_at'][:16]}"
    words = f"+{change['words_added']}/-{change['words_removed']}"
    line = f"{window}  v{change['version']:<3} {words:>9}  {change['url']}"
    if change.get("cause") == "extractor":
        line += "\n    extractor change (a re-extraction, not the publisher's edit)"
    if change.get("kinds"):
        reverted = f" (to v{change['revert_of']})" if change.get("revert_of") else ""
        line += f"\n    kinds: {', '.join(change['kinds'])}{reverted}"
    if change["headline_changed"] and change["old_title"] is not None:
        line += f"\n    headline: {change['old_title']!r} -> {change['title']!r}"
    flags = [n for n in ("captions_changed", "dates_changed", "note_appeared") if change[n]]
    if flags:
        line += "\n    " + ", ".join(f.replace("_", " ") for f in flags)
    return line
