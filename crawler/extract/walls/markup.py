"""What the page's markup says about walls, read once from the untouched tree.

The body pass prunes the tree (banners, modals, forms go first), so these
signals are read before it: the names of consent managers, paywall and
challenge scripts in ids, classes and script sources; a password field;
the page's title and first headings; and the whole page's visible text,
which for a wall is the wall itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

# Consent-management platforms and their containers (OneTrust, Didomi,
# Sourcepoint, Quantcast, Cookiebot, Usercentrics, TrustArc, Google Funding
# Choices, Iubenda) and the generic names sites give their own walls.
_CONSENT_NAMES = re.compile(
    r"onetrust|ot-sdk|didomi|sp_message|sourcepoint|qc-cmp|cmpbox|cookiebot|usercentrics|truste|"
    r"fc-consent|iubenda|consent|cookie-?(?:banner|wall|notice|layer)|gdpr|guce"
)
_PAYWALL_NAMES = re.compile(
    r"paywall|pay-wall|piano|tp-modal|tp-container|regwall|subscriber-only|subscription-wall|"
    r"article-locked|locked-content|is-locked|premium-(?:wall|teaser|content)|meter-wall|plus-teaser"
)
_CHALLENGE_NAMES = re.compile(
    r"cf-browser-verification|cf_chl_|cf-challenge|challenge-platform|challenge-form|px-captcha|"
    r"pxcaptcha|captcha-delivery|g-recaptcha|h-captcha|hcaptcha|cf-turnstile|_incapsula_resource|"
    r"sec-if-cpt|ak-challenge|datadome"
)
# Text a reader sees: not scripts, styles, templates or inline drawings.
_TEXT = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::svg)]"
)
# Enough of the page's text to judge it; a wall is short, an article is decided long before.
_MAX_TEXT = 20_000


@dataclass(frozen=True)
class Markup:
    title: str = ""
    headings: tuple[str, ...] = ()
    visible_text: str = ""  # lower-cased, at most _MAX_TEXT characters
    consent: bool = False
    paywall: bool = False
    challenge: bool = False
    password_field: bool = False

    @property
    def visible_words(self) -> int:
        return count_words(self.visible_text)


# Chinese and Japanese are written without spaces: two of these characters
# count as one word, about the length of a word in those languages.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words in any script: spaced words, plus unspaced CJK characters two to a word."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = len(_UNSPACED.sub(" ", text).split()) if unspaced else len(text.split())
    return spaced + unspaced // 2


def read_markup(tree: HtmlElement) -> Markup:
    """The wall signals of a parsed page (the tree is not changed)."""
    names: list[str] = []
    password = False
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        attrib = element.attrib
        for key in ("id", "class", "src", "action"):
            value = attrib.get(key)
            if value:
                names.append(value)
        if element.tag == "input" and attrib.get("type", "").lower() == "password":
            password = True
    joined = " ".join(names).lower()
    title = next((" ".join(t.text_content().split()) for t in tree.iterfind(".//title")), "")
    headings = tuple(" ".join(h.text_content().split()) for h in tree.iterfind(".//h1"))[:2]
    return Markup(
        title=title.lower(),
        headings=tuple(h.lower() for h in headings),
        visible_text=_visible_text(tree),
        consent=bool(_CONSENT_NAMES.search(joined)),
        paywall=bool(_PAYWALL_NAMES.search(joined)),
        challenge=bool(_CHALLENGE_NAMES.search(joined)),
        password_field=password,
    )


def _visible_text(tree: HtmlElement) -> str:
    body = tree.find(".//body")
    root = body if body is not None else tree
    pieces = _TEXT(root)
    parts: list[str] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size > _MAX_TEXT:
            break
    return " ".join(" ".join(parts).split())[:_MAX_TEXT].lower()
