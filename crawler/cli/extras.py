"""Which optional extra a missing module belongs to, so a core install says what to install.

`pip install newsarchive` (no extras) captures, crawls, revisits, searches and
exports JSON Lines and CSV. The rest needs an extra; a command reaching for
one that is not installed gets one line naming it instead of a traceback.
"""

from __future__ import annotations

# Top-level module name -> the extra in pyproject.toml that installs it.
EXTRA_OF_MODULE = {
    "scrapy_redis": "redis",
    "redis": "redis",
    "psycopg": "postgres",
    "psycopg_binary": "postgres",
    "fastapi": "api",
    "fastapi_offline": "api",
    "uvicorn": "api",
    "jinja2": "api",
    "starlette": "api",
    "pyarrow": "parquet",
    "datasette": "datasette",
}

WHAT_NEEDS_IT = {
    "redis": "distributed crawling (--redis)",
    "postgres": "a PostgreSQL database",
    "api": "the web server (serve)",
    "parquet": "Parquet export",
    "datasette": "Datasette",
}


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The extra that provides the module `exc` could not import (None: not one of ours)."""
    name = (exc.name or "").split(".")[0]
    return EXTRA_OF_MODULE.get(name)


def extra_hint(extra: str, exc: ModuleNotFoundError | None = None) -> str:
    """One line: what needs the extra and the pip command that installs it."""
    missing = f" ({exc.name} is not installed)" if exc is not None and exc.name else ""
    return f"{WHAT_NEEDS_IT[extra]} needs the {extra} extra{missing}: pip install 'newsarchive[{extra}]'"
