"""Search over HTTP: a query past the server's time limit is a 400 "query too broad" (API and page),
searches beyond the server's slots are answered 503 at once, and other pages keep working meanwhile."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.research.test_search_limits import blocked
from tests.web.conftest import MakeClient, Seeded
from tests.web.serving import serving


@pytest.fixture
def too_broad(make_client: MakeClient, archive: Archive, seeded: Seeded):
    """A client whose every search outlasts the server's time limit (see tests/research/test_search_limits)."""
    if archive.engine.dialect.name == "postgresql":
        client = make_client(search_timeout=0.2)
        with blocked(archive):
            yield client
    else:
        yield make_client(search_timeout=0.0)


def test_a_search_past_the_time_limit_is_400_query_too_broad(too_broad: TestClient) -> None:
    response = too_broad.get("/articles", params={"q": "council", "all_versions": "true"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("query too broad")
    page = too_broad.get("/", params={"q": "council"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "query too broad" in page.text and 'value="council"' in page.text  # the form comes back filled


def test_searches_beyond_the_slots_are_503_and_article_pages_still_answer(
    make_client: MakeClient, seeded: Seeded
) -> None:
    client = make_client(max_parallel_searches=2)
    slots = client.app.state.search_slots
    with slots.take(), slots.take():  # two searches still running
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: client.get("/articles", params={"q": "coun*"}), range(8)))
        assert [a.status_code for a in answers] == [503] * 8
        assert answers[0].headers["retry-after"] == "1" and "too many searches" in answers[0].json()["detail"]
        page = client.get("/")
        assert page.status_code == 503 and "too many searches" in page.text
        assert client.get(f"/web/articles/{seeded.budget}").status_code == 200
        assert client.get(f"/articles/{seeded.budget}").status_code == 200
    assert client.get("/articles", params={"q": "budg*"}).json()["total"] == 1


def test_a_stopped_search_gives_its_slot_back(too_broad: TestClient) -> None:
    for _ in range(too_broad.app.state.search_slots.size + 2):
        assert too_broad.get("/articles", params={"q": "council"}).status_code == 400


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"published_to": "9999-12-31"}, "published_to must be between"),
        ({"captured_from": "0001-01-01T00:00:00+14:00"}, "captured_from must be between"),
        ({"author": "\x00"}, "must not contain control characters"),
        ({"source": "x\x00"}, "must not contain control characters"),
        ({"domain": "\x00"}, "must not contain control characters"),
        ({"language": "\x00"}, "must not contain control characters"),
        ({"q": "a*"}, "a* is too broad"),
    ],
)
def test_extreme_filters_are_refused_not_500(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code in (400, 422), response.text
    assert message in response.text
    page = client.get("/", params=params)
    assert page.status_code == 400 and message in page.text


def test_serve_takes_the_search_limits_from_its_options(
    archive_config: ArchiveConfig, seeded: Seeded
) -> None:
    if not archive_config.db_url.startswith("sqlite"):
        pytest.skip("the option's path is the same on both databases; the deadline itself is tested on both")
    with serving(archive_config, "--search-timeout", "0.000001", "--max-searches", "1") as base:
        response = httpx.get(base + "/articles", params={"q": "council"}, timeout=30)
        assert response.status_code == 400 and response.json()["detail"].startswith("query too broad")
        assert httpx.get(base + f"/articles/{seeded.budget}", timeout=30).status_code == 200
