"""The API says when a filter names nothing the archive has, or a parameter the route does not take.

Both used to answer 200 with nothing in it, which reads as "no such articles"
when it means "you mistyped".
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Seeded


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/articles", {"source": "nosuch"}, "no source named 'nosuch' in this archive (it has none yet)"),
        ("/articles", {"q": "budget", "domain": "NOSUCH.example"}, "no domain named 'nosuch.example'"),
        ("/changes", {"source": "nosuch"}, "no source named 'nosuch'"),
        ("/changes", {"domain": "elsewhere.example"}, "known: news.example.com"),
    ],
)
def test_unknown_sources_and_domains_are_400_saying_so(
    client: TestClient, path: str, params: dict[str, str], message: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


def test_known_names_still_filter(client: TestClient, seeded: Seeded) -> None:
    hits = client.get("/articles", params={"domain": "news.example.com", "changed": "true"}).json()["hits"]
    assert [hit["article_id"] for hit in hits] == [seeded.budget]
    changes = client.get("/changes", params={"domain": "News.Example.com"}).json()["changes"]
    assert [change["article_id"] for change in changes] == [seeded.budget]


SEARCH = ["q", "source", "domain", "language", "author", "keyword", "section", "published_from"]
SEARCH += [
    "published_to",
    "captured_from",
    "captured_to",
    "changed",
    "all_versions",
    "sort",
    "limit",
    "offset",
    "cursor",
    "detected_language",
    "any_language",
    "cluster",
]
CHANGES = ["kind", "source", "domain", "since", "until", "limit", "include_extractor"]


@pytest.mark.parametrize(
    ("path", "params", "hint", "accepted"),
    [
        ("/articles", {"q": "budget", "sorce": "x"}, "did you mean 'source'?", SEARCH),
        ("/articles", {"q": "budget", "page": "2"}, "ctx.accepted lists what it takes", SEARCH),
        ("/changes", {"kinds": "typo"}, "did you mean 'kind'?", CHANGES),
        ("/changes", {"since": "2026-03-01T00:00:00Z", "sinse": "x"}, "did you mean 'since'?", CHANGES),
        ("/articles/{budget}", {"version": "1"}, "this endpoint takes none", []),
        ("/articles/{budget}/diff", {"form": "1"}, "did you mean 'from'?", ["from", "to"]),
        ("/articles/{budget}/versions", {"limit": "5"}, "this endpoint takes none", []),
    ],
)
def test_a_parameter_the_route_does_not_take_is_422_naming_it(
    client: TestClient,
    seeded: Seeded,
    path: str,
    params: dict[str, str],
    hint: str,
    accepted: list[str],
) -> None:
    response = client.get(path.format(budget=seeded.budget), params=params)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    (typo,) = [name for name in params if name not in ("q", "since")]
    assert [error["loc"] for error in errors] == [["query", typo]]
    assert errors[0]["type"] == "extra_forbidden"
    assert errors[0]["msg"].startswith(f"unknown query parameter {typo!r}")
    assert hint in errors[0]["msg"]
    assert errors[0]["ctx"]["accepted"] == sorted(accepted)


def test_every_declared_parameter_is_still_taken(client: TestClient, seeded: Seeded) -> None:
    every_filter = {
        "q": "budget",
        "source": None,
        "domain": "news.example.com",
        "language": "en",
        "author": "ruiz",
        "keyword": None,
        "section": None,
        "published_from": "2026-03-01",
        "published_to": "2026-03-01",
        "captured_from": "2026-03-01T00:00:00Z",
        "captured_to": "2026-03-02T00:00:00Z",
        "changed": "true",
        "all_versions": "false",
        "sort": "date",
        "limit": "5",
        "offset": "0",
    }
    params = {name: value for name, value in every_filter.items() if value is not None}
    response = client.get("/articles", params=params)
    assert response.status_code == 200 and response.json()["total"] == 1, response.text
    changes = client.get(
        "/changes",
        params=[("kind", "wording"), ("kind", "headline"), ("domain", "news.example.com"), ("limit", "5")]
        + [("since", "2026-03-01T00:00:00Z"), ("until", "2026-03-02T00:00:00Z")],
    )
    assert changes.status_code == 200 and len(changes.json()["changes"]) == 1, changes.text
    diff = client.get(f"/articles/{seeded.budget}/diff", params={"from": 1, "to": 2})
    assert diff.status_code == 200
