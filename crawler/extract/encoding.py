"""Turn the bytes of a fetched page into text, whatever the publisher declared.

Order of trust: a byte-order mark (unambiguous), then strict UTF-8 (bytes
in a legacy 8-bit encoding practically never form valid multi-byte UTF-8,
while pages that declare latin-1 but are UTF-8 are common), then the page's
own ``<meta charset>`` when the bytes decode with it, then
charset_normalizer's guess, and as a last resort UTF-8 with replacement
characters so that decoding can never raise.
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
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # noqa: BLE001 - a guesser failing must not fail the extraction
        pass
    return data.decode("utf-8", errors="replace")
