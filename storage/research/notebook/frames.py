"""Records as a pandas DataFrame; pandas is an extra (`pip install 'newsarchive[notebook]'`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

INSTALL = "pandas is not installed: pip install 'newsarchive[notebook]' (or pip install pandas)"


class PandasMissing(ImportError):
    """DataFrames were asked for where pandas is not installed; the message says what to install."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise PandasMissing(INSTALL) from None
    return pandas


def to_frame(records: Iterable[Any], record_type: type) -> Any:
    """One row a record, one column a field of `record_type` (a record dataclass), in field order.

    The columns are there even when there are no records, so code that
    filters a frame works on an empty result too. Times stay timezone-aware (UTC).
    """
    pandas = _pandas()  # before reading anything: a missing extra fails at once
    names = [field.name for field in fields(record_type)]
    rows = ([getattr(record, name) for name in names] for record in records)
    return pandas.DataFrame.from_records(rows, columns=names)
