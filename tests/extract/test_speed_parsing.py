"""The one parse of a page: same tree as trafilatura's own loader, cheaper elements."""

from __future__ import annotations

from copy import copy, deepcopy

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsarchive.crawler.extract.page.parsing import parse_html

TRICKY = [
    # plain page
    "<html><head><title>T</title></head><body><p>One.</p><p>Two &amp; three.</p></body></html>",
    # XML declaration with an encoding: lxml refuses it as str, parsed again as bytes
    '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Caf\u00e9 news.</p></body></html>',
    # XHTML doctype with slashes (a libxml2 bug trafilatura works around)
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    "<html><body><p>Strict.</p></body></html>",
    # self-closing <html/> in the first lines
    '<html lang="en"/>\n<body><p>Odd start.</p></body>',
    # control characters in the text
    "<html><body><p>Bell\x07 and\x0b vertical tab.</p></body></html>",
    # comments and processing instructions are dropped
    "<html><body><!-- note --><?php echo 1; ?><p>Text.</p></body></html>",
    # a fragment without <html>
    "<div><p>Only a fragment.</p><p>Two blocks.</p></div>",
    # form controls: lxml.html would give them their own classes
    "<html><body><form><label>Name</label><input name=q><select><option>a</option></select>"
    "<textarea>t</textarea></form><p>After the form.</p></body></html>",
]


@pytest.mark.parametrize("html", TRICKY)
def test_same_tree_as_trafilatura_loader(html: str) -> None:
    ours, theirs = parse_html(html), load_html(html)
    assert (ours is None) == (theirs is None)
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


@pytest.mark.parametrize("text", ["just some words, no markup at all", '{"json": true}'])
def test_not_html_gives_none_like_trafilatura(text: str) -> None:
    assert load_html(text) is None
    assert parse_html(text) is None


def test_every_element_is_a_plain_html_element_also_in_copies() -> None:
    tree = parse_html(TRICKY[-1])
    assert tree is not None
    for node in (tree, copy(tree), deepcopy(tree)):
        kinds = {type(el) for el in node.iter()}
        # lxml.html would make FormElement, InputElement, ... here
        assert kinds == {HtmlElement}
        assert node.find(".//form").text_content().startswith("Name")
