"""The WARC compressor writes ordinary gzip members, with or without ISA-L."""

from __future__ import annotations

import gzip
import zlib

import pytest

from newsarchive.storage.warc import compress as warc_gzip

PAGE = (
    b"<html><body>"
    + b"".join(b"<p>paragraph %d of the story</p>" % i for i in range(2000))
    + b"</body></html>"
)


def _member(compressor: object) -> bytes:
    return compressor.compress(PAGE[:5000]) + compressor.compress(PAGE[5000:]) + compressor.flush()  # type: ignore[attr-defined]


def test_isal_member_is_plain_gzip() -> None:
    if warc_gzip.isal_zlib is None:
        pytest.skip("isal not installed")
    member = _member(warc_gzip.gzip_compressor())
    assert gzip.decompress(member) == PAGE
    assert zlib.decompress(member, zlib.MAX_WBITS + 16) == PAGE
    assert len(member) < len(PAGE) / 5
    assert warc_gzip.compressor_name() == f"isal-{warc_gzip.ISAL_LEVEL}"


def test_falls_back_to_zlib_without_isal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_gzip, "isal_zlib", None)
    compressor = warc_gzip.gzip_compressor()
    assert isinstance(compressor, type(zlib.compressobj()))
    assert gzip.decompress(_member(compressor)) == PAGE
    assert warc_gzip.compressor_name() == f"zlib-{warc_gzip.ZLIB_LEVEL}"


def test_concatenated_members_read_back_one_by_one() -> None:
    # WARC relies on each record being its own member, readable from its offset.
    first, second = _member(warc_gzip.gzip_compressor()), _member(warc_gzip.gzip_compressor())
    stream = zlib.decompressobj(zlib.MAX_WBITS + 16)
    assert stream.decompress(first + second) == PAGE
    assert stream.unused_data == second
