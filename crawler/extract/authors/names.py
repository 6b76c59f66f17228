"""Author names, cleaned to a list of people (or the desk that signs).

Sources in order of trust: JSON-LD ``author``, ``<meta name="author">`` and
similar, then the byline trafilatura found in the page. Values arrive as
"By Jane Doe and John Roe, Staff Writers", "Von Max Muster", "jane@x.com",
URLs of author pages, or lists; this module turns them into clean names.
"""

from __future__ import annotations

import html
import re
import unicodedata

from newsarchive.crawler.extract.keys import squash

# Leading "By"/"Von"/"Par"/... bylines, in the languages of the test sets and near neighbours.
_BY = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|reviewed\s+by|words\s+by|text\s+by|by|von|par|por|di|da|door|av|af|"
    r"autor(?:in)?|author|auteur|redakcja|text|texte)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# "&" is not a separator: "Maria & Katerina" sign as one, and so do firms.
_SPLIT = re.compile(r"\s*(?:;|\||,|\n|\s+(?:and|und|et|y|e|en|och|og|i|with)\s+)\s*", re.IGNORECASE)
_ROLE = re.compile(
    r"\b(?:staff\s+writer|senior\s+\w+\s+writer|contributing\s+writer|correspondent|reporter|editor(?:-at-large)?|"
    r"columnist|contributor|redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|photographer|"
    r"for\s+the\s+\w+.*|is\s+a\s+.*|ist\s+.*)$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_DATE_WORDS = re.compile(r"\b(?:updated|published|aktualisiert|\d{1,2}:\d{2}|\d{4})\b", re.IGNORECASE)
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A byline glued to its date: "Jane Doe Dec. 3", "Jane Doe December". A bare "May",
# "June", "April" ... ends many names ("Tom May"), so those need the day after them.
_TRAILING_MONTH = re.compile(
    rf"\s*[•·|,-]?\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|"
    r"january|february|march|september|october|november|december),?$",
    re.IGNORECASE,
)
# Layouts glue the byline to what follows it: "Jane DoeFounder at X", "Jane DoeHi there!".
_GLUED = re.compile(
    r"(?<=[a-z])(?:Research|Founder|Co-|Hi\b|Writer|Editor|Head|Content|Senior|Chief|Author|Director|Manager|"
    r"CEO|Marketing|Staff|Contributor|Reporter|Journalist|Photographer|Published|Updated|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)"
)
_GLUED_BY = re.compile(r"^(?:By|Von|Par|Por)(?=[A-Z])")
_LEAD_IN = re.compile(
    r"^(?:read more (?:about|from)|more (?:about|from)|about the author:?|about|"
    r"this (?:post|article|story|piece) was written by)\s+",
    re.IGNORECASE,
)
_NOT_NAME_WORDS = re.compile(
    r"\b(?:privacy|policy|terms|cookies?|subscribe|newsletter|login|sign in)\b", re.I
)
_ONLY_MONTH = re.compile(rf"^(?:{_MONTH})\.?$", re.IGNORECASE)
_LABEL = re.compile(r"^(?:authors?|autoren|auteurs?|autores|written by|posted by)\s*:?\s+", re.IGNORECASE)
# Job titles glued after a name by the page layout ("Jane Doe Senior Writer", "Jane DoeCo-founder").
_TRAILING_ROLE = re.compile(
    r"(?<=[a-zà-ÿ])\s*(?:senior |chief |lead |head |staff |managing |contributing |content |former )*"
    r"(?:writer|editor|founder|co-founder|ceo|cto|coordinator|manager|consultant|expert|director|author|"
    r"contributor|journalist|reporter|specialist|strategist|analyst|winemaker|marketing\b.*|posts)\b.*$",
    re.IGNORECASE,
)
_ROLE_WORDS = frozenset(
    [
        "chief",
        "senior",
        "junior",
        "lead",
        "head",
        "staff",
        "managing",
        "executive",
        "editor",
        "writer",
        "reporter",
        "architect",
        "officer",
        "founder",
        "co-founder",
        "director",
        "manager",
        "consultant",
        "expert",
        "engineer",
        "analyst",
        "correspondent",
        "contributor",
        "columnist",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "president",
        "vice",
        "sr",
        "jr",
        "of",
        "the",
        "and",
        "team",
        "member",
        "editorial",
    ]
)
_NOT_NAMES = frozenset(
    {
        "the author",
        "author",
        "admin",
        "administrator",
        "staff",
        "editor",
        "guest",
        "unknown",
        "written by",
        "by",
    }
)


def _name_from_url(value: str) -> str | None:
    # article:author is often the author's page: ".../author/jane-doe/" -> "Jane Doe".
    slug = value.rstrip("/").rsplit("/", 1)[-1]
    if not slug or not re.fullmatch(r"[a-z]+(?:[-_][a-z]+){1,3}", slug):
        return None
    return " ".join(w.capitalize() for w in re.split(r"[-_]", slug))


def clean_name(raw: str) -> str | None:
    name = unicodedata.normalize("NFC", html.unescape(raw))
    name = _EMAIL.sub("", name)
    name = " ".join(name.split()).strip(" ,;:|-–—·•")
    if not name:
        return None
    if _URL.match(name):
        return _name_from_url(name)
    glued = _GLUED.search(name)
    if glued:
        name = name[: glued.start()]
    name = _LEAD_IN.sub("", _GLUED_BY.sub("", name))
    name = _LABEL.sub("", _BY.sub("", name))
    name = _ROLE.sub("", name).strip(" ,;:|&-–—\"'“”‘’«»")
    name = _TRAILING_MONTH.sub("", name)
    name = _TRAILING_ROLE.sub("", name).strip(" ,;:|-–—•·")
    # Parentheses are part of a name ("Jean-Luc Aufranc (CNXSoft)") only when balanced.
    if name.count("(") != name.count(")"):
        name = name.strip("()").replace("(", "").replace(")", "").strip()
    if (
        not name
        or _ONLY_MONTH.match(name)
        or name.casefold() in _NOT_NAMES
        or ":" in name
        or _NOT_NAME_WORDS.search(name)
    ):
        return None
    if all(w.casefold().strip(".") in _ROLE_WORDS for w in name.split()):
        return None
    # A user handle ("andrew.keaveney", "jdoe_42") is not a display name.
    if " " not in name and re.search(r"[._\d@]", name):
        return None
    # Bylines glued to a date or a long sentence are not names.
    if not name or len(name) > 60 or len(name.split()) > 6 or _DATE_WORDS.search(name):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    if name.isupper() and len(name) > 4:
        name = name.title()
    return name


# Reviewers and editors credited after the byline are not its authors.
_CREDIT_TAIL = re.compile(
    r"\s*[,;|·•]?\s*\b(?:(?:medically|expert|legally)\s+)?(?:reviewed|edited|fact[- ]?checked|verified)\s+by\b.*$",
    re.IGNORECASE,
)


def split_names(value: str) -> list[str]:
    value = " ".join(value.split())
    cut = _CREDIT_TAIL.sub("", value)
    value = _BY.sub("", cut if cut.strip() else value)
    return [p for p in _SPLIT.split(value) if p]


def clean_authors(values: list[str]) -> list[str]:
    """Split, clean and de-duplicate author strings, keeping their order."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        for part in split_names(value):
            name = clean_name(part)
            if not name:
                continue
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names


def without_site(names: list[str], sites: list[str]) -> list[str]:
    """Names with the site's name cut off their end ("Brian Truitt USA TODAY" -> "Brian Truitt")."""
    out = []
    for name in names:
        for site in sites:
            site = " ".join(site.split())
            if site and len(name) > len(site) + 3 and name.casefold().endswith(" " + site.casefold()):
                rest = name[: -len(site)].rstrip(" ,;:|-–—·•")
                # "CEO of Acme" is a phrase about the site, not a name with the site glued on.
                if rest.rsplit(" ", 1)[-1].casefold() not in _ROLE_WORDS | {"at", "for", "from", "with"}:
                    name = rest
                break
        out.append(name)
    return out


def is_site_name(name: str, sites: list[str]) -> bool:
    """True when ``name`` is the site's own name ("USA TODAY", ", USA TODAY", "Cleveland Clinic")."""
    key = squash(name)
    return bool(key) and any(key == squash(site) for site in sites if site)
