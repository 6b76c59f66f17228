"""The cyclic collector is paused during one extraction and restored after it, whatever happens."""

from __future__ import annotations

import gc

import pytest

from crawler.extract import core, extract_article

PAGE = "<html><body><article><h1>Head</h1><p>" + "A sentence of news. " * 40 + "</p></article></body></html>"


def _spy(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[bool]:
    seen: list[bool] = []
    real = core._assemble

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("bug in a pass")
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "_assemble", spy)
    return seen


def test_collector_paused_during_extraction_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy(monkeypatch)
    assert gc.isenabled()
    article = extract_article(PAGE, "https://news.example/a")
    assert seen == [False]
    assert gc.isenabled()
    assert "A sentence of news." in article.text


def test_collector_restored_when_a_pass_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy(monkeypatch, fail=True)
    article = extract_article(PAGE, "https://news.example/a")
    assert seen == [False] and "error" in article.flags
    assert gc.isenabled()


def test_collector_left_off_when_the_caller_turned_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy(monkeypatch)
    gc.disable()
    try:
        extract_article(PAGE, "https://news.example/a")
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()
