"""Where the archive lives: the data directory and the database URL.

Resolution order, most specific first: an explicit argument (the CLI's
`--db`/`--home`), then `NEWSARCHIVE_DB` / `NEWSARCHIVE_HOME`, then the default
data directory `$XDG_DATA_HOME/newsarchive` (normally ~/.local/share/newsarchive).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "newsarchive"


@dataclass(frozen=True)
class ArchiveConfig:
    home: Path
    db_url: str

    @property
    def warc_dir(self) -> Path:
        return self.home / "warc"

    @classmethod
    def resolve(cls, home: str | Path | None = None, db_url: str | None = None) -> ArchiveConfig:
        home_path = Path(home or os.environ.get("NEWSARCHIVE_HOME") or default_home()).expanduser()
        url = db_url or os.environ.get("NEWSARCHIVE_DB") or f"sqlite:///{home_path / 'archive.db'}"
        return cls(home=home_path, db_url=url)
