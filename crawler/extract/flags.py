"""Quality flags: facts about a page that make its text incomplete or suspect.

- "empty": no article text could be extracted.
- "truncated": the input was cut to the size limits (characters, tags) before extraction.
- "error": the extractor failed on this page (logged); the Article is empty.
- "paywall": the publisher marks the article as not freely accessible
  (schema.org ``isAccessibleForFree: false``, or a paywall meta tag).
- "consent-wall": what was fetched is a cookie/consent interstitial, not the
  article (short text dominated by consent wording).
"""

from __future__ import annotations

import re

_PAYWALL_META = ("article:content_tier", "content_tier", "paywall", "cxenseparse:paywall")
_CONSENT = re.compile(
    r"cookie|consent|privacy settings|datenschutz|einwillig|zustimm|personali[sz]ed ads|"
    r"gdpr|accept all|alle akzeptieren|tout accepter|aceptar todo|accetta",
    re.IGNORECASE,
)


def paywalled(meta: dict[str, str], free: bool | None) -> bool:
    if free is False:
        return True
    for key in _PAYWALL_META:
        value = meta.get(key, "").lower()
        if value in {"locked", "metered", "premium", "true", "paid", "subscriber", "yes"}:
            return True
    return False


def consent_walled(text: str) -> bool:
    """Short text that is mostly about cookies and consent: a wall, not an article."""
    if len(text) > 1500:
        return False
    hits = len(_CONSENT.findall(text))
    return hits >= 2 or (hits >= 1 and len(text) < 300)
