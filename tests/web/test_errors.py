"""Errors are answered once, by the app: JSON on API routes, the HTML error page on page routes."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from newsarchive.crawler.web.errors import PageRoute, RequestError
from newsarchive.storage.research.read import NotFound
from newsarchive.storage.research.search.query import BadQuery
from tests.web.conftest import MakeClient, Seeded

RAISED = {
    "not-found": (NotFound("no widget 7"), 404, "no widget 7"),
    "bad-query": (BadQuery("the query only excludes words"), 400, "the query only excludes words"),
    "refused": (RequestError(409, "busy right now"), 409, "busy right now"),
}


def _raiser(exc: Exception):  # type: ignore[no-untyped-def]
    def route() -> None:
        raise exc

    return route


@pytest.fixture
def raising_client(make_client: MakeClient) -> TestClient:
    """The real app plus one API route and one page route per error, each raising it bare."""
    client = make_client()
    api, pages = APIRouter(), APIRouter(route_class=PageRoute)
    for name, (exc, _status, _message) in RAISED.items():
        api.add_api_route(f"/test-raise/{name}", _raiser(exc))
        pages.add_api_route(f"/web/test-raise/{name}", _raiser(exc))
    client.app.include_router(api)  # type: ignore[attr-defined]
    client.app.include_router(pages)  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("name", sorted(RAISED))
def test_an_api_route_need_not_catch_the_archives_errors(raising_client: TestClient, name: str) -> None:
    _exc, status, message = RAISED[name]
    response = raising_client.get(f"/test-raise/{name}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": message}  # what HTTPException(status, message) answers


@pytest.mark.parametrize("name", sorted(RAISED))
def test_a_page_route_answers_the_same_errors_with_the_error_page(
    raising_client: TestClient, name: str
) -> None:
    _exc, status, message = RAISED[name]
    response = raising_client.get(f"/web/test-raise/{name}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"<h1>Error {status}</h1>" in response.text
    assert f'<p class="error" role="alert">{message}</p>' in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_unknown_ids_answer_exactly_as_before(client: TestClient, seeded: Seeded) -> None:
    api = client.get("/articles/999999")
    assert (api.status_code, api.json()) == (404, {"detail": "no article with id 999999"})
    version = client.get(f"/articles/{seeded.budget}/diff", params={"to": 3})
    assert version.status_code == 404
    assert version.json() == {
        "detail": "article https://news.example.com/2026/03/01/budget.html has no version 3 (it has 2)"
    }
    page = client.get("/web/articles/999999")
    assert page.status_code == 404 and "<h1>Error 404</h1>" in page.text
    assert client.get("/no/such/path").json() == {"detail": "Not Found"}  # FastAPI's own, unchanged


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/web/articles/%C2%B2", 404),  # "²" passes str.isdigit() but not int()
        ("/web/articles/%C2%B2/diff", 404),
        ("/web/articles/{budget}/diff?from=%C2%B2", 400),
    ],
)
def test_page_ids_that_only_look_numeric_are_errors_not_crashes(
    client: TestClient, seeded: Seeded, path: str, status: int
) -> None:
    response = client.get(path.format(budget=seeded.budget))
    assert response.status_code == status
    assert 'role="alert"' in response.text


def test_an_oversized_capture_form_is_the_413_error_page(client: TestClient) -> None:
    response = client.post(
        "/web/capture",
        content=b"url=" + b"x" * 20_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html") and "too large" in response.text
