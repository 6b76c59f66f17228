"""Page furniture that must not reach the archived text.

Two passes, both generic: XPath expressions for widgets that are recognisable
by their markup (comment forms, share bars, back-to-top buttons, related
links), given to trafilatura as ``prune_xpath``; and a line filter over the
extracted text for the same furniture when it comes without telling markup.
The line filter matches whole lines only, so an article that *discusses*
"leave a reply" keeps its sentence.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newsarchive.crawler.extract.dates.calendar_text import MONTHS

# Class/id tokens of widgets; matched with contains() on @class/@id.
_WIDGET_TOKENS = (
    "comment-respond",
    "comment-form",
    "commentform",
    "comments-area",
    "comment-list",
    "back-to-top",
    "backtotop",
    "back_to_top",
    "scroll-to-top",
    "scrolltop",
    "go-to-top",
    "sharedaddy",
    "share-buttons",
    "social-share",
    "share-bar",
    "sharebar",
    "social-icons",
    "jp-relatedposts",
    "related-posts",
    "relatedposts",
    "yarpp-related",
    "newsletter-signup",
    "post-navigation",
    "author-bio",
    "cookie-banner",
)
# Weaker signals: themes also put these words on big content wrappers
# ("cc-newsletter" on a whole post section), so only small elements go.
_SMALL_WIDGET_TOKENS = (
    "table-of-contents",
    "ez-toc",
    "toc-container",
    "newsletter",
    "subscribe-box",
    "breadcrumb",
    "post-tags",
    "tag-list",
    "disclosure",
    "author-box",
    "read-time",
    "reading-time",
)


_WIDGET = re.compile("|".join(re.escape(t) for t in _WIDGET_TOKENS), re.IGNORECASE)
_SMALL_WIDGET = re.compile("|".join(re.escape(t) for t in _SMALL_WIDGET_TOKENS), re.IGNORECASE)
_SMALL = 600  # characters of text
# Every token above contains one of these: a C-level substring test on them
# skips the regexes for the great majority of class names.
_KEYWORDS = (
    "comment", "top", "share", "social", "related", "newsletter", "navigation", "bio", "cookie", "toc",
    "contents", "breadcrumb", "tag", "disclosure", "author", "time", "subscribe", "respond", "reply",
    "disqus", "sharedaddy", "relatedposts",
)  # fmt: skip
# One compiled alternation tests all of them in C (a third of the generator's cost).
_KEYWORD = re.compile("|".join(map(re.escape, _KEYWORDS)))
_WIDGET_IDS = frozenset({"respond", "comments", "reply-title", "disqus_thread"})
_BACK_TO_TOP = re.compile(r"^\W*(?:back to top|to top|top|nach oben|haut de page)\W*(?:button)?\W*$", re.I)
_HOVER_CARD = "//p//span[.//img][count(.//a) >= 2][not(.//span[.//img][count(.//a) >= 2])]"
_CARD_LINK_SHARE = 0.8
# Never prune the document skeleton, even when a theme puts a token on it.
_KEEP = frozenset({"html", "body", "main", "article"})


def _remove(node: HtmlElement) -> None:
    """Remove ``node`` but keep its tail text, which belongs to the parent."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail and node.tail.strip():
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _widget_nodes(tree: HtmlElement) -> list[HtmlElement]:
    # Attribute values come back from XPath as plain strings: testing them
    # avoids building a Python proxy for every element of the page, which
    # costs more than the rest of this pass.
    found: dict[int, HtmlElement] = {}
    for value in tree.xpath("//@class | //@id"):
        low = value.lower()
        if not _KEYWORD.search(low):
            continue
        strong = bool(_WIDGET.search(value)) or value.lower() in _WIDGET_IDS
        if not strong and not _SMALL_WIDGET.search(value):
            continue
        node = value.getparent()
        if node is None or not isinstance(node.tag, str) or node.tag in _KEEP:
            continue
        if not strong and len(node.text_content()) >= _SMALL:
            continue
        found[id(node)] = node
    for node in tree.xpath("//form[.//textarea]"):
        found[id(node)] = node
    # A hover card: an inline <span> inside a paragraph that carries a picture
    # and several links (a person's photo, profile and latest stories), shown
    # on hover; its text would run into the sentence ("Rep. Jane DoeJane Doe…").
    # Only the innermost such span, and only when links are nearly all its text:
    # a span wrapping a whole sentence with an inline picture is prose.
    for node in tree.xpath(_HOVER_CARD):
        text = len(node.text_content().strip())
        if text and sum(len(a.text_content().strip()) for a in node.iter("a")) >= _CARD_LINK_SHARE * text:
            found[id(node)] = node
    for node in tree.xpath("//a[starts-with(@href, '#')][not(*[3])] | //button[not(*[3])]"):
        if _BACK_TO_TOP.match(node.text_content() or ""):
            found[id(node)] = node
    return list(found.values())


