"""The JSON API's read routes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from newsarchive.storage.archive import Archive
from tests.web.conftest import FIELDS, URL, XSS_TITLE, MakeClient, Seeded


def test_article_has_latest_version_and_observed_times(client: TestClient, seeded: Seeded) -> None:
    response = client.get(f"/articles/{seeded.budget}")
    assert response.status_code == 200
    data = response.json()
    assert (data["article_id"], data["url"], data["versions"], data["status"]) == (
        seeded.budget,
        URL,
        2,
        "live",
    )
    assert data["latest"]["version"] == 2
    assert data["latest"]["title"] == "Council rejects budget"
    assert data["latest"]["published"] == "2026-03-01"
    assert data["first_seen"].startswith("2026-03-01T12:00:00")
    assert data["last_seen"].startswith("2026-03-01T15:00:00")
    assert data["latest"]["changes"]["headline_changed"] is True
    assert data["events"] == []


def test_versions_are_listed_oldest_first_with_counts(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/articles/{seeded.budget}/versions").json()
    assert [v["version"] for v in data["versions"]] == [1, 2]
    first, second = data["versions"]
    assert first["captures"] == 2 and second["captures"] == 1
    assert first["changes"] == {"first": True}
    assert second["changes"]["words_added"] == 1 and second["changes"]["words_removed"] == 1


def test_version_by_id_is_the_archived_text(client: TestClient, seeded: Seeded) -> None:
    versions = client.get(f"/articles/{seeded.budget}/versions").json()["versions"]
    data = client.get(f"/versions/{versions[0]['version_id']}").json()
    assert (data["version"], data["title"], data["text"]) == (1, FIELDS["title"], FIELDS["text"])
    assert data["version_id"] == versions[0]["version_id"]
    assert data["captions"][0]["credit"] == "Staff"


def test_diff_defaults_to_latest_against_previous(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/articles/{seeded.budget}/diff").json()
    assert (data["from_version"], data["to_version"]) == (1, 2)
    fields = {f["field"]: f for f in data["fields"]}
    assert fields["captions"]["changed"] is False
    title_ops = [(op["op"], op["text"]) for op in fields["title"]["ops"]]
    assert ("delete", "approves") in title_ops and ("insert", "rejects") in title_ops
    # Joining the runs of either side rebuilds that version's text.
    old = "".join(op["text"] for op in fields["text"]["ops"] if op["op"] != "insert")
    new = "".join(op["text"] for op in fields["text"]["ops"] if op["op"] != "delete")
    assert old == FIELDS["text"] and new.startswith("The council rejected the budget")


def test_diff_with_explicit_versions(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/articles/{seeded.budget}/diff", params={"from": 2, "to": 1}).json()
    assert (data["from_version"], data["to_version"]) == (2, 1)
    same = client.get(f"/articles/{seeded.xss}/diff").json()
    assert (same["from_version"], same["to_version"]) == (1, 1)
    assert not any(f["changed"] for f in same["fields"])


def test_archived_markup_comes_back_verbatim_as_json(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/articles/{seeded.xss}").json()
    assert data["latest"]["title"] == XSS_TITLE


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/articles/999999", 404, "no article with id 999999"),
        ("/articles/999999/versions", 404, "no article with id 999999"),
        ("/articles/999999/diff", 404, "no article with id 999999"),
        ("/versions/999999", 404, "no version with id 999999"),
        ("/articles/{budget}/diff?from=7", 404, "has no version 7"),
        ("/articles/{budget}/diff?to=3", 404, "has no version 3"),
    ],
)
def test_unknown_ids_are_404_with_a_message(
    client: TestClient, seeded: Seeded, path: str, status: int, message: str
) -> None:
    response = client.get(path.format(budget=seeded.budget))
    assert response.status_code == status
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/articles/abc",
        "/articles/0",
        "/articles/-1",
        "/articles/99999999999999999999999",  # beyond PostgreSQL's integer: a 422, not a 500
        "/versions/1.5",
        "/versions/9223372036854775808",
        "/articles/1/diff?from=x",
        "/articles/1/diff?to=0",
        "/articles/1/diff?from=99999999999",
    ],
)
def test_bad_parameters_are_422_with_a_message(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"]


def test_openapi_documents_every_route_with_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/articles", "get"),
        ("/articles/{article_id}", "get"),
        ("/articles/{article_id}/versions", "get"),
        ("/articles/{article_id}/diff", "get"),
        ("/versions/{version_id}", "get"),
        ("/captures", "post"),
    ]:
        operation = paths[path][method]
        assert operation["summary"], path
        assert any(code in operation["responses"] for code in ("200", "201")), path
    assert "/web/capture" not in paths and "/" not in paths  # the HTML pages stay out of the API docs
    search_params = {p["name"] for p in paths["/articles"]["get"]["parameters"]}
    assert {"q", "source", "domain", "language", "author", "published_from", "published_to"} <= search_params
    assert {
        "captured_from",
        "captured_to",
        "changed",
        "all_versions",
        "sort",
        "limit",
        "offset",
        "cursor",
    } <= search_params
    diff_params = {p["name"] for p in paths["/articles/{article_id}/diff"]["get"]["parameters"]}
    assert {"from", "to"} <= diff_params
    capture = paths["/captures"]["post"]
    assert {"401", "403", "502"} <= set(capture["responses"])
    assert capture["security"] == [{"HTTPBearer": []}]
    assert "VersionOut" in schema["components"]["schemas"]
    assert schema["components"]["schemas"]["VersionOut"].get("examples")
    assert client.get("/docs").status_code == 200


def test_diff_reports_changed_bylines_and_dates_as_values(archive: Archive, make_client: MakeClient) -> None:
    from tests.web.conftest import T0, record

    url = "https://news.example.com/2026/03/05/byline.html"
    article_id = record(archive, T0, url=url)
    record(
        archive, T0 + timedelta(hours=1), url=url, authors=["Ana Ruiz", "<b>Bo</b>"], modified="2026-03-02"
    )
    client = make_client()
    data = client.get(f"/articles/{article_id}/diff").json()
    assert data["changed"] is True
    assert data["values"]["authors"] == {"from": ["Ana Ruiz"], "to": ["Ana Ruiz", "<b>Bo</b>"]}
    assert data["values"]["modified"] == {"from": None, "to": "2026-03-02"}
    assert data["summary"]["authors_changed"] is True and data["summary"]["dates_changed"] is True
    html = client.get(f"/web/articles/{article_id}/diff").text
    assert "Other fields that changed" in html
    assert '<td data-label="v2"><ins>Ana Ruiz, &lt;b&gt;Bo&lt;/b&gt;</ins></td>' in html
    assert '<td data-label="v1"><span class="none">none</span></td>' in html and "byline changed" in html


def test_documented_examples_are_valid_responses() -> None:
    from newsarchive.crawler.web.schemas import SearchOut, VersionOut

    for model in (SearchOut, VersionOut):
        examples = model.model_config["json_schema_extra"]["examples"]  # type: ignore[index]
        assert examples
        for example in examples:
            model.model_validate(example)
