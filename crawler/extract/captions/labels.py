"""What sits in a caption slot but is not a caption.

Widgets reuse figure and caption markup: ad slots ("Advertisement",
"Powered by X"), share bars, gallery controls ("Click to enlarge",
"1 / 12"), author cards (a portrait, the name, a date). They are recognised
by what they say (a label and nothing else) and by markup semantics
(``<address>``, ``rel=author``, ``<time>``), not by publisher class names.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newsarchive.crawler.extract.captions.credit import CREDIT_WORDS

# A whole caption that is only one of these is a widget's label.
_LABEL = re.compile(
    r"^\s*(?:"
    r"(?:powered|sponsored|presented|brought to you|supported|in partnership with) by\b[^.,:;!?]{0,40}"
    r"|(?:ad|ads|advert|advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklame|"
    r"annonce|sponsored|sponsored content|paid content|partner content|promoted|promotion)"
    r"|(?:share(?: this| on \w+)?|teilen|partager|compartir|condividi|delen|tweet|pin it)"
    r"|(?:click|tap)(?: here)? to (?:enlarge|expand|zoom|view|open)\b.{0,30}"
    r"|(?:enlarge|expand|zoom(?: in)?|full ?screen|vergrößern|bild vergrößern|agrandir|ampliar|ingrandisci)"
    r"|(?:open|view|see|show|zur) (?:the )?(?:gallery|galerie|slideshow|bildergalerie|photos|images|all \d+ photos)"
    r"|(?:play|watch)(?: video)?|video|audio|listen|anhören"
    r"|(?:previous|next|prev|zurück|weiter|vorheriges|nächstes)(?: (?:image|photo|bild|slide))?"
    r")\s*[.:!»›>]?\s*$",
    re.I,
)
# "1 / 12", "3 of 12", "Bild 2 von 9", "Foto 1/5", "Image 4 sur 10": a gallery counter.
_COUNTER = re.compile(
    r"^\s*(?:(?:image|photo|picture|slide|bild|foto|imagen|immagine)\s*)?\d{1,3}\s*(?:/|of|von|sur|de|di|van|z)\s*\d{1,3}\s*$",
    re.I,
)
# The same counter at either end of a real caption: cut, the caption stays.
_EDGE_COUNTER = re.compile(
    r"^\s*(?:(?:image|photo|bild|foto)\s*)?\d{1,3}\s*(?:/|of|von)\s*\d{1,3}\s*[|:–-]?\s+"
    r"|\s+[|–-]?\s*(?:(?:image|photo|bild|foto)\s*)?\d{1,3}\s*(?:/|of|von)\s*\d{1,3}\s*$",
    re.I,
)
# Only a date or a time (an author card's timestamp, a gallery's upload date).
_STAMP = re.compile(
    r"^[\s\d.,:/–-]*(?:uhr|h|am|pm|gmt|utc|cet|cest)?[\s\d.,:/–-]*$",
    re.I,
)
# "Photo: X" alone is only a credit, not a caption.
_ONLY_CREDIT = re.compile(rf"^\s*(?:{CREDIT_WORDS})\s*[:/]?\s*\S.*$", re.I)
# "By Jane Doe", "Von Monique de Cleur": a byline in a caption-styled slot (a few capitalised words).
_BYLINE = re.compile(
    r"^\s*(?i:by|von|par|por|di|door|av|af|de)\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+|$)(?:(?:de|van|von|der|da|di|le|la)\s+)?){1,4}$"
)
# Reading time, an author card's other line.
_READING_TIME = re.compile(r"\b(?:lesezeit|reading time|min(?:ute)?s? read|temps de lecture)\b", re.I)


def without_counter(text: str) -> str:
    """The caption without a gallery counter at its start or end ("2 / 12 Fans at the match")."""
    return _EDGE_COUNTER.sub("", text).strip()


def is_label(text: str) -> bool:
    """Whether a caption slot's text is a widget label, a counter, a byline or a bare date, not a caption."""
    if _LABEL.match(text) or _COUNTER.match(text) or _BYLINE.match(text):
        return True
    if _READING_TIME.search(text) and len(text.split()) <= 10:
        return True
    return bool(_STAMP.match(text)) and any(ch.isdigit() for ch in text)


def is_only_credit(text: str) -> bool:
    """ "Photo: Jane Doe" with nothing else: a credit line without a caption."""
    return bool(_ONLY_CREDIT.match(text)) and len(text.split()) <= 5


def is_person_card(node: HtmlElement) -> bool:
    """An author or contributor card dressed as a figure: it holds a byline's markup."""
    # Not itemprop=author: inside an ImageObject that is the photographer, a credit.
    for el in node.iter("address", "a", "time"):
        if el.tag != "a" or "author" in (el.get("rel") or "").split():
            return True
    return False
