"""`newsarchive warc index`: one sorted CDXJ index of the archive's WARC directory, kept up to date.

The index (`<data dir>/indexes/index.cdxj` by default, the place pywb's
collections keep theirs) lists every capture record of every WARC file, so
pywb can replay the archive's own directory (`docs/research.md` shows the
configuration). It is incremental: a state file beside it (`.state.json`)
holds how far each file was indexed, and WARC files only grow, so a run
reads only the records written since the last one. A file that shrank (a
torn tail repaired) or vanished has its lines dropped and, if still there,
is indexed again from the start. New lines are merged into the sorted index
as it is rewritten, and the index and its state are each replaced whole
(write to a temporary file, rename), so a crash mid-run leaves the previous
index, which the next run brings up to date.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.storage.warc.cdxj import index_records
from newsarchive.storage.warc.check import warc_files

STATE_SUFFIX = ".state.json"


@dataclass
class IndexRun:
    index: Path
    files: int = 0  # WARC files in the directory
    read: int = 0  # files read (in part or whole) this run
    added: int = 0  # lines added
    dropped: int = 0  # lines removed (files that shrank or vanished)
    lines: int = 0  # lines in the index now
    incomplete: list[str] = field(default_factory=list)  # "file: why" where reading stopped early


def default_index(home: Path) -> Path:
    return home / "indexes" / "index.cdxj"


def _load_state(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): int(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _replace(path: Path, lines: Iterable[str]) -> int:
    """Write lines to `path` whole (temporary file, fsync, rename); return how many."""
    count = 0
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, on every path)
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            for line in lines:
                handle.write(line + "\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
    return count


def _existing(index: Path, dropped_files: set[str], run: IndexRun) -> Iterator[str]:
    """The lines already in the index, less those of files indexed again or gone."""
    if not index.is_file():
        return
    with index.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line:
                continue
            if dropped_files and _filename(line) in dropped_files:
                run.dropped += 1
                continue
            yield line


def _unique(lines: Iterable[str]) -> Iterator[str]:
    """Sorted lines with repeats dropped (a record read twice gives the same line twice)."""
    last = None
    for line in lines:
        if line != last:
            yield line
        last = line


def _filename(line: str) -> str:
    try:
        return str(json.loads(line.split(" ", 2)[2]).get("filename", ""))
    except (IndexError, ValueError):
        return ""


def update_index(warc_dir: Path, index: Path) -> IndexRun:
    """Bring `index` up to date with every WARC file in `warc_dir`; return what changed."""
    index.parent.mkdir(parents=True, exist_ok=True)
    state_path = index.with_name(index.name + STATE_SUFFIX)
    state = _load_state(state_path) if index.is_file() else {}
    run = IndexRun(index)
    files = warc_files(warc_dir)
    run.files = len(files)
    present = {path.name for path in files}
    dropped = {name for name in state if name not in present}
    new_lines: list[str] = []
    new_state: dict[str, int] = {}
    for path in files:
        done = state.get(path.name, 0)
        size = path.stat().st_size
        if size < done:  # truncated since (a torn tail repaired): its old lines may point past the end
            dropped.add(path.name)
            done = 0
        if size == done:
            new_state[path.name] = done
            continue
        with path.open("rb") as handle:
            found = index_records(handle, path.name, start=done, stop=size)
        run.read += 1
        new_lines.extend(found.lines)
        new_state[path.name] = found.end
        if found.problem:
            run.incomplete.append(f"{path.name}: {found.problem} at byte {found.end}")
    run.added = len(new_lines)
    if run.added or dropped or not index.is_file():
        new_lines.sort()
        run.lines = _replace(index, _unique(heapq.merge(_existing(index, dropped, run), new_lines)))
    else:
        run.lines = sum(1 for _ in _existing(index, set(), run))
    # The state follows the index: after a crash between the two, the next run reads some
    # records again, whose identical lines the merge keeps once.
    _replace(state_path, [json.dumps({"files": new_state}, sort_keys=True)])
    return run