def prune_widgets(tree: HtmlElement) -> int:
    """Remove comment forms, share bars, back-to-top links and related-link widgets in place."""
    doomed = _widget_nodes(tree)
    for node in doomed:
        _remove(node)
    return len(doomed)


# Whole lines of furniture, in English and the other languages of our sources.
_LINE_PATTERNS = [
    r"leave a (?:reply|comment)(?: cancel reply)?",
    r"(?:cancel reply|post comment|submit comment|add comment|comments?|\d+ comments?|no comments(?: yet)?)",
    r"your email address will not be published\.?(?: required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"back to top(?: button)?",
    r"(?:go|scroll) to top",
    r"nach oben(?: scrollen)?",
    r"(?:share|teilen|partager|compartir)(?: (?:this|on|via|the|article|story|post|artikel)\b.*)?:?",
    r"click to (?:share|email|print) .*",
    r"(?:related (?:articles?|posts?|stories|content|news)|you (?:may|might) also like|read (?:more|next)|"
    r"more from .{1,40}|recommended(?: for you)?|mehr zum thema|das könnte sie auch interessieren|"
    r"lesen sie auch)\s*:?",
    r"(?:like this|like loading)\.*",
    r"(?:advertisement|anzeige|werbung|publicité|publicidad)",
    r"skip to (?:main )?content",
    r"(?:follow us|folgen sie uns)(?: on .{1,40})?:?",
    r"(?:tweet|pin it|email|print|whatsapp|facebook|twitter|linkedin|reddit)",
    r"(?:sign up|subscribe) (?:to|for) (?:our|the) .{0,40}newsletter.{0,60}",
    r"this (?:site|website) uses cookies.*",
    r"(?:advertisement|anzeige|werbung)+(?::.{0,60})?",
    r"(?:table of contents|inhaltsverzeichnis|contents|inhalt|sommaire|índice)",
    r"back to (?:blogs?|news|articles?|home|all (?:posts|articles)|overview)",
    r"skip (?:to|navigation).{0,30}",
    r"tags?:.{0,200}",
    r"(?:trending(?: now)?|sign (?:up|in)|log ?in|register|subscribe(?: now| here| today)?!?|newsletters?)",
    r"(?:join|sign up for|subscribe to|get) (?:our|the|my) .{0,40}(?:newsletter|mailing list).{0,120}",
    r"(?:next|previous|prev) (?:article|post|story):?.{0,120}",
    r"(?:written|posted|reviewed|edited|fact[- ]checked) by .{2,60}",
    r"[-–•]?\s*\d+\s*(?:min(?:ute)?s?|minuten?) (?:read|lesezeit|de lecture)(?: time)?",
    r"(?:lesezeit|reading time|read time):?\s*\d+\s*(?:min(?:ute)?s?|minuten?)",
    r"(?:you (?:may|might) also like|lesen sie auch|auch interessant):.{0,160}",
    r"follow (?:us|me)\b.{0,40}|follow (?:(?-i:[A-Z])[\w.-]*\s?){1,4}",
    r"(?:pin (?:it|for later)|print(?: this)?(?: article| recipe| page)?|jump to (?:the )?(?:list|recipe|section|content))",
    r"(?:book a (?:free )?(?:demo|call|consultation)|request a (?:free )?(?:quote|demo)|contact us|get in touch"
    r"|share your story|learn more|read more|get started(?: today| now| for free)?|sign up(?: now| today| for free)?"
    r"|subscribe(?: to (?:us|our \w+))?|join (?:our|the) \w+(?: \w+)?|partner links|browse related articles)[.!:]?",
    r"(?:was this (?:article|issue|page|post) helpful\??|how was this (?:issue|article)\??)",
    # Navigation crumbs and labels standing alone on a line.
    r"(?:home|tags?|categories|category|menu|search)",
    # Affiliate and sponsorship disclosures.
    r"(?:(?:affiliate )?disclosure|advertiser disclosure|editorial disclosure):.{0,400}",
    r"(?:products are (?:chosen|selected) independently|we (?:may )?earn (?:a )?(?:small )?commission"
    r"|this (?:post|article|page) (?:may )?contains? affiliate links).{0,300}",
    # Calls to action: newsletters, notifications, social groups, support.
    r"stay (?:connected|in touch|tuned)(?: with (?:me|us))?[.!]?",
    r"would you like to receive notifications.{0,80}",
    r"get (?:the best of )?.{1,60} delivered (?:straight )?to your inbox.{0,40}",
    r"join medium for free.{0,80}",
    r"(?:please )?select which sections you would like to print:?",
    r"want to use code from this post\?.{0,60}",
    r"this (?:story|article|journalism|work) is (?:funded|made possible|supported) by (?:readers|members|donors).{0,60}",
    r"help (?:me|us) spread the word.{0,80}",
    r"join (?:the|our|my) .{0,40}(?:facebook|telegram|discord|whatsapp) (?:group|community|channel).{0,120}",
    r"why trust us\??",
    r"(?:love|enjoy(?:ing)?|like) .{1,60}\? (?:tell|share (?:it )?with) your friends.{0,80}",
    r"want more from .{1,40}\? (?:sign up|subscribe|follow).{0,160}",
    r"(?:see also|also read|read also|related):.{0,160}",
    r"(?:featured? image|header image|cover image|hero image)(?: credits?)?(?: by| via|:).{0,300}",
    r"did you (?:make|try) (?:one of my|this|these|any of my) recipes?\?.{0,400}",
    r".{0,150}\bif you (?:liked|enjoyed) this (?:article|post|story|piece|issue)\b.{0,300}",
    r".{0,150}\bfollow us on (?:facebook|instagram|twitter|x|tiktok|linkedin|youtube|threads|bluesky)\b.{0,150}",
    r"fill out (?:the|our|this) (?:short )?form (?:for|to|and|below).{0,200}",
    # Article tools and reprint notices.
    r"[-•]?\s*(?:order reprints?|print article|reprint rights|reprints? (?:&|and) permissions)",
    r"this copy is for your personal,? non-commercial use only.{0,300}",
    r"an error has occurred,? please try again(?: later)?\.?",
    r"(?:write to|e-?mail) .{2,60} at \S+@\S+\.\w+\.?",
    # A line that is only a publication or update stamp.
    r"(?:updated|last updated|published|aktualisiert|veröffentlicht|mis à jour|publié)(?: on| at| am| le|:)?"
    r"\s+[\w ,.:/-]{0,40}\d[\w ,.:/-]{0,40}",
    r"\d{4}年\d{1,2}月\d{1,2}日[\s\d時分:：()（）月日更新]*",
    r"(?:おすすめ情報|関連記事|関連ニュース|相关新闻|相關新聞|관련기사)",
    r"\[?(?:read more|related|see also|also read):.{1,160}\]?",
    r"(?:you (?:may|might) also like|recommended (?:videos?|stories|articles|reading))[.…:]*",
    r"(?:lesedauer|lesezeit):?\s*\d+\s*(?:min(?:ute)?n?|minuten?)\.?",
    r"(?:sign up for our (?:e-?mails?|newsletters?|alerts)|get the latest .{1,60} in your inbox)[.!]?",
    r"we independently (?:select|choose|review|research).{0,300}",
    r"filed under:.{1,160}",
    r"follow (?:us|the \S+(?: \S+){0,5}) on (?:facebook|instagram|twitter|x|tiktok|linkedin|youtube)\b.{0,150}",
    r"[—–-]?\s*(?:\S+(?: \S+){0,12} )?contributed to this (?:report|story|article)\.?",
    r"\((?:quelle|source|fuente|fonte|źródło):? .{1,60}\)",
    # Teaser labels and reader calls to action that news sites put between paragraphs.
    r"(?:see more|more on this(?: story)?):.{1,160}",
    r"(?:don['’]?t miss|do not miss|must read)(?: this)?[.!:]?",
    r"have a (?:news )?tip\?.{0,250}",
    r"(?:like|enjoy(?:ed)?|love) this (?:story|article|post)\? (?:share|tell|send).{0,100}",
    r"tell us what you think[.!…]*",
    # "Story continues below" markers around ads and galleries, with the ad label and
    # widget names glued to them ("Advertisement embed-more-topicStory continues below").
    r"(?=.{0,120}$).{0,60}(?:story|article|text|content) continues (?:below|after (?:this|the) (?:ad|advertisement))"
    r"\b.{0,30}",
    r"(?:(?:der )?artikel (?:wird )?(?:unter|nach) der (?:anzeige|werbung) (?:fortgesetzt|weiter)"
    r"|weiterlesen nach der (?:anzeige|werbung)|(?:la )?suite (?:de l['’]article )?après (?:la|cette) publicité"
    r"|(?:el artículo|la noticia) (?:continúa|sigue) (?:después de|tras) (?:la|este) (?:publicidad|anuncio))[.…]*",
    # A short line whose sentence starts by asking for a newsletter sign-up.
    r"(?=.{0,260}$)(?:.{0,160}[.!?]\s+)?(?:sign up|subscribe)\b.{0,160}\b(?:newsletters?|inbox)\b.{0,120}",
    r"(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4}\b).{0,120}",
    r".{0,120}\ball rights reserved\b.{0,120}",
]
# A line that is only a date, with its weekday and time ("Monday, 22 January 2018 at 0:13",
# "segunda-feira, 22 de janeiro de 2018 às 0:13"): the page's date stamp, not a sentence.
# A date followed by a colon is a timeline entry's label and stays.
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi "
    "dimanche lunes martes miércoles jueves viernes sábado domingo lunedì martedì mercoledì giovedì venerdì "
    "sabato domenica segunda-feira terça-feira quarta-feira quinta-feira sexta-feira maandag dinsdag "
    "woensdag donderdag vrijdag zaterdag zondag"
)
_MONTH_NAME = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_WEEKDAY = "|".join(sorted(map(re.escape, _WEEKDAYS.split()), key=len, reverse=True))
_DAY_NUMBER = r"[0-3]?\d(?:st|nd|rd|th|er|\.)?"
_CALENDAR = (
    rf"(?:(?:{_MONTH_NAME})\.?\s+{_DAY_NUMBER},?\s+(?:19|20)\d\d"
    rf"|{_DAY_NUMBER}\s+(?:de\s+)?(?:{_MONTH_NAME})\.?,?\s+(?:de\s+)?(?:19|20)\d\d)"
)
_CLOCK = (
    r"(?:,?\s*(?:at|às|as|um|à|a las|alle|om|-|\|)?\s*\d{1,2}[:h.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:uhr|h))?)"
)
_LINE_PATTERNS.append(rf"[|\W]*(?:(?:{_WEEKDAY}),?\s+)?{_CALENDAR}{_CLOCK}?[^\w:]*")
_LINE = re.compile(r"^\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*$", re.IGNORECASE)


def is_furniture(line: str) -> bool:
    return bool(_LINE.match(line))


def filter_lines(text: str) -> str:
    """Drop furniture lines; keep everything else exactly."""
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))
