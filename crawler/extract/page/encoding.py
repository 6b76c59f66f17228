"""Turn the bytes of a fetched page into text, whatever the publisher declared.

Order of trust: a byte-order mark (unambiguous), then strict UTF-8 (bytes
in a legacy 8-bit encoding practically never form valid multi-byte UTF-8,
while pages that declare latin-1 but are UTF-8 are common), then the page's
own ``<meta charset>`` when the bytes decode with it, then the WHATWG
default for undeclared pages: windows-1252, unless charset_normalizer is
confident of another encoding that decodes the bytes cleanly where
windows-1252 reads as gibberish (a Cyrillic or Greek legacy page). The
windows-1252 decoding is total (the five bytes it leaves undefined become the
C1 controls, as in browsers), so decoding can never raise.
"""

from __future__ import annotations

import codecs
import re

# Only the head matters: the charset declaration must come in the first 1024
# bytes by the HTML standard, but real pages put it later; 8 KB is generous.
_META_WINDOW = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers treat these labels as windows-1252 (WHATWG Encoding Standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}


# charset_normalizer's "chaos" (share of implausible characters): a guess
# replaces windows-1252 only when it reads clean and windows-1252 clearly does not.
_CLEAN_CHAOS = 0.05
_CHAOS_MARGIN = 0.05
_LATIN_FAMILY = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})
# Below this many non-ASCII bytes no guess is better than the default.
_MIN_EVIDENCE = 16
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """WHATWG windows-1252: the bytes cp1252 leaves undefined map to U+0080..U+009F."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(chr(b) for b in error.object[error.start : error.end]), error.end


codecs.register_error("newsarchive-c1", _c1_controls)


def windows_1252(data: bytes) -> str:
    return data.decode("cp1252", errors="newsarchive-c1")


def _normal_codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page's meta tag, if Python knows it."""
    match = _META_CHARSET.search(data[:_META_WINDOW])
    return _normal_codec(match.group(1).decode("ascii", "ignore")) if match else None


def decode_html(data: bytes) -> str:
    """Decode page bytes to text; never raises."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    # A UTF-16 declaration inside an ASCII-readable file is a lie by definition.
    if declared and not declared.startswith("utf-16") and not declared.startswith("utf-32"):
        if declared == "cp1252":
            return windows_1252(data)
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    return _confident_guess(data) or windows_1252(data)


def _confident_guess(data: bytes) -> str | None:
    """Another encoding than windows-1252, only when the detector is sure of it."""
    if len(_NON_ASCII.findall(data, 0, 200_000)) < _MIN_EVIDENCE:
        return None
    try:
        from charset_normalizer import from_bytes

        results = list(from_bytes(data[:200_000]))
    except Exception:  # noqa: BLE001 - a guesser failing must not fail the extraction
        return None
    if not results:
        return None
    best = results[0]
    if not best.encoding or _normal_codec(best.encoding) in _LATIN_FAMILY:
        return None
    latin = [r.percent_chaos / 100 for r in results if _normal_codec(r.encoding) in _LATIN_FAMILY]
    best_chaos = best.percent_chaos / 100
    if best_chaos > _CLEAN_CHAOS or (latin and min(latin) <= best_chaos + _CHAOS_MARGIN):
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
