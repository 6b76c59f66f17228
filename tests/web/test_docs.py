"""The API documentation pages work offline: their scripts and styles come from the app, not a CDN."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import skip_or_fail
from tests.web.conftest import MakeClient

# Every URL a docs page loads: src/href attributes, ReDoc's spec-url, Swagger UI's `url: '...'`.
REFERENCE = re.compile(r"""(?:src|href|spec-url)="([^"]+)"|\burl: '([^']+)'""")


def _references(html: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(html)]


@pytest.fixture
def offline_assets() -> None:
    try:
        import fastapi_offline  # noqa: F401
    except ImportError:
        skip_or_fail("fastapi-offline (the api extra) is not installed")


@pytest.mark.parametrize(
    ("path", "script"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
def test_docs_pages_load_only_local_assets(
    offline_assets: None, make_client: MakeClient, path: str, script: str
) -> None:
    client = make_client()
    response = client.get(path)
    assert response.status_code == 200
    references = _references(response.text)
    assert "/openapi.json" in references
    assert any(r.endswith("/" + script) for r in references), references
    assert all(r.startswith("/") and not r.startswith("//") for r in references), references
    for reference in references:
        asset = client.get(reference)
        assert asset.status_code == 200, reference
    bundle = client.get(next(r for r in references if r.endswith(script)))
    assert len(bundle.content) > 100_000  # the real bundle, not a stub


def test_without_the_assets_docs_pages_say_so_and_link_the_openapi_document(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fastapi_offline", None)  # import fails as if not installed
    client = make_client()
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        assert "fastapi-offline" in response.text and "is not installed" in response.text
        assert _references(response.text) == ["/openapi.json"]  # no script from anywhere
    assert client.get("/openapi.json").json()["info"]["title"] == "newsarchive"
