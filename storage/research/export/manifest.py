"""The manifest written beside every export, so a dataset can be cited and checked.

It records what was asked (the filters), what came out (rows, bytes, sha256
of each file), with which software, from which kind of database, and when.
`verify_manifest` re-checks the files against it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from newsarchive.storage.research.search.query import SearchQuery

MANIFEST_SUFFIX = ".manifest.json"


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + MANIFEST_SUFFIX)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def software_version() -> str:
    try:
        return metadata.version("newsarchive")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _query_dict(query: SearchQuery) -> dict[str, Any]:
    # Paging and sort shape a page of search results, not an export: leave them out.
    data = {k: v for k, v in asdict(query).items() if k not in ("limit", "offset", "sort")}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def manifest_text(
    fmt: str,
    query: SearchQuery,
    rows: int,
    database: str,
    detail: dict[str, Any],
    files: list[dict[str, Any]],
) -> str:
    """The manifest as JSON text; `files` are (name, bytes, sha256) entries counted while writing."""
    manifest = {
        "format": fmt,
        "created": datetime.now(UTC).isoformat(),
        "software": {"name": "newsarchive", "version": software_version()},
        "database": database,  # the backend only: a URL could carry credentials
        "query": _query_dict(query),
        "rows": rows,
        "files": files,
        **detail,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def verify_manifest(path: Path) -> list[str]:
    """Problems found checking the files a manifest lists (an empty list: all good)."""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for entry in manifest["files"]:
        file = path.parent / entry["name"]
        if not file.exists():
            problems.append(f"{entry['name']}: missing")
        elif sha256_file(file) != entry["sha256"]:
            problems.append(f"{entry['name']}: sha256 differs from the manifest")
    return problems
