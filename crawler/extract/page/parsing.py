"""Page text to the one lxml tree every pass of the extractor reads.

The parser has trafilatura's own settings (comments and processing
instructions dropped, no id index, no default doctype) and the input gets
trafilatura's repairs of faulty markup, so trafilatura receives the tree it
would have built itself. One thing differs, for speed: lxml.html chooses
the Python class of an element with a lookup written in Python (so that
``<form>`` and ``<input>`` get form-handling helpers), and lxml calls it
every time Python code touches an element it has not handed out yet:
thousands of times per page, in trafilatura's passes and in ours. Nothing
in the extractor uses the form helpers, so every element is a plain
``HtmlElement``, chosen in C. The class travels with the document:
trafilatura's and htmldate's copies of the tree get it too.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.utils import is_dubious_html, repair_faulty_html


def _parser() -> etree.HTMLParser:
    parser = etree.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    return parser


PARSER = _parser()


def _from_bytes(text: str) -> HtmlElement | None:
    # Surrogates (from a broken UTF-16 page) cannot be encoded strictly.
    try:
        return fromstring(text.encode("utf-8", "surrogatepass"), parser=PARSER)
    except Exception:  # noqa: BLE001 - lxml raises a zoo of errors on junk; junk is no tree
        return None


def parse_html(text: str) -> HtmlElement | None:
    """The tree of ``text``, or None when it is not HTML at all.

    Same decisions as trafilatura's ``load_html`` for a string: a text that
    declares an XML encoding (lxml refuses those as str) or that yields no
    element is parsed again as UTF-8 bytes, and a text that does not start
    like HTML must give at least two top-level elements.
    """
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = None
    retried = False
    try:
        tree = fromstring(text, parser=PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree = _from_bytes(text)
        retried = True
    except Exception:  # noqa: BLE001
        tree = None
    if (tree is None or len(tree) < 1) and not retried:
        tree = _from_bytes(text)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree
